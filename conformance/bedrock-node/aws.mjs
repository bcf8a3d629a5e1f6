// Streams from the local runtime with the AWS SDK for JavaScript v3,
// configured only by the environment (AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
// AWS_REGION, dummy credentials). Prints one JSON line per event.
//
//   node aws.mjs invoke-stream|converse-stream|count-tokens [X-Rockstream-Fault value]
import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";

const MODEL_ID = "anthropic.claude-3-sonnet-20240229-v1:0";
const PROMPT = "Tell me a story about a lighthouse keeper.";
const [op, fault] = process.argv.slice(2);

const emit = (obj) => process.stdout.write(JSON.stringify({ ...obj, t: Date.now() }) + "\n");

const client = new BedrockRuntimeClient({ maxAttempts: 1 });
if (fault) {
  client.middlewareStack.add(
    (next) => async (args) => {
      args.request.headers["x-rockstream-fault"] = fault;
      return next(args);
    },
    { step: "build", name: "rockstreamFault" },
  );
}

async function invokeStream() {
  const res = await client.send(
    new InvokeModelWithResponseStreamCommand({
      modelId: MODEL_ID,
      body: JSON.stringify({
        anthropic_version: "bedrock-2023-05-31",
        max_tokens: 60,
        temperature: 0,
        messages: [{ role: "user", content: PROMPT }],
      }),
    }),
  );
  for await (const ev of res.body) {
    if (!ev.chunk) {
      emit({ event: Object.keys(ev)[0] });
      continue;
    }
    const chunk = JSON.parse(Buffer.from(ev.chunk.bytes).toString("utf8"));
    emit({ event: chunk.type, text: chunk.delta?.text });
  }
}

async function converseStream() {
  const res = await client.send(
    new ConverseStreamCommand({
      modelId: MODEL_ID,
      messages: [{ role: "user", content: [{ text: PROMPT }] }],
      inferenceConfig: { maxTokens: 60, temperature: 0 },
    }),
  );
  for await (const ev of res.stream) {
    const [name, value] = Object.entries(ev)[0];
    emit({ event: name, text: value?.delta?.text, stopReason: value?.stopReason });
  }
}

// countTokens counts one request in both input forms: an InvokeModel body
// and a Converse conversation.
async function countTokens() {
  const system = "You are brief.";
  const invoke = await client.send(
    new CountTokensCommand({
      modelId: MODEL_ID,
      input: {
        invokeModel: {
          body: new TextEncoder().encode(JSON.stringify({
            anthropic_version: "bedrock-2023-05-31",
            max_tokens: 60,
            system,
            messages: [{ role: "user", content: PROMPT }],
          })),
        },
      },
    }),
  );
  const converse = await client.send(
    new CountTokensCommand({
      modelId: MODEL_ID,
      input: { converse: { system: [{ text: system }], messages: [{ role: "user", content: [{ text: PROMPT }] }] } },
    }),
  );
  emit({ event: "count", invokeModel: invoke.inputTokens, converse: converse.inputTokens });
}

const ops = { "invoke-stream": invokeStream, "converse-stream": converseStream, "count-tokens": countTokens };

try {
  await (ops[op] || invokeStream)();
  emit({ done: true });
} catch (err) {
  emit({ error: err.name, message: err.message, status: err.$metadata?.httpStatusCode });
}
