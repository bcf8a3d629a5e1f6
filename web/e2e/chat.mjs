// Drives the chat page in Debian's Chromium and prints what it observed as
// JSON on stdout; the Go tests in web/ judge it. Usage:
//
//	node chat.mjs <base-url> <control-url>
//
// The base URL is the test wire in front of the server (see web/wire_test.go):
// it serves the page and /v1/*, and /__test/cut and /__test/log for faults
// and for what the server saw. POST <control-url>/down and /up take the base
// URL's listener away and bring it back (web/front_test.go). With
// SCREENSHOT_DIR set, it also saves desktop and phone screenshots in light
// and dark.
//
// Elements are found through locators, which look them up again on each
// action: the page re-renders the answer while it streams, and a handle kept
// across a re-render points at a detached element.

import { chromium } from "playwright-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, control] = process.argv.slice(2);
if (!base || !control) {
  console.error("usage: node chat.mjs <base-url> <control-url>");
  process.exit(2);
}
const LAB_MODEL = "anthropic.claude-3-sonnet-20240229-v1:0";
const PACE = "ttft=200ms,tps=40";
const PROMPT = "Tell me a story about two puppies and two kittens who became best friends.";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
    await sleep(50);
  }
}

async function screenshots(page, dir, name) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(dir, `${name}-desktop-${scheme}.png`) });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(dir, `${name}-phone-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function server(action) {
  const res = await fetch(`${control}/${action}`, { method: "POST" });
  if (!res.ok) throw new Error(`taking the server ${action}: ${res.status} ${await res.text()}`);
}

// An Anthropic Messages stream that says text, in small pieces.
function sseFrames(text) {
  return [
    { type: "message_start", message: { id: "msg_x", type: "message", role: "assistant", content: [], model: "m", usage: { input_tokens: 1, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ...text.match(/[\s\S]{1,9}/g).map((t) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: t } })),
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 40 } },
    { type: "message_stop" },
  ].map((e, i) => `id: ${i + 1}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

async function testLog() {
  const res = await fetch(base + "/__test/log");
  return res.json();
}

const out = { consoleErrors: [], pageErrors: [], cspViolations: [], lateRenders: [], dialogs: 0 };
const userDataDir = await mkdtemp(join(tmpdir(), "rockstream-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1280, height: 800 },
});
try {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
  await context.addInitScript(() => {
    window.__csp = [];
    // Changes to an answer after its turn was declared over: a repaint that
    // came late would replace elements a person (or this script) is using.
    // Records arrive in the order the changes were made, so a change after
    // the turn's data-state record is late.
    window.__lateRenders = [];
    const ended = new WeakSet();
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") {
          ended.add(r.target);
          continue;
        }
        const t = r.target instanceof Element ? r.target : r.target.parentElement;
        if (!t || t.closest("button")) continue;
        const li = t.closest("#log > li");
        if (li && ended.has(li) && t.closest(".answer")) window.__lateRenders.push(li.dataset.state + ": " + t.tagName);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-state"] });
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
    // Each /v1/messages POST's body and the text of its answer, read from
    // clones of the responses the page itself consumes (the POST and any
    // resumes of its stream, events kept once by id, as the page does), so a
    // turn's history is checked against exactly what the page received, even
    // when a connection dropped that the test did not cut.
    window.__messages = [];
    const pageFetch = window.fetch.bind(window);
    const collect = async (res, entry) => {
      const reader = res.clone().body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut;
          while ((cut = buf.indexOf("\n\n")) >= 0) {
            const frame = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const id = /^id: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (id === undefined || data === undefined || entry.seen.has(id)) continue;
            entry.seen.add(id);
            const ev = JSON.parse(data);
            if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") entry.parts.push([Number(id), ev.delta.text]);
            if (ev.type === "message_stop") entry.text = entry.parts.sort((a, b) => a[0] - b[0]).map((p) => p[1]).join("");
          }
        }
      } catch (e) {
        entry.errors.push(String(e)); // a drop: the page resumes, and so does this
      }
      if (entry.text === null && !entry.id) entry.error = entry.errors.join("; ") || "no message_stop";
    };
    window.fetch = async (input, init) => {
      const url = typeof input === "string" ? input : input.url;
      const post = url.endsWith("/v1/messages") && init?.method === "POST";
      const resumed = (init?.method ?? "GET") === "GET" && /\/v1\/streams\/([^/?]+)$/.exec(url);
      if (!post && !resumed) return pageFetch(input, init);
      let entry = null;
      if (post) {
        entry = { body: JSON.parse(init.body), id: "", text: null, error: null, errors: [], parts: [], seen: new Set() };
        window.__messages.push(entry);
      }
      const res = await pageFetch(input, init);
      if (post) entry.id = res.headers.get("X-Rockstream-Stream-Id") || "";
      else entry = window.__messages.findLast((m) => m.id && m.id === decodeURIComponent(resumed[1]));
      if (entry && res.ok) collect(res, entry);
      return res;
    };
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (m) => m.type() === "error" && out.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => out.pageErrors.push(String(e)));
  page.on("dialog", (d) => {
    out.dialogs++;
    d.dismiss();
  });
  await page.goto(`${base}/?pace=${encodeURIComponent(PACE)}`);
  await page.waitForSelector("#model:not([disabled])");
  if (process.env.SCREENSHOT_DIR) await screenshots(page, process.env.SCREENSHOT_DIR, "empty");
  out.models = await page.$$eval("#model option", (os) => os.map((o) => o.value));
  out.selected = await page.$eval("#model", (s) => s.value);
  out.listed = await page.evaluate(async () => (await (await fetch("/v1/models")).json()).data.map((m) => m.id));

  // At a phone's width the chosen model's name shows whole: the select is
  // as wide as that name needs and lies inside the viewport.
  await page.setViewportSize({ width: 390, height: 844 });
  out.phone = await page.evaluate(() => {
    const sel = document.getElementById("model");
    const probe = document.createElement("select");
    const opt = document.createElement("option");
    opt.textContent = sel.selectedOptions[0].textContent;
    probe.append(opt);
    probe.style.width = "max-content";
    probe.style.maxWidth = "none";
    probe.style.position = "absolute";
    probe.style.visibility = "hidden";
    sel.parentElement.append(probe);
    const need = probe.getBoundingClientRect().width;
    probe.remove();
    const r = sel.getBoundingClientRect();
    return { label: opt.textContent, need, width: r.width, left: r.left, right: r.right, viewport: window.innerWidth,
      pageScrolls: document.documentElement.scrollWidth > window.innerWidth };
  });
  await page.setViewportSize({ width: 1280, height: 800 });

  const turns = () => page.$$eval("#log > li", (lis) => lis.length);
  const lastTurn = () => page.evaluate(() => {
    const li = document.querySelector("#log > li:last-child");
    if (!li) return null;
    const a = li.querySelector(".answer");
    return {
      state: li.dataset.state || "",
      text: a.textContent,
      busy: a.getAttribute("aria-busy"),
      live: a.getAttribute("aria-live"),
      metrics: li.querySelector(".metrics").textContent,
      error: li.querySelector(".error")?.textContent || "",
    };
  });
  const ask = async (prompt) => {
    const before = await turns();
    await page.fill("#prompt", prompt);
    await page.press("#prompt", "Enter");
    await waitFor("the turn to start", async () => (await turns()) === before + 1);
  };
  const watch = async () => {
    const lengths = [];
    const turn = await waitFor("the answer to end", async () => {
      const t = await lastTurn();
      if (lengths.at(-1) !== t.text.length) lengths.push(t.text.length);
      return t.state ? t : null;
    }, 60000);
    return { ...turn, lengths };
  };
  const newChat = () => page.click("#new-chat");
  const collectLateRenders = async () => out.lateRenders.push(...await page.evaluate(() => window.__lateRenders));

  // 1. An answer streams in, word by word, then shows its metrics.
  await ask(PROMPT);
  const first = await watch();
  out.stream = {
    ...first,
    distinctLengths: new Set(first.lengths.filter((n) => n > 0 && n < first.text.length)).size,
    elements: await page.$$eval("#log > li:last-child .answer *", (els) => [...new Set(els.map((e) => e.tagName.toLowerCase()))]),
    links: await page.$$eval("#log > li:last-child .answer a", (as) => as.map((a) => ({ href: a.href, rel: a.rel, target: a.target }))),
  };

  const shots = process.env.SCREENSHOT_DIR;
  if (shots) await screenshots(page, shots, "answer");

  // 2. A second turn carries the first as history.
  await ask("And then what happened?");
  const second = await watch();
  const messages = () => page.evaluate(() => window.__messages.map((m) => ({ body: m.body, text: m.text, error: m.error })));
  await waitFor("the first answer's body", async () => {
    const ms = await messages();
    return ms.length >= 2 && (ms.at(-2).text !== null || ms.at(-2).error !== null);
  }, 5000).catch(() => {});
  const sentAll = await messages();
  const sent = sentAll.at(-1).body;
  const firstAnswer = sentAll.at(-2) || { error: "no first request seen" };
  out.multiTurn = {
    state: second.state,
    roles: sent.messages.map((m) => m.role),
    historyMatches: typeof firstAnswer.text === "string" && firstAnswer.text !== "" && sent.messages[1]?.content === firstAnswer.text,
    answerError: firstAnswer.error || "",
    sentLength: typeof sent.messages[1]?.content === "string" ? sent.messages[1].content.length : -1,
    answerLength: firstAnswer.text?.length ?? -1,
    stream: sent.stream,
  };

  // 3. A connection dropped mid-answer resumes where it was.
  await newChat();
  await fetch(base + "/__test/cut?after=12", { method: "POST" });
  await ask(PROMPT);
  const resumed = await watch();
  const log = await testLog();
  out.resume = {
    state: resumed.state,
    error: resumed.error,
    text: resumed.text,
    equal: resumed.text === first.text,
    // What the test collected across the cut POST and its resume.
    collectedEqual: await waitFor("the resumed answer's events", async () => (await messages()).at(-1).text, 5000)
      .then((t) => t === firstAnswer.text, () => false),
    distinctLengths: new Set(resumed.lengths).size,
    wire: log.wire.slice(-3),
    wireErrors: log.errors,
    server: log.server.at(-1),
  };

  // 4. Stop ends the answer; no more text arrives; the server cancels.
  await newChat();
  await ask(PROMPT);
  await waitFor("some text", async () => (await lastTurn()).text.length > 20);
  if (shots) await page.screenshot({ path: join(shots, "streaming-desktop-light.png") });
  await page.click("#stop");
  const atStop = await lastTurn();
  await sleep(1500);
  const later = await lastTurn();
  // The stopped stream is the last POST the wire saw; Stop also sends a
  // DELETE for it.
  const lastPost = (l) => l.wire.findLast((e) => e.method === "POST");
  const serverLog = await waitFor("the server to see the cancel", async () => {
    const l = await testLog();
    const done = lastPost(l)?.finished && l.server.at(-1)?.state !== "running";
    return done ? l : null;
  }, 15000);
  out.stop = {
    state: later.state,
    lengthAtStop: atStop.text.length,
    lengthLater: later.text.length,
    metrics: later.metrics,
    wire: lastPost(serverLog),
    deleted: serverLog.wire.some((e) => e.method === "DELETE" && e.status === 204),
    server: serverLog.server.at(-1),
    stopHidden: await page.$eval("#stop", (b) => b.hidden),
  };

  // 5. Hostile model output renders as text.
  const hostile = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "<svg onload=\"window.__xss = 'svg'\"></svg>",
    "[click me](javascript:window.__xss='link')",
    "<iframe srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
    "```html\n<img src=x onerror=\"window.__xss='code'\">\n```",
    "**<b onmouseover=\"window.__xss='b'\">bold</b>**",
  ].join("\n\n");
  await page.route("**/v1/messages", (route) => route.fulfill({
    status: 200,
    headers: { "Content-Type": "text/event-stream", "X-Rockstream-Stream-Id": "xss" },
    body: sseFrames(hostile),
  }));
  await newChat();
  await ask("Say something dangerous.");
  const xss = await watch();
  await page.unroute("**/v1/messages");
  // Hover and click what could carry a handler, as a person might.
  for (const sel of ["#log > li:last-child .answer strong", "#log > li:last-child .answer a"]) {
    const el = page.locator(sel).first();
    if (await el.count()) await el.hover();
  }
  out.xss = {
    state: xss.state,
    text: xss.text,
    executed: await page.evaluate(() => window.__xss ?? null),
    dangerous: await page.$$eval("#log .answer script, #log .answer img, #log .answer svg, #log .answer iframe, #log .answer [onerror], #log .answer [onload], #log .answer [onmouseover]", (els) => els.map((e) => e.outerHTML)),
    links: await page.$$eval("#log .answer a", (as) => as.map((a) => a.getAttribute("href"))),
    expected: hostile,
  };

  // 6. Tables render as tables; a code block's button copies its code, with
  // the Clipboard API and without it.
  const CODE = "func main() {\n\tfmt.Println(\"a | b\")\n}";
  const tabular = [
    "Sizes:",
    "| Name | Count | Share |",
    "|:-----|:-----:|------:|",
    "| `a\\|b` | 3 | 50% |",
    "| **c** | 12 | 50% |",
    "",
    "```go\n" + CODE + "\n```",
    "",
    "Done.",
  ].join("\n");
  await page.route("**/v1/messages", (route) => route.fulfill({
    status: 200,
    headers: { "Content-Type": "text/event-stream", "X-Rockstream-Stream-Id": "table" },
    body: sseFrames(tabular),
  }));
  await newChat();
  await ask("Show a table and some code.");
  const tableTurn = await watch();
  await page.unroute("**/v1/messages");
  const answer = "#log > li:last-child .answer";
  out.table = {
    state: tableTurn.state,
    rawPipes: tableTurn.text.includes("|:--"),
    head: await page.$$eval(`${answer} table th`, (ths) => ths.map((th) => [th.textContent, getComputedStyle(th).textAlign])),
    cells: await page.$$eval(`${answer} table tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((td) => [td.textContent, getComputedStyle(td).textAlign]))),
  };
  const copyButton = page.locator(`${answer} .code-block .copy`).first();
  await page.evaluate(() => navigator.clipboard.writeText("before"));
  const hasCopy = (await copyButton.count()) > 0;
  if (hasCopy) await copyButton.click();
  await waitFor("the copy to finish", async () => (await copyButton.textContent()) !== "Copy", 5000).catch(() => {});
  out.copy = {
    buttons: await page.locator(`${answer} .copy`).count(),
    label: hasCopy ? await copyButton.textContent() : "",
    clipboard: await page.evaluate(() => navigator.clipboard.readText()),
    expected: CODE,
  };
  // Without navigator.clipboard (a page served over plain http to another
  // machine), the button copies through a selection instead.
  await page.evaluate(async () => {
    window.__clipboard = navigator.clipboard;
    await navigator.clipboard.writeText("before");
    Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
  });
  await page.waitForFunction(() => document.querySelector("#log > li:last-child .copy")?.textContent === "Copy", null, { timeout: 5000 }).catch(() => {});
  if (hasCopy) {
    await copyButton.click();
    await waitFor("the fallback copy to finish", async () => (await copyButton.textContent()) !== "Copy", 5000).catch(() => {});
    out.copy.fallbackLabel = await copyButton.textContent();
  }
  out.copy.fallbackClipboard = await page.evaluate(() => window.__clipboard.readText());

  // 7. With the server gone, the page says so and offers Retry; once the
  // server is back, Retry brings the answer.
  await collectLateRenders();
  await page.reload();
  await page.waitForSelector("#model:not([disabled])");
  await server("down");
  await ask(PROMPT);
  const gone = await watch();
  const retry = page.locator("#log > li:last-child .error .retry");
  out.offline = {
    state: gone.state,
    error: gone.error,
    retryVisible: await retry.isVisible(),
  };
  await server("up");
  if (out.offline.retryVisible) {
    await retry.click();
    const back = await watch();
    out.offline.retried = { state: back.state, error: back.error, equal: back.text === first.text, turns: await turns() };
  }

  // 8. Shift+Enter makes a new line; Enter would send.
  await newChat();
  await page.fill("#prompt", "");
  await page.type("#prompt", "line one");
  await page.keyboard.press("Shift+Enter");
  await page.type("#prompt", "line two");
  out.keyboard = {
    value: await page.inputValue("#prompt"),
    turns: await turns(),
    label: await page.$eval("#prompt", (t) => t.labels[0]?.textContent || ""),
  };

  // 9. A throttled request says so, and the page stays usable.
  await collectLateRenders();
  await page.goto(`${base}/?fault=ThrottlingException`);
  await page.waitForSelector("#model:not([disabled])");
  await ask("Will this be throttled?");
  const throttled = await watch();
  out.throttled = {
    state: throttled.state,
    error: throttled.error,
    role: await page.$eval("#log > li:last-child .error", (e) => e.getAttribute("role")).catch(() => ""),
    sendEnabledAfterTyping: await (async () => {
      await page.fill("#prompt", "again");
      return page.$eval("#send", (b) => !b.disabled && !b.hidden);
    })(),
  };
  if (shots) await page.screenshot({ path: join(shots, "error-desktop-light.png") });
  out.cspViolations = await page.evaluate(() => window.__csp);
  await collectLateRenders();

  // 10. When the server does not list the lab's model, the first it lists
  // is chosen.
  await page.route("**/v1/models", (route) => route.fulfill({
    status: 200,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ object: "list", data: [{ id: "meta.llama3-8b-instruct-v1:0" }, { id: "amazon.titan-text-express-v1" }] }),
  }));
  await page.goto(base);
  await page.waitForSelector("#model:not([disabled])");
  out.unlisted = { selected: await page.$eval("#model", (s) => s.value) };
  await page.unroute("**/v1/models");
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
