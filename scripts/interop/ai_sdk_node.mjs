// Optional interop check: drive a running naga emulator with the Vercel AI SDK (`ai` 6,
// `@ai-sdk/openai`, `@ai-sdk/openai-compatible`, `@ai-sdk/anthropic`): chat, the Responses API,
// the openai-compatible provider, Anthropic's Messages API, structured output, tool loops with
// reasoning replayed, embeddings, images, speech, transcription. Not part of CI. See README.md
// "Interop checks".
//
//   mkdir -p /tmp/naga-aisdk && (cd /tmp/naga-aisdk && npm init -y && npm install ai @ai-sdk/openai @ai-sdk/openai-compatible @ai-sdk/anthropic zod)
//   cargo run -p naga-cli -- serve --addr 127.0.0.1:8080 &
//   NODE_PATH=/tmp/naga-aisdk/node_modules node scripts/interop/ai_sdk_node.mjs http://127.0.0.1:8080/v1 [nameRegex]
//
// Prints PASS/FAIL per check (VERBOSE=1: every exchange); the exit status is the number of
// failures. Where the SDK relies on something Naga's contract does not offer, the check
// expects the emulator's documented refusal instead.

import { createRequire } from 'node:module';

const require = createRequire(process.env.NODE_PATH ? `${process.env.NODE_PATH}/` : import.meta.url);
const {
  generateText, streamText, generateObject, streamObject, embed, embedMany, tool,
  generateImage, experimental_generateSpeech, experimental_transcribe,
} = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');
const { createOpenAICompatible } = require('@ai-sdk/openai-compatible');
const { createAnthropic } = require('@ai-sdk/anthropic');
const { z } = require('zod');

const BASE = process.argv[2] ?? 'http://127.0.0.1:8080/v1';
const VERBOSE = !!process.env.VERBOSE;
const FILTER = process.argv[3] ? new RegExp(process.argv[3]) : null;
const CHAT_MODEL = 'gpt-4o-mini';
const CLAUDE_MODEL = 'claude-sonnet-4.5';

// ---------- traffic capture: a fetch wrapper that records request + raw response ----------
let traffic = [];
const clip = (s, n = 3000) => (s.length > n ? s.slice(0, n) + `...[${s.length - n} more chars]` : s);
async function loggingFetch(input, init = {}) {
  const url = typeof input === 'string' ? input : input.url;
  let reqBody;
  if (init.body == null) reqBody = '';
  else if (typeof init.body === 'string') reqBody = init.body;
  else if (init.body instanceof FormData) {
    reqBody = 'multipart: ' + [...init.body.entries()]
      .map(([k, v]) => (typeof v === 'string' ? `${k}=${v}` : `${k}=<file ${v.name ?? ''} ${v.type} ${v.size}B>`)).join(', ');
  } else reqBody = `<${Object.prototype.toString.call(init.body)}>`;
  const res = await fetch(input, init);
  const ct = res.headers.get('content-type') ?? '';
  const buf = Buffer.from(await res.arrayBuffer());
  const isText = /json|text|event-stream/.test(ct) || buf.length === 0;
  const entry = {
    method: init.method ?? 'GET', url, reqBody,
    status: res.status, contentType: ct,
    resBody: isText ? buf.toString('utf8') : `<binary ${buf.length} bytes, first bytes ${buf.subarray(0, 12).toString('hex')}>`,
  };
  traffic.push(entry);
  return new Response(buf, { status: res.status, statusText: res.statusText, headers: res.headers });
}
function dumpTraffic() {
  return traffic.map((t, i) =>
    `    [${i}] ${t.method} ${t.url}\n      request: ${clip(t.reqBody, 1500)}\n      response ${t.status} (${t.contentType}): ${clip(t.resBody)}`,
  ).join('\n');
}

// ---------- providers ----------
const openai = createOpenAI({ baseURL: BASE, apiKey: 'x', fetch: loggingFetch });
const compat = createOpenAICompatible({ name: 'naga', baseURL: BASE, apiKey: 'x', includeUsage: true, fetch: loggingFetch });
// Same provider with json_schema structured outputs enabled (off by default in @ai-sdk/openai-compatible).
const compatSO = createOpenAICompatible({ name: 'naga', baseURL: BASE, apiKey: 'x', includeUsage: true, supportsStructuredOutputs: true, fetch: loggingFetch });
const anthropic = createAnthropic({ baseURL: BASE, apiKey: 'x', fetch: loggingFetch });

// ---------- helpers ----------
const results = [];
async function check(name, fn) {
  if (FILTER && !FILTER.test(name)) return;
  traffic = [];
  try {
    const info = await fn();
    results.push([name, true]);
    console.log(`PASS ${name}${info ? ` (${info})` : ''}`);
    if (VERBOSE) console.log(dumpTraffic());
  } catch (e) {
    results.push([name, false]);
    let msg = e?.stack?.split('\n').slice(0, 1).join('') ?? String(e);
    if (e?.cause) msg += `\n    cause: ${String(e.cause?.message ?? e.cause).slice(0, 4000)}`;
    if (e?.responseBody && !traffic.length) msg += `\n    responseBody: ${clip(e.responseBody)}`;
    if (e?.text) msg += `\n    text: ${clip(String(e.text), 500)}`;
    console.log(`FAIL ${name}: ${msg}\n${dumpTraffic()}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error('assertion failed: ' + msg); }
// Runs `fn`, which must fail with the emulator's `status` answer naming `text`.
async function refused(fn, status, text) {
  try {
    await fn();
  } catch (e) {
    const body = e?.responseBody ?? '';
    assert(e?.statusCode === status, `expected ${status}, got ${e?.statusCode}: ${e?.message}`);
    assert(body.includes(text), `expected the answer to name ${text}: ${body}`);
    return `refused: ${JSON.parse(body).error?.message?.slice(0, 80)}`;
  }
  throw new Error(`expected a ${status} naming ${text}, but the call succeeded`);
}
const fmtUsage = (u) => JSON.stringify({ in: u?.inputTokens, out: u?.outputTokens, total: u?.totalTokens, reasoning: u?.reasoningTokens ?? u?.outputTokenDetails?.reasoningTokens });
function assertUsage(u, where) {
  assert(u && Number.isFinite(u.inputTokens) && Number.isFinite(u.outputTokens), `${where}: usage missing/NaN: ${JSON.stringify(u)}`);
}

// Streams: collect text + every error part (streamText swallows errors into onError by default).
async function runStream(result) {
  const errors = [];
  const parts = {};
  let text = '';
  for await (const p of result.fullStream) {
    parts[p.type] = (parts[p.type] ?? 0) + 1;
    if (p.type === 'text-delta') text += p.text ?? p.delta ?? '';
    if (p.type === 'error') errors.push(p.error);
  }
  if (errors.length) {
    const e = errors[0];
    const err = new Error(`stream error part: ${e?.message ?? e}`);
    err.cause = e?.cause ?? e;
    throw err;
  }
  const [usage, finishReason, toolCalls, reasoningText] = await Promise.all([
    result.usage, result.finishReason, result.toolCalls, result.reasoningText,
  ]);
  return { text, usage, finishReason, toolCalls, reasoningText, parts };
}

const weatherTool = tool({
  description: 'Get the current weather for a city',
  inputSchema: z.object({ city: z.string().describe('city name') }),
});
const recipeSchema = z.object({
  name: z.string(),
  ingredients: z.array(z.object({ item: z.string(), amount: z.string() })),
  minutes: z.number(),
});

async function textChecks(prefix, model, { skipObject = false, providerOptions } = {}) {
  await check(`${prefix} generateText`, async () => {
    const r = await generateText({ model, prompt: 'Say hello in five words.', maxRetries: 0, providerOptions });
    assert(r.text.length > 0, 'empty text');
    assertUsage(r.usage, 'generateText');
    assert(r.finishReason === 'stop', `finishReason=${r.finishReason}`);
    return `text=${JSON.stringify(r.text.slice(0, 60))} finish=${r.finishReason} usage=${fmtUsage(r.usage)}`;
  });
  await check(`${prefix} streamText`, async () => {
    const s = await runStream(streamText({ model, prompt: 'Count from one to five.', maxRetries: 0, providerOptions }));
    assert(s.text.length > 0, `empty streamed text; parts=${JSON.stringify(s.parts)}`);
    assertUsage(s.usage, 'streamText');
    assert(s.finishReason === 'stop', `finishReason=${s.finishReason}`);
    return `text=${JSON.stringify(s.text.slice(0, 60))} finish=${s.finishReason} usage=${fmtUsage(s.usage)}`;
  });
  await check(`${prefix} tool call (generateText, toolChoice required)`, async () => {
    const r = await generateText({
      model, prompt: 'What is the weather in Prague?', tools: { get_weather: weatherTool },
      toolChoice: 'required', maxRetries: 0, providerOptions,
    });
    assert(r.toolCalls.length >= 1, `no toolCalls; finish=${r.finishReason} text=${r.text}`);
    const tc = r.toolCalls[0];
    assert(tc.toolName === 'get_weather', `toolName=${tc.toolName}`);
    assert(tc.input && typeof tc.input.city === 'string', `input not parsed: ${JSON.stringify(tc.input)}`);
    assert(r.finishReason === 'tool-calls', `finishReason=${r.finishReason}`);
    return `call=${tc.toolName}(${JSON.stringify(tc.input)}) id=${tc.toolCallId} finish=${r.finishReason}`;
  });
  await check(`${prefix} tool call (streamText)`, async () => {
    const s = await runStream(streamText({
      model, prompt: 'What is the weather in Prague?', tools: { get_weather: weatherTool },
      toolChoice: 'required', maxRetries: 0, providerOptions,
    }));
    assert(s.toolCalls.length >= 1, `no toolCalls; parts=${JSON.stringify(s.parts)}`);
    const tc = s.toolCalls[0];
    assert(tc.input && typeof tc.input.city === 'string', `input not parsed: ${JSON.stringify(tc.input)}`);
    assert(s.finishReason === 'tool-calls', `finishReason=${s.finishReason}`);
    return `call=${tc.toolName}(${JSON.stringify(tc.input)}) finish=${s.finishReason}`;
  });
  await check(`${prefix} tool loop (auto choice, result round-trip)`, async () => {
    // naga-mock calls a tool under tool_choice=auto only when the user message names it.
    const r = await generateText({
      model, prompt: 'Use get_weather to find the weather in Prague.', maxRetries: 0, providerOptions,
      tools: { get_weather: tool({ ...weatherTool, execute: async ({ city }) => ({ city, tempC: 21 }) }) },
      stopWhen: ({ steps }) => steps.length >= 2,
    });
    assert(r.steps.length === 2, `steps=${r.steps.length} finish=${r.finishReason}`);
    assert(r.steps[0].toolResults.length === 1, 'no tool result in step 1');
    assert(r.text.length > 0 && r.finishReason === 'stop', `final finish=${r.finishReason}`);
    return `steps=2 final=${JSON.stringify(r.text.slice(0, 50))}`;
  });
  if (skipObject) return;
  await check(`${prefix} generateObject`, async () => {
    const r = await generateObject({ model, schema: recipeSchema, schemaName: 'Recipe', prompt: 'A pancake recipe.', maxRetries: 0, providerOptions });
    const parsed = recipeSchema.parse(r.object);
    return `object=${JSON.stringify(parsed).slice(0, 100)}`;
  });
  await check(`${prefix} streamObject`, async () => {
    const s = streamObject({ model, schema: recipeSchema, schemaName: 'Recipe', prompt: 'A pancake recipe.', maxRetries: 0, providerOptions, onError: () => {} });
    let partials = 0;
    for await (const _ of s.partialObjectStream) partials++;
    const obj = await s.object;
    recipeSchema.parse(obj);
    return `partials=${partials} object=${JSON.stringify(obj).slice(0, 80)}`;
  });
}

// ---------- 1. @ai-sdk/openai chat ----------
await textChecks('1 openai.chat', openai.chat(CHAT_MODEL));

// ---------- 2. @ai-sdk/openai default (Responses API) ----------
await textChecks('2 openai() [responses]', openai(CHAT_MODEL));
await check('2 openai.responses reasoning streamText (claude, forceReasoning)', async () => {
  const st = await runStream(streamText({
    model: openai.responses(CLAUDE_MODEL), prompt: 'Why is the sky blue?', maxRetries: 0,
    providerOptions: { openai: { forceReasoning: true, reasoningEffort: 'low', reasoningSummary: 'auto' } },
  }));
  assert(st.text.length > 0, 'empty');
  assert((st.reasoningText ?? '').length > 0, `no reasoningText; parts=${JSON.stringify(st.parts)}`);
  return `reasoning=${JSON.stringify(st.reasoningText.slice(0, 50))} usage=${fmtUsage(st.usage)}`;
});
await check('1 openai.chat reasoning_effort (claude, forceReasoning)', async () => {
  // @ai-sdk/openai's chat model sends reasoning_effort but never reads message.reasoning_content
  // (OpenAI's own Chat API returns no reasoning text), so only the request side and text are checked.
  const r = await generateText({
    model: openai.chat(CLAUDE_MODEL), prompt: 'Why is the sky blue?', maxRetries: 0,
    providerOptions: { openai: { forceReasoning: true, reasoningEffort: 'low' } },
  });
  assert(traffic[0].reqBody.includes('"reasoning_effort":"low"'), 'reasoning_effort not sent');
  assert(r.text.length > 0, 'empty');
  const raw = JSON.parse(traffic[0].resBody);
  return `reasoning_content on wire=${!!raw.choices[0].message.reasoning_content}, SDK reasoningText=${JSON.stringify(r.reasoningText ?? null)}`;
});
await check('2 openai.responses generateText (explicit)', async () => {
  const r = await generateText({ model: openai.responses('gpt-4.1-mini'), system: 'Be brief.', prompt: 'Hi', maxRetries: 0 });
  assert(r.text.length > 0, 'empty');
  assert(traffic.some((t) => t.url.endsWith('/responses')), 'did not call /responses');
  return `text=${JSON.stringify(r.text.slice(0, 60))}`;
});
await check('2 openai.responses reasoning (claude, forceReasoning+reasoningEffort)', async () => {
  // The SDK drops reasoning options for model ids it does not know as reasoning models unless forceReasoning.
  const r = await generateText({
    model: openai.responses(CLAUDE_MODEL), prompt: 'Why is the sky blue?', maxRetries: 0,
    providerOptions: { openai: { forceReasoning: true, reasoningEffort: 'low', reasoningSummary: 'auto' } },
  });
  assert(r.text.length > 0, 'empty');
  assert((r.reasoningText ?? '').length > 0, 'no reasoningText');
  return `reasoning=${JSON.stringify((r.reasoningText ?? '').slice(0, 60))} usage=${fmtUsage(r.usage)}`;
});

// ---------- 3. @ai-sdk/openai-compatible ----------
await textChecks('3 compat', compat.chatModel(CHAT_MODEL), { skipObject: true });
await check('3 compat generateObject (default config -> response_format json_object)', async () => {
  // Without supportsStructuredOutputs the provider sends {type:"json_object"} and no schema, so only
  // "some JSON object" can be expected back.
  const r = await generateObject({ model: compat.chatModel(CHAT_MODEL), schema: z.record(z.string(), z.unknown()), prompt: 'A pancake recipe.', maxRetries: 0 });
  assert(traffic[0].reqBody.includes('"json_object"'), 'expected json_object request');
  return `object keys=${Object.keys(r.object).join(',')}`;
});
await check('3 compat generateObject (supportsStructuredOutputs -> json_schema)', async () => {
  const r = await generateObject({ model: compatSO.chatModel(CHAT_MODEL), schema: recipeSchema, schemaName: 'Recipe', prompt: 'A pancake recipe.', maxRetries: 0 });
  recipeSchema.parse(r.object);
  return `object=${JSON.stringify(r.object).slice(0, 80)}`;
});
await check('3 compat streamObject (supportsStructuredOutputs -> json_schema)', async () => {
  const s = streamObject({ model: compatSO.chatModel(CHAT_MODEL), schema: recipeSchema, schemaName: 'Recipe', prompt: 'A pancake recipe.', maxRetries: 0, onError: () => {} });
  for await (const _ of s.partialObjectStream);
  recipeSchema.parse(await s.object);
  return 'ok';
});
await check('3 compat reasoning streamText (claude, reasoningEffort)', async () => {
  const st = await runStream(streamText({
    model: compat.chatModel(CLAUDE_MODEL), prompt: 'Why is the sky blue?', maxRetries: 0,
    providerOptions: { naga: { reasoningEffort: 'low' } },
  }));
  assert(st.text.length > 0, 'empty');
  assert((st.reasoningText ?? '').length > 0, `no reasoningText; parts=${JSON.stringify(st.parts)}`);
  return `reasoning=${JSON.stringify(st.reasoningText.slice(0, 40))} usage=${fmtUsage(st.usage)}`;
});
await check('3 compat embed', async () => {
  const r = await embed({ model: compat.embeddingModel('text-embedding-3-small'), value: 'sunny day', maxRetries: 0 });
  assert(Array.isArray(r.embedding) && r.embedding.length > 0, 'no embedding');
  return `dim=${r.embedding.length} usage=${JSON.stringify(r.usage)}`;
});
await check('3 compat embedMany', async () => {
  const r = await embedMany({ model: compat.embeddingModel('text-embedding-3-small'), values: ['a', 'b', 'c'], maxRetries: 0 });
  assert(r.embeddings.length === 3, `got ${r.embeddings.length}`);
  return `n=${r.embeddings.length} dim=${r.embeddings[0].length}`;
});
await check('3 compat reasoning (claude, reasoningEffort)', async () => {
  const r = await generateText({
    model: compat.chatModel(CLAUDE_MODEL), prompt: 'Why is the sky blue?', maxRetries: 0,
    providerOptions: { naga: { reasoningEffort: 'low' } },
  });
  assert(r.text.length > 0, 'empty');
  return `reasoning=${JSON.stringify((r.reasoningText ?? '').slice(0, 60))}`;
});

// ---------- 4. @ai-sdk/anthropic (/v1/messages) ----------
await textChecks('4 anthropic', anthropic(CLAUDE_MODEL), { skipObject: true });
await check('4 anthropic generateObject (default mode: output_config.format, refused per §3.2)', async () => {
  // The SDK asks Claude models for native structured output; Naga's Messages API has none.
  return refused(() => generateObject({ model: anthropic(CLAUDE_MODEL), schema: recipeSchema, prompt: 'A pancake recipe.', maxRetries: 0 }),
    400, 'output_config.format');
});
const jsonTool = { anthropic: { structuredOutputMode: 'jsonTool' } };
await check('4 anthropic generateObject (structuredOutputMode jsonTool)', async () => {
  const r = await generateObject({ model: anthropic(CLAUDE_MODEL), schema: recipeSchema, prompt: 'A pancake recipe.', maxRetries: 0, providerOptions: jsonTool });
  recipeSchema.parse(r.object);
  return `object=${JSON.stringify(r.object).slice(0, 80)}`;
});
await check('4 anthropic streamObject (structuredOutputMode jsonTool)', async () => {
  const s = streamObject({ model: anthropic(CLAUDE_MODEL), schema: recipeSchema, prompt: 'A pancake recipe.', maxRetries: 0, providerOptions: jsonTool, onError: () => {} });
  for await (const _ of s.partialObjectStream);
  recipeSchema.parse(await s.object);
  return 'ok';
});
const thinking = { anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } } };
await check('4 anthropic reasoning generateText (thinking enabled)', async () => {
  const r = await generateText({ model: anthropic(CLAUDE_MODEL), prompt: 'Why is the sky blue?', maxRetries: 0, providerOptions: thinking });
  assert(r.text.length > 0, 'empty text');
  assert((r.reasoningText ?? '').length > 0, `no reasoningText; content types=${JSON.stringify(r.content.map((c) => c.type))}`);
  return `reasoning=${JSON.stringify(r.reasoningText.slice(0, 60))}`;
});
await check('4 anthropic reasoning streamText (thinking enabled)', async () => {
  const s = await runStream(streamText({ model: anthropic(CLAUDE_MODEL), prompt: 'Why is the sky blue?', maxRetries: 0, providerOptions: thinking }));
  assert(s.text.length > 0, 'empty text');
  assert((s.reasoningText ?? '').length > 0, `no reasoningText; parts=${JSON.stringify(s.parts)}`);
  return `reasoning=${JSON.stringify(s.reasoningText.slice(0, 60))} usage=${fmtUsage(s.usage)}`;
});
// ---------- reasoning + tool loops (reasoning items/blocks replayed in the 2nd request) ----------
async function reasoningToolLoop(name, model, providerOptions, replayed) {
  await check(name, async () => {
    const r = await generateText({
      model, prompt: 'Use get_weather to find the weather in Prague.', maxRetries: 0, providerOptions,
      tools: { get_weather: tool({ ...weatherTool, execute: async ({ city }) => ({ city, tempC: 21 }) }) },
      stopWhen: ({ steps }) => steps.length >= 2,
    });
    assert(r.steps.length === 2, `steps=${r.steps.length}`);
    assert(r.text.length > 0, 'no final text');
    if (replayed) assert(traffic.at(-1).reqBody.includes(replayed), `the 2nd request replays no ${replayed}`);
    return `steps=2 reasoning(step1)=${JSON.stringify((r.steps[0].reasoningText ?? '').slice(0, 30))}`;
  });
}
await check('2 openai.responses reasoning + tool loop (claude, stored items: item_reference refused per §1.8)', async () => {
  // Without store: false the SDK refers back to stored items; the gateway stores nothing.
  const tools = { get_weather: tool({ ...weatherTool, execute: async ({ city }) => ({ city, tempC: 21 }) }) };
  return refused(() => generateText({
    model: openai.responses(CLAUDE_MODEL), prompt: 'Use get_weather to find the weather in Prague.', maxRetries: 0, tools,
    providerOptions: { openai: { forceReasoning: true, reasoningEffort: 'low', reasoningSummary: 'auto' } },
    stopWhen: ({ steps }) => steps.length >= 2,
  }), 400, 'item_reference');
});
await reasoningToolLoop('2 openai.responses reasoning + tool loop (claude, store:false + encrypted content)', openai.responses(CLAUDE_MODEL),
  { openai: { forceReasoning: true, reasoningEffort: 'low', reasoningSummary: 'auto', store: false, include: ['reasoning.encrypted_content'] } },
  '"encrypted_content"');
await reasoningToolLoop('3 compat reasoning + tool loop (claude)', compat.chatModel(CLAUDE_MODEL), { naga: { reasoningEffort: 'low' } });
await reasoningToolLoop('4 anthropic thinking + tool loop (claude)', anthropic(CLAUDE_MODEL), thinking);

// ---------- 5. images / speech / transcription / embeddings via @ai-sdk/openai ----------
// `openai.image('gpt-image-1')` is not checked: for gpt-image models the SDK sends no
// `response_format` and requires `b64_json`, while Naga's default is `url` (§3.4). The
// openai-compatible image model below asks for `b64_json`.
await check('5 experimental_generateSpeech openai.speech(gpt-4o-mini-tts)', async () => {
  const r = await experimental_generateSpeech({ model: openai.speech('gpt-4o-mini-tts'), text: 'Hello there', voice: 'alloy', maxRetries: 0 });
  assert(r.audio.uint8Array.length > 0, 'no audio');
  return `mediaType=${r.audio.mediaType} format=${r.audio.format} bytes=${r.audio.uint8Array.length}`;
});
function silenceWav(seconds = 0.5, rate = 16000) {
  const samples = Math.round(seconds * rate), dataLen = samples * 2;
  const b = Buffer.alloc(44 + dataLen);
  b.write('RIFF', 0); b.writeUInt32LE(36 + dataLen, 4); b.write('WAVE', 8);
  b.write('fmt ', 12); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34);
  b.write('data', 36); b.writeUInt32LE(dataLen, 40);
  return new Uint8Array(b);
}
await check('5 experimental_generateSpeech outputFormat wav', async () => {
  const r = await experimental_generateSpeech({ model: openai.speech('gpt-4o-mini-tts'), text: 'Hello there', voice: 'alloy', outputFormat: 'wav', maxRetries: 0 });
  assert(r.audio.uint8Array.length > 44, 'no audio');
  return `mediaType=${r.audio.mediaType} bytes=${r.audio.uint8Array.length}`;
});
await check('5 generateImage openai-compatible imageModel(gpt-image-1)', async () => {
  const r = await generateImage({ model: compat.imageModel('gpt-image-1'), prompt: 'a red circle', size: '1024x1024', maxRetries: 0 });
  assert(r.images.length >= 1 && r.images[0].uint8Array.length > 0, 'no images');
  return `mediaType=${r.images[0].mediaType} bytes=${r.images[0].uint8Array.length}`;
});
await check('5 experimental_transcribe openai.transcription(whisper-1)', async () => {
  const r = await experimental_transcribe({ model: openai.transcription('whisper-1'), audio: silenceWav(), maxRetries: 0 });
  assert(typeof r.text === 'string', 'no text');
  return `text=${JSON.stringify(r.text.slice(0, 60))} duration=${r.durationInSeconds} lang=${r.language}`;
});
await check('5 experimental_transcribe with providerOptions (language -> SDK adds response_format=verbose_json)', async () => {
  const r = await experimental_transcribe({ model: openai.transcription('whisper-1'), audio: silenceWav(), maxRetries: 0, providerOptions: { openai: { language: 'en' } } });
  assert(typeof r.text === 'string' && r.text.length > 0, 'no text');
  return `text=${JSON.stringify(r.text.slice(0, 40))} duration=${r.durationInSeconds} lang=${r.language} segments=${r.segments.length}`;
});
await check('5 embed openai.embedding(text-embedding-3-small)', async () => {
  const r = await embed({ model: openai.embedding('text-embedding-3-small'), value: 'sunny day', maxRetries: 0 });
  assert(r.embedding.length > 0, 'no embedding');
  return `dim=${r.embedding.length} usage=${JSON.stringify(r.usage)}`;
});
await check('5 embedMany openai.embedding (dimensions=64)', async () => {
  const r = await embedMany({
    model: openai.embedding('text-embedding-3-small'), values: ['a', 'b'], maxRetries: 0,
    providerOptions: { openai: { dimensions: 64 } },
  });
  assert(r.embeddings.length === 2 && r.embeddings[0].length === 64, `got n=${r.embeddings.length} dim=${r.embeddings[0]?.length}`);
  return `n=2 dim=64`;
});

const failures = results.filter(([, ok]) => !ok).length;
console.log(`\n${results.length - failures}/${results.length} passed, ${failures} failed`);
process.exit(failures);
