// GFM pipe tables: a header row, a delimiter row of dashes with optional
// colons for alignment (:-- left, :-: center, --: right), then body rows
// until a blank line or another block. Cells split at unescaped pipes; a
// leading and a trailing pipe are optional; "\|" is a pipe inside a cell.
// Rows are cut or padded to the header's width.

import { work } from "./markdown-inline.js";

/** Whether lines[i] and lines[i + 1] open a table. */
export function tableStartsAt(lines, i) {
  const head = lines[i];
  const delim = lines[i + 1];
  if (delim === undefined || !head.includes("|") || !delim.includes("|")) return false;
  work.steps += head.length + delim.length;
  const aligns = delimiterRow(delim);
  return aligns !== null && splitRow(head).length === aligns.length;
}

/**
 * Reads the table that starts at lines[i] (tableStartsAt said so); ends(line)
 * says whether a line closes it.
 * @returns {{aligns: string[], head: string[], rows: string[][], end: number}}
 */
export function parseTable(lines, i, ends) {
  const aligns = delimiterRow(lines[i + 1]);
  const width = aligns.length;
  const fit = (cells) => {
    const out = cells.slice(0, width);
    while (out.length < width) out.push("");
    return out;
  };
  const head = fit(splitRow(lines[i]));
  const rows = [];
  let k = i + 2;
  while (k < lines.length && !ends(lines[k])) {
    rows.push(fit(splitRow(lines[k])));
    k++;
  }
  return { aligns, head, rows, end: k };
}

// delimiterRow returns each column's alignment ("left", "center", "right" or
// "") or null if line is not a delimiter row.
function delimiterRow(line) {
  const aligns = [];
  for (const cell of splitRow(line)) {
    let s = 0;
    let e = cell.length;
    const left = cell[0] === ":";
    const right = e > 1 && cell[e - 1] === ":";
    if (left) s++;
    if (right) e--;
    if (s >= e) return null;
    for (let k = s; k < e; k++) if (cell[k] !== "-") return null;
    aligns.push(left && right ? "center" : right ? "right" : left ? "left" : "");
  }
  return aligns.length ? aligns : null;
}

// splitRow splits a row into trimmed cell texts in one pass.
function splitRow(line) {
  let s = line.trim();
  work.steps += line.length;
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  const cells = [];
  let start = 0;
  let escaped = false; // the cell holds a "\|"
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "|") {
      escaped = true;
      i++;
    } else if (s[i] === "|") {
      cells.push(cell(s.slice(start, i), escaped));
      start = i + 1;
      escaped = false;
    }
  }
  cells.push(cell(s.slice(start), escaped));
  return cells;
}

function cell(text, escaped) {
  const t = text.trim();
  return escaped ? t.replaceAll("\\|", "|") : t;
}
