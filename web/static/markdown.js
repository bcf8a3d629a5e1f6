// A small Markdown renderer for model output. It parses text into a tree of
// plain objects, then builds DOM nodes with createElement and createTextNode
// only: no HTML parsing, no attributes taken from the text except link targets,
// which must be http(s) URLs. Whatever the model writes, the result is text
// in a fixed set of elements, never markup or script.
//
// Supported: paragraphs, ATX headings, emphasis (* _ ** __ ~~), inline code,
// fenced code blocks (``` and ~~~, an unclosed fence runs to the end so a
// streaming answer renders as it grows), ordered and unordered lists (nested
// by indentation), block quotes, thematic breaks, GFM pipe tables with column
// alignment, links [text](url) and autolinks <url>, backslash escapes.
//
// Lines are classified by scanners that look at each character a bounded
// number of times; no regular expression here can backtrack across a line.

import { parseInline, safeHref, work, MAX_DEPTH } from "./markdown-inline.js";
import { parseTable, tableStartsAt } from "./markdown-table.js";

export { parseInline, safeHref, work };

/**
 * @typedef {{type: string, text?: string, level?: number, lang?: string,
 *   ordered?: boolean, start?: number, href?: string, loose?: boolean,
 *   children?: Node[], items?: Node[][], aligns?: string[],
 *   head?: Node[][], rows?: Node[][][]}} Node
 */

// Bounded prefixes: at most three spaces, a marker, then spaces.
const BULLET = /^( {0,3})([-*+])([ \t]+|$)/;
const ORDERED = /^( {0,3})(\d{1,9})([.)])([ \t]+|$)/;
const QUOTE = /^ {0,3}> ?/;

/** Parses Markdown text into block nodes. */
export function parse(text) {
  return parseBlocks(splitLines(text), 0);
}

/**
 * Parses text and says where each top-level block starts, for renderers
 * that keep finished blocks (see finishedBlocks).
 * @returns {{blocks: Node[], starts: number[], lines: string[]}}
 */
export function parseTopLevel(text) {
  const lines = splitLines(text);
  const starts = [];
  return { blocks: parseBlocks(lines, 0, starts), starts, lines };
}

function splitLines(text) {
  return String(text).replace(/\r\n?/g, "\n").split("\n");
}

/**
 * How many of parsed's leading blocks are final: no text appended later can
 * change them. Block b is final when a later block starts on a complete,
 * unindented line after a blank line that is not a list item (a list may
 * go on after a blank line and a following item would make it loose). Every
 * block before such a line was closed by the lines before it, and the parser
 * keeps no state from one top-level block to the next.
 * @param {{blocks: Node[], starts: number[], lines: string[]}} parsed
 */
export function finishedBlocks({ blocks, starts, lines }) {
  for (let b = blocks.length - 1; b > 0; b--) {
    const k = starts[b];
    const line = lines[k];
    if (k >= lines.length - 1) continue; // the last line may still grow
    if (!isBlank(lines[k - 1]) || line[0] === " " || line[0] === "\t") continue;
    if (BULLET.test(line) || ORDERED.test(line)) continue;
    return b;
  }
  return 0;
}

function isBlank(line) {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== " " && c !== "\t") {
      work.steps += i + 1;
      return /^\s+$/.test(line); // other whitespace, as String.trim sees it
    }
  }
  work.steps += line.length + 1;
  return true;
}

function parseBlocks(lines, depth, starts = null) {
  /** @type {Node[]} */
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    starts?.push(i);
    let m;
    if ((m = fenceOpen(line))) {
      const indent = line.length - line.trimStart().length;
      const body = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i], m.fence)) {
        body.push(stripIndent(lines[i], indent));
        i++;
      }
      i++; // the closing fence, if any
      blocks.push({ type: "code", lang: m.lang.replace(/[^\w+#.-]/g, ""), text: body.join("\n") });
      continue;
    }
    if ((m = heading(line))) {
      blocks.push({ type: "heading", level: m.level, children: parseInline(m.text, depth) });
      i++;
      continue;
    }
    if (isRule(line)) {
      blocks.push({ type: "rule" });
      i++;
      continue;
    }
    if (depth < MAX_DEPTH && QUOTE.test(line)) {
      const body = [];
      while (i < lines.length && QUOTE.test(lines[i])) {
        body.push(lines[i].replace(QUOTE, ""));
        i++;
      }
      blocks.push({ type: "quote", children: parseBlocks(body, depth + 1) });
      continue;
    }
    if (depth < MAX_DEPTH && (BULLET.test(line) || ORDERED.test(line))) {
      i = parseList(lines, i, depth, blocks);
      continue;
    }
    if (tableStartsAt(lines, i)) {
      const table = parseTable(lines, i, (l) => isBlank(l) || startsBlock(l));
      blocks.push({
        type: "table",
        aligns: table.aligns,
        head: table.head.map((c) => parseInline(c, depth)),
        rows: table.rows.map((r) => r.map((c) => parseInline(c, depth))),
      });
      i = table.end;
      continue;
    }
    const para = [line.trim()];
    i++;
    while (i < lines.length && !isBlank(lines[i]) && !startsBlock(lines[i]) && !tableStartsAt(lines, i)) {
      para.push(lines[i].trim());
      i++;
    }
    blocks.push({ type: "paragraph", children: parseInline(para.join("\n"), depth) });
  }
  return blocks;
}

function startsBlock(line) {
  return fenceOpen(line) !== null || heading(line) !== null || isRule(line) ||
    QUOTE.test(line) || BULLET.test(line) || ORDERED.test(line);
}

// Up to three spaces of indentation, as block markers allow.
function markerStart(line) {
  let i = 0;
  while (i < 3 && line[i] === " ") i++;
  return i;
}

const isSpaceOrTab = (c) => c === " " || c === "\t";

// fenceOpen: three or more ` or ~, then an info string whose first word is
// the language. A backtick fence's info string has no backticks.
function fenceOpen(line) {
  const i = markerStart(line);
  const c = line[i];
  if (c !== "`" && c !== "~") return null;
  let j = i;
  while (line[j] === c) j++;
  work.steps += j - i + 1;
  if (j - i < 3) return null;
  let s = j;
  while (s < line.length && isSpaceOrTab(line[s])) s++;
  let e = s;
  while (e < line.length && !isSpaceOrTab(line[e])) e++;
  work.steps += line.length - j;
  if (c === "`" && line.indexOf("`", j) >= 0) return null;
  return { fence: line.slice(i, j), lang: line.slice(s, e) };
}

function isClosingFence(line, fence) {
  const t = line.trim();
  work.steps += line.length + 1;
  if (t.length < fence.length) return false;
  for (let i = 0; i < t.length; i++) if (t[i] !== fence[0]) return false;
  return true;
}

// heading: one to six #, then a space, tab or the end of the line; the text
// loses surrounding spaces and tabs and an optional closing run of #.
function heading(line) {
  const i = markerStart(line);
  let j = i;
  while (line[j] === "#" && j - i < 7) j++;
  work.steps += j - i + 1;
  const level = j - i;
  if (level < 1 || level > 6 || (j < line.length && !isSpaceOrTab(line[j]))) return null;
  let start = j;
  let end = line.length;
  while (start < end && isSpaceOrTab(line[start])) start++;
  while (end > start && isSpaceOrTab(line[end - 1])) end--;
  let k = end;
  while (k > start && line[k - 1] === "#") k--;
  if (k < end && (k === start || isSpaceOrTab(line[k - 1]))) {
    end = k;
    while (end > start && isSpaceOrTab(line[end - 1])) end--;
  }
  work.steps += line.length - j + 1;
  return { level, text: line.slice(start, end) };
}

// isRule: three or more of the same -, * or _, with only spaces and tabs
// between them.
function isRule(line) {
  let i = markerStart(line);
  const c = line[i];
  if (c !== "-" && c !== "*" && c !== "_") return false;
  let n = 0;
  for (; i < line.length; i++) {
    work.steps++;
    if (line[i] === c) n++;
    else if (!isSpaceOrTab(line[i])) return false;
  }
  return n >= 3;
}

function stripIndent(line, n) {
  let k = 0;
  while (k < n && line[k] === " ") k++;
  return line.slice(k);
}

function listMarker(line) {
  let m = BULLET.exec(line);
  if (m) return { ordered: false, bullet: m[2], width: m[0].length || 2, start: 1 };
  m = ORDERED.exec(line);
  if (m) return { ordered: true, bullet: m[3], width: m[0].length || m[1].length + m[2].length + 2, start: Number(m[2]) };
  return null;
}

// Collects one list starting at lines[i]. An item owns the lines after its
// marker that are indented at least as far as its text (or blank); those are
// parsed as blocks, so lists nest.
function parseList(lines, i, depth, blocks) {
  const first = listMarker(lines[i]);
  const list = { type: "list", ordered: first.ordered, start: first.start, items: [] };
  let loose = false;
  while (i < lines.length) {
    const marker = listMarker(lines[i]);
    if (!marker || marker.ordered !== first.ordered || marker.bullet !== first.bullet) break;
    const body = [lines[i].slice(marker.width)];
    i++;
    let sawBlank = false;
    while (i < lines.length) {
      const line = lines[i];
      if (isBlank(line)) {
        sawBlank = true;
        body.push("");
        i++;
        continue;
      }
      const indent = line.length - line.trimStart().length;
      if (indent >= marker.width) {
        body.push(stripIndent(line, marker.width));
      } else if (!sawBlank && !startsBlock(line)) {
        body.push(line.trim()); // a lazy continuation of the item's paragraph
      } else {
        break;
      }
      i++;
    }
    while (body.length > 1 && body[body.length - 1] === "") body.pop();
    if (sawBlank && i < lines.length && listMarker(lines[i])) loose = true;
    list.items.push(parseBlocks(body, depth + 1));
  }
  list.loose = loose;
  blocks.push(list);
  return i;
}

/**
 * @typedef {{decorateCode?: (pre: Element, code: string) => Node}} RenderOptions
 * decorateCode wraps or adorns a rendered code block (the page adds a copy
 * button); it gets the <pre> and the code's text and returns what to insert.
 */

/**
 * Renders Markdown text as a DocumentFragment built from doc.
 * @param {string} text
 * @param {Document} doc
 * @param {RenderOptions} opts
 */
export function render(text, doc = globalThis.document, opts = {}) {
  const frag = doc.createDocumentFragment();
  for (const node of renderBlocks(parse(text), doc, opts)) frag.appendChild(node);
  return frag;
}

/** Renders parsed top-level blocks, one DOM node per block. */
export function renderBlocks(blocks, doc = globalThis.document, opts = {}) {
  return blocks.map((block) => renderBlock(block, { doc, opts }, false));
}

function el(doc, tag, children, render) {
  const e = doc.createElement(tag);
  for (const child of children || []) e.appendChild(render(child));
  return e;
}

function renderBlock(node, ctx, tight) {
  const { doc } = ctx;
  const inline = (n) => renderInline(n, doc);
  switch (node.type) {
    case "heading":
      return el(doc, "h" + node.level, node.children, inline);
    case "code": {
      const pre = doc.createElement("pre");
      const code = doc.createElement("code");
      if (node.lang) code.setAttribute("data-lang", node.lang);
      code.textContent = node.text;
      pre.appendChild(code);
      return ctx.opts.decorateCode ? ctx.opts.decorateCode(pre, node.text) : pre;
    }
    case "rule":
      return doc.createElement("hr");
    case "quote":
      return el(doc, "blockquote", node.children, (b) => renderBlock(b, ctx, false));
    case "list": {
      const list = doc.createElement(node.ordered ? "ol" : "ul");
      if (node.ordered && node.start !== 1) list.setAttribute("start", String(node.start));
      for (const item of node.items) {
        list.appendChild(el(doc, "li", item, (b) => renderBlock(b, ctx, !node.loose)));
      }
      return list;
    }
    case "table":
      return renderTable(node, doc);
    case "paragraph":
      if (tight) {
        const span = el(doc, "span", node.children, inline);
        span.setAttribute("class", "md-tight");
        return span;
      }
      return el(doc, "p", node.children, inline);
  }
  throw new Error("markdown: unknown block " + node.type);
}

// A table sits in a scrolling box so a wide one never widens the page.
// Alignment is a class: the page's CSP allows no style attributes.
function renderTable(node, doc) {
  const row = (cells, tag) => {
    const tr = doc.createElement("tr");
    cells.forEach((cell, c) => {
      const td = el(doc, tag, cell, (n) => renderInline(n, doc));
      if (node.aligns[c]) td.setAttribute("class", "md-align-" + node.aligns[c]);
      tr.appendChild(td);
    });
    return tr;
  };
  const table = doc.createElement("table");
  const thead = doc.createElement("thead");
  thead.appendChild(row(node.head, "th"));
  table.appendChild(thead);
  if (node.rows.length) {
    const tbody = doc.createElement("tbody");
    for (const r of node.rows) tbody.appendChild(row(r, "td"));
    table.appendChild(tbody);
  }
  const box = doc.createElement("div");
  box.setAttribute("class", "md-table");
  box.appendChild(table);
  return box;
}

function renderInline(node, doc) {
  const inline = (n) => renderInline(n, doc);
  switch (node.type) {
    case "text":
      return doc.createTextNode(node.text);
    case "code": {
      const code = doc.createElement("code");
      code.textContent = node.text;
      return code;
    }
    case "em":
    case "strong":
    case "del":
      return el(doc, node.type, node.children, inline);
    case "link": {
      const a = el(doc, "a", node.children, inline);
      a.setAttribute("href", node.href);
      a.setAttribute("rel", "noopener noreferrer nofollow");
      a.setAttribute("target", "_blank");
      return a;
    }
  }
  throw new Error("markdown: unknown inline " + node.type);
}
