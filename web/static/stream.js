// Streams one answer from the gateway's Anthropic-compatible Messages API and
// survives dropped connections: the gateway names each stream in the
// X-Rockstream-Stream-Id header and numbers its events with SSE ids, so after
// a network error the page asks GET /v1/streams/{id} for everything after the
// last id it saw. Events are also filtered by id, so a replay never repeats
// text.

import { readEvents } from "./sse.js";

export const STREAM_ID_HEADER = "X-Rockstream-Stream-Id";

/** The error a stream ends with when the server says so (HTTP or in-band). */
export class APIError extends Error {
  constructor(message, { status = 0, type = "api_error" } = {}) {
    super(message);
    this.name = "APIError";
    this.status = status;
    this.type = type;
  }
}

/**
 * Sends body to /v1/messages and calls onEvent(type, data) with each parsed
 * Anthropic stream event, exactly once per event, until message_stop.
 * Rejects with APIError for the server's errors, with the signal's reason
 * (an AbortError) when aborted, and with the last network error once
 * reconnecting has failed `retries` times.
 *
 * @param {object} body the Messages request; stream is forced on
 * @param {{signal?: AbortSignal, onEvent: (type: string, data: any) => void,
 *   onReconnect?: (attempt: number) => void, fetch?: typeof fetch,
 *   retries?: number, backoffMs?: number, base?: string,
 *   headers?: Record<string, string>}} opts
 */
export async function streamMessage(body, opts) {
  const {
    signal, onEvent, onReconnect = () => {}, retries = 5, backoffMs = 250, base = "", headers = {},
  } = opts;
  const doFetch = opts.fetch || globalThis.fetch.bind(globalThis);
  let streamId = "";
  let lastId = -1; // highest event id delivered
  let finished = false;

  const consume = async (res) => {
    for await (const ev of readEvents(res.body)) {
      const seq = ev.id === "" ? NaN : Number(ev.id);
      if (!Number.isNaN(seq)) {
        if (seq <= lastId) continue; // already delivered before the reconnect
        lastId = seq;
      }
      let data;
      try {
        data = JSON.parse(ev.data);
      } catch {
        continue; // not JSON: not an Anthropic event
      }
      const type = data && typeof data.type === "string" ? data.type : ev.event;
      if (type === "error") {
        const err = data.error || {};
        throw new APIError(err.message || "The stream failed.", { type: err.type || "api_error" });
      }
      onEvent(type, data);
      if (type === "message_stop") {
        finished = true;
        return;
      }
    }
  };

  const first = await doFetch(base + "/v1/messages", {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ ...body, stream: true }),
    signal,
  });
  if (!first.ok) throw await errorFromResponse(first);
  streamId = first.headers.get(STREAM_ID_HEADER) || "";
  if (streamId && signal) {
    // Stop means stop: a server that keeps streams alive for resuming
    // would otherwise let the model run on after the reader left.
    signal.addEventListener("abort", () => {
      if (finished) return;
      doFetch(base + "/v1/streams/" + encodeURIComponent(streamId), { method: "DELETE", headers, keepalive: true })
        .catch(() => {});
    }, { once: true });
  }

  let res = first;
  let lastError = null;
  let failures = 0; // consecutive reconnects without a new event
  for (;;) {
    const seen = lastId;
    try {
      if (res) await consume(res);
      if (finished) return;
      lastError = new TypeError("The stream ended before message_stop.");
    } catch (err) {
      if (signal && signal.aborted) throw signal.reason ?? err;
      if (err instanceof APIError) throw err;
      lastError = err; // network error: the connection dropped
    }
    failures = lastId > seen ? 1 : failures + 1;
    if (!streamId || failures > retries) throw lastError;
    onReconnect(failures);
    await sleep(backoffMs * 2 ** (failures - 1), signal);
    res = null;
    try {
      const h = { Accept: "text/event-stream" }; // pacing and fault headers were for the model call
      if (lastId >= 0) h["Last-Event-ID"] = String(lastId);
      const r = await doFetch(base + "/v1/streams/" + encodeURIComponent(streamId), { headers: h, signal });
      if (r.ok) res = r;
      else if (r.status === 404 || r.status === 410) throw await errorFromResponse(r);
      else lastError = await errorFromResponse(r);
    } catch (err) {
      if (signal && signal.aborted) throw signal.reason ?? err;
      if (err instanceof APIError) throw err;
      lastError = err;
    }
  }
}

/** Builds an APIError from a non-2xx response in Anthropic's error shape. */
export async function errorFromResponse(res) {
  let message = `The server answered ${res.status}.`;
  let type = "api_error";
  try {
    const data = await res.json();
    if (data && data.error) {
      message = data.error.message || message;
      type = data.error.type || type;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new APIError(message, { status: res.status, type });
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(signal.reason);
    const t = setTimeout(done, ms);
    function done() {
      if (signal) signal.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal.reason);
    }
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
  });
}
