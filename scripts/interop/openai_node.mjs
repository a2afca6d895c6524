// Optional interop check: drive a running naga emulator with the official `openai` Node SDK.
// Not part of CI. See README.md "Interop checks".
//
//   mkdir -p /tmp/naga-node && (cd /tmp/naga-node && npm init -y && npm install openai)
//   cargo run -p naga-cli -- serve --addr 127.0.0.1:8080 &
//   NODE_PATH=/tmp/naga-node/node_modules node scripts/interop/openai_node.mjs http://127.0.0.1:8080/v1
//
// Prints PASS/FAIL per check; the exit status is the number of failures.

import { createRequire } from "node:module";

const require = createRequire(process.env.NODE_PATH ? `${process.env.NODE_PATH}/` : import.meta.url);
const { default: OpenAI } = require("openai");

const baseURL = process.argv[2] ?? "http://127.0.0.1:8080/v1";
const model = "gpt-4o-mini";
const messages = [{ role: "user", content: "Say hello" }];
const client = new OpenAI({ baseURL, apiKey: "ng-interop", maxRetries: 0 });
const failures = [];

async function check(name, fn) {
  try {
    await fn();
    console.log(`PASS ${name}`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}: ${err?.constructor?.name}: ${err?.message}`);
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(`expectation failed: ${JSON.stringify(what)}`);
}

await check("non-streaming chat", async () => {
  const c = await client.chat.completions.create({ model, messages });
  expect(c.choices[0].message.content && c.choices[0].finish_reason === "stop", c);
});

await check("streaming chat equals non-streaming", async () => {
  const stream = await client.chat.completions.create({
    model, messages, stream: true, stream_options: { include_usage: true },
  });
  let text = "";
  let usage = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    usage = chunk.usage ?? usage;
  }
  const full = await client.chat.completions.create({ model, messages });
  expect(text === full.choices[0].message.content, [text, full.choices[0].message.content]);
  expect(usage?.total_tokens === full.usage.total_tokens, usage);
});

await check("stream helper with a named tool", async () => {
  const tools = [{ type: "function", function: { name: "get_weather", parameters: {
    type: "object", properties: { city: { type: "string" } }, required: ["city"],
    additionalProperties: false } } }];
  const runner = client.chat.completions.stream({
    model, messages, tools, tool_choice: { type: "function", function: { name: "get_weather" } },
  });
  const final = await runner.finalChatCompletion();
  const args = JSON.parse(final.choices[0].message.tool_calls[0].function.arguments);
  expect(typeof args.city === "string", args);
});

await check("runTools: automatic tool loop ends with text", async () => {
  const calls = [];
  const runner = client.chat.completions.runTools({
    model,
    messages: [{ role: "user", content: "What is the weather? use get_weather" }],
    tools: [{ type: "function", function: {
      name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } },
      function: (args) => { calls.push(args); return "12C"; }, parse: JSON.parse } }],
  });
  const content = await runner.finalContent();
  expect(calls.length >= 1 && typeof content === "string" && content.length > 0, [calls, content]);
});

await check("n choices with logprobs: the stream helper's final completion equals the JSON answer", async () => {
  const body = { model, messages, n: 3, logprobs: true, top_logprobs: 2 };
  const plain = await client.chat.completions.create(body);
  expect(plain.choices.map((c) => c.index).join() === "0,1,2", plain.choices);
  for (const choice of plain.choices) {
    const joined = choice.logprobs.content.map((t) => t.token).join("");
    expect(joined === choice.message.content, [joined, choice.message.content]);
    expect(choice.logprobs.content.every((t) => t.top_logprobs.length === 2), choice.logprobs);
  }
  const final = await client.chat.completions.stream(body).finalChatCompletion();
  const texts = (c) => JSON.stringify(c.choices.map((x) => [x.message.content, x.finish_reason]));
  expect(texts(final) === texts(plain), [texts(final), texts(plain)]);
  const tokens = (c) => JSON.stringify(c.choices.map((x) => x.logprobs.content));
  expect(tokens(final) === tokens(plain), "streamed logprobs differ");
});

await check("developer role accepted", async () => {
  const c = await client.chat.completions.create({
    model, messages: [{ role: "developer", content: "Be terse." }, ...messages],
  });
  expect(c.choices[0].message.content, c);
});

await check("401 -> AuthenticationError", async () => {
  const anon = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0 });
  try {
    await anon.chat.completions.create({ model, messages }, { headers: { authorization: null } });
  } catch (err) {
    expect(err instanceof OpenAI.AuthenticationError && err.status === 401, err.message);
    expect(err.error?.type === "authentication_error", err.error);
    return;
  }
  throw new Error("no error raised");
});

await check("unknown model -> NotFoundError", async () => {
  try {
    await client.chat.completions.create({ model: "no-such-model", messages });
  } catch (err) {
    expect(err instanceof OpenAI.NotFoundError, err.message);
    return;
  }
  throw new Error("no error raised");
});

await check("mid-stream error frame -> APIError", async () => {
  const stream = await client.chat.completions.create(
    { model, messages, stream: true }, { headers: { "x-mock-error-after-events": "2" } },
  );
  try {
    for await (const _chunk of stream) { /* drain */ }
  } catch (err) {
    expect(err instanceof OpenAI.APIError && /upstream/.test(err.message), err.message);
    return;
  }
  throw new Error("no error raised");
});

await check("models.list", async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  expect(ids.includes(model), ids);
});

await check("embeddings: default base64 equals float", async () => {
  const input = ["Tokyo Tower", "東京タワー"];
  const byDefault = await client.embeddings.create({ model: "text-embedding-3-small", input });
  const floats = await client.embeddings.create({
    model: "text-embedding-3-small", input, encoding_format: "float",
  });
  expect(byDefault.data.length === 2 && byDefault.data[0].embedding.length === 1536, byDefault.data.length);
  for (let i = 0; i < 2; i++) {
    const a = byDefault.data[i].embedding, b = floats.data[i].embedding;
    expect(a.every((x, j) => x === b[j]), `vector ${i} differs`);
  }
  expect(byDefault.usage.prompt_tokens === 3, byDefault.usage);
});

await check("moderations: a flagged text", async () => {
  const result = await client.moderations.create({
    model: "omni-moderation-latest", input: ["a calm harbour", "I will kill the lights"],
  });
  expect(!result.results[0].flagged && result.results[1].flagged, result.results);
  expect(result.results[1].categories.violence === true, result.results[1].categories);
});

await check("images: b64_json", async () => {
  const images = await client.images.generate({
    model: "gpt-image-1", prompt: "a red lighthouse", response_format: "b64_json",
  });
  const png = Buffer.from(images.data[0].b64_json, "base64");
  expect(png.subarray(1, 4).toString() === "PNG", png.subarray(0, 8));
});

await check("responses.create: text and usage", async () => {
  const response = await client.responses.create({ model: "gpt-4o-mini", input: "Say hello" });
  expect(response.status === "completed" && response.output_text.startsWith("[naga-mock]"), response);
  expect(response.usage.total_tokens === response.usage.input_tokens + response.usage.output_tokens, response.usage);
});

await check("responses.stream: deltas and finalResponse equal the JSON answer", async () => {
  const stream = client.responses.stream({ model: "gpt-4o-mini", input: "Say hello" });
  let text = "";
  stream.on("response.output_text.delta", (event) => { text += event.delta; });
  const final = await stream.finalResponse();
  const whole = await client.responses.create({ model: "gpt-4o-mini", input: "Say hello" });
  expect(text === whole.output_text && final.output_text === whole.output_text, [text, final.output_text]);
  expect(final.id === whole.id && final.usage.total_tokens === whole.usage.total_tokens, final.id);
});

await check("responses: function call, then function_call_output", async () => {
  const tools = [{ type: "function", name: "get_time", description: "time in a zone",
    parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] } }];
  const first = await client.responses.create({
    model: "gpt-4o-mini", input: "Time in Tokyo?", tools, tool_choice: "required",
  });
  const call = first.output.find((item) => item.type === "function_call");
  expect(call && call.name === "get_time" && JSON.parse(call.arguments).zone, first.output);
  const input = [{ role: "user", content: "Time in Tokyo?" }, ...first.output,
    { type: "function_call_output", call_id: call.call_id, output: "09:00" }];
  const second = await client.responses.create({ model: "gpt-4o-mini", input, tools });
  expect(second.output_text, second.output);
});

console.log(`${failures.length} failure(s): ${JSON.stringify(failures)}`);
process.exit(failures.length);
