//! naga-mock: a local emulator of the NagaAI API, for tests and offline use.
//!
//! A real HTTP server on loopback (hyper: HTTP/1.x, and HTTP/2 for clients that open with its
//! preface, as `curl --http2-prior-knowledge` does; HTTPS with HTTP/2 or HTTP/1.1 by ALPN
//! given a certificate, [`MockServerBuilder::tls_pem`]) that speaks the subset of the Naga API
//! the SDK covers, the way Naga does: same paths, statuses and error bodies
//! (`{"error":{"type":...,"message":...}}`). It is the test oracle for the SDK, so it shares
//! none of the SDK's types: requests are validated as raw JSON against the API description.
//!
//! ```no_run
//! # async fn demo() {
//! let server = naga_mock::MockServer::start().await;
//! let base_url = server.base_url(); // "http://127.0.0.1:PORT/v1"
//! // ... point any OpenAI-compatible client at base_url with any non-empty key ...
//! assert_eq!(server.request_count("/v1/chat/completions"), 0);
//! # }
//! ```
//!
//! For replies the emulator would never give (a stream cut at a chosen byte, odd headers), the
//! [`canned`] module serves scripted raw HTTP responses instead.
//!
//! # Endpoints
//!
//! * `POST /v1/chat/completions`: JSON, or SSE when `"stream": true`. Needs
//!   `Authorization: Bearer <key>` or `x-api-key: <key>` (any non-empty key unless
//!   [`MockServerBuilder::required_api_key`] is set), `Content-Type: application/json` (415
//!   otherwise), a body sent without a content coding (a `Content-Encoding` such as gzip is
//!   a 415 naming it, with `accept-encoding: identity`), under the limit (default 64 MiB;
//!   otherwise a 413 at once, with `connection: close` over HTTP/1.1, and over HTTP/2 the
//!   rest of the body read and dropped so the stream ends normally, as nginx does).
//! * `POST /v1/responses`: the OpenAI Responses API, JSON, or SSE when `"stream": true`
//!   (same headers and limits as chat). See [Responses](#responses) below.
//! * `POST /v1/messages`: Anthropic's Messages API, JSON, or SSE when `"stream": true` (same
//!   headers and limits as chat; `x-api-key`, as Anthropic clients send it, and their
//!   `anthropic-version` header, which is ignored). See [Messages](#messages) below.
//! * `POST /v1/embeddings`: one unit vector per input item (same headers and limits as chat):
//!   `input` a non-empty string, or a non-empty array (at most 2048) of non-empty strings,
//!   of token ids, or of non-empty token id arrays; `dimensions` 1..=8192 (default 1536);
//!   `encoding_format` `float` or `base64` (little-endian `f32`s). Each vector is a pure
//!   function of its item, the model and the size; `usage` counts words (or token ids).
//! * `POST /v1/moderations`: `input` a string, a non-empty array of strings (one result
//!   each), or a non-empty array of `text`/`image_url` parts (one result for all). Verdicts
//!   are emulated: a category is flagged when the text holds one of its trigger words (e.g.
//!   `kill` for `violence`); other scores stay below 0.01.
//! * `POST /v1/images/generations`: `prompt` 1..=8192 characters, `n` 1..=10, `size` any
//!   non-blank string (its forms vary by model), `response_format` `url` (the default) or
//!   `b64_json`: a 1x1 PNG, inline or at a URL on the emulator's own origin (the host the
//!   request named), served by `GET /outputs/naga-mock-<seed>-<i>.png` without a key, so a
//!   client that downloads its images works offline; `usage` counts prompt words and
//!   256 tokens per image, and splits the input as OpenAI's image models do
//!   (`input_tokens_details` `text_tokens`, `image_tokens`: strict clients such as
//!   async-openai require it).
//! * `POST /v1/images/edits`: a `multipart/form-data` form with the same fields (`prompt`
//!   up to 32000 characters) and one or more PNG, JPEG or WebP files in `image`, `image[]`
//!   or `images[]`, an optional PNG `mask`; the same answer as a generation, with 85 input
//!   tokens per image given.
//! * `POST /v1/audio/speech`: `input` 1..=32768 characters, `voice` required, `speed` above
//!   0; the answer is a quiet tone, 0.3 s per word (at most 60 s), 24 kHz mono, as 16-bit
//!   `wav` (the default, `audio/wav`), raw `pcm` (`audio/pcm`) or `flac` (`audio/flac`), or
//!   as silence of the same length in `mp3` (`audio/mpeg`), `aac` (ADTS, `audio/aac`) or
//!   `opus` (in Ogg, `audio/opus`): every documented format, playable by common decoders.
//! * `POST /v1/audio/transcriptions` and `/v1/audio/translations`: a `multipart/form-data`
//!   form (415 otherwise) with `model` and a `file` part; the text names the file and, for a
//!   WAV file, its duration; a file that is not WAV, MP3, AAC (ADTS), Ogg, FLAC, MP4 or WebM is
//!   undecodable (400). `{"text": ...}` by default; `response_format` `text`, `srt` or `vtt`
//!   answers plain text and `verbose_json` adds one segment, as OpenAI's audio API does (any
//!   other value is a 400).
//! * `GET /v1/models`: the catalogue (auth optional); `HEAD` answers the same head.
//! * `GET /v1/startups`: public (an `Authorization` header is not even looked at); Naga
//!   documents no schema, so the answer is an invented fixed list
//!   `{"object":"list","data":[{"id","name","description","url","created"}]}`.
//! * `/v1/account/*` (any key sent as `Authorization: Bearer` stands for the provisioning
//!   key; `x-api-key` is not taken there): `GET balance`
//!   (`"125.50"`), `GET activity?days=1..=30` (a few requests a day, derived from the date),
//!   `GET`/`POST keys` and `GET`/`PATCH`/`DELETE keys/{id}` on an in-memory key store that
//!   starts with key 1, `default` (names 1..=255 characters, `credit_limit` >= 0 or null,
//!   `expires_at` an ISO 8601 date-time in the future or null, UTC without an offset; a created key's plaintext is
//!   `ng-mock-...`; `DELETE` answers 204 without a body).
//! * Any other path: 404 `not_found_error` (after its body is read, so the connection
//!   carries on); a wrong method: 405 with `Allow` (`HEAD` wherever `GET` is). A 401 carries
//!   `www-authenticate: Bearer`. HTTP/1.1 framing the server cannot trust is refused and the
//!   connection closed: no `Host` or two (400), a transfer coding other than `chunked` before
//!   it (501), a body whose last transfer coding is not `chunked` (400: its length cannot be
//!   known, RFC 9112 §6.3).
//! * Browsers: a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
//!   on any route above is a 204 allowing the route's methods and the asked headers, and is
//!   not recorded; every answer to a request with an `Origin` carries
//!   `access-control-allow-origin: *` and exposes `retry-after` and `retry-after-ms`. Naga
//!   documents no CORS policy; this lets a web page under development use the emulator.
//!
//! # Validation (400 `invalid_request_error`, the message names the field)
//!
//! Body JSON object; `model` non-empty string; `messages` non-empty array of objects with a
//! role in `system|developer|user|assistant|tool` (Naga documents no `developer`; it is
//! accepted as OpenAI does, since the OpenAI SDKs send it), content (string or parts; may be
//! null only on an assistant message with `tool_calls`; `image_url.url` an http(s) URL or a
//! `data:` URL of a PNG, JPEG, WebP or GIF image, `image_url.detail` in `low|high|auto`, a
//! file's `file_data` a URL or a PDF `data:` URL, `input_audio.format` in `wav|mp3`,
//! `input_audio.data` raw base64, not a `data:` URL), `tool_call_id` on tool messages
//! naming a call of an earlier assistant message; `temperature` 0..=2, `top_p` 0..=1,
//! penalties -2..=2, `max_completion_tokens` and OpenAI's older `max_tokens` integers >= 1
//! (`max_tokens` is not in Naga's schema and third parties report it rejected or
//! mis-forwarded; the emulator honours it as OpenAI does, since OpenAI-compatible clients
//! still send it: send `max_completion_tokens` to Naga), `reasoning_effort` in
//! `none|minimal|low|medium|high|xhigh`, `response_format.type` in
//! `text|json_object|json_schema`, `tool_choice` naming a declared function,
//! `stream_options` only with `stream: true`; OpenAI's `n` 1..=128, `seed`, `user`, `store`,
//! `logprobs`, `top_logprobs` 0..=20 (with `logprobs`) and `metadata` with OpenAI's types.
//! Unknown fields are accepted.
//!
//! A valid request for a model that is neither an `id` nor one of the `aliases` in the
//! catalogue is a 404 `not_found_error` naming the model (checked after validation, before
//! any streaming); a model whose `supported_endpoints` do not name the endpoint
//! (`chat.completions`, `responses`, `messages`, `embeddings`, `moderations`, `images.generations`, `images.edits`,
//! `audio.speech`, `audio.transcriptions`, `audio.translations`) is a 400
//! `invalid_request_error`.
//!
//! # Answers
//!
//! Deterministic: a pure function of the request (a hash of `messages`), marked as emulated
//! (text starts with `[naga-mock]` and contains `Tōkyō — 東京 🗼`). The streamed chunks
//! accumulate to exactly the non-streaming completion (same id, created, model, content,
//! reasoning, tool calls, finish_reason, usage).
//!
//! Bodies keep the documented key order, as byte-comparing clients see it: a completion is
//! `{"id","object","created","model","choices":[{"index","message","finish_reason"}],"usage"}`,
//! a chunk `{"id","object","created","model","choices":[{"index","delta","finish_reason"}]}`
//! (the usage trailer adds `"usage"` after `"choices":[]`), an error
//! `{"error":{"type","message"}}`, the model list `{"object","data":[{"id","object",...}]}`.
//!
//! * The text names what came with the last user message's text, e.g. `Emulated reply to
//!   “Compare these” (with 2 images and 1 file)` (images, files and audio of any of the three
//!   APIs), so a caller sees its attachments arrived.
//! * Tokens are whitespace-separated words; `max_completion_tokens` (else `max_tokens`) cuts
//!   the content (not
//!   reasoning or tool calls) with `finish_reason: "length"`; `stop` cuts at the first stop
//!   sequence (`finish_reason: "stop"`).
//! * `reasoning_effort` other than `none`: `reasoning_content` and
//!   `reasoning_details: [{"type":"reasoning.summary","summary":...}]` come first.
//! * Tools: a named `tool_choice` calls that function; `required` (or `auto`/absent) calls
//!   the tools whose names appear in the last user message (`required` falls back to the first
//!   tool); `parallel_tool_calls: false` keeps one call. Arguments are valid against the
//!   tool's `parameters` schema and stream as several fragments keyed by `index`; content is
//!   null and `finish_reason` is `tool_calls`. When the conversation ends with tool results
//!   the answer is text.
//! * `response_format` `json_schema`: content is JSON valid against the schema;
//!   `json_object`: a JSON object.
//! * `n` > 1: that many choices, each drawn from a seed of its own (its text names it:
//!   `Emulated reply (choice 1) to ...`; its tool calls have their own ids), the first the
//!   same as with `n` 1; `completion_tokens` adds the choices up.
//! * `logprobs: true`: each choice's `logprobs` is `{"content":[..],"refusal":null}`, one
//!   entry per token (a word with the whitespace after it: as many as the content counts in
//!   `completion_tokens`, joining to the content) with `token`, a negative `logprob`, `bytes`
//!   and `top_logprobs` entries (the token itself first, with a probability of at least one
//!   half, then less likely words, the probabilities adding up to at most 1); `null` for a
//!   choice without content. A streamed content chunk carries the tokens that end in it.
//!   Without `logprobs` the key is left out, as before. An answer whose `x-mock-chunks` ×
//!   `n` (× 2 + `top_logprobs` with `logprobs`) passes 1,000,000 is a 400.
//! * SSE: `data: <json>\n\n` per chunk, each with one choice: a choice's first chunk carries
//!   `delta.role`, its last `finish_reason` (with `n` > 1 the choices take turns, chunk by
//!   chunk), each content chunk the `logprobs` of its tokens when asked for (other chunks
//!   `null`); then the `choices: []` usage trailer when `stream_options.include_usage`, then
//!   `data: [DONE]\n\n` (unless `x-mock-no-done`).
//!
//! # Responses
//!
//! Validation is strict, as Naga's schema is documented to be (400, the message names the
//! field by its path, e.g. `` `input[1].call_id` is required ``): `model`; `input` a string
//! or a non-empty array of `message` (`type` may be left out; role
//! `user|assistant|system|developer`; content a string or `input_text`, `input_image`,
//! `input_file`, `input_audio` parts, plus `output_text` and `refusal` on assistant
//! messages), `function_call`, `function_call_output` (answering an earlier `function_call`
//! of the same `input`) and `reasoning` items; `instructions`, `max_output_tokens` >= 1,
//! `temperature` 0..=2, `top_p` 0..=1, `parallel_tool_calls`, `truncation` `auto|disabled`,
//! `stream`, `reasoning.{effort,summary}`, `text.{format,verbosity}`, `tools` (function
//! tools checked; `web_search`, `file_search`, `mcp` and the other documented types accepted
//! and ignored), `tool_choice`. Any other field is a 400, except OpenAI's `store`,
//! `metadata`, `include` (only `reasoning.encrypted_content` has an effect, below), `user`, `service_tier`, `stream_options`, `top_logprobs`,
//! `max_tool_calls`, `prompt_cache_key`, `safety_identifier`, `stop`, `logit_bias` and
//! `background: false`, which are ignored; `previous_response_id` and `background: true`
//! are a 400 (the gateway is stateless: replay the history in `input`).
//!
//! The answer is the chat answer to the equivalent chat request (`instructions` as a system
//! message, items as messages, `text.format` as `response_format`, `reasoning.effort` as
//! `reasoning_effort`, `max_output_tokens` as `max_completion_tokens`), so the same rules
//! pick text, tool calls and reasoning, and count tokens. Output items: a `reasoning` item
//! first (`rs_...`, one `summary_text`; when `include` names `reasoning.encrypted_content`,
//! also an opaque base64 `encrypted_content`, on the item's `done` event and in the final
//! object) when an effort other than `none` is asked for, then
//! a `message` (`msg_...`, one `output_text` part) or `function_call`s (`fc_...`,
//! `call_id` `call_...`). A text cut by `max_output_tokens` makes the response (and the
//! message) `incomplete` with `incomplete_details.reason` `max_output_tokens`. Every
//! top-level field is present, in OpenAI's order, with the request's values echoed.
//!
//! SSE: `event: <type>\n` + `data: <json>\n\n` per event, the JSON starting
//! `{"type":<type>,"sequence_number":<n from 0>,...}`: `response.created`,
//! `response.in_progress`, per item `response.output_item.added`, its part, delta and done
//! events (`content_part`/`output_text`, `reasoning_summary_part`/`reasoning_summary_text`,
//! `function_call_arguments`), `response.output_item.done`; then `response.completed` (or
//! `response.incomplete`) carrying exactly the non-streaming body; then `data: [DONE]`.
//!
//! # Messages
//!
//! Validation is strict (400, the message names the JSON path, e.g.
//! `` `messages[2].content[0].tool_use_id` `toolu_2` does not match ... ``): `model`;
//! `max_tokens` >= 1 (required); `messages` 1..=100000 `user`/`assistant` messages whose
//! content is a non-empty string or array of `text`, `image` and `document` blocks (`source`
//! `base64` with a media type, `url`, and for documents `text` or `content`), `tool_use`,
//! `thinking` and `redacted_thinking` (assistant only) and `tool_result` (user only,
//! answering a `tool_use` of the assistant message just before); `system` a string or text
//! blocks; `temperature` 0..=2, `top_p` 0..=1, `top_k`, `stop_sequences`, `stream`,
//! `metadata`; `tools` (client tools `{name, description?, input_schema}`; versioned server
//! tools such as `web_search_20250305` accepted and ignored); `tool_choice`
//! `auto|any|none|tool` (`tool` naming a client tool); `thinking` `enabled` (1024 <=
//! `budget_tokens` < `max_tokens`), `disabled` or `adaptive`; `output_config.effort`
//! `low|medium|high|max`. Any other field is a 400.
//!
//! Errors on this route (validation, auth, model, faults) come in Anthropic's shape,
//! `{"type":"error","error":{"type","message"}}`: Naga's envelope with a leading
//! `"type":"error"`, so both kinds of reader find `error.type` and `error.message`.
//!
//! The answer is the chat answer to the equivalent chat request (`system` as a system
//! message, `tool_use` blocks as tool calls, `tool_result` blocks as tool messages,
//! `max_tokens` as `max_completion_tokens`, `stop_sequences` as `stop`, `tool_choice` `any`
//! as `required`, and `thinking`/`output_config.effort` as `reasoning_effort`: `disabled`
//! wins, an effort is kept (`max` as `xhigh`), else `adaptive` is `medium` and `enabled`
//! grows with the budget). The Message is `{"id":"msg_..","type":"message","role":"assistant",
//! "model","content","stop_reason","stop_sequence","created","usage":{"input_tokens",
//! "output_tokens","cache_read_input_tokens":0}}`; its blocks are a signed `thinking` block
//! when there is reasoning, then a `text` block or `tool_use` blocks (`toolu_...`, `input`
//! valid against `input_schema`). `stop_reason` is `end_turn`, `max_tokens` (text cut),
//! `stop_sequence` (text cut before it; `stop_sequence` names it) or `tool_use`.
//!
//! SSE: `event: <type>\n` + `data: <json>\n\n` per event, the JSON starting with `"type"`:
//! `message_start` (the Message without content or stop reason, `output_tokens: 1`),
//! `ping`, per block `content_block_start` (empty), `content_block_delta`s (`text_delta`,
//! `thinking_delta` then one `signature_delta`, or `input_json_delta`) and
//! `content_block_stop`, then `message_delta` (stop reason and sequence, `output_tokens`)
//! and `message_stop`; no `[DONE]`. Accumulated, the events are exactly the JSON Message.
//!
//! # Faults on demand
//!
//! Selected per request by header (so any client can trigger them), or for every request with
//! [`MockServerBuilder::faults`]; headers override the defaults. Bad values get a 400 naming
//! the header. Events are counted from the first (role) chunk; "after N events" means N data
//! frames were sent first.
//!
//! | header | effect |
//! |---|---|
//! | `x-mock-status: 503` | answer with that status (400..=599) and Naga's error body |
//! | `x-mock-retry-after: 1` | add `Retry-After: 1` to fault answers (any text, e.g. an HTTP date) |
//! | `x-mock-retry-after-ms: 250` | add `retry-after-ms: 250` to fault answers |
//! | `x-mock-retry-after-body: 2` | put `"metadata":{"retry_after_seconds":2}` in fault answers' `error` object |
//! | `x-mock-fail-times: N` | fail the first N attempts (per `x-mock-fail-key` value, else per path + identical body), then answer normally |
//! | `x-mock-fail-status: 429` | the status of those failures (default 503) |
//! | `x-mock-drop-after-events: N` | abort the connection after N SSE events (no terminating chunk) |
//! | `x-mock-stall-ms: N` | sleep N ms before the response headers |
//! | `x-mock-stall-after-events: N` | with `x-mock-stall-ms`: sleep mid-stream after N events instead |
//! | `x-mock-error-after-events: N` | send `data: {"error":{"type":"server_error",...}}` after N events, then close |
//! | `x-mock-malformed-after-events: N` | send a non-JSON data frame after N events, then continue |
//! | `x-mock-invalid-utf8-after-events: N` | send a frame with invalid UTF-8 after N events, then continue |
//! | `x-mock-html-error: 502` | answer with an HTML page (`text/html`) and that status |
//! | `x-mock-oversized-event-bytes: N` | pad the second event's JSON with spaces to N bytes (its `data: ` line is 6 more) |
//! | `x-mock-no-done: 1` | omit `data: [DONE]` (a flag: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`) |
//! | `x-mock-ignore-stream: 1` | answer a streaming request with the non-streaming JSON body (`application/json`) |
//! | `x-mock-chunks: N` | split the content into N chunks (lengthening the text if needed) |
//!
//! On `/v1/responses` every header works the same, counting `event:`/`data:` events; the
//! oversized event is the first `response.output_text.delta` (else the first delta), and
//! `x-mock-error-after-events` sends `event: error` (`{"type":"error","sequence_number",
//! "code":"server_error","message":"Upstream provider failed","param":null}`), then
//! `event: response.failed` (status `failed`, the `error`, the items completed so far), then
//! `data: [DONE]`, and closes.
//!
//! On `/v1/messages` likewise (no `[DONE]` to omit; the padded event is the first
//! `text_delta`, else the first delta); `x-mock-error-after-events` sends Anthropic's
//! `event: error` (`{"type":"error","error":{"type":"overloaded_error","message":"Upstream
//! provider failed"}}`) and closes.
//!
//! Fault answers (`x-mock-status`, `x-mock-fail-times`, `x-mock-html-error`) come before the
//! auth and validation checks; every request, faulty or not, is recorded.
//!
//! # Free tier
//!
//! Off by default; [`MockServerBuilder::free_tier_limits`] (`naga serve --free-tier-limits`)
//! enforces Naga's documented budget for free models ([`FreeTierLimits::DOCUMENTED`]: 10
//! requests a minute, 100 a day). Requests for a model whose catalogue id ends in `:free`,
//! on any endpoint, count per API key in sliding windows; past either budget the answer is
//! a 429 `rate_limit_exceeded` whose message names the budget and the seconds until a slot
//! frees (no `Retry-After`: Naga documents no rate-limit headers). The check comes after
//! auth, validation and the model checks, and only answered requests count.

mod account;
mod answer;
mod body;
pub mod canned;
mod content;
mod cors;
mod embeddings;
mod error_body;
mod faults;
mod first_bytes;
mod form;
mod free_tier;
mod images;
mod logprobs;
mod messages;
mod messages_object;
mod messages_stream;
mod messages_validate;
mod models;
mod moderations;
mod offline;
mod ordered;
mod pattern;
mod record;
mod render;
mod request_body;
mod responses;
mod responses_input;
mod responses_object;
mod responses_stream;
mod responses_validate;
mod schema_gen;
mod seed;
mod server;
mod service;
mod speech;
mod speech_audio;
mod speech_flac;
mod speech_ogg;
mod startups;
mod stream;
mod tls;
mod tools;
mod transcribe;
mod transcript_format;
mod validate;
mod validate_extras;
mod validate_messages;

pub use faults::Faults;
pub use free_tier::FreeTierLimits;
pub use models::default_models;
pub use offline::{ChatAnswer, answer_chat};
pub use record::{MAX_RECORDED_BODY_BYTES, MAX_RECORDED_REQUESTS, RecordedRequest};
pub use server::{DEFAULT_CLIENT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, MockServer, MockServerBuilder};
