//! `POST /v1/messages` (Anthropic Messages) over plain HTTP: validation, auth, the Message,
//! the event stream, tools, thinking, stop sequences, faults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, send};
use naga_mock::MockServer;
use serde_json::{Value, json};

/// POSTs `body` with `x-api-key` and `anthropic-version`, as Anthropic's SDKs do.
async fn post(server: &MockServer, body: &Value, headers: &[(&str, &str)]) -> Reply {
    let url = format!("{}/messages", server.base_url());
    let mut request = client()
        .post(url)
        .header("x-api-key", "ng-test")
        .header("anthropic-version", "2023-06-01")
        .json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request).await.unwrap()
}

fn reference() -> Value {
    json!({"model": "claude-sonnet-4.5", "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Write a two-line summary of Tokyo."}]})
}

fn streaming(body: &Value) -> Value {
    let mut body = body.clone();
    body["stream"] = json!(true);
    body
}

fn weather_tool() -> Value {
    json!({"name": "get_weather", "description": "Weather in a city",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string", "minLength": 2},
            "days": {"type": "integer", "minimum": 1, "maximum": 7}},
            "required": ["city", "days"], "additionalProperties": false}})
}

/// Asserts an error answer in Anthropic's shape (which holds Naga's `error` object) and
/// returns its message.
fn error(reply: &Reply, status: u16, kind: &str) -> String {
    let message = reply.error(status, kind);
    assert!(reply.text().starts_with(r#"{"type":"error","error":{"type":""#), "{}", reply.text());
    message
}

/// The events of an SSE body: `(event name, data JSON)`, checking the framing (an `event:`
/// line naming the JSON's `type`, which comes first) and that there is no `[DONE]`.
fn parse_events(body: &str) -> Vec<(String, Value)> {
    assert!(!body.contains("[DONE]"), "{body}");
    body.split("\n\n")
        .filter(|f| !f.is_empty())
        .map(|frame| {
            let (event, data) = frame.split_once('\n').expect("two lines");
            let name = event.strip_prefix("event: ").expect("event line").to_owned();
            let data = data.strip_prefix("data: ").unwrap();
            assert!(data.starts_with(&format!(r#"{{"type":"{name}""#)), "{frame}");
            (name, serde_json::from_str(data).unwrap())
        })
        .collect()
}

fn names(events: &[(String, Value)]) -> Vec<&str> {
    events.iter().map(|(name, _)| name.as_str()).collect()
}

/// The Message a stream adds up to, as Anthropic's SDKs accumulate it.
fn accumulate(events: &[(String, Value)]) -> Value {
    let mut message = Value::Null;
    for (name, event) in events {
        match name.as_str() {
            "message_start" => message = event["message"].clone(),
            "content_block_start" => {
                let blocks = message["content"].as_array_mut().unwrap();
                assert_eq!(event["index"], blocks.len());
                blocks.push(event["content_block"].clone());
            }
            "content_block_delta" => {
                let block = &mut message["content"][event["index"].as_u64().unwrap() as usize];
                let delta = &event["delta"];
                let (field, piece) = match delta["type"].as_str().unwrap() {
                    "text_delta" => ("text", &delta["text"]),
                    "thinking_delta" => ("thinking", &delta["thinking"]),
                    "signature_delta" => ("signature", &delta["signature"]),
                    "input_json_delta" => ("partial_json", &delta["partial_json"]),
                    other => panic!("delta {other}"),
                };
                let so_far = block.get(field).and_then(Value::as_str).unwrap_or("").to_owned();
                block[field] = Value::String(so_far + piece.as_str().unwrap());
            }
            "content_block_stop" => {
                let block = &mut message["content"][event["index"].as_u64().unwrap() as usize];
                if let Some(json) = block.as_object_mut().unwrap().remove("partial_json") {
                    block["input"] = serde_json::from_str(json.as_str().unwrap()).unwrap();
                }
            }
            "message_delta" => {
                message["stop_reason"] = event["delta"]["stop_reason"].clone();
                message["stop_sequence"] = event["delta"]["stop_sequence"].clone();
                message["usage"]["output_tokens"] = event["usage"]["output_tokens"].clone();
            }
            "ping" | "message_stop" => {}
            other => panic!("event {other}"),
        }
    }
    message
}

#[tokio::test]
async fn invalid_bodies_name_the_field() {
    let server = MockServer::start().await;
    let m = "claude-sonnet-4.5";
    let user = json!({"role": "user", "content": "hi"});
    let call = json!({"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1",
        "name": "get_weather", "input": {"city": "Tokyo", "days": 1}}]});
    let result = |id: &str| json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": "sunny"}]});
    let with = |extra: Value| {
        let mut body = json!({"model": m, "max_tokens": 2048, "messages": [user.clone()]});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let cases = [
        (json!({"max_tokens": 1, "messages": [user.clone()]}), "`model` is required"),
        (json!({"model": m, "messages": [user.clone()]}), "`max_tokens` is required"),
        (with(json!({"max_tokens": 0})), "`max_tokens` must be at least 1, got 0"),
        (with(json!({"max_tokens": 1.5})), "`max_tokens` must be an integer >= 1, got 1.5"),
        (json!({"model": m, "max_tokens": 1}), "`messages` is required"),
        (with(json!({"messages": []})), "`messages` must contain at least one message"),
        (
            with(json!({"messages": [{"role": "system", "content": "x"}]})),
            "`messages[0].role` has unknown role `system`; expected one of user|assistant",
        ),
        (with(json!({"messages": [{"role": "user"}]})), "`messages[0].content` is required"),
        (
            with(json!({"messages": [{"role": "user", "content": []}]})),
            "`messages[0].content` must not be empty",
        ),
        (
            with(json!({"messages": [{"role": "user", "content": [{"type": "text"}]}]})),
            "`messages[0].content[0].text` is required",
        ),
        (
            with(
                json!({"messages": [{"role": "user", "content": [{"type": "input_text", "text": "x"}]}]}),
            ),
            "`messages[0].content[0].type` must be one of text|image|document|tool_use|tool_result|thinking|redacted_thinking, got \"input_text\"",
        ),
        (
            with(
                json!({"messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "f"}}]}]}),
            ),
            "`messages[0].content[0].source.type` must be one of base64|url, got \"file\"",
        ),
        (
            with(
                json!({"messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/tiff", "data": "AAAA"}}]}]}),
            ),
            "`messages[0].content[0].source.media_type` must be one of image/jpeg|image/png|image/gif|image/webp, got \"image/tiff\"",
        ),
        (
            with(
                json!({"messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "data:image/png;base64,AAAA"}}]}]}),
            ),
            "`messages[0].content[0].source.data` must be base64 (not a data: URL)",
        ),
        (
            with(
                json!({"messages": [{"role": "user", "content": [{"type": "document", "source": {"type": "url", "url": "ftp://x/a.pdf"}}]}]}),
            ),
            "`messages[0].content[0].source.url` must be an http or https URL",
        ),
        (
            with(
                json!({"messages": [{"role": "user", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}]}]}),
            ),
            "`messages[0].content[0]`: a `tool_use` block is only allowed in assistant messages",
        ),
        (
            with(
                json!({"messages": [user.clone(), {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": "{}"}]}]}),
            ),
            "`messages[1].content[0].input` must be an object, got a string",
        ),
        (
            with(
                json!({"messages": [user.clone(), {"role": "assistant", "content": [{"type": "thinking", "thinking": "hm"}]}]}),
            ),
            "`messages[1].content[0].signature` is required",
        ),
        (
            with(
                json!({"messages": [user.clone(), {"role": "assistant", "content": [{"type": "tool_result", "tool_use_id": "t"}]}]}),
            ),
            "`messages[1].content[0]`: a `tool_result` block is only allowed in user messages",
        ),
        (
            with(json!({"messages": [user.clone(), call.clone(), result("toolu_2")]})),
            "`messages[2].content[0].tool_use_id` `toolu_2` does not match the `id` of any `tool_use` block in the preceding assistant message",
        ),
        (
            with(
                json!({"messages": [user.clone(), call.clone(), user.clone(), result("toolu_1")]}),
            ),
            "`messages[3].content[0].tool_use_id` `toolu_1` does not match",
        ),
        (
            with(
                json!({"messages": [user.clone(), call.clone(), {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "tool_use"}]}]}]}),
            ),
            "`messages[2].content[0].content[0].type` must be one of text|image|document, got \"tool_use\"",
        ),
        (
            with(json!({"system": [{"type": "image"}]})),
            "`system[0]` must be {\"type\":\"text\",\"text\":<string>}",
        ),
        (with(json!({"temperature": 2.5})), "`temperature` must be between 0 and 2, got 2.5"),
        (with(json!({"top_p": 1.5})), "`top_p` must be between 0 and 1, got 1.5"),
        (with(json!({"top_k": -1})), "`top_k` must be a non-negative integer, got a number"),
        (
            with(json!({"stop_sequences": "\n"})),
            "`stop_sequences` must be an array of strings, got a string",
        ),
        (with(json!({"stop_sequences": ["a", 1]})), "`stop_sequences[1]` must be a string"),
        (with(json!({"stream": "yes"})), "`stream` must be a boolean, got a string"),
        (with(json!({"tools": [{"name": "f"}]})), "`tools[0].input_schema` is required"),
        (
            with(json!({"tools": [{"name": "bad name", "input_schema": {}}]})),
            "`tools[0].name` must match ^[a-zA-Z0-9_-]{1,64}$",
        ),
        (
            with(json!({"tools": [{"type": "browser", "name": "b"}]})),
            "`tools[0].type` must be `custom` or a server tool type such as `web_search_20250305`, got \"browser\"",
        ),
        (
            with(json!({"tools": [weather_tool()], "tool_choice": {"type": "tool", "name": "g"}})),
            "`tool_choice.name` names `g`, which is not a tool in `tools`",
        ),
        (
            with(
                json!({"tools": [{"type": "web_search_20250305", "name": "web_search"}], "tool_choice": {"type": "any"}}),
            ),
            "`tool_choice` `any` needs at least one tool with an `input_schema` in `tools`",
        ),
        (
            with(json!({"tool_choice": {"type": "required"}})),
            "`tool_choice.type` must be one of auto|any|tool|none, got \"required\"",
        ),
        (with(json!({"tool_choice": "auto"})), "`tool_choice` must be an object, got a string"),
        (
            with(json!({"thinking": {"type": "enabled"}})),
            "`thinking.budget_tokens` is required when `thinking.type` is `enabled`",
        ),
        (
            with(json!({"thinking": {"type": "enabled", "budget_tokens": 512}})),
            "`thinking.budget_tokens` must be at least 1024, got 512",
        ),
        (
            with(json!({"thinking": {"type": "enabled", "budget_tokens": 2048}})),
            "`thinking.budget_tokens` (2048) must be less than `max_tokens` (2048)",
        ),
        (
            with(json!({"thinking": {"type": "on"}})),
            "`thinking.type` must be one of enabled|disabled|adaptive, got \"on\"",
        ),
        (
            with(json!({"output_config": {"effort": "xhigh"}})),
            "`output_config.effort` must be one of low|medium|high|max, got \"xhigh\"",
        ),
        (
            with(json!({"output_config": {"format": {"type": "json_schema", "schema": {}}}})),
            "unknown field `output_config.format`; `output_config` holds only `effort`",
        ),
        (with(json!({"metadata": "u"})), "`metadata` must be an object, got a string"),
        (
            with(json!({"input": "hi"})),
            "unknown field `input`; the Messages request schema is strict",
        ),
    ];
    for (body, expected) in cases {
        let message = error(&post(&server, &body, &[]).await, 400, "invalid_request_error");
        assert!(message.contains(expected), "{body}: {message}");
    }
}

#[tokio::test]
async fn every_documented_field_and_block_is_accepted() {
    let server = MockServer::start().await;
    let body = json!({"model": "claude-sonnet-4.5", "max_tokens": 4096,
        "system": [{"type": "text", "text": "Be brief."}], "temperature": null, "top_p": 0.9,
        "top_k": 40, "stop_sequences": null, "stream": false, "metadata": {"user_id": "u1"},
        "tools": [weather_tool(), {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}],
        "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
        "thinking": {"type": "enabled", "budget_tokens": 2048}, "output_config": {"effort": "low"},
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Look"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
                {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}},
                {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"}}]},
            {"role": "assistant", "content": [{"type": "thinking", "thinking": "hm", "signature": "c2ln"},
                {"type": "redacted_thinking", "data": "opaque"},
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Tokyo", "days": 1}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "is_error": false,
                "content": [{"type": "text", "text": "sunny"}]}]}]});
    let reply = post(&server, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let message = reply.json();
    assert_eq!(message["content"][0]["type"], "thinking");
    let text = message["content"][1]["text"].as_str().unwrap();
    assert!(text.starts_with("[naga-mock] Based on the tool results: sunny."), "{text}");
    assert_eq!(message["stop_reason"], "end_turn");
}

#[tokio::test]
async fn auth_takes_x_api_key_or_bearer() {
    let server = MockServer::builder().required_api_key("ng-right").start().await.unwrap();
    let url = format!("{}/messages", server.base_url());
    let request =
        || client().post(&url).header("anthropic-version", "2023-06-01").json(&reference());
    let reply = send(request().header("x-api-key", "ng-right")).await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["type"], "message");
    let reply = send(request().bearer_auth("ng-right")).await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    let reply = send(request()).await.unwrap();
    assert!(error(&reply, 401, "authentication_error").contains("missing API key"));
    let reply = send(request().header("x-api-key", "ng-wrong")).await.unwrap();
    assert_eq!(error(&reply, 401, "authentication_error"), "invalid API key");
    let reply = send(request().header("x-api-key", "")).await.unwrap();
    assert_eq!(error(&reply, 401, "authentication_error"), "empty x-api-key header");
}

#[tokio::test]
async fn reference_message_snapshot() {
    let server = MockServer::start().await;
    let reply = post(&server, &reference(), &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    let text = reply.text();
    let keys = [
        "id",
        "type",
        "role",
        "model",
        "content",
        "stop_reason",
        "stop_sequence",
        "created",
        "usage",
    ];
    let prefix = format!("{{\"{}\":\"msg_", keys[0]);
    assert!(text.starts_with(&prefix), "{text}");
    let mut at = 0;
    for key in keys {
        at += text[at..].find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key}")) + 1;
    }
    assert_eq!(reply.json().as_object().unwrap().len(), keys.len());
    assert!(
        text.ends_with(
            r#""usage":{"input_tokens":10,"output_tokens":31,"cache_read_input_tokens":0}}"#
        ),
        "{text}"
    );
    let message = reply.json();
    assert_eq!(message["content"].as_array().unwrap().len(), 1);
    assert_eq!(message["content"][0]["type"], "text");
    let answer = message["content"][0]["text"].as_str().unwrap();
    assert!(
        answer.starts_with("[naga-mock] Emulated reply to “Write a two-line summary of Tokyo.”")
    );
    assert_eq!(message["stop_reason"], "end_turn");
    assert!(message["stop_sequence"].is_null());
    insta::assert_json_snapshot!("reference_message", message);
    assert_eq!(post(&server, &reference(), &[]).await.body, reply.body, "deterministic");
}

#[tokio::test]
async fn reference_stream_snapshot() {
    let server = MockServer::start().await;
    let reply = post(&server, &streaming(&reference()), &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "text/event-stream");
    let raw = reply.text();
    let events = parse_events(&raw);
    let names = names(&events);
    let head = ["message_start", "ping", "content_block_start"];
    let tail = ["content_block_stop", "message_delta", "message_stop"];
    common::assert_delta_run(&names, &head, "content_block_delta", &tail);
    assert!(raw.starts_with(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_"
    ));
    assert!(raw.contains(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"));
    assert!(raw.contains("\"usage\":{\"input_tokens\":10,\"output_tokens\":1,\"cache_read_input_tokens\":0}}}\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\n"));
    assert!(raw.contains("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"));
    assert!(raw.contains("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"[naga-mock] \"}}\n\n"));
    assert!(raw.ends_with("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":31}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
    insta::assert_snapshot!("reference_message_stream", raw);
}

#[tokio::test]
async fn streams_add_up_to_the_plain_message() {
    let server = MockServer::start().await;
    let tool_loop = json!({"model": "claude-sonnet-4.5", "max_tokens": 4000, "tools": [weather_tool()],
        "messages": [{"role": "user", "content": "Use get_weather"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_9", "name": "get_weather", "input": {"city": "Oslo", "days": 2}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_9", "content": "rain"}]}]});
    let bodies = [
        reference(),
        json!({"model": "claude-sonnet-4.5", "max_tokens": 4000, "system": "Be brief.",
            "messages": [{"role": "user", "content": "get_weather in Tokyo"}], "tools": [weather_tool()],
            "thinking": {"type": "enabled", "budget_tokens": 2000}}),
        json!({"model": "gpt-4o-mini", "max_tokens": 3, "messages": [{"role": "user", "content": "x"}]}),
        json!({"model": "gpt-4o-mini", "max_tokens": 300, "stop_sequences": ["東京"], "thinking": {"type": "adaptive"},
            "messages": [{"role": "user", "content": "x"}]}),
        tool_loop,
    ];
    for body in bodies {
        let plain = post(&server, &body, &[]).await;
        assert_eq!(plain.status, 200, "{}", plain.text());
        let raw = post(&server, &streaming(&body), &[]).await.text();
        assert_eq!(accumulate(&parse_events(&raw)), plain.json(), "{body}");
        let chunked = post(&server, &streaming(&body), &[("x-mock-chunks", "7")]).await.text();
        let plain_chunked = post(&server, &body, &[("x-mock-chunks", "7")]).await.json();
        assert_eq!(accumulate(&parse_events(&chunked)), plain_chunked, "{body}");
    }
}

#[tokio::test]
async fn tool_use_streams_its_input_as_json_pieces() {
    let server = MockServer::start().await;
    let body = json!({"model": "claude-sonnet-4.5", "max_tokens": 1024, "tools": [weather_tool()],
        "messages": [{"role": "user", "content": "What is the weather? Use get_weather."}]});
    let plain = post(&server, &body, &[]).await.json();
    assert_eq!(plain["stop_reason"], "tool_use");
    let blocks = plain["content"].as_array().unwrap();
    assert_eq!(blocks.len(), 1);
    let tool_use = &blocks[0];
    assert_eq!(tool_use["type"], "tool_use");
    assert_eq!(tool_use["name"], "get_weather");
    let id = tool_use["id"].as_str().unwrap();
    assert!(id.starts_with("toolu_") && id.len() == 22, "{id}");
    let schema = weather_tool()["input_schema"].clone();
    assert!(jsonschema::is_valid(&schema, &tool_use["input"]), "{tool_use}");
    assert!(plain["usage"]["output_tokens"].as_u64().unwrap() > 0);

    let raw = post(&server, &streaming(&body), &[]).await.text();
    let events = parse_events(&raw);
    let start = &events[2].1;
    assert_eq!(
        *start,
        json!({"type": "content_block_start", "index": 0, "content_block":
            {"type": "tool_use", "id": id, "name": "get_weather", "input": {}}})
    );
    let pieces: Vec<&str> = events
        .iter()
        .filter(|(n, _)| n == "content_block_delta")
        .map(|(_, e)| {
            assert_eq!(e["delta"]["type"], "input_json_delta");
            e["delta"]["partial_json"].as_str().unwrap()
        })
        .collect();
    assert!(pieces.len() >= 2, "{pieces:?}");
    assert_eq!(pieces.concat(), tool_use["input"].to_string());
    let last = &events[events.len() - 2].1;
    assert_eq!(
        *last,
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null},
        "usage": {"output_tokens": plain["usage"]["output_tokens"]}})
    );

    // tool_choice `any` forces a call, `tool` names it, `none` forbids it.
    let forced = |choice: Value| {
        json!({"model": "claude-sonnet-4.5", "max_tokens": 100, "tools": [weather_tool()], "tool_choice": choice,
            "messages": [{"role": "user", "content": "Hello"}]})
    };
    for choice in [json!({"type": "any"}), json!({"type": "tool", "name": "get_weather"})] {
        let answer = post(&server, &forced(choice), &[]).await.json();
        assert_eq!(answer["stop_reason"], "tool_use");
        assert_eq!(answer["content"][0]["name"], "get_weather");
    }
    let answer = post(&server, &forced(json!({"type": "none"})), &[]).await.json();
    assert_eq!(answer["stop_reason"], "end_turn");
    assert_eq!(answer["content"][0]["type"], "text");
}

#[tokio::test]
async fn thinking_comes_first_and_streams_with_a_signature() {
    let server = MockServer::start().await;
    let body = json!({"model": "claude-sonnet-4.5", "max_tokens": 20000,
        "thinking": {"type": "enabled", "budget_tokens": 16384},
        "messages": [{"role": "user", "content": "Why is the sky blue?"}]});
    let plain = post(&server, &body, &[]).await.json();
    let thinking = &plain["content"][0];
    assert_eq!(thinking["type"], "thinking");
    let text = thinking["thinking"].as_str().unwrap();
    assert!(text.starts_with("[naga-mock] Reasoning (effort high)"), "{text}");
    let signature = thinking["signature"].as_str().unwrap();
    assert!(!signature.is_empty() && signature.len() % 4 == 0, "{signature}");
    assert_eq!(plain["content"][1]["type"], "text");
    let words = |v: &Value| v.as_str().unwrap().split_whitespace().count() as u64;
    let output = words(&thinking["thinking"]) + words(&plain["content"][1]["text"]);
    assert_eq!(plain["usage"]["output_tokens"], output);

    let raw = post(&server, &streaming(&body), &[]).await.text();
    let events = parse_events(&raw);
    assert_eq!(
        events[2].1,
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
    );
    let thinking_deltas =
        events.iter().take_while(|(n, _)| n != "content_block_stop").skip(3).count();
    let deltas: Vec<&Value> =
        events[3..3 + thinking_deltas].iter().map(|(_, e)| &e["delta"]).collect();
    let (signature_delta, text_deltas) = deltas.split_last().unwrap();
    assert_eq!(**signature_delta, json!({"type": "signature_delta", "signature": signature}));
    assert!(text_deltas.len() > 3);
    let joined: String = text_deltas
        .iter()
        .map(|d| {
            assert_eq!(d["type"], "thinking_delta");
            d["thinking"].as_str().unwrap()
        })
        .collect();
    assert_eq!(joined, text);
    assert_eq!(events[3 + thinking_deltas].1, json!({"type": "content_block_stop", "index": 0}));
    assert_eq!(events[4 + thinking_deltas].1["content_block"], json!({"type": "text", "text": ""}));
    assert_eq!(events[4 + thinking_deltas].1["index"], 1);

    // `disabled` overrides an effort; an effort alone or `adaptive` asks for thinking.
    let variant = |extra: Value| {
        let mut body = reference();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let server = &server;
    let first_block =
        |v: Value| async move { post(server, &v, &[]).await.json()["content"][0].clone() };
    let off = first_block(variant(
        json!({"thinking": {"type": "disabled"}, "output_config": {"effort": "max"}}),
    ))
    .await;
    assert_eq!(off["type"], "text");
    let max = first_block(variant(json!({"output_config": {"effort": "max"}}))).await;
    assert!(max["thinking"].as_str().unwrap().contains("(effort xhigh)"), "{max}");
    let adaptive = first_block(variant(json!({"thinking": {"type": "adaptive"}}))).await;
    assert!(adaptive["thinking"].as_str().unwrap().contains("(effort medium)"), "{adaptive}");
}

#[tokio::test]
async fn stop_sequences_and_max_tokens_cut_the_text() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["stop_sequences"] = json!(["zzz", "東京"]);
    let plain = post(&server, &body, &[]).await.json();
    assert_eq!(plain["stop_reason"], "stop_sequence");
    assert_eq!(plain["stop_sequence"], "東京");
    let text = plain["content"][0]["text"].as_str().unwrap();
    assert!(text.ends_with("Tōkyō — "), "{text}");
    let raw = post(&server, &streaming(&body), &[]).await.text();
    assert!(raw.contains(r#"{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"東京"},"#), "{raw}");

    let mut body = reference();
    body["max_tokens"] = json!(3);
    let plain = post(&server, &body, &[]).await.json();
    assert_eq!(plain["stop_reason"], "max_tokens");
    assert!(plain["stop_sequence"].is_null());
    assert_eq!(plain["content"][0]["text"], "[naga-mock] Emulated reply");
    assert_eq!(plain["usage"]["output_tokens"], 3);
    let raw = post(&server, &streaming(&body), &[]).await.text();
    assert!(raw.contains(
        r#""delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":3}}"#
    ));
}

#[tokio::test]
async fn error_fault_sends_anthropics_error_event_and_ends() {
    let server = MockServer::start().await;
    let headers = [("x-mock-error-after-events", "4")];
    let raw = post(&server, &streaming(&reference()), &headers).await.text();
    let events = parse_events(&raw);
    assert_eq!(
        names(&events),
        ["message_start", "ping", "content_block_start", "content_block_delta", "error"]
    );
    let error_frame = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Upstream provider failed\"}}\n\n";
    assert!(raw.ends_with(&format!("}}}}\n\n{error_frame}")), "{raw}");
    let raw =
        post(&server, &streaming(&reference()), &[("x-mock-error-after-events", "0")]).await.text();
    assert_eq!(raw, error_frame);
}

#[tokio::test]
async fn stream_faults_apply_to_messages() {
    let server = MockServer::start().await;
    let body = streaming(&reference());
    let plain_raw = post(&server, &body, &[]).await.text();
    let raw = post(&server, &body, &[("x-mock-no-done", "1")]).await.text();
    assert_eq!(raw, plain_raw, "nothing to omit");
    let raw = post(&server, &body, &[("x-mock-chunks", "50")]).await.text();
    let deltas = names(&parse_events(&raw)).iter().filter(|n| **n == "content_block_delta").count();
    assert_eq!(deltas, 50);
    let reply = post(&server, &body, &[("x-mock-ignore-stream", "1")]).await;
    assert_eq!(reply.headers["content-type"], "application/json");
    assert_eq!(reply.json(), post(&server, &reference(), &[]).await.json());
    let raw = post(&server, &body, &[("x-mock-oversized-event-bytes", "100000")]).await.text();
    let line = raw.lines().find(|l| l.contains("text_delta")).unwrap();
    assert_eq!(line.len(), "data: ".len() + 100_000);
    let raw = post(&server, &body, &[("x-mock-malformed-after-events", "2")]).await.text();
    assert!(raw.contains(
        "{\"type\":\"ping\"}\n\ndata: {\"id\": not json\n\nevent: content_block_start\n"
    ));
    let stalled = [("x-mock-stall-ms", "300"), ("x-mock-stall-after-events", "2")];
    let started = std::time::Instant::now();
    assert_eq!(post(&server, &body, &stalled).await.text(), plain_raw);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    let url = format!("{}/messages", server.base_url());
    let request = client()
        .post(url)
        .header("x-api-key", "k")
        .json(&body)
        .header("x-mock-drop-after-events", "3");
    let received = common::body_until_abort(request).await;
    assert_eq!(String::from_utf8(received).unwrap().matches("\n\n").count(), 3);
    let reply = post(&server, &body, &[("x-mock-status", "529")]).await;
    assert!(error(&reply, 529, "server_error").contains("injected failure"));
}

#[tokio::test]
async fn models_and_other_errors_are_checked() {
    let server = MockServer::start().await;
    let body = json!({"model": "text-embedding-3-small", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let message = error(&post(&server, &body, &[]).await, 400, "invalid_request_error");
    assert_eq!(
        message,
        "model `text-embedding-3-small` does not support messages; see its supported_endpoints in GET /v1/models"
    );
    let body = json!({"model": "claude-nope", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let message = error(&post(&server, &body, &[]).await, 404, "not_found_error");
    assert!(message.contains("`claude-nope` does not exist"), "{message}");
    let alias = json!({"model": "claude-sonnet-4.5-20250929", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let reply = post(&server, &alias, &[]).await;
    assert_eq!(reply.json()["model"], "claude-sonnet-4.5-20250929");
    let url = format!("{}/messages", server.base_url());
    let reply = send(client().get(&url).header("x-api-key", "k")).await.unwrap();
    error(&reply, 405, "method_not_allowed");
    let reply = send(
        client()
            .post(&url)
            .header("x-api-key", "k")
            .body("{}")
            .header("content-type", "text/plain"),
    )
    .await
    .unwrap();
    error(&reply, 415, "unsupported_media_type");
    let reply = send(client().post(&url).header("x-api-key", "k").body("not json")).await.unwrap();
    assert!(
        error(&reply, 400, "invalid_request_error").starts_with("request body is not valid JSON")
    );
    let reply = post(&server, &reference(), &[("x-mock-html-error", "502")]).await;
    assert_eq!(reply.status, 502);
    assert!(reply.text().starts_with("<!DOCTYPE html>"));
    // Other routes keep Naga's envelope.
    let chat = common::post_chat(&server, &json!({"model": "gpt-4o-mini"}), &[]).await;
    assert!(
        chat.text().starts_with(r#"{"error":{"type":"invalid_request_error""#),
        "{}",
        chat.text()
    );
    assert_eq!(server.request_count("/v1/messages"), 7);
}
