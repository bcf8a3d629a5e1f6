// Streams a message from the local runtime with Anthropic's Bedrock SDK,
// configured only by the environment (ANTHROPIC_BEDROCK_BASE_URL,
// AWS_REGION, dummy AWS credentials). Prints one JSON line per event.
import AnthropicBedrock from "@anthropic-ai/bedrock-sdk";

const emit = (obj) => process.stdout.write(JSON.stringify({ ...obj, t: Date.now() }) + "\n");

const client = new AnthropicBedrock({ maxRetries: 0 });

try {
  const stream = await client.messages.create({
    model: "anthropic.claude-3-sonnet-20240229-v1:0",
    max_tokens: 60,
    temperature: 0,
    messages: [{ role: "user", content: "Tell me a story about a lighthouse keeper." }],
    stream: true,
  });
  for await (const ev of stream) {
    emit({ event: ev.type, text: ev.delta?.text, stopReason: ev.delta?.stop_reason });
  }
  emit({ done: true });
} catch (err) {
  emit({ error: err.constructor.name, message: err.message, status: err.status });
}
