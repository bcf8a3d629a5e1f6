// A small Markdown renderer for model output. It parses text into a tree of
// plain objects, then builds DOM nodes with createElement and createTextNode
// only: no HTML parsing, no attributes taken from the text except link targets,
// which must be http(s) URLs. Whatever the model writes, the result is text
// in a fixed set of elements, never markup or script.
//
// Supported: paragraphs, ATX headings, emphasis (* _ ** __ ~~), inline code,
// fenced code blocks (``` and ~~~, an unclosed fence runs to the end so a
// streaming answer renders as it grows), ordered and unordered lists (nested
// by indentation), block quotes, thematic breaks, links [text](url) and
// autolinks <url>, backslash escapes.

/**
 * @typedef {{type: string, text?: string, level?: number, lang?: string,
 *   ordered?: boolean, start?: number, href?: string,
 *   children?: Node[], items?: Node[][]}} Node
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BULLET = /^( {0,3})([-*+])([ \t]+|$)/;
const ORDERED = /^( {0,3})(\d{1,9})([.)])([ \t]+|$)/;
const QUOTE = /^ {0,3}> ?/;
const MAX_DEPTH = 12; // nesting beyond this renders as text, bounding recursion

/** Parses Markdown text into block nodes. */
export function parse(text) {
  return parseBlocks(String(text).replace(/\r\n?/g, "\n").split("\n"), 0);
}

function parseBlocks(lines, depth) {
  /** @type {Node[]} */
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    let m;
    if ((m = FENCE.exec(line))) {
      const fence = m[1];
      const indent = line.length - line.trimStart().length;
      const body = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i], fence)) {
        body.push(stripIndent(lines[i], indent));
        i++;
      }
      i++; // the closing fence, if any
      blocks.push({ type: "code", lang: m[2].replace(/[^\w+#.-]/g, ""), text: body.join("\n") });
      continue;
    }
    if ((m = HEADING.exec(line))) {
      blocks.push({ type: "heading", level: m[1].length, children: parseInline(m[2] || "", depth) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
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
    const para = [line.trim()];
    i++;
    while (i < lines.length && lines[i].trim() !== "" && !startsBlock(lines[i])) {
      para.push(lines[i].trim());
      i++;
    }
    blocks.push({ type: "paragraph", children: parseInline(para.join("\n"), depth) });
  }
  return blocks;
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) ||
    QUOTE.test(line) || BULLET.test(line) || ORDERED.test(line);
}

function isClosingFence(line, fence) {
  const t = line.trim();
  return t.length >= fence.length && t[0] === fence[0] && t === t[0].repeat(t.length);
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
      if (line.trim() === "") {
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

/** Parses inline Markdown into inline nodes. */
export function parseInline(text, depth = 0) {
  /** @type {Node[]} */
  const out = [];
  let plain = "";
  const noCloser = {}; // delimiter -> index from which it has no closer
  let pairs = null; // from matchPairs, made when the first [ is seen
  const flush = () => {
    if (plain) out.push({ type: "text", text: plain });
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && /[!-\/:-@\[-`{-~]/.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      const run = /^`+/.exec(text.slice(i))[0];
      const end = text.indexOf(run, i + run.length);
      if (end >= 0 && text[end + run.length] !== "`") {
        flush();
        let code = text.slice(i + run.length, end).replace(/\n/g, " ");
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        out.push({ type: "code", text: code });
        i = end + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if (c === "<") {
      const m = /^<(https?:\/\/[^\s<>]+)>/i.exec(text.slice(i));
      if (m && safeHref(m[1])) {
        flush();
        out.push({ type: "link", href: safeHref(m[1]), children: [{ type: "text", text: m[1] }] });
        i += m[0].length;
        continue;
      }
    }
    if (c === "[" && depth < MAX_DEPTH) {
      pairs ??= matchPairs(text);
      const link = parseLink(text, i, pairs);
      if (link) {
        flush();
        const children = parseInline(link.label, depth + 1);
        const href = safeHref(link.href);
        if (href) out.push({ type: "link", href, children });
        else out.push(...children); // unsafe target: keep the words, drop the link
        i = link.end;
        continue;
      }
    }
    if ((c === "*" || c === "_" || c === "~") && depth < MAX_DEPTH) {
      const span = parseEmphasis(text, i, noCloser);
      if (span) {
        flush();
        out.push({ type: span.type, children: parseInline(span.inner, depth + 1) });
        i = span.end;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

// [label](href "title") with balanced brackets in the label and parentheses
// in the href; pairs holds the matching brackets and parentheses of text.
function parseLink(text, i, pairs) {
  const j = pairs.brackets[i];
  if (j < 0 || text[j + 1] !== "(") return null;
  const k = pairs.parens[j + 1];
  if (k < 0) return null;
  const label = text.slice(i + 1, j);
  let href = text.slice(j + 2, k).trim();
  const titled = /^(\S+)\s+(?:"[^"]*"|'[^']*')$/.exec(href);
  if (titled) href = titled[1];
  if (href.startsWith("<") && href.endsWith(">")) href = href.slice(1, -1);
  return { label, href, end: k + 1 };
}

// matchPairs finds, in one pass, the partner of every [ and ( in text (or -1),
// skipping backslash-escaped characters, so link parsing stays linear.
function matchPairs(text) {
  const brackets = new Int32Array(text.length).fill(-1);
  const parens = new Int32Array(text.length).fill(-1);
  const openB = [];
  const openP = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "[") openB.push(i);
    else if (c === "]" && openB.length) brackets[openB.pop()] = i;
    else if (c === "(") openP.push(i);
    else if (c === ")" && openP.length) parens[openP.pop()] = i;
  }
  return { brackets, parens };
}

// The closers of a delimiter do not depend on the opener, so once a search
// from some index finds none, no later opener can close: noCloser remembers
// that, keeping a run of unmatched openers linear.
function parseEmphasis(text, i, noCloser) {
  const c = text[i];
  const double = text[i + 1] === c;
  if (c === "~" && !double) return null;
  const delim = double ? c + c : c;
  const after = text[i + delim.length];
  if (after === undefined || /\s/.test(after) || after === c) return null;
  if (c === "_" && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1])) return null; // snake_case
  let from = i + delim.length;
  if (from >= (noCloser[delim] ?? Infinity)) return null;
  const searchStart = from;
  for (;;) {
    let end = text.indexOf(delim, from);
    if (end < 0) {
      noCloser[delim] = Math.min(noCloser[delim] ?? Infinity, searchStart);
      return null;
    }
    // In "**a *b***" the strong closes on the last two stars of the run.
    while (double && text[end + 2] === c) end++;
    const before = text[end - 1];
    const next = text[end + delim.length];
    const closes = !/\s/.test(before) && (double || next !== c) &&
      !(c === "_" && next !== undefined && /[\p{L}\p{N}]/u.test(next));
    if (closes && end > i + delim.length) {
      const type = c === "~" ? "del" : double ? "strong" : "em";
      return { type, inner: text.slice(i + delim.length, end), end: end + delim.length };
    }
    from = end + 1;
  }
}

/** Returns href normalized if it is an absolute http(s) URL, else "". */
export function safeHref(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return "";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : "";
}

/**
 * Renders Markdown text as a DocumentFragment built from doc.
 * @param {string} text
 * @param {Document} doc
 */
export function render(text, doc = globalThis.document) {
  const frag = doc.createDocumentFragment();
  for (const block of parse(text)) frag.appendChild(renderBlock(block, doc, false));
  return frag;
}

function el(doc, tag, children, render) {
  const e = doc.createElement(tag);
  for (const child of children || []) e.appendChild(render(child));
  return e;
}

function renderBlock(node, doc, tight) {
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
      return pre;
    }
    case "rule":
      return doc.createElement("hr");
    case "quote":
      return el(doc, "blockquote", node.children, (b) => renderBlock(b, doc, false));
    case "list": {
      const list = doc.createElement(node.ordered ? "ol" : "ul");
      if (node.ordered && node.start !== 1) list.setAttribute("start", String(node.start));
      for (const item of node.items) {
        list.appendChild(el(doc, "li", item, (b) => renderBlock(b, doc, !node.loose)));
      }
      return list;
    }
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
