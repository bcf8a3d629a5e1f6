// Inline Markdown: emphasis (* _ ** __ ~~), code spans, links [text](url),
// autolinks <url> and backslash escapes. Every scan is linear in the text:
// closers are found from precomputed tables or remembered misses, never by
// searching again from each opener, and no regular expression here can
// backtrack over more than a bounded prefix.

/**
 * @typedef {{type: string, text?: string, href?: string, children?: Node[]}} Node
 */

/**
 * Characters examined by the parser's scans, for tests that hold its work
 * linear in the input. Nothing else reads it.
 */
export const work = { steps: 0 };

export const MAX_DEPTH = 12; // nesting beyond this renders as text, bounding recursion

const ESCAPABLE = /[!-\/:-@\[-`{-~]/;

/** Parses inline Markdown into inline nodes. */
export function parseInline(text, depth = 0) {
  /** @type {Node[]} */
  const out = [];
  let plain = "";
  const noCloser = {}; // delimiter -> index from which it has no closer
  let pairs = null; // from matchPairs, made when the first [ is seen
  let ticks = null; // from backtickRuns, made when the first ` is seen
  const flush = () => {
    if (plain) out.push({ type: "text", text: plain });
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    work.steps++;
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      ticks ??= backtickRuns(text);
      const len = ticks.lengthAt(i);
      const end = ticks.closer(i, len);
      if (end >= 0) {
        flush();
        out.push({ type: "code", text: codeSpanText(text.slice(i + len, end)) });
        i = end + len;
        continue;
      }
      plain += text.slice(i, i + len);
      i += len;
      continue;
    }
    if (c === "<") {
      const url = autolinkAt(text, i);
      const href = url && safeHref(url);
      if (href) {
        flush();
        out.push({ type: "link", href, children: [{ type: "text", text: url }] });
        i += url.length + 2;
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

// A code span's content: line breaks become spaces, and one space is
// stripped from each end when both ends have one and the content is not
// all spaces.
function codeSpanText(code) {
  code = code.replace(/\n/g, " ");
  work.steps += code.length;
  if (code.length >= 2 && code[0] === " " && code[code.length - 1] === " " && /[^ ]/.test(code)) {
    return code.slice(1, -1);
  }
  return code;
}

// backtickRuns indexes every run of backticks in text by its length, so the
// closer of a code span (the next run of exactly the same length) is found
// without searching the text again from each opener. Backslashes do not
// escape inside a code span, so a closer may follow one; an escaped opener
// never reaches here.
function backtickRuns(text) {
  const runLength = new Map(); // start -> length
  const byLength = new Map(); // length -> ascending starts
  const next = new Map(); // length -> index into byLength's list
  for (let i = 0; i < text.length; ) {
    work.steps++;
    if (text[i] !== "`") {
      i++;
      continue;
    }
    let j = i;
    while (text[j] === "`") j++;
    work.steps += j - i;
    runLength.set(i, j - i);
    if (!byLength.has(j - i)) byLength.set(j - i, []);
    byLength.get(j - i).push(i);
    i = j;
  }
  return {
    // The length of the run at i; a backtick inside a run (after an escaped
    // one) counts as 1 and opens nothing.
    lengthAt: (i) => runLength.get(i) ?? 1,
    // The start of the first run after i of exactly len backticks, or -1.
    // Openers are asked left to right, so each list is walked once.
    closer(i, len) {
      const starts = byLength.get(len);
      if (!starts || !runLength.has(i)) return -1;
      let k = next.get(len) ?? 0;
      while (k < starts.length && starts[k] <= i) {
        work.steps++;
        k++;
      }
      next.set(len, k);
      return k < starts.length ? starts[k] : -1;
    },
  };
}

// autolinkAt returns the URL of an autolink <http(s)://…> starting at i, or "".
function autolinkAt(text, i) {
  const head = text.slice(i + 1, i + 9).toLowerCase();
  if (!head.startsWith("http://") && !head.startsWith("https://")) return "";
  let j = i + 1;
  while (j < text.length && !/[\s<>]/.test(text[j])) j++;
  work.steps += j - i;
  if (text[j] !== ">") return "";
  const url = text.slice(i + 1, j);
  return /^https?:\/\/./i.test(url) ? url : "";
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
  work.steps += href.length;
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
  work.steps += text.length;
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
    work.steps += (end < 0 ? text.length : end) - from + 1;
    if (end < 0) {
      noCloser[delim] = Math.min(noCloser[delim] ?? Infinity, searchStart);
      return null;
    }
    // In "**a *b***" the strong closes on the last two stars of the run.
    while (double && text[end + 2] === c) {
      end++;
      work.steps++;
    }
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
