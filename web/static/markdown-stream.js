// Renders an answer that grows as it streams without re-parsing what is
// already final. Finished top-level blocks (see finishedBlocks) are rendered
// once and stay in the DOM; each update parses and re-renders only the text
// after them, usually the one block still being written. The result is the
// same DOM that render() gives for the whole text.

import { finishedBlocks, parseTopLevel, renderBlocks } from "./markdown.js";

export class StreamRenderer {
  /**
   * @param {Element} container the element the answer fills
   * @param {{doc?: Document, decorateCode?: (pre: Element, code: string) => Node}} opts
   */
  constructor(container, opts = {}) {
    this.container = container;
    this.doc = opts.doc || globalThis.document;
    this.opts = { decorateCode: opts.decorateCode };
    this.text = "";
    this.done = 0; // length of the prefix of text whose blocks are final
    this.live = []; // DOM nodes of the blocks after it
    /** Parse work, for tests: calls, characters parsed in all and by the last call. */
    this.stats = { parses: 0, parsedChars: 0, lastParsed: 0 };
  }

  /** Shows text, which normally extends the text shown before. */
  update(text) {
    if (text === this.text) return;
    if (!text.startsWith(this.text.slice(0, this.done))) this.reset();
    this.text = text;
    const tail = text.slice(this.done);
    this.stats.parses++;
    this.stats.parsedChars += tail.length;
    this.stats.lastParsed = tail.length;
    const parsed = parseTopLevel(tail);
    const final = finishedBlocks(parsed);
    for (const node of this.live) this.container.removeChild(node);
    const nodes = renderBlocks(parsed.blocks, this.doc, this.opts);
    for (const node of nodes) this.container.appendChild(node);
    this.live = nodes.slice(final);
    if (final > 0) this.done += lineOffset(tail, parsed.starts[final]);
  }

  /** Empties the container, for a text that does not extend the last one. */
  reset() {
    while (this.container.lastChild) this.container.removeChild(this.container.lastChild);
    this.text = "";
    this.done = 0;
    this.live = [];
  }
}

// lineOffset is where line k of text starts, counting CRLF, CR and LF as one
// line break each, as the parser does.
function lineOffset(text, k) {
  let i = 0;
  while (k > 0) {
    const c = text[i++];
    if (c === "\r") {
      if (text[i] === "\n") i++;
      k--;
    } else if (c === "\n") {
      k--;
    }
  }
  return i;
}

/**
 * Calls paint with the latest text at most once per animation frame. flush
 * paints at once and drops the frame already asked for, so nothing repaints
 * after the caller has declared the answer finished.
 * @param {(text: string) => void} paint
 * @param {{request?: (cb: () => void) => any, cancel?: (id: any) => void}} frames
 */
export function framePainter(paint, frames = {}) {
  const request = frames.request || ((cb) => globalThis.requestAnimationFrame(cb));
  const cancel = frames.cancel || ((id) => globalThis.cancelAnimationFrame(id));
  let text = "";
  let pending = null;
  const run = () => {
    pending = null;
    paint(text);
  };
  return {
    set(t) {
      text = t;
      pending ??= request(run);
    },
    flush() {
      if (pending !== null) cancel(pending);
      run();
    },
  };
}
