// Streams one of today's Bedrock models from the local runtime with the AWS
// SDK for JavaScript v3, configured only by the environment as aws.mjs is.
// invoke-stream sends the model family's own InvokeModel body and reads each
// chunk the way that family's users do; converse-stream sends the same
// question through ConverseStream. Prints one JSON line per event, each
// tagged with its operation, and {"op", "done": true} or {"op", "error"}
// when an operation ends.
//
//   node current_models.mjs MODEL_ID [invoke-stream] [converse-stream]
//
// With no operation named, both run, one after the other, in this process.
import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";

const PROMPT = "Tell me a story about a lighthouse keeper.";
const MAX_TOKENS = 40;

const [modelId, ...named] = process.argv.slice(2);
if (!modelId) {
  console.error("usage: node current_models.mjs MODEL_ID [invoke-stream] [converse-stream]");
  process.exit(2);
}

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

// family is the InvokeModel dialect of a model, inference-profile ID
// included: the provider after any geography prefix, and for DeepSeek
// whether the model takes R1's prompt or the chat form.
function family(id) {
  const parts = id.split(".");
  const provider = ["us", "eu", "apac", "jp", "au", "global"].includes(parts[0]) ? parts[1] : parts[0];
  if (provider === "deepseek") return id.includes("deepseek.r1") ? "deepseek-r1" : "chat";
  return { anthropic: "anthropic", meta: "llama", openai: "chat", qwen: "chat" }[provider] ?? provider;
}

// bodies write the question in each family's InvokeModel body.
const bodies = {
  anthropic: () => ({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: MAX_TOKENS,
    messages: [{ role: "user", content: PROMPT }],
  }),
  llama: (id) => ({
    prompt: id.includes("llama4")
      ? `<|begin_of_text|><|header_start|>user<|header_end|>\n\n${PROMPT}<|eot|><|header_start|>assistant<|header_end|>\n\n`
      : `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n${PROMPT}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`,
    max_gen_len: MAX_TOKENS,
  }),
  chat: (id) => ({
    messages: [{ role: "user", content: PROMPT }],
    ...(id.includes("gpt-oss") ? { max_completion_tokens: MAX_TOKENS } : { max_tokens: MAX_TOKENS }),
  }),
  "deepseek-r1": () => ({
    prompt: `<｜begin▁of▁sentence｜><｜User｜>${PROMPT}<｜Assistant｜><think>\n`,
    max_tokens: MAX_TOKENS,
  }),
};

// readers take what a family's chunk says: text, a stop reason, token
// counts. Every family's last chunk also carries Bedrock's invocation
// metrics, read as the counts when the family's own fields have none.
const readers = {
  anthropic: (c) => ({
    text: c.type === "content_block_delta" ? c.delta?.text : undefined,
    stop: c.type === "message_delta" ? c.delta?.stop_reason : undefined,
    inputTokens: c.message?.usage?.input_tokens,
    outputTokens: c.type === "message_delta" ? c.usage?.output_tokens : undefined,
  }),
  llama: (c) => ({
    text: c.generation,
    stop: c.stop_reason ?? undefined,
    inputTokens: c.prompt_token_count ?? undefined,
    outputTokens: c.stop_reason ? c.generation_token_count : undefined,
  }),
  chat: (c) => ({
    text: c.choices?.[0]?.delta?.content ?? undefined,
    stop: c.choices?.[0]?.finish_reason ?? undefined,
    inputTokens: c.usage?.prompt_tokens,
    outputTokens: c.usage?.completion_tokens,
  }),
  "deepseek-r1": (c) => ({
    text: c.choices?.[0]?.text,
    stop: c.choices?.[0]?.stop_reason ?? undefined,
  }),
};

const client = new BedrockRuntimeClient({ maxAttempts: 1 });

async function invokeStream() {
  const fam = family(modelId);
  if (!bodies[fam]) throw new Error(`no InvokeModel body for family ${fam}`);
  const body = bodies[fam](modelId);
  emit({ op: "invoke-stream", body });
  const res = await client.send(
    new InvokeModelWithResponseStreamCommand({
      modelId,
      contentType: "application/json",
      accept: "application/json",
      body: JSON.stringify(body),
    }),
  );
  for await (const ev of res.body) {
    if (!ev.chunk) {
      emit({ op: "invoke-stream", event: Object.keys(ev)[0] });
      continue;
    }
    const chunk = JSON.parse(Buffer.from(ev.chunk.bytes).toString("utf8"));
    const read = readers[fam](chunk);
    const metrics = chunk["amazon-bedrock-invocationMetrics"];
    if (metrics) {
      read.inputTokens ??= metrics.inputTokenCount;
      read.outputTokens ??= metrics.outputTokenCount;
    }
    emit({ op: "invoke-stream", chunk, ...read });
  }
}

async function converseStream() {
  const res = await client.send(
    new ConverseStreamCommand({
      modelId,
      messages: [{ role: "user", content: [{ text: PROMPT }] }],
      inferenceConfig: { maxTokens: MAX_TOKENS },
    }),
  );
  for await (const ev of res.stream) {
    const [event, value] = Object.entries(ev)[0];
    emit({
      op: "converse-stream",
      event,
      text: value?.delta?.text,
      stop: value?.stopReason,
      inputTokens: value?.usage?.inputTokens,
      outputTokens: value?.usage?.outputTokens,
    });
  }
}

const ops = { "invoke-stream": invokeStream, "converse-stream": converseStream };
const run = named.length ? named : Object.keys(ops);

let failed = false;
for (const op of run) {
  if (!ops[op]) {
    console.error(`unknown operation ${op}`);
    process.exit(2);
  }
  try {
    await ops[op]();
    emit({ op, done: true });
  } catch (err) {
    failed = true;
    emit({ op, error: err.name, message: err.message, status: err.$metadata?.httpStatusCode });
  }
}
process.exitCode = failed ? 1 : 0;
