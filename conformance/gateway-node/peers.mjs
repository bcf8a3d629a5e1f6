// Streams from rockstream's gateway with the official OpenAI and Anthropic
// Node SDKs, unchanged, and prints what each check saw as one JSON object.
// server/gateway's TestNodePeers starts the gateway and judges the result.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const baseURL = process.env.ROCKSTREAM_URL;
// Errors that come as a status before the first event are asked of a
// gateway with the default keepalive: one sent first would commit a 200.
const statusURL = process.env.ROCKSTREAM_STATUS_URL;
const apiKey = process.env.ROCKSTREAM_API_KEY;
const model = process.env.ROCKSTREAM_MODEL;
const prompt = process.env.ROCKSTREAM_PROMPT;

const openai = (headers = {}, url = baseURL) =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
const anthropic = (headers = {}, url = baseURL) =>
  new Anthropic({ baseURL: url, apiKey, maxRetries: 0, defaultHeaders: headers });

const chat = { model, max_tokens: 200, messages: [{ role: 'user', content: prompt }] };
const silence = { 'X-Rockstream-Fault': 'silence=50ms,after=4' };

async function openaiStream() {
  const stream = await openai(silence).chat.completions.create({
    ...chat, stream: true, stream_options: { include_usage: true },
  });
  let text = '', finish = null, usage = null;
  for await (const chunk of stream) {
    if (chunk.choices.length > 0) {
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, finish, outputTokens: usage?.completion_tokens ?? 0 };
}

async function openaiMidStreamError() {
  let text = '';
  try {
    const stream = await openai({ 'X-Rockstream-Fault': 'ModelStreamErrorException,after=5' })
      .chat.completions.create({ ...chat, stream: true });
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  } catch (err) {
    return { text, error: String(err.message ?? err) };
  }
  return { text, error: null };
}

async function openaiStatus(fault) {
  try {
    await openai({ 'X-Rockstream-Fault': fault }, statusURL).chat.completions.create({ ...chat, stream: true });
  } catch (err) {
    return { status: err.status ?? 0 };
  }
  return { status: 200 };
}

async function anthropicStream() {
  const stream = anthropic(silence).messages.stream(chat);
  const msg = await stream.finalMessage();
  return {
    text: msg.content.map((b) => b.text ?? '').join(''),
    finish: msg.stop_reason,
    outputTokens: msg.usage.output_tokens,
  };
}

async function anthropicMidStreamError() {
  let text = '';
  try {
    const stream = await anthropic({ 'X-Rockstream-Fault': 'ModelStreamErrorException,after=5' })
      .messages.create({ ...chat, stream: true });
    for await (const ev of stream) {
      if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    }
  } catch (err) {
    return { text, error: String(err.message ?? err) };
  }
  return { text, error: null };
}

async function anthropicStatus(fault) {
  try {
    await anthropic({ 'X-Rockstream-Fault': fault }, statusURL).messages.create({ ...chat, stream: true });
  } catch (err) {
    return { status: err.status ?? 0 };
  }
  return { status: 200 };
}

async function anthropicCountTokens() {
  const res = await anthropic().messages.countTokens({
    model, system: 'Be brief.', messages: [{ role: 'user', content: prompt }],
  });
  return { inputTokens: res.input_tokens };
}

const results = {
  openaiStream: await openaiStream(),
  openaiMidStreamError: await openaiMidStreamError(),
  openaiThrottled: await openaiStatus('ThrottlingException'),
  openaiOverloaded: await openaiStatus('ServiceUnavailableException'),
  anthropicStream: await anthropicStream(),
  anthropicMidStreamError: await anthropicMidStreamError(),
  anthropicThrottled: await anthropicStatus('ThrottlingException'),
  anthropicOverloaded: await anthropicStatus('ServiceUnavailableException'),
  anthropicCountTokens: await anthropicCountTokens(),
};
process.stdout.write(JSON.stringify(results) + '\n');
