// Server-sent events over fetch. EventSource cannot POST or set headers, so
// the page reads the response body itself and parses it with SSEParser, which
// follows the WHATWG "event stream interpretation" rules: lines end in CRLF,
// LF or CR; "field: value" loses one leading space; data lines join with LF;
// an empty line dispatches; lines starting with ":" are comments.

/** @typedef {{event: string, data: string, id: string}} SSEEvent */

export class SSEParser {
  constructor() {
    this.buffer = "";
    this.pendingCR = false; // a chunk ended in CR: a following LF belongs to it
    this.lastEventId = "";
    this.reset();
  }

  reset() {
    this.eventType = "";
    this.data = "";
    this.hasData = false;
  }

  /**
   * Feeds decoded text and returns the events it completed.
   * @param {string} chunk
   * @returns {SSEEvent[]}
   */
  push(chunk) {
    const events = [];
    let text = chunk;
    if (this.pendingCR && text.startsWith("\n")) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== "\n" && c !== "\r") continue;
      const line = this.buffer.slice(start, i);
      if (c === "\r") {
        if (i + 1 === this.buffer.length) this.pendingCR = true;
        else if (this.buffer[i + 1] === "\n") i++;
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) events.push(ev);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** @returns {SSEEvent | null} */
  line(line) {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    let field = line;
    let value = "";
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
    }
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data += value + "\n";
        this.hasData = true;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      // "retry" and unknown fields are ignored: reconnection is the caller's.
    }
    return null;
  }

  dispatch() {
    if (!this.hasData) {
      this.reset();
      return null;
    }
    const ev = {
      event: this.eventType || "message",
      data: this.data.slice(0, -1),
      id: this.lastEventId,
    };
    this.reset();
    return ev;
  }
}

/**
 * Yields the events of a response body. An event cut off by the end of the
 * body is dropped, as the standard requires.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<SSEEvent>}
 */
export async function* readEvents(body) {
  const parser = new SSEParser();
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield* parser.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}
