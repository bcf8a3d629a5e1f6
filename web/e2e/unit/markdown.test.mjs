import { test } from "node:test";
import assert from "node:assert/strict";
import { render, safeHref } from "../../static/markdown.js";
import { doc, elements, ALLOWED } from "./fakedom.mjs";

const html = (md) => render(md, doc).html;

test("renders Markdown", async (t) => {
  const cases = [
    ["paragraph", "Hello world", "<p>Hello world</p>"],
    ["paragraphs", "one\ntwo\n\nthree", "<p>one\ntwo</p><p>three</p>"],
    ["headings", "# H1\n### H3 ###", "<h1>H1</h1><h3>H3</h3>"],
    ["not a heading", "#nospace", "<p>#nospace</p>"],
    ["emphasis", "*a* _b_ **c** __d__ ~~e~~", "<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <del>e</del></p>"],
    ["nested emphasis", "**bold *and em***", "<p><strong>bold <em>and em</em></strong></p>"],
    ["snake_case stays", "a snake_case_name here", "<p>a snake_case_name here</p>"],
    ["lone star", "2 * 3 * 4", "<p>2 * 3 * 4</p>"],
    ["unclosed emphasis", "**streaming", "<p>**streaming</p>"],
    ["inline code", "use `a < b` and ``x`y``", "<p>use <code>a &lt; b</code> and <code>x`y</code></p>"],
    ["code keeps markdown", "`*not em*`", "<p><code>*not em*</code></p>"],
    ["fenced code", "```go\nfunc f() {}\n\n<b>x</b>\n```\nafter", '<pre><code data-lang="go">func f() {}\n\n&lt;b&gt;x&lt;/b&gt;</code></pre><p>after</p>'],
    ["unclosed fence streams", "```\nline 1\nline", "<pre><code>line 1\nline</code></pre>"],
    ["tilde fence", "~~~\n```\n~~~", "<pre><code>```</code></pre>"],
    ["bullet list", "- a\n- b", "<ul><li><span class=\"md-tight\">a</span></li><li><span class=\"md-tight\">b</span></li></ul>"],
    ["ordered list with start", "3. c\n4. d", '<ol start="3"><li><span class="md-tight">c</span></li><li><span class="md-tight">d</span></li></ol>'],
    ["nested list", "- a\n  - b\n- c", '<ul><li><span class="md-tight">a</span><ul><li><span class="md-tight">b</span></li></ul></li><li><span class="md-tight">c</span></li></ul>'],
    ["loose list", "- a\n\n- b", "<ul><li><p>a</p></li><li><p>b</p></li></ul>"],
    ["list after paragraph", "Items:\n- a", '<p>Items:</p><ul><li><span class="md-tight">a</span></li></ul>'],
    ["quote", "> quoted *text*", "<blockquote><p>quoted <em>text</em></p></blockquote>"],
    ["rule", "a\n\n---\n\nb", "<p>a</p><hr><p>b</p>"],
    ["link", "[Go](https://go.dev/)", '<p><a href="https://go.dev/" rel="noopener noreferrer nofollow" target="_blank">Go</a></p>'],
    ["link with title", '[x](http://a.example/p "t")', '<p><a href="http://a.example/p" rel="noopener noreferrer nofollow" target="_blank">x</a></p>'],
    ["autolink", "<https://a.example>", '<p><a href="https://a.example/" rel="noopener noreferrer nofollow" target="_blank">https://a.example</a></p>'],
    ["escapes", "\\*not\\* \\`x\\`", "<p>*not* `x`</p>"],
    ["CRLF", "a\r\n\r\nb", "<p>a</p><p>b</p>"],
    ["table", "| a | b |\n|---|---|\n| 1 | 2 |", '<div class="md-table"><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table></div>'],
    ["table alignment", "L | C | R\n:-- | :-: | --:\nx | y | z", '<div class="md-table"><table><thead><tr><th class="md-align-left">L</th><th class="md-align-center">C</th><th class="md-align-right">R</th></tr></thead><tbody><tr><td class="md-align-left">x</td><td class="md-align-center">y</td><td class="md-align-right">z</td></tr></tbody></table></div>'],
    ["table after a paragraph", "Sizes:\n| n |\n|--:|\n| 1 |\n\nafter", '<p>Sizes:</p><div class="md-table"><table><thead><tr><th class="md-align-right">n</th></tr></thead><tbody><tr><td class="md-align-right">1</td></tr></tbody></table></div><p>after</p>'],
    ["table cells are inline", "| *a* | `b\\|c` |\n|-|-|\n| [x](https://a.example) | |", '<div class="md-table"><table><thead><tr><th><em>a</em></th><th><code>b|c</code></th></tr></thead><tbody><tr><td><a href="https://a.example/" rel="noopener noreferrer nofollow" target="_blank">x</a></td><td></td></tr></tbody></table></div>'],
    ["table rows fit the header", "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |", '<div class="md-table"><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td></td></tr><tr><td>1</td><td>2</td></tr></tbody></table></div>'],
    ["table without body", "| a |\n| - |", '<div class="md-table"><table><thead><tr><th>a</th></tr></thead></table></div>'],
    ["not a table: widths differ", "| a | b |\n|---|", "<p>| a | b |\n|---|</p>"],
    ["not a table: no dashes", "| a |\n| x |", "<p>| a |\n| x |</p>"],
    ["table ends at a block", "| a |\n|---|\n| 1 |\n# h", '<div class="md-table"><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></div><h1>h</h1>'],
    ["table in a list", "- | a |\n  |---|\n  | 1 |", '<ul><li><div class="md-table"><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></div></li></ul>'],
    ["heading closing run", "## a ## \n# b#\n### ###", "<h2>a</h2><h1>b#</h1><h3></h3>"],
    ["fence info word", "```  js extra\nx\n```", '<pre><code data-lang="js">x</code></pre>'],
    ["code span closes on equal run", "`a``b` and ``c`d``", "<p><code>a``b</code> and <code>c`d</code></p>"],
    ["empty", "", ""],
  ];
  for (const [name, md, want] of cases) {
    await t.test(name, () => assert.equal(html(md), want));
  }
});

const HOSTILE = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '<svg onload="alert(1)"></svg>',
  "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click]( javascript:alert(1) )",
  "[click](data:text/html,<script>alert(1)</script>)",
  "[click](vbscript:msgbox)",
  "[click](//evil.example/x)",
  "[click](/relative)",
  '[x](https://ok.example/" onmouseover="alert(1))',
  "<javascript:alert(1)>",
  "![img](https://evil.example/x.png)",
  "```\" onerror=\"alert(1)\n<script>x</script>\n```",
  "```<img src=x onerror=alert(1)>\ncode\n```",
  "**<b onclick=alert(1)>bold</b>**",
  "`<script>alert(1)</script>`",
  "# <h1 onclick=x>",
  "> <style>body{display:none}</style>",
  "- <a href=javascript:alert(1)>x</a>",
  "&lt;script&gt; &#x3C;img&#x3E;",
  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x](https://a.example)",
  "*".repeat(2000),
  "_a ".repeat(500),
  ">".repeat(500) + " deep",
  "- ".repeat(500) + "deep",
  "| <script>alert(1)</script> | <img src=x onerror=alert(1)> |\n|:-:|--:|\n| [x](javascript:alert(1)) | \" onmouseover=\"x |",
  "| a |\n|---|\n| " + "| ".repeat(500),
];

test("hostile input renders as text", async (t) => {
  for (const md of HOSTILE) {
    await t.test(md.slice(0, 40), () => {
      const frag = render(md, doc); // the fake document throws on any other element or attribute
      for (const el of elements(frag)) {
        assert.ok(ALLOWED.has(el.tagName));
        for (const [name, value] of el.attributes) {
          assert.ok(["href", "rel", "target", "start", "data-lang", "class"].includes(name), name);
          if (name === "href") assert.match(value, /^https?:\/\//);
          if (name === "data-lang") assert.match(value, /^[\w+#.-]*$/);
          if (name === "class") assert.match(value, /^(md-tight|md-table|md-align-(left|center|right))$/);
        }
      }
    });
  }
  // The words of an unsafe link survive, without the link.
  assert.equal(html("[click](javascript:alert(1))"), "<p>click</p>");
  // Raw HTML is shown as the characters the model wrote.
  assert.equal(render("<img src=x onerror=alert(1)>", doc).textContent, "<img src=x onerror=alert(1)>");
});

test("random input never throws and builds only allowed nodes", () => {
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ["*", "**", "_", "`", "```", "~~", "[", "]", "(", ")", "<", ">", "#", "-", "1.", " ", "|", "|---", ":-:",
    "\n", "\n\n", "  ", "\\", "https://a.example", "javascript:", "x", "é"];
  for (let round = 0; round < 2000; round++) {
    let md = "";
    const n = rand(40);
    for (let i = 0; i < n; i++) md += pieces[rand(pieces.length)];
    const frag = render(md, doc);
    for (const el of elements(frag)) {
      const href = el.getAttribute("href");
      if (href !== null) assert.match(href, /^https?:\/\//, md);
    }
  }
});

test("safeHref allows absolute http(s) only", () => {
  assert.equal(safeHref("https://a.example/x?y#z"), "https://a.example/x?y#z");
  assert.equal(safeHref("HTTP://A.EXAMPLE"), "http://a.example/");
  for (const bad of ["javascript:alert(1)", "data:text/html,x", "/rel", "//host/x", "mailto:a@b", "", "file:///etc/passwd"]) {
    assert.equal(safeHref(bad), "", bad);
  }
});
