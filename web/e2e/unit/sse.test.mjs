import { test } from "node:test";
import assert from "node:assert/strict";
import { SSEParser, readEvents } from "../../static/sse.js";

const parseAll = (chunks) => {
  const p = new SSEParser();
  return chunks.flatMap((c) => p.push(c));
};

test("SSEParser follows the event stream rules", async (t) => {
  const cases = [
    {
      name: "anthropic event with id",
      in: ['id: 3\nevent: content_block_delta\ndata: {"type":"content_block_delta"}\n\n'],
      want: [{ event: "content_block_delta", data: '{"type":"content_block_delta"}', id: "3" }],
    },
    { name: "default type is message", in: ["data: x\n\n"], want: [{ event: "message", data: "x", id: "" }] },
    { name: "multi-line data joins with LF", in: ["data: a\ndata: b\n\n"], want: [{ event: "message", data: "a\nb", id: "" }] },
    { name: "one leading space removed", in: ["data:  two\ndata:none\n\n"], want: [{ event: "message", data: " two\nnone", id: "" }] },
    { name: "CRLF line ends", in: ["event: e\r\ndata: x\r\n\r\n"], want: [{ event: "e", data: "x", id: "" }] },
    { name: "CR line ends", in: ["event: e\rdata: x\r\r"], want: [{ event: "e", data: "x", id: "" }] },
    { name: "CRLF split across chunks", in: ["data: x\r", "\n\r", "\n"], want: [{ event: "message", data: "x", id: "" }] },
    { name: "comments and pings ignored", in: [": keepalive\n\n:x\ndata: y\n\n"], want: [{ event: "message", data: "y", id: "" }] },
    { name: "no data, no event", in: ["event: ping\nid: 4\n\n"], want: [] },
    { name: "id persists to later events", in: ["id: 7\ndata: a\n\ndata: b\n\n"], want: [{ event: "message", data: "a", id: "7" }, { event: "message", data: "b", id: "7" }] },
    { name: "id with NUL ignored", in: ["id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n"], want: [{ event: "message", data: "a", id: "1" }, { event: "message", data: "b", id: "1" }] },
    { name: "field without colon", in: ["data\n\n"], want: [{ event: "message", data: "", id: "" }] },
    { name: "unknown fields and retry ignored", in: ["retry: 10\nfoo: bar\ndata: z\n\n"], want: [{ event: "message", data: "z", id: "" }] },
    { name: "event type resets between events", in: ["event: a\ndata: 1\n\ndata: 2\n\n"], want: [{ event: "a", data: "1", id: "" }, { event: "message", data: "2", id: "" }] },
    { name: "unfinished event held back", in: ["data: partial\n"], want: [] },
    { name: "colon in value kept", in: ['data: {"a":"b: c"}\n\n'], want: [{ event: "message", data: '{"a":"b: c"}', id: "" }] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(parseAll(c.in), c.want));
  }
});

test("SSEParser gives the same events however the text is split", () => {
  const text = 'id: 1\nevent: message_start\ndata: {"type":"message_start"}\n\n: ping\r\n' +
    'id: 2\r\nevent: content_block_delta\r\ndata: {"text":"héllo 🌍"}\r\n\r\n' +
    "id: 3\revent: message_stop\rdata: {}\r\r";
  const whole = parseAll([text]);
  assert.equal(whole.length, 3);
  for (let size = 1; size <= 7; size++) {
    const chunks = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    assert.deepEqual(parseAll(chunks), whole, `chunks of ${size}`);
  }
});

test("SSEParser survives random input", () => {
  let seed = 42;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = ["\n", "\r", ":", " ", "data", "id", "event", "x", "\0", "é"];
  for (let round = 0; round < 500; round++) {
    let text = "";
    for (let i = 0; i < 60; i++) text += alphabet[rand(alphabet.length)];
    for (const ev of parseAll([text])) {
      assert.equal(typeof ev.data, "string");
      assert.equal(typeof ev.event, "string");
      assert.ok(!ev.id.includes("\0"));
    }
  }
});

test("readEvents decodes a byte stream split inside characters", async () => {
  const bytes = new TextEncoder().encode('id: 1\ndata: {"t":"ü🌍"}\n\nid: 2\ndata: end\n\ndata: cut');
  const body = new ReadableStream({
    start(c) {
      for (let i = 0; i < bytes.length; i += 3) c.enqueue(bytes.slice(i, i + 3));
      c.close();
    },
  });
  const got = [];
  for await (const ev of readEvents(body)) got.push(ev);
  assert.deepEqual(got, [
    { event: "message", data: '{"t":"ü🌍"}', id: "1" },
    { event: "message", data: "end", id: "2" },
  ]);
});
