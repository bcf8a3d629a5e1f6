// The Markdown parser's work must grow linearly with its input, whatever
// the model writes: each case below once took seconds (a heading regex that
// backtracked across 50,000 spaces took 8 s). The parser counts the
// characters its scans examine in work.steps; these tests bound that count
// and check the output, never the clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, render, work } from "../../static/markdown.js";
import { doc } from "./fakedom.mjs";

const N = 50000;
const S = " ".repeat(N);

// Steps allowed per input character: the parser looks at a character from a
// handful of scanners (blank check, each block kind, inline) and nests at
// most MAX_DEPTH levels.
const PER_CHAR = 40;

const CASES = [
  ["heading with a long gap", "# x" + S + "y", "<h1>x" + S + "y</h1>"],
  ["heading of spaces", "#" + S, "<h1></h1>"],
  ["heading gap before closing hashes", "# x" + S + "#" + S + "y", "<h1>x" + S + "#" + S + "y</h1>"],
  ["run of hashes", "#".repeat(N), "<p>" + "#".repeat(N) + "</p>"],
  ["hashes and spaces", "# #".repeat(N / 3), null],
  ["fence then spaces then a backtick", "```" + S + "`", null],
  ["fence info of spaces", "~~~" + S + "x\ncode", '<pre><code data-lang="x">code</code></pre>'],
  ["run of backticks", "`".repeat(N), "<pre><code></code></pre>"],
  ["backtick runs shrinking", Array.from({ length: 300 }, (_, i) => "`".repeat(300 - i)).join(" "), null],
  ["backtick pairs", "`` `".repeat(N / 4), null],
  ["code span of spaced words", "` " + "a ".repeat(N / 2) + "x`", null],
  ["run of stars", "*".repeat(N), null],
  ["stars and spaces", "* ".repeat(N / 2) + "x", null],
  ["rule-like line", "*" + "  *".repeat(N / 3) + "x", null],
  ["unclosed emphasis", "*a ".repeat(N / 3), null],
  ["underscores", "_a ".repeat(N / 3), null],
  ["run of pipes", "|".repeat(N), null],
  ["pipes as a table", "|".repeat(N / 2) + "\n" + "|-".repeat(N / 4) + "|", null],
  ["wide table", "| a ".repeat(N / 8) + "|\n" + "|---".repeat(N / 8) + "|\n" + "| x ".repeat(N / 8) + "|", null],
  ["brackets", "[".repeat(N / 2) + "](".repeat(N / 4), null],
  ["autolink openers", "<https://a".repeat(N / 10), null],
  ["quote markers", ">".repeat(N), null],
  ["many short lines", "a\n".repeat(N / 2), null],
  ["paragraph lines with pipes", "a | b\n".repeat(N / 6), null],
];

test("parsing pathological input takes linear work", async (t) => {
  for (const [name, md, want] of CASES) {
    await t.test(name, () => {
      const before = work.steps;
      const blocks = parse(md);
      const steps = work.steps - before;
      assert.ok(blocks.length >= 1, "no blocks");
      assert.ok(steps > 0, "the parser counted no work");
      assert.ok(steps <= PER_CHAR * md.length, `${steps} steps for ${md.length} characters`);
      if (want !== null) assert.equal(render(md, doc).html, want);
    });
  }
});
