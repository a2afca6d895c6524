//! What real OpenAI-compatible clients send and expect (found by driving the emulator with the
//! official `openai` Python and Node SDKs, `scripts/interop/`): `developer` messages, unknown
//! models, SSE headers, keep-alive across requests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{post_chat, reference};
use naga_mock::MockServer;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[tokio::test]
async fn developer_messages_are_accepted_like_system() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "messages": [
        {"role": "developer", "content": "Be terse."},
        {"role": "user", "content": "Say hello"}]});
    let reply = post_chat(&server, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let completion = reply.json();
    let content = completion["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(content.starts_with("[naga-mock]"), "{content}");
    // 4 tokens per message plus the words: 4 + 2 + 4 + 2.
    assert_eq!(completion["usage"]["prompt_tokens"], 12);
}

#[tokio::test]
async fn unknown_roles_are_still_rejected() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "messages": [{"role": "function", "content": "x"}]});
    let message = post_chat(&server, &body, &[]).await.error(400, "invalid_request_error");
    assert_eq!(
        message,
        "`messages[0].role` has unknown role `function`; expected one of system|developer|user|assistant|tool"
    );
}

#[tokio::test]
async fn an_unknown_model_is_a_404_with_naga_error_body() {
    let server = MockServer::start().await;
    for stream in [false, true] {
        let body = json!({"model": "no-such-model", "stream": stream,
            "messages": [{"role": "user", "content": "hi"}]});
        let reply = post_chat(&server, &body, &[]).await;
        assert_eq!(reply.status, 404);
        assert_eq!(reply.headers["content-type"], "application/json");
        assert_eq!(
            reply.text(),
            r#"{"error":{"type":"not_found_error","message":"model `no-such-model` does not exist; GET /v1/models lists the available model ids"}}"#
        );
    }
}

#[tokio::test]
async fn aliases_are_served_and_echoed() {
    let server = MockServer::start().await;
    let body = json!({"model": "claude-sonnet-4.5-20250929",
        "messages": [{"role": "user", "content": "hi"}]});
    let reply = post_chat(&server, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["model"], "claude-sonnet-4.5-20250929");
}

#[tokio::test]
async fn validation_comes_before_the_model_lookup() {
    let server = MockServer::start().await;
    let body = json!({"model": "no-such-model", "messages": [], "temperature": 1});
    let message = post_chat(&server, &body, &[]).await.error(400, "invalid_request_error");
    assert!(message.contains("`messages`"), "{message}");
}

#[tokio::test]
async fn a_custom_catalogue_decides_which_models_exist() {
    let models = vec![json!({"id": "only-one", "object": "model", "aliases": ["the-one"]})];
    let server = MockServer::builder().models(models).start().await.unwrap();
    for (model, status) in [("only-one", 200), ("the-one", 200), ("gpt-4o-mini", 404)] {
        let body = json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
        assert_eq!(post_chat(&server, &body, &[]).await.status, status, "{model}");
    }
}

/// Reads one response (head and body, by content-length or chunked) from `reader`.
async fn read_response<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> (String, Vec<u8>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        head.push_str(&line);
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let lower = head.to_ascii_lowercase();
    let mut body = Vec::new();
    if let Some(len) = lower.split("content-length: ").nth(1) {
        let len: usize = len.split("\r\n").next().unwrap().parse().unwrap();
        body.resize(len, 0);
        reader.read_exact(&mut body).await.unwrap();
        return (head, body);
    }
    assert!(lower.contains("transfer-encoding: chunked"), "{head}");
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).await.unwrap();
        let size = usize::from_str_radix(size.trim_end(), 16).unwrap();
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).await.unwrap();
        if size == 0 {
            return (head, body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

fn request(body: &serde_json::Value) -> Vec<u8> {
    let body = body.to_string();
    let head = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    [head.into_bytes(), body.into_bytes()].concat()
}

#[tokio::test]
async fn one_connection_serves_json_stream_and_error_in_turn() {
    let server = MockServer::start().await;
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut streamed = reference();
    streamed["stream"] = json!(true);
    let unknown = json!({"model": "nope", "messages": [{"role": "user", "content": "hi"}]});
    for (body, status) in
        [(reference(), "200"), (streamed, "200"), (unknown, "404"), (reference(), "200")]
    {
        write.write_all(&request(&body)).await.unwrap();
        let (head, bytes) = read_response(&mut reader).await;
        assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{head}");
        assert!(!head.to_ascii_lowercase().contains("connection: close"), "{head}");
        if body["stream"] == true {
            let lower = head.to_ascii_lowercase();
            assert!(lower.contains("content-type: text/event-stream\r\n"), "{head}");
            assert!(lower.contains("cache-control: no-cache\r\n"), "{head}");
            assert!(!lower.contains("content-length"), "{head}");
            assert!(bytes.starts_with(b"data: {") && bytes.ends_with(b"\n\ndata: [DONE]\n\n"));
        }
    }
}

#[tokio::test]
async fn completion_bytes_follow_the_documented_key_order() {
    let server = MockServer::start().await;
    let text = post_chat(&server, &reference(), &[]).await.text();
    let head = r#"{"id":"chatcmpl-mock-bcc05aa7ec0e3295","object":"chat.completion","created":1767301713,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"[naga-mock] Emulated reply"#;
    assert!(text.starts_with(head), "{text}");
    let tail = r#"answer."},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":31,"total_tokens":41,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"image_tokens":0}}}"#;
    assert!(text.ends_with(tail), "{text}");
}

#[tokio::test]
async fn tool_call_and_reasoning_bytes_follow_the_documented_key_order() {
    let server = MockServer::start().await;
    let tools = json!([{"type": "function", "function": {"name": "get_time",
        "parameters": {"type": "object", "properties": {}, "additionalProperties": false}}}]);
    let body = json!({"model": "gpt-4o-mini", "tools": tools, "tool_choice": "required",
        "reasoning_effort": "low", "messages": [{"role": "user", "content": "now?"}]});
    let text = post_chat(&server, &body, &[]).await.text();
    let message = r#""message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_"#;
    assert!(text.contains(message), "{text}");
    let call = r#"","type":"function","function":{"name":"get_time","arguments":"{}"}}],"reasoning_content":"[naga-mock] Reasoning"#;
    assert!(text.contains(call), "{text}");
    assert!(text.contains(r#""reasoning_details":[{"type":"reasoning.summary","summary":"#));
    let mut streamed = body.clone();
    streamed["stream"] = json!(true);
    let sse = post_chat(&server, &streamed, &[]).await.text();
    let head = r#"{"tool_calls":[{"index":0,"id":"call_"#;
    assert!(sse.contains(head), "{sse}");
    let rest = r#"","type":"function","function":{"name":"get_time","arguments":""}}]}"#;
    assert!(sse.contains(rest), "{sse}");
    // `{}` streams as two fragments.
    assert!(sse.contains(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}"#));
    assert!(sse.contains(r#"{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]}"#));
}

#[tokio::test]
async fn error_frames_and_bodies_put_type_before_message() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["stream"] = json!(true);
    let sse = post_chat(&server, &body, &[("x-mock-error-after-events", "1")]).await.text();
    let frames: Vec<&str> = sse.split_terminator("\n\n").collect();
    assert_eq!(frames.len(), 2, "{sse}");
    assert_eq!(
        frames[1],
        r#"data: {"error":{"type":"server_error","message":"naga-mock: emulated upstream provider failure"}}"#
    );
    let forced = post_chat(&server, &reference(), &[("x-mock-status", "429")]).await.text();
    assert_eq!(
        forced,
        r#"{"error":{"type":"rate_limit_exceeded","message":"naga-mock: injected failure (x-mock-status)"}}"#
    );
}

#[tokio::test]
async fn head_of_models_is_the_get_head_without_body() {
    let server = MockServer::start().await;
    let get = common::raw_http(
        server.addr(),
        b"GET /v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    let head = common::raw_http(
        server.addr(),
        b"HEAD /v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    let (get_head, get_body) = get.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains(&format!("content-length: {}\r\n", get_body.len())), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "a HEAD answer has no body: {head}");
    assert!(get_head.contains("content-type: application/json"));
    let post = common::raw_http(
        server.addr(),
        b"HEAD /v1/chat/completions HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
}

#[tokio::test]
async fn tool_results_must_answer_an_earlier_call() {
    let server = MockServer::start().await;
    let call = json!({"role": "assistant", "content": null, "tool_calls": [{"id": "call_1",
        "type": "function", "function": {"name": "f", "arguments": "{}"}}]});
    let orphan = json!({"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": "hi"}, call,
        {"role": "tool", "tool_call_id": "call_2", "content": "r"}]});
    let message = post_chat(&server, &orphan, &[]).await.error(400, "invalid_request_error");
    assert_eq!(
        message,
        "`messages[2].tool_call_id` `call_2` does not match the `id` of any earlier assistant `tool_calls` entry"
    );
    let answered = json!({"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": "hi"}, call,
        {"role": "tool", "tool_call_id": "call_1", "content": "r"}]});
    assert_eq!(post_chat(&server, &answered, &[]).await.status, 200);
}

#[tokio::test]
async fn a_413_says_connection_close_since_the_body_is_left_unread() {
    let server = MockServer::builder().max_body_bytes(64).start().await.unwrap();
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let head = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
    write.write_all(head.as_bytes()).await.unwrap();
    let (head, body) = read_response(&mut reader).await;
    assert!(head.starts_with("HTTP/1.1 413 "), "{head}");
    assert!(head.to_ascii_lowercase().contains("connection: close\r\n"), "{head}");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"error":{"type":"request_too_large","message":"request body exceeds the limit of 64 bytes"}}"#
    );
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "the server closed after the 413");
}

#[tokio::test]
async fn the_model_list_follows_the_documented_key_order() {
    let server = MockServer::start().await;
    let reply =
        common::send(common::client().get(format!("{}/models", server.base_url()))).await.unwrap();
    let text = reply.text();
    let head = r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1735689600,"owned_by":"openai","display_name":"GPT-4o mini","description":"#;
    assert!(text.starts_with(head), "{text}");
    let pricing = r#""pricing":{"per_input_token":1.5e-7,"per_cached_input_token":1.5e-8,"per_output_token":6e-7,"per_audio_token":null,"#;
    assert!(text.contains(pricing), "{text}");
    let tail = r#""architecture":{"input_modalities":["text","image","file"],"output_modalities":["text"]},"aliases":["gpt-4o-mini-2024-07-18"],"deprecates_at":null,"supported_parameters":["#;
    assert!(text.contains(tail), "{text}");
}

/// `openai.lib._pydantic.to_strict_json_schema` of a recursive pydantic model
/// (`boss: Optional["Person"]`, unions, enums, dates, nested lists), as the Python SDK's
/// `parse(response_format=Person)` and `pydantic_function_tool(Person)` send it.
const PERSON_SCHEMA: &str = r##"{"$defs":{"Addr":{"properties":{"street":{"title":"Street","type":"string"},"zip":{"anyOf":[{"type":"string"},{"type":"null"}],"title":"Zip"}},"required":["street","zip"],"title":"Addr","type":"object","additionalProperties":false},"Cat":{"properties":{"kind":{"const":"cat","title":"Kind","type":"string"},"lives":{"maximum":9,"minimum":1,"title":"Lives","type":"integer"}},"required":["kind","lives"],"title":"Cat","type":"object","additionalProperties":false},"Color":{"enum":["red","green"],"title":"Color","type":"string"},"Dog":{"properties":{"kind":{"const":"dog","title":"Kind","type":"string"},"good":{"title":"Good","type":"boolean"}},"required":["kind","good"],"title":"Dog","type":"object","additionalProperties":false},"Person":{"properties":{"name":{"maxLength":20,"minLength":2,"title":"Name","type":"string"},"age":{"maximum":150,"minimum":0,"title":"Age","type":"integer"},"score":{"title":"Score","type":"number"},"color":{"$ref":"#/$defs/Color"},"when":{"format":"date-time","title":"When","type":"string"},"day":{"format":"date","title":"Day","type":"string"},"addrs":{"items":{"$ref":"#/$defs/Addr"},"maxItems":3,"minItems":1,"title":"Addrs","type":"array"},"pet":{"anyOf":[{"$ref":"#/$defs/Cat"},{"$ref":"#/$defs/Dog"}],"title":"Pet"},"nick":{"anyOf":[{"type":"string"},{"type":"null"}],"title":"Nick"},"tags":{"items":{"type":"string"},"title":"Tags","type":"array"},"boss":{"anyOf":[{"$ref":"#/$defs/Person"},{"type":"null"}]}},"required":["name","age","score","color","when","day","addrs","pet","nick","tags","boss"],"title":"Person","type":"object","additionalProperties":false}},"properties":{"name":{"maxLength":20,"minLength":2,"title":"Name","type":"string"},"age":{"maximum":150,"minimum":0,"title":"Age","type":"integer"},"score":{"title":"Score","type":"number"},"color":{"$ref":"#/$defs/Color"},"when":{"format":"date-time","title":"When","type":"string"},"day":{"format":"date","title":"Day","type":"string"},"addrs":{"items":{"$ref":"#/$defs/Addr"},"maxItems":3,"minItems":1,"title":"Addrs","type":"array"},"pet":{"anyOf":[{"$ref":"#/$defs/Cat"},{"$ref":"#/$defs/Dog"}],"title":"Pet"},"nick":{"anyOf":[{"type":"string"},{"type":"null"}],"title":"Nick"},"tags":{"items":{"type":"string"},"title":"Tags","type":"array"},"boss":{"anyOf":[{"$ref":"#/$defs/Person"},{"type":"null"}]}},"required":["name","age","score","color","when","day","addrs","pet","nick","tags","boss"],"title":"Person","type":"object","additionalProperties":false}"##;

#[tokio::test]
async fn recursive_pydantic_schemas_get_valid_json_at_every_depth() {
    let server = MockServer::start().await;
    let schema: serde_json::Value = serde_json::from_str(PERSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let tool = json!([{"type": "function", "function": {"name": "Person", "strict": true,
        "parameters": schema}}]);
    for i in 0..12 {
        let format = json!({"type": "json_schema",
            "json_schema": {"name": "Person", "strict": true, "schema": schema}});
        let body = json!({"model": "gpt-4o-mini", "response_format": format,
            "messages": [{"role": "user", "content": format!("person {i}")}]});
        let reply = post_chat(&server, &body, &[]).await.json();
        let content = reply["choices"][0]["message"]["content"].as_str().unwrap();
        let value: serde_json::Value = serde_json::from_str(content).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{value} invalid: {errors:?}");
        assert!(value["boss"].is_object(), "the recursion is taken at least once: {value}");
        let body = json!({"model": "gpt-4o-mini", "tools": tool, "tool_choice": "required",
            "messages": [{"role": "user", "content": format!("use Person {i}")}]});
        let reply = post_chat(&server, &body, &[]).await.json();
        let call = &reply["choices"][0]["message"]["tool_calls"][0]["function"];
        let arguments: serde_json::Value =
            serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
        assert!(validator.is_valid(&arguments), "{arguments}");
    }
}

#[tokio::test]
async fn string_patterns_are_honoured_in_structured_outputs_and_tool_arguments() {
    let server = MockServer::start().await;
    let schema = json!({"type": "object", "additionalProperties": false,
        "required": ["phone", "code", "day", "email"],
        "properties": {
            "phone": {"type": "string", "pattern": "^\\+?\\d{1,3}[- ]\\d{3}-\\d{4}$"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}(-[0-9]{2,4})?$"},
            "day": {"type": "string", "pattern": "^\\d{4}-(0[1-9]|1[0-2])-\\d{2}$"},
            "email": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$"}}});
    let format = json!({"type": "json_schema", "json_schema": {"name": "Contact", "strict": true,
        "schema": schema}});
    let body = json!({"model": "gpt-4o-mini", "response_format": format,
        "messages": [{"role": "user", "content": "a contact"}]});
    let reply = post_chat(&server, &body, &[]).await.json();
    let content = reply["choices"][0]["message"]["content"].as_str().unwrap();
    assert_eq!(
        content,
        r#"{"code":"AAA-00","day":"0000-01-00","email":"a@a.aa","phone":"+0-000-0000"}"#
    );
    let value: serde_json::Value = serde_json::from_str(content).unwrap();
    assert!(jsonschema::is_valid(&schema, &value), "{value}");
}

#[tokio::test]
async fn tuples_multiples_and_pydantic_formats_are_generated_validly() {
    let server = MockServer::start().await;
    // What pydantic emits for conint(multiple_of=5, ge=0, le=100), confloat(multiple_of=0.5),
    // Tuple[int, str, bool], timedelta, IPv4Address and IPv6Address.
    let schema = json!({"type": "object", "additionalProperties": false,
        "required": ["mult", "half", "tup", "td", "ip4", "ip6"],
        "properties": {
            "mult": {"type": "integer", "multipleOf": 5, "minimum": 0, "maximum": 100},
            "half": {"type": "number", "multipleOf": 0.5},
            "tup": {"type": "array", "minItems": 3, "maxItems": 3, "prefixItems": [
                {"type": "integer"}, {"type": "string"}, {"type": "boolean"}]},
            "td": {"type": "string", "format": "duration"},
            "ip4": {"type": "string", "format": "ipv4"},
            "ip6": {"type": "string", "format": "ipv6"}}});
    let format = json!({"type": "json_schema", "json_schema": {"name": "T", "schema": schema}});
    for i in 0..8 {
        let body = json!({"model": "gpt-4o-mini", "response_format": format,
            "messages": [{"role": "user", "content": format!("t {i}")}]});
        let reply = post_chat(&server, &body, &[]).await.json();
        let content = reply["choices"][0]["message"]["content"].as_str().unwrap();
        let value: serde_json::Value = serde_json::from_str(content).unwrap();
        assert!(jsonschema::is_valid(&schema, &value), "{value}");
        assert_eq!(value["mult"].as_i64().unwrap() % 5, 0, "{value}");
        assert_eq!((value["half"].as_f64().unwrap() * 2.0).fract(), 0.0, "{value}");
        let tup = value["tup"].as_array().unwrap();
        assert!(tup[0].is_i64() && tup[1].is_string() && tup[2].is_boolean(), "{value}");
        assert_eq!(
            (&value["td"], &value["ip4"], &value["ip6"]),
            (&json!("PT1H30M"), &json!("192.0.2.1"), &json!("2001:db8::1"))
        );
    }
}
