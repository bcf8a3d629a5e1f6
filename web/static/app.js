// The chat page: keeps the conversation, sends it to /v1/messages, and shows
// the answer as it streams in, rendered as Markdown, with timing and usage
// once it ends.

import { StreamRenderer, framePainter } from "./markdown-stream.js";
import { modelLabel, orderModels, pickModel } from "./models.js";
import { streamMessage } from "./stream.js";
import { copyText } from "./copy.js";

const MAX_TOKENS = 4096;
const MODEL_KEY = "rockstream.model";

const $ = (id) => document.getElementById(id);
const ui = {
  model: $("model"),
  newChat: $("new-chat"),
  empty: $("empty"),
  log: $("log"),
  main: $("main"),
  form: $("composer"),
  prompt: $("prompt"),
  send: $("send"),
  stop: $("stop"),
  status: $("status"),
};

/** @type {{role: "user"|"assistant", content: string}[]} */
let history = [];
/** @type {AbortController | null} */
let running = null;

// Pacing and fault headers for the builtin model, taken from the page URL
// (?pace=ttft=300ms,tps=40&fault=cut,after=20&seed=7), so a demo can show
// slow streams, errors and resumes. Other backends ignore them.
const passthrough = (() => {
  const q = new URLSearchParams(location.search);
  const h = {};
  for (const [param, header] of [["pace", "X-Rockstream-Pace"], ["fault", "X-Rockstream-Fault"], ["seed", "X-Rockstream-Seed"]]) {
    if (q.get(param)) h[header] = q.get(param);
  }
  return h;
})();

async function loadModels() {
  try {
    const res = await fetch("/v1/models", { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    const models = (body.data || []).filter((m) => m && typeof m.id === "string");
    if (models.length === 0) throw new Error("no models");
    const ids = models.map((m) => m.id);
    const names = new Map(models.filter((m) => m.display_name && m.display_name !== m.id).map((m) => [m.id, m.display_name]));
    ui.model.replaceChildren(...modelOptions(orderModels(ids), names));
    ui.model.value = pickModel(ids, {
      wanted: new URLSearchParams(location.search).get("model"),
      saved: localStorage.getItem(MODEL_KEY),
    });
    ui.model.disabled = false;
    setStatus("");
  } catch (err) {
    const opt = document.createElement("option");
    opt.textContent = "No models available";
    ui.model.replaceChildren(opt);
    const why = err instanceof TypeError ? unreachable() : `Could not load the model list (${err.message}).`;
    setStatus(why, { label: "Retry", run: loadModels });
  }
  updateSend();
}

// What the page says when fetch fails without an answer from the server:
// the browser's own words ("Failed to fetch") say nothing a person can act on.
function unreachable() {
  return `Can't reach the rockstream server at ${location.host}. Check that it is running, then retry.`;
}

// Bedrock model IDs are "<provider>.<model>": the list groups them by
// provider and shows the rest, which keeps the closed select short.
function modelOptions(ids, names) {
  const groups = new Map();
  for (const id of ids) {
    const { provider, label } = modelLabel(id);
    const opt = document.createElement("option");
    opt.value = id;
    opt.textContent = names.get(id) || label;
    if (!groups.has(provider)) groups.set(provider, []);
    groups.get(provider).push(opt);
  }
  if (groups.size === 1) return [...groups.values()][0];
  return [...groups].map(([provider, opts]) => {
    const g = document.createElement("optgroup");
    g.label = provider || "other";
    g.append(...opts);
    return g;
  });
}

/** Shows text in the status line, with a button when action is given. */
function setStatus(text, action = null) {
  ui.status.textContent = text;
  if (action) {
    ui.status.append(" ", actionButton(action.label, action.run));
  }
}

function actionButton(label, run) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "retry";
  b.textContent = label;
  b.addEventListener("click", run);
  return b;
}

function updateSend() {
  ui.send.disabled = running !== null || ui.model.disabled || ui.prompt.value.trim() === "";
}

function autosize() {
  ui.prompt.style.height = "auto";
  ui.prompt.style.height = ui.prompt.scrollHeight + "px";
}

function nearBottom() {
  const m = ui.main;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
}

function scrollToBottom() {
  ui.main.scrollTop = ui.main.scrollHeight;
}

/** Adds a turn to the log and returns the elements the answer fills. */
function addTurn(prompt) {
  const li = document.createElement("li");
  li.className = "turn";
  const user = document.createElement("div");
  user.className = "user";
  user.textContent = prompt;
  const answer = document.createElement("div");
  answer.className = "answer";
  answer.setAttribute("aria-live", "polite");
  answer.setAttribute("aria-busy", "true");
  answer.setAttribute("aria-label", "Answer");
  const metrics = document.createElement("p");
  metrics.className = "metrics";
  li.append(user, answer, metrics);
  ui.log.appendChild(li);
  ui.empty.hidden = true;
  scrollToBottom();
  return { li, answer, metrics };
}

/**
 * Renders Markdown at most once per frame while text streams in; finished
 * blocks stay as they are and only the open one is rendered again.
 */
function renderer(el) {
  const md = new StreamRenderer(el, { decorateCode: codeWithCopy });
  return framePainter((text) => {
    const stick = nearBottom();
    md.update(text);
    if (stick) scrollToBottom();
  });
}

// A code block with a button that copies its text.
function codeWithCopy(pre, code) {
  const box = document.createElement("div");
  box.className = "code-block";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy";
  button.title = "Copy the code";
  let reset = 0;
  button.addEventListener("click", async () => {
    const ok = await copyText(code);
    button.textContent = ok ? "Copied" : "Copy failed";
    button.focus();
    clearTimeout(reset);
    reset = setTimeout(() => { button.textContent = "Copy"; }, 1500);
  });
  box.append(pre, button);
  return box;
}

function formatMetrics(el, m) {
  const parts = [];
  if (m.ttft !== null) parts.push(`${(m.ttft / 1000).toFixed(2)} s to first token`);
  if (m.tps !== null) parts.push(`${m.tps.toFixed(1)} tokens/s`);
  if (m.inputTokens !== null || m.outputTokens !== null) {
    parts.push(`${m.inputTokens ?? "?"} in · ${m.outputTokens ?? "?"} out tokens`);
  }
  if (m.note) parts.push(m.note);
  const nodes = [];
  parts.forEach((p, i) => {
    if (i > 0) {
      const sep = document.createElement("span");
      sep.className = "sep";
      sep.setAttribute("aria-hidden", "true");
      sep.textContent = "·";
      nodes.push(sep);
    }
    const s = document.createElement("span");
    if (p === m.note) s.className = "note";
    s.textContent = p;
    nodes.push(s);
  });
  el.replaceChildren(...nodes);
}

const STOP_NOTES = {
  max_tokens: "Reached the token limit.",
  stop_sequence: "Ended at a stop sequence.",
  refusal: "The model declined to answer.",
};

async function send(prompt) {
  const model = ui.model.value;
  localStorage.setItem(MODEL_KEY, model);
  const conv = history; // "New chat" swaps history; this turn stays in its own
  const at = conv.length;
  conv.push({ role: "user", content: prompt });
  for (const b of ui.log.querySelectorAll(".turn .retry")) b.remove(); // only the last turn can be retried
  const turn = addTurn(prompt);
  const view = renderer(turn.answer);
  const controller = new AbortController();
  running = controller;
  ui.send.hidden = true;
  ui.stop.hidden = false;
  ui.model.disabled = true;
  updateSend();
  setStatus("");

  let text = "";
  const started = performance.now();
  let firstAt = null;
  let usage = { input: null, output: null };
  let stopReason = null;
  let deltas = 0;
  let note = "";
  let failed = null;

  try {
    await streamMessage(
      { model, max_tokens: MAX_TOKENS, messages: conv.slice() },
      {
        signal: controller.signal,
        headers: passthrough,
        onReconnect: (n) => setStatus(`Connection lost. Resuming the answer${n > 1 ? ` (try ${n})` : ""}…`),
        onEvent: (type, data) => {
          switch (type) {
            case "message_start":
              usage.input = data.message?.usage?.input_tokens ?? usage.input;
              break;
            case "content_block_delta":
              if (data.delta?.type === "text_delta" && typeof data.delta.text === "string") {
                if (firstAt === null) firstAt = performance.now();
                text += data.delta.text;
                deltas++;
                view.set(text);
                if (ui.status.textContent) setStatus("");
              }
              break;
            case "message_delta":
              stopReason = data.delta?.stop_reason ?? stopReason;
              usage.output = data.usage?.output_tokens ?? usage.output;
              if (data.usage?.input_tokens != null) usage.input = data.usage.input_tokens;
              break;
          }
        },
      },
    );
    note = STOP_NOTES[stopReason] || "";
  } catch (err) {
    if (controller.signal.aborted) {
      note = "Stopped.";
    } else {
      failed = err;
    }
  }
  const ended = performance.now();
  running = null;
  view.flush();
  turn.answer.setAttribute("aria-busy", "false");
  ui.send.hidden = false;
  ui.stop.hidden = true;
  ui.model.disabled = false;
  updateSend();
  setStatus("");

  if (failed) {
    const box = document.createElement("div");
    box.className = "error";
    box.setAttribute("role", "alert");
    const msg = document.createElement("span");
    msg.textContent = failed.name === "APIError" ? failed.message
      : text ? `The connection to the rockstream server at ${location.host} was lost and the answer could not be resumed. Check that the server is running, then retry.`
      : unreachable();
    // Retry asks again in place of this turn, with the conversation as it
    // was before it.
    const retry = actionButton("Retry", () => {
      if (running || conv !== history) return;
      history.length = at;
      turn.li.remove();
      send(prompt);
    });
    box.append(msg, " ", retry);
    turn.li.appendChild(box);
  }
  const outputTokens = usage.output ?? (deltas || null);
  const genSeconds = firstAt === null ? 0 : (ended - firstAt) / 1000;
  formatMetrics(turn.metrics, {
    ttft: firstAt === null ? null : firstAt - started,
    tps: outputTokens && genSeconds > 0 ? outputTokens / genSeconds : null,
    inputTokens: usage.input,
    outputTokens: usage.output,
    note,
  });
  turn.li.dataset.state = failed ? "error" : controller.signal.aborted ? "stopped" : "done";

  // The next request carries what the person saw. A turn that produced no
  // text is left out, so user and assistant turns keep alternating.
  if (text) conv.push({ role: "assistant", content: text });
  else conv.pop();
  if (document.activeElement === document.body || document.activeElement === ui.stop) ui.prompt.focus();
}

function submit() {
  const prompt = ui.prompt.value.trim();
  if (!prompt || running || ui.model.disabled) return;
  ui.prompt.value = "";
  autosize();
  send(prompt);
}

ui.form.addEventListener("submit", (e) => {
  e.preventDefault();
  submit();
});
ui.prompt.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  }
});
ui.prompt.addEventListener("input", () => {
  autosize();
  updateSend();
});
ui.stop.addEventListener("click", () => running?.abort());
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && running) running.abort();
});
ui.newChat.addEventListener("click", () => {
  running?.abort();
  history = [];
  ui.log.replaceChildren();
  ui.empty.hidden = false;
  setStatus("");
  ui.prompt.focus();
});
for (const b of document.querySelectorAll(".suggestion")) {
  b.addEventListener("click", () => {
    ui.prompt.value = b.textContent;
    autosize();
    updateSend();
    ui.prompt.focus();
  });
}

loadModels();
ui.prompt.focus();
