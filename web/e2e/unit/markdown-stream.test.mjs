import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamRenderer, framePainter } from "../../static/markdown-stream.js";
import { render } from "../../static/markdown.js";
import { doc } from "./fakedom.mjs";

// A long answer of the kinds of blocks models write, each section the same
// size, so the open part of the text stays small while the whole grows.
function answer(sections) {
  const parts = [];
  for (let i = 0; i < sections; i++) {
    parts.push(
      `## Section ${i}`,
      `Paragraph ${i} with **bold**, \`code\` and a [link](https://a.example/${i}).\nIt goes on a second line.`,
      "- one\n- two\n  - nested",
      "| n | square |\n|--:|:--|\n| " + i + " | " + i * i + " |",
      "```go\nfunc f() {\n\n\treturn\n}\n```",
      "> quoted\n> text",
    );
  }
  return parts.join("\n\n") + "\n";
}

// What the renderer put inside box, serialized as the fake document does.
const inner = (box) => box.childNodes.map((c) => c.html).join("");

function* chunks(text, size) {
  for (let i = 0; i < text.length; i += size) yield text.slice(0, i + size);
}

test("streamed rendering equals rendering the whole text", () => {
  const text = answer(8);
  for (const size of [1, 3, 7, 64]) {
    const box = doc.createElement("div");
    const r = new StreamRenderer(box, { doc });
    for (const t of chunks(text, size)) {
      r.update(t);
      assert.equal(inner(box), render(t, doc).html, `after ${t.length} characters in chunks of ${size}`);
    }
  }
});

test("random chunkings of random Markdown render as the whole text does", () => {
  let seed = 11;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ["a", " ", "\n", "\n\n", "# ", "- ", "1. ", "  ", "> ", "```", "~~~", "|", "|---", "*", "`",
    "---", "\r\n", "\r", "text", "\t"];
  for (let round = 0; round < 500; round++) {
    let md = "";
    for (let n = rand(60); n > 0; n--) md += pieces[rand(pieces.length)];
    const box = doc.createElement("div");
    const r = new StreamRenderer(box, { doc });
    let at = 0;
    while (at < md.length) {
      at += 1 + rand(6);
      r.update(md.slice(0, at));
      assert.equal(inner(box), render(md.slice(0, at), doc).html, JSON.stringify(md.slice(0, at)));
    }
  }
});

test("each update parses only the open tail; finished blocks stay rendered", () => {
  const text = answer(200); // about 45,000 characters
  const box = doc.createElement("div");
  const r = new StreamRenderer(box, { doc });
  let firstBlock = null;
  let longestParse = 0;
  for (const t of chunks(text, 5)) {
    r.update(t);
    if (firstBlock === null && r.done > 0) firstBlock = box.childNodes[0];
    longestParse = Math.max(longestParse, r.stats.lastParsed);
  }
  // The largest open tail is one or two sections' blocks, not the answer.
  assert.ok(longestParse < 200, `an update parsed ${longestParse} characters`);
  assert.ok(r.stats.parsedChars < 60 * text.length, `${r.stats.parsedChars} characters parsed in all`);
  // Re-parsing everything each time would have cost this much:
  const whole = [...chunks(text, 5)].reduce((n, t) => n + t.length, 0);
  assert.ok(r.stats.parsedChars * 100 < whole, `${r.stats.parsedChars} of ${whole}`);
  assert.ok(firstBlock !== null, "no block was ever final");
  assert.equal(box.childNodes[0], firstBlock, "the first block was rendered again");
  assert.equal(inner(box), render(text, doc).html);
});

test("a text that does not extend the last one starts over", () => {
  const box = doc.createElement("div");
  const r = new StreamRenderer(box, { doc });
  r.update("# one\n\npara\n\nmore");
  r.update("# two\n\nx");
  assert.equal(inner(box), "<h1>two</h1><p>x</p>");
});

test("decorateCode wraps code blocks", () => {
  const box = doc.createElement("div");
  const r = new StreamRenderer(box, {
    doc,
    decorateCode(pre, code) {
      const d = doc.createElement("div");
      d.setAttribute("data-code", code);
      d.appendChild(pre);
      return d;
    },
  });
  r.update("```\na < b\n```\n\nafter");
  assert.equal(inner(box), '<div data-code="a &lt; b"><pre><code>a &lt; b</code></pre></div><p>after</p>');
});

// A frame asked for before flush must not paint again after it: the page
// would replace the answer's elements after declaring the turn done.
test("flush cancels the frame already asked for", () => {
  const frames = new Map();
  let next = 1;
  const painted = [];
  const p = framePainter((t) => painted.push(t), {
    request: (cb) => {
      frames.set(next, cb);
      return next++;
    },
    cancel: (id) => frames.delete(id),
  });
  p.set("a");
  p.set("ab");
  assert.equal(frames.size, 1, "one frame per burst of text");
  p.flush();
  for (const cb of frames.values()) cb();
  assert.deepEqual(painted, ["ab"]);
  p.set("abc");
  for (const [id, cb] of frames) {
    frames.delete(id);
    cb();
  }
  assert.deepEqual(painted, ["ab", "abc"]);
});
