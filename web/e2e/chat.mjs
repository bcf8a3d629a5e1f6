// Drives the chat page in Debian's Chromium and prints what it observed as
// JSON on stdout; the Go tests in web/ judge it. Usage:
//
//	node chat.mjs <base-url>
//
// The base URL is the test wire in front of the server (see web/wire_test.go):
// it serves the page and /v1/*, and /__test/cut and /__test/log for faults
// and for what the server saw. With SCREENSHOT_DIR set, it also saves desktop
// and phone screenshots in light and dark.

import { chromium } from "playwright-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.argv[2];
if (!base) {
  console.error("usage: node chat.mjs <base-url>");
  process.exit(2);
}
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

async function testLog() {
  const res = await fetch(base + "/__test/log");
  return res.json();
}

const out = { consoleErrors: [], pageErrors: [], cspViolations: [], dialogs: 0 };
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
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
    // Each /v1/messages POST's body and the raw text of its SSE answer, read
    // from a clone of the response the page itself consumes, so a turn's
    // history is checked against exactly what the page received.
    window.__messages = [];
    const pageFetch = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const url = typeof input === "string" ? input : input.url;
      if (!url.endsWith("/v1/messages") || init?.method !== "POST") return pageFetch(input, init);
      const entry = { body: JSON.parse(init.body), text: null, error: null };
      window.__messages.push(entry);
      const res = await pageFetch(input, init);
      res.clone().text().then((raw) => {
        let text = "";
        for (const m of raw.matchAll(/^data: (.*)$/gm)) {
          const ev = JSON.parse(m[1]);
          if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
        }
        entry.text = text;
      }, (e) => { entry.error = String(e); });
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
  const messages = () => page.evaluate(() => window.__messages.map((m) => ({ ...m })));
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
  const frames = [
    { type: "message_start", message: { id: "msg_x", type: "message", role: "assistant", content: [], model: "m", usage: { input_tokens: 1, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ...hostile.match(/[\s\S]{1,9}/g).map((t) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: t } })),
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 40 } },
    { type: "message_stop" },
  ].map((e, i) => `id: ${i + 1}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
  await page.route("**/v1/messages", (route) => route.fulfill({
    status: 200,
    headers: { "Content-Type": "text/event-stream", "X-Rockstream-Stream-Id": "xss" },
    body: frames,
  }));
  await newChat();
  await ask("Say something dangerous.");
  const xss = await watch();
  await page.unroute("**/v1/messages");
  // Hover and click what could carry a handler, as a person might.
  for (const sel of ["#log > li:last-child .answer strong", "#log > li:last-child .answer a"]) {
    const el = await page.$(sel);
    if (el) await el.hover();
  }
  out.xss = {
    state: xss.state,
    text: xss.text,
    executed: await page.evaluate(() => window.__xss ?? null),
    dangerous: await page.$$eval("#log .answer script, #log .answer img, #log .answer svg, #log .answer iframe, #log .answer [onerror], #log .answer [onload], #log .answer [onmouseover]", (els) => els.map((e) => e.outerHTML)),
    links: await page.$$eval("#log .answer a", (as) => as.map((a) => a.getAttribute("href"))),
    expected: hostile,
  };

  // 6. Shift+Enter makes a new line; Enter would send.
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

  // 7. A throttled request says so, and the page stays usable.
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
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
