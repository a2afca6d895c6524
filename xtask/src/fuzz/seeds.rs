//! Seed corpora for the fuzz targets, made from `shared/fixtures/provider-streams`.
//!
//! The input layouts are those of `fuzz/src/checks.rs`: stream targets take one header byte
//! (low 3 bits: how many chunk-size bytes follow; bit 3: small event size limit) before the
//! body; `response` takes status (2 bytes, `100 + u16 % 500`), a header-block length byte,
//! the header block (`retry-after` and request id, `\n`-separated), then the body.

use std::path::{Path, PathBuf};

use naga_protocol::{ChatAccumulator, ChatCompletionChunk};

/// Events kept from the start and from the end of a long fixture: small seeds keep the
/// fuzzer fast, and the middle of a long stream repeats the same shapes.
const HEAD_EVENTS: usize = 12;
const TAIL_EVENTS: usize = 4;

/// `shared/fixtures/provider-streams`: `NAGA_SHARED_DIR`, else the nearest ancestor's `shared/`.
pub(crate) fn fixture_dir(root: &Path) -> Result<PathBuf, String> {
    const SUBDIR: &str = "fixtures/provider-streams";
    if let Some(shared) = std::env::var_os("NAGA_SHARED_DIR") {
        return Ok(PathBuf::from(shared).join(SUBDIR));
    }
    root.ancestors()
        .map(|dir| dir.join("shared").join(SUBDIR))
        .find(|dir| dir.is_dir())
        .ok_or_else(|| format!("no shared/{SUBDIR} above {}", root.display()))
}

/// Writes the seeds of `target` into `corpus` (kept files are left alone); returns the count.
pub(crate) fn write(target: &str, fixtures: &Path, corpus: &Path) -> Result<usize, String> {
    let streams = read_fixtures(fixtures)?;
    let seeds = match target {
        "sse" | "chat_stream" => stream_seeds(&streams),
        "chunk_json" => chunk_seeds(&streams),
        "response" => response_seeds(&streams),
        "mock_request" => request_seeds(),
        other => return Err(format!("no seeds for target `{other}`")),
    };
    std::fs::create_dir_all(corpus).map_err(|err| format!("{}: {err}", corpus.display()))?;
    for (name, bytes) in &seeds {
        let path = corpus.join(format!("seed-{name}"));
        if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(&path, bytes).map_err(|err| format!("{}: {err}", path.display()))?;
        }
    }
    Ok(seeds.len())
}

/// Each fixture as (file stem, its non-empty lines shortened to head + tail).
fn read_fixtures(dir: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let mut streams = Vec::new();
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_none_or(|ext| ext != "jsonl") {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let lines: Vec<String> =
            text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
        let tail = lines.len().saturating_sub(TAIL_EVENTS).max(HEAD_EVENTS);
        let kept = lines.iter().take(HEAD_EVENTS).chain(lines.iter().skip(tail)).cloned();
        streams.push((stem.to_owned(), kept.collect()));
    }
    streams.sort();
    Ok(streams)
}

/// SSE bodies: whole with `[DONE]` and LF, split into odd chunks with CRLF and no `[DONE]`,
/// cut mid-event with a small size limit; plus hand-made frames (fields, errors, BOM).
fn stream_seeds(streams: &[(String, Vec<String>)]) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (stem, lines) in streams {
        let framed: String = lines.iter().map(|line| format!("data: {line}\n\n")).collect();
        seeds.push((format!("{stem}-done"), header(0, &[], format!("{framed}data: [DONE]\n\n"))));
        seeds.push((
            format!("{stem}-crlf-split"),
            header(3, &[1, 13, 200], framed.replace('\n', "\r\n")),
        ));
        let cut = framed.get(..framed.len() * 2 / 3).unwrap_or_default().to_owned();
        seeds.push((
            format!("{stem}-cut-limit"),
            header(0x0f | 0xf0, &[0, 64, 5, 9, 255, 2, 31], cut),
        ));
        if let Some(body) = completion_json(lines) {
            // A stream request answered with the completion document instead of events.
            seeds.push((format!("{stem}-document"), header(0, &[1, 40], format!("\n {body}"))));
        }
    }
    let handmade = [
        (
            "fields",
            "\u{feff}: hi\nevent: chunk\nid: 7\nretry: 1500\ndata: {\"choices\":[]}\ndata\n\nretry: x\r\r",
        ),
        (
            "error-frame",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"type\":\"server_error\",\"message\":\"boom\",\"code\":502}}\n\n",
        ),
        ("error-envelope-only", "data: {\"error\":{\"message\":429}}\n\n"),
        ("not-json", "data: <html>\n\ndata: {\"choices\":{}}\n\ndata:\n\n"),
        (
            "usage-trailer",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n",
        ),
    ];
    seeds.extend(
        handmade.into_iter().map(|(name, body)| (name.to_owned(), header(0, &[], body.to_owned()))),
    );
    for (name, body) in RESPONSE_STREAMS {
        seeds.push((format!("{name}-whole"), header(0, &[], body.to_owned())));
        seeds.push((
            format!("{name}-crlf-split"),
            header(3, &[1, 13, 200], body.replace('\n', "\r\n")),
        ));
    }
    seeds
}

/// Recorded-shape Responses and Messages API streams (the protocol crate's test data).
const RESPONSE_STREAMS: [(&str, &str); 4] = [
    (
        "responses-text",
        include_str!("../../../crates/naga-protocol/tests/data/responses-openai-text.sse"),
    ),
    (
        "responses-tool-reasoning",
        include_str!("../../../crates/naga-protocol/tests/data/responses-tool-reasoning.sse"),
    ),
    (
        "messages-text",
        include_str!("../../../crates/naga-protocol/tests/data/messages-anthropic-text.sse"),
    ),
    (
        "messages-tool",
        include_str!("../../../crates/naga-protocol/tests/data/messages-anthropic-tool.sse"),
    ),
];

/// One frame each: every kept fixture line, and hand-made frames with escapes, unknown
/// keys, repeated keys and numbers the fast path leaves to serde.
fn chunk_seeds(streams: &[(String, Vec<String>)]) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (stem, lines) in streams {
        for (index, line) in lines.iter().enumerate() {
            seeds.push((format!("{stem}-{index}"), line.clone().into_bytes()));
        }
    }
    let handmade = [
        ("escapes", r#"{"id":"a\"\\\/\b\f\n\r\t\u0041\ud83d\ude00","ch\u006fices":[]}"#),
        ("unknown-nested", r#"{"x":{"a":[1,2.5,-3e2,true,null,{"b":"]}"}]},"choices":[{"n":[]}]}"#),
        ("repeated-key", r#"{"id":"a","id":"b","choices":null}"#),
        ("numbers", r#"{"created":18446744073709551615,"choices":[{"index":4294967296}]}"#),
        (
            "tool-call",
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":{"k":1}}}]}}]}"#,
        ),
        ("usage", r#"{"choices":[],"usage":{"prompt_tokens":1,"total_tokens":"3"}}"#),
    ];
    seeds.extend(
        handmade.into_iter().map(|(name, json)| (name.to_owned(), json.as_bytes().to_vec())),
    );
    // Every event of the typed streams, for the one-pass delta readers.
    for (name, body) in RESPONSE_STREAMS {
        let frames = body.lines().filter_map(|line| line.strip_prefix("data: "));
        for (index, frame) in frames.filter(|frame| frame.starts_with('{')).enumerate() {
            seeds.push((format!("{name}-{index}"), frame.as_bytes().to_vec()));
        }
    }
    seeds
}

/// A stream target input: header byte, chunk sizes, body.
fn header(head: u8, sizes: &[u8], body: String) -> Vec<u8> {
    let mut bytes = vec![head | u8::try_from(sizes.len()).unwrap_or(0)];
    bytes.extend_from_slice(sizes);
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// The completion JSON that a stream's chunk lines add up to.
fn completion_json(lines: &[String]) -> Option<String> {
    let mut acc = ChatAccumulator::new();
    for line in lines {
        if let Ok(chunk) = serde_json::from_str::<ChatCompletionChunk>(line) {
            acc.push(&chunk);
        }
    }
    serde_json::to_string(&acc.finish()).ok()
}

/// Response bodies: each fixture accumulated into the completion a non-streaming call
/// returns (and sent as events instead), and error bodies with their statuses and headers.
fn response_seeds(streams: &[(String, Vec<String>)]) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (stem, lines) in streams {
        if let Some(body) = completion_json(lines) {
            seeds.push((format!("{stem}-completion"), response(200, "", &body)));
        }
        // A non-streaming request answered with events anyway.
        let framed: String = lines.iter().map(|line| format!("data: {line}\n\n")).collect();
        seeds.push((format!("{stem}-events"), response(200, "", &framed)));
    }
    let errors = [
        (
            "rate-limit",
            429,
            "120\nreq-1",
            r#"{"error":{"type":"rate_limit_exceeded","message":"slow down"}}"#,
        ),
        (
            "auth",
            401,
            "",
            r#"{"error":{"type":"invalid_api_key","message":"bad key","code":null}}"#,
        ),
        (
            "overloaded",
            503,
            "Wed, 21 Oct 2015 07:28:00 GMT\nabc",
            r#"{"error":{"message":{"nested":1}}}"#,
        ),
        ("proxy-html", 502, "", "<html><body>Bad gateway</body></html>"),
        ("empty", 500, "", ""),
    ];
    for (name, status, headers, body) in errors {
        seeds.push((name.to_owned(), response(status, headers, body)));
    }
    seeds.push(("models".to_owned(), response(200, "", MODELS)));
    seeds.push(("embeddings".to_owned(), response(200, "", EMBEDDINGS)));
    seeds.push(("embeddings-base64".to_owned(), response(200, "", EMBEDDINGS_BASE64)));
    seeds.push(("moderation".to_owned(), response(200, "", MODERATION)));
    seeds.push(("images".to_owned(), response(200, "", IMAGES)));
    seeds.push(("account-activity".to_owned(), response(200, "", ACTIVITY)));
    seeds.push(("account-created-key".to_owned(), response(200, "", CREATED_KEY)));
    seeds.push(("responses-object".to_owned(), response(200, "", RESPONSE_OBJECT)));
    for (name, body) in RESPONSE_STREAMS {
        seeds.push((name.to_owned(), response(200, "", body)));
    }
    seeds
}

/// A `POST /v1/responses` answer: reasoning, a function call and a message with a citation.
const RESPONSE_OBJECT: &str = r#"{"id":"resp_1","object":"response","created_at":1,"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"model":"o4-mini","output":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Think."}],"encrypted_content":"gAAA"},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}","status":"completed"},{"type":"message","id":"msg_1","role":"assistant","status":"incomplete","content":[{"type":"output_text","text":"Paris","annotations":[{"type":"url_citation","url":"https://x","start_index":0,"end_index":5}],"logprobs":[]},{"type":"refusal","refusal":"no"}]},{"type":"web_search_call","id":"ws_1"}],"usage":{"input_tokens":5,"input_tokens_details":{"cached_tokens":0},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":1},"total_tokens":8}}"#;

/// A `POST /v1/embeddings` answer with float vectors.
const EMBEDDINGS: &str = r#"{"object":"list","model":"text-embedding-3-small","data":[{"object":"embedding","index":0,"embedding":[0.12,-0.03,0.41]},{"object":"embedding","index":1,"embedding":[1e-3,2.5,-7]}],"usage":{"prompt_tokens":12,"total_tokens":12}}"#;

/// The same with base64 vectors (little-endian `f32`s).
const EMBEDDINGS_BASE64: &str = r#"{"object":"list","model":"text-embedding-3-small","data":[{"object":"embedding","index":0,"embedding":"AAAAPwAAgL8="}],"usage":{"prompt_tokens":1,"total_tokens":1}}"#;

/// A `POST /v1/images/generations` answer: a URL image and a base64 one.
const IMAGES: &str = r#"{"created":1710000000,"data":[{"url":"https://api.naga.ac/outputs/a.png","b64_json":null,"revised_prompt":null},{"url":null,"b64_json":"iVBORw0KGgo=","revised_prompt":"a red lighthouse"}],"usage":{"input_tokens":null,"output_tokens":512,"total_tokens":554}}"#;

/// A `GET /v1/account/activity` answer (costs are strings).
const ACTIVITY: &str = r#"{"period_days":7,"total_stats":{"total_requests":1523,"total_cost":"45.67","total_input_tokens":125430,"total_output_tokens":89210},"daily_stats":[{"date":"2025-01-20","total_requests":245,"total_cost":"7.82","total_input_tokens":20150,"total_output_tokens":15230}],"top_models":[{"model_name":"gpt-4o-mini","request_count":892,"total_cost":"28.34","total_input_tokens":78450,"total_output_tokens":52310}],"api_key_usage":[{"api_key_id":1,"api_key_name":"ci","request_count":0,"total_cost":"0.00","total_input_tokens":0,"total_output_tokens":0}]}"#;

/// A `POST /v1/account/keys` answer with the plaintext key.
const CREATED_KEY: &str = r#"{"id":12,"name":"ci","created_at":"2026-11-26T00:00:00Z","expires_at":null,"is_enabled":true,"credit_limit":null,"key":"ng-plaintext-7Qz9XwV2","message":"Store it now."}"#;

/// A `POST /v1/moderations` answer.
const MODERATION: &str = r#"{"id":"modr-1","model":"omni-moderation-latest","results":[{"flagged":true,"categories":{"violence":true,"hate":false},"category_scores":{"violence":0.98,"hate":0.001},"category_applied_input_types":{"violence":["text","image"],"hate":["text"]}}]}"#;

/// A `GET /v1/models` body in the shape the emulator serves.
const MODELS: &str = r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1700000000,"owned_by":"openai","display_name":"GPT-4o mini","context_window":128000,"max_output_images":null,"supported_endpoints":["chat.completions"],"pricing":{"per_input_token":1.5e-7,"per_cached_input_token":null,"per_output_token":6e-7},"architecture":{"input_modalities":["text","image"],"output_modalities":["text"]},"aliases":["gpt-4o-mini-2024-07-18"]}]}"#;

/// Chat request bodies for the emulator: one per feature it answers, and invalid ones.
fn request_seeds() -> Vec<(String, Vec<u8>)> {
    let tool = r#"{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"array","items":{"type":"integer","minimum":1},"minItems":1}},"required":["city"]}}}"#;
    let user = r#"{"role":"user","content":"get_weather for Paris, then a long story"}"#;
    let bodies = [
        ("plain", format!(r#"{{"model":"m","messages":[{user}]}}"#)),
        ("stream-usage", format!(r#"{{"model":"m","stream":true,"stream_options":{{"include_usage":true}},"stop":["e"],"max_completion_tokens":5,"messages":[{user}]}}"#)),
        ("tools", format!(r#"{{"model":"m","stream":true,"tools":[{tool}],"tool_choice":"required","parallel_tool_calls":false,"messages":[{user}]}}"#)),
        ("tool-result", format!(r#"{{"model":"m","messages":[{user},{{"role":"assistant","content":null,"tool_calls":[{{"id":"c1","type":"function","function":{{"name":"get_weather","arguments":"{{}}"}}}}]}},{{"role":"tool","tool_call_id":"c1","content":"sunny"}}]}}"#)),
        ("json-schema", format!(r##"{{"model":"m","stream":true,"reasoning_effort":"high","response_format":{{"type":"json_schema","json_schema":{{"name":"w","schema":{{"type":"object","properties":{{"t":{{"anyOf":[{{"type":"number"}},{{"$ref":"#/$defs/a"}}]}}}},"$defs":{{"a":{{"enum":["x",1]}}}}}}}}}},"messages":[{user}]}}"##)),
        ("parts", r#"{"model":"m","temperature":2,"top_p":0,"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]}"#.to_owned()),
        ("invalid", r#"{"model":1,"messages":[{"role":"robot"}],"temperature":3}"#.to_owned()),
    ];
    bodies.into_iter().map(|(name, body)| (format!("request-{name}"), body.into_bytes())).collect()
}

/// A `response` input for `status` (100..=599), a header block and a body.
fn response(status: u16, headers: &str, body: &str) -> Vec<u8> {
    let mut bytes = status.saturating_sub(100).to_le_bytes().to_vec();
    bytes.push(u8::try_from(headers.len()).unwrap_or(0) & 0x3f);
    bytes.extend_from_slice(headers.as_bytes());
    bytes.extend_from_slice(body.as_bytes());
    bytes
}
