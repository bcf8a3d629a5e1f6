import { test } from "node:test";
import assert from "node:assert/strict";
import { streamMessage, APIError } from "../../static/stream.js";

const enc = new TextEncoder();

function sse(seq, data) {
  return `id: ${seq}\nevent: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

const delta = (text) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });

// The whole stream for words, numbered from 1.
function stream(words) {
  const evs = [
    { type: "message_start", message: { usage: { input_tokens: 3, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "ping" },
    ...words.map(delta),
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: words.length } },
    { type: "message_stop" },
  ];
  return evs.map((e, i) => sse(i + 1, e));
}

// A body that sends frames and then either ends or fails like a dropped
// connection.
function body(frames, { fail = false } = {}) {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < frames.length) c.enqueue(enc.encode(frames[i++]));
      else if (fail) c.error(new TypeError("network error"));
      else c.close();
    },
  });
}

function sseResponse(frames, opts = {}) {
  return new Response(body(frames, opts), {
    status: 200,
    headers: { "Content-Type": "text/event-stream", "X-Rockstream-Stream-Id": "s1" },
  });
}

function recorder() {
  const events = [];
  let text = "";
  return {
    events,
    get text() {
      return text;
    },
    onEvent(type, data) {
      events.push(type);
      if (type === "content_block_delta") text += data.delta.text;
    },
  };
}

const words = ["The", " quick", " brown", " fox", " jumps"];

test("delivers every event once and ends at message_stop", async () => {
  const rec = recorder();
  const calls = [];
  await streamMessage({ model: "m", messages: [] }, {
    onEvent: rec.onEvent,
    fetch: async (url, init) => {
      calls.push([url, init]);
      return sseResponse(stream(words));
    },
  });
  assert.equal(rec.text, "The quick brown fox jumps");
  assert.equal(rec.events.at(-1), "message_stop");
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], "/v1/messages");
  assert.equal(JSON.parse(calls[0][1].body).stream, true);
});

test("resumes after a dropped connection without repeating text", async () => {
  const frames = stream(words);
  const rec = recorder();
  const calls = [];
  const reconnects = [];
  await streamMessage({ model: "m", messages: [] }, {
    onEvent: rec.onEvent,
    onReconnect: (n) => reconnects.push(n),
    backoffMs: 1,
    fetch: async (url, init) => {
      calls.push([url, init]);
      if (calls.length === 1) return sseResponse(frames.slice(0, 5), { fail: true }); // through " quick"
      // The server replays from earlier than asked; the page must skip what it has.
      return sseResponse(frames.slice(3));
    },
  });
  assert.equal(rec.text, "The quick brown fox jumps");
  assert.deepEqual(reconnects, [1]);
  assert.equal(calls[1][0], "/v1/streams/s1");
  assert.equal(calls[1][1].headers["Last-Event-ID"], "5");
  assert.equal(rec.events.filter((t) => t === "message_start").length, 1);
});

test("a body that ends before message_stop also resumes", async () => {
  const frames = stream(words);
  const rec = recorder();
  let n = 0;
  await streamMessage({ model: "m", messages: [] }, {
    onEvent: rec.onEvent,
    backoffMs: 1,
    fetch: async () => (++n === 1 ? sseResponse(frames.slice(0, 6)) : sseResponse(frames.slice(6))),
  });
  assert.equal(rec.text, "The quick brown fox jumps");
});

test("gives up after the retries", async () => {
  let n = 0;
  await assert.rejects(
    streamMessage({ model: "m", messages: [] }, {
      onEvent: () => {},
      backoffMs: 1,
      retries: 2,
      fetch: async (url) => {
        n++;
        if (url === "/v1/messages") return sseResponse(stream(words).slice(0, 4), { fail: true });
        throw new TypeError("Failed to fetch");
      },
    }),
    TypeError,
  );
  assert.equal(n, 3);
});

test("HTTP errors become APIError with the server's message", async () => {
  await assert.rejects(
    streamMessage({ model: "m", messages: [] }, {
      onEvent: () => {},
      fetch: async () => Response.json(
        { type: "error", error: { type: "rate_limit_error", message: "Too many requests." } },
        { status: 429 },
      ),
    }),
    (err) => err instanceof APIError && err.status === 429 && err.type === "rate_limit_error" &&
      err.message === "Too many requests.",
  );
});

test("an in-band error event ends the stream with APIError, after the text before it", async () => {
  const rec = recorder();
  const frames = stream(words).slice(0, 5);
  frames.push(sse(6, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
  await assert.rejects(
    streamMessage({ model: "m", messages: [] }, { onEvent: rec.onEvent, fetch: async () => sseResponse(frames) }),
    (err) => err instanceof APIError && err.type === "overloaded_error",
  );
  assert.equal(rec.text, "The quick");
});

test("aborting stops the server's stream without reconnecting", async () => {
  const controller = new AbortController();
  const calls = [];
  const rec = recorder();
  const p = streamMessage({ model: "m", messages: [] }, {
    signal: controller.signal,
    onEvent: (type, data) => {
      rec.onEvent(type, data);
      if (type === "content_block_delta") controller.abort();
    },
    backoffMs: 1,
    fetch: async (url, init) => {
      calls.push([init.method || "GET", url]);
      if (init.method === "DELETE") return new Response(null, { status: 204 });
      // A body that never ends, cancelled by the signal like fetch does.
      const frames = stream(words).slice(0, 4);
      const b = new ReadableStream({
        start(c) {
          for (const f of frames) c.enqueue(enc.encode(f));
          init.signal.addEventListener("abort", () => c.error(init.signal.reason));
        },
      });
      return new Response(b, { headers: { "X-Rockstream-Stream-Id": "s1" } });
    },
  });
  await assert.rejects(p, (err) => err.name === "AbortError");
  assert.deepEqual(calls, [["POST", "/v1/messages"], ["DELETE", "/v1/streams/s1"]]);
  assert.equal(rec.text, "The");
});

test("a resume the server no longer knows ends with its error", async () => {
  let n = 0;
  await assert.rejects(
    streamMessage({ model: "m", messages: [] }, {
      onEvent: () => {},
      backoffMs: 1,
      fetch: async () => (++n === 1
        ? sseResponse(stream(words).slice(0, 4), { fail: true })
        : Response.json({ type: "error", error: { type: "not_found_error", message: "No such stream." } }, { status: 404 })),
    }),
    (err) => err instanceof APIError && err.status === 404,
  );
  assert.equal(n, 2);
});
