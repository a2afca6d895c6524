//! `POST /v1/responses` over plain HTTP: validation, the Response object, the event stream,
//! faults, model and auth checks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, send};
use naga_mock::MockServer;
use serde_json::{Value, json};

async fn post(server: &MockServer, body: &Value, headers: &[(&str, &str)]) -> Reply {
    let url = format!("{}/responses", server.base_url());
    let mut request = client().post(url).bearer_auth("ng-test").json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request).await.unwrap()
}

fn reference() -> Value {
    json!({"model": "gpt-4o-mini", "input": "Write a two-line summary of Tokyo."})
}

fn streaming(body: &Value) -> Value {
    let mut body = body.clone();
    body["stream"] = json!(true);
    body
}

fn weather_tool() -> Value {
    json!({"type": "function", "name": "get_weather", "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string", "minLength": 2},
            "days": {"type": "integer", "minimum": 1, "maximum": 7}},
            "required": ["city", "days"], "additionalProperties": false}, "strict": true})
}

/// The events of an SSE body: `(event name, data JSON)`, checking the framing (every event
/// has an `event:` line naming its `type`, sequence numbers count from 0) and the final
/// `data: [DONE]`.
fn parse_events(body: &str) -> Vec<(String, Value)> {
    let frames: Vec<&str> = body.split("\n\n").filter(|f| !f.is_empty()).collect();
    assert_eq!(frames.last(), Some(&"data: [DONE]"), "{body}");
    let events: Vec<(String, Value)> = frames[..frames.len() - 1]
        .iter()
        .map(|frame| {
            let (event, data) = frame.split_once('\n').expect("two lines");
            let name = event.strip_prefix("event: ").expect("event line").to_owned();
            let data: Value = serde_json::from_str(data.strip_prefix("data: ").unwrap()).unwrap();
            assert_eq!(data["type"], name.as_str());
            assert!(data_starts_right(frame), "{frame}");
            (name, data)
        })
        .collect();
    for (i, (_, data)) in events.iter().enumerate() {
        assert_eq!(data["sequence_number"], i, "{data}");
    }
    events
}

/// The data JSON starts with `"type"`, then `"sequence_number"`.
fn data_starts_right(frame: &str) -> bool {
    let data = frame.split_once("\ndata: ").map(|(_, d)| d).unwrap_or_default();
    data.starts_with(r#"{"type":""#) && data.contains(r#"","sequence_number":"#)
}

fn names(events: &[(String, Value)]) -> Vec<&str> {
    events.iter().map(|(name, _)| name.as_str()).collect()
}

#[tokio::test]
async fn invalid_bodies_name_the_field() {
    let server = MockServer::start().await;
    let m = "gpt-4o-mini";
    let call =
        json!({"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"});
    let cases = [
        (json!({"input": "x"}), "`model` is required"),
        (json!({"model": m}), "`input` is required"),
        (json!({"model": m, "input": []}), "`input` must contain at least one item"),
        (json!({"model": m, "input": 3}), "`input` must be a string or an array of items"),
        (json!({"model": m, "input": [{"content": "hi"}]}), "`input[0].type` is required"),
        (
            json!({"model": m, "input": [{"role": "user", "content": "hi"}, {"type": "function_call_output", "output": "x"}]}),
            "`input[1].call_id` is required",
        ),
        (
            json!({"model": m, "input": [{"type": "function_call_output", "call_id": "c", "output": "x"}]}),
            "`input[0].call_id` `c` does not match the `call_id` of any earlier `function_call` item",
        ),
        (
            json!({"model": m, "input": [{"type": "function_call", "call_id": "c", "name": "f", "arguments": {}}]}),
            "`input[0].arguments` must be a string (JSON text), got an object",
        ),
        (
            json!({"model": m, "input": [{"type": "item_reference", "id": "x"}]}),
            "`input[0].type` `item_reference` is not an input item type",
        ),
        (
            json!({"model": m, "input": [{"role": "tool", "content": "x"}]}),
            "`input[0].role` has unknown role `tool`",
        ),
        (
            json!({"model": m, "input": [{"role": "user", "content": [{"type": "output_text", "text": "x"}]}]}),
            "`input[0].content[0].type` must be one of input_text|input_image|input_file|input_audio, got \"output_text\"",
        ),
        (
            json!({"model": m, "input": [{"role": "user", "content": [{"type": "input_image", "image_url": "ftp://x"}]}]}),
            "`input[0].content[0].image_url` must be an http, https or data: URL",
        ),
        (
            json!({"model": m, "input": [{"role": "user", "content": [{"type": "input_image", "image_url": "https://x/a.png", "detail": "max"}]}]}),
            "`input[0].content[0].detail` must be one of low|high|auto, got \"max\"",
        ),
        (
            json!({"model": m, "input": [{"role": "user", "content": [{"type": "input_file", "filename": "a.pdf"}]}]}),
            "`input[0].content[0]` needs `file_data` or `file_url`",
        ),
        (
            json!({"model": m, "input": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "AAA", "format": "ogg"}}]}]}),
            "`input[0].content[0].input_audio.format` must be one of wav|mp3",
        ),
        (
            json!({"model": m, "input": [call.clone(), {"type": "reasoning", "summary": [{"type": "x"}]}]}),
            "`input[1].summary[0]` must be {\"type\":\"summary_text\",\"text\":<string>}",
        ),
        (
            json!({"model": m, "input": "x", "max_output_tokens": 0}),
            "`max_output_tokens` must be at least 1, got 0",
        ),
        (
            json!({"model": m, "input": "x", "temperature": 2.5}),
            "`temperature` must be between 0 and 2, got 2.5",
        ),
        (json!({"model": m, "input": "x", "top_p": -1}), "`top_p` must be between 0 and 1"),
        (
            json!({"model": m, "input": "x", "truncation": "always"}),
            "`truncation` must be one of auto|disabled",
        ),
        (
            json!({"model": m, "input": "x", "stream": "yes"}),
            "`stream` must be a boolean, got a string",
        ),
        (
            json!({"model": m, "input": "x", "reasoning": {"effort": "max"}}),
            "`reasoning.effort` must be one of none|minimal|low|medium|high|xhigh",
        ),
        (
            json!({"model": m, "input": "x", "reasoning": {"summary": "long"}}),
            "`reasoning.summary` must be one of auto|concise|detailed",
        ),
        (
            json!({"model": m, "input": "x", "text": {"format": {"type": "json_schema", "schema": {}}}}),
            "`text.format.name` is required",
        ),
        (
            json!({"model": m, "input": "x", "text": {"format": {"type": "json_schema", "name": "a"}}}),
            "`text.format.schema` is required",
        ),
        (
            json!({"model": m, "input": "x", "text": {"format": {"type": "xml"}}}),
            "`text.format.type` must be one of text|json_object|json_schema",
        ),
        (
            json!({"model": m, "input": "x", "text": {"verbosity": "loud"}}),
            "`text.verbosity` must be one of low|medium|high",
        ),
        (
            json!({"model": m, "input": "x", "tools": [{"type": "function"}]}),
            "`tools[0].name` must match",
        ),
        (
            json!({"model": m, "input": "x", "tools": [{"type": "browser"}]}),
            "`tools[0].type` must be one of function|web_search|",
        ),
        (
            json!({"model": m, "input": "x", "tools": [{"type": "function", "name": "f", "parameters": []}]}),
            "`tools[0].parameters` must be an object",
        ),
        (
            json!({"model": m, "input": "x", "tools": [weather_tool()], "tool_choice": {"type": "function", "name": "g"}}),
            "`tool_choice.name` names `g`, which is not a function tool in `tools`",
        ),
        (
            json!({"model": m, "input": "x", "tool_choice": "required"}),
            "`tool_choice` `required` needs at least one function tool",
        ),
        (
            json!({"model": m, "input": "x", "tool_choice": "sometimes"}),
            "`tool_choice` must be auto|none|required or {\"type\":\"function\",\"name\"}, got \"sometimes\"",
        ),
        (
            json!({"model": m, "input": "x", "messages": []}),
            "unknown field `messages`; the Responses request schema is strict",
        ),
        (
            json!({"model": m, "input": "x", "previous_response_id": "resp_1"}),
            "the gateway is stateless",
        ),
        (json!({"model": m, "input": "x", "background": true}), "`background` must be false"),
    ];
    for (body, expected) in cases {
        let message = post(&server, &body, &[]).await.error(400, "invalid_request_error");
        assert!(message.contains(expected), "{body}: {message}");
    }
}

#[tokio::test]
async fn openai_fields_are_accepted_and_easy_messages_need_no_type() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "store": false, "metadata": {"a": "b"}, "include": [],
        "user": "u", "service_tier": "auto", "top_logprobs": 0, "max_tool_calls": 3,
        "prompt_cache_key": "k", "safety_identifier": "s", "stop": ["x"], "logit_bias": {},
        "background": false, "previous_response_id": null,
        "tools": [{"type": "web_search"}, {"type": "mcp", "server_label": "x"}],
        "input": [
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": [{"type": "input_text", "text": "Hi"},
                {"type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "low"},
                {"type": "input_file", "filename": "a.pdf", "file_url": "https://x/a.pdf"},
                {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}]},
            {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "t"}], "encrypted_content": "e"},
            {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hello", "annotations": []},
                {"type": "refusal", "refusal": "no"}]},
            {"role": "user", "content": "Tokyo?"}]});
    let reply = post(&server, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.json()["output"][0]["content"][0]["text"].as_str().unwrap().to_owned();
    assert!(text.starts_with("[naga-mock] Emulated reply to “Tokyo?”"), "{text}");
}

#[tokio::test]
async fn reference_response_snapshot() {
    let server = MockServer::start().await;
    let reply = post(&server, &reference(), &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    let text = reply.text();
    let order = [
        "id",
        "object",
        "created_at",
        "status",
        "completed_at",
        "error",
        "incomplete_details",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "model",
        "output",
        "parallel_tool_calls",
        "previous_response_id",
        "reasoning",
        "service_tier",
        "store",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_p",
        "truncation",
        "usage",
        "metadata",
    ];
    let keys: Vec<String> = reply.json().as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), order.len(), "{keys:?}");
    // Each key after the one before it.
    let mut at = 0;
    for key in order {
        let found = text[at..].find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key}"));
        at += found + 1;
    }
    assert!(text.starts_with(r#"{"id":"resp_"#), "{text}");
    let message = r#""output":[{"id":"msg_"#;
    assert!(text.contains(message), "{text}");
    insta::assert_json_snapshot!("reference_response", reply.json());
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
    let head = [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ];
    let tail = [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ];
    common::assert_delta_run(&names, &head, "response.output_text.delta", &tail);
    let created = &events[0].1["response"];
    assert_eq!(created["status"], "in_progress");
    assert_eq!(created["output"], json!([]));
    assert!(created["usage"].is_null() && created["completed_at"].is_null());
    assert!(raw.contains(
        r#"data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_"#
    ));
    insta::assert_snapshot!("reference_stream", raw);
}

#[tokio::test]
async fn streamed_final_object_is_the_plain_answer() {
    let server = MockServer::start().await;
    let bodies = [
        reference(),
        json!({"model": "claude-sonnet-4.5", "input": "get_weather in Tokyo", "tools": [weather_tool()],
            "reasoning": {"effort": "low", "summary": "auto"}, "instructions": "Be brief.", "temperature": 0.2}),
        json!({"model": "gpt-4o-mini", "input": "x", "max_output_tokens": 3}),
    ];
    for body in bodies {
        let plain = post(&server, &body, &[]).await;
        let streamed = post(&server, &streaming(&body), &[]).await.text();
        let events = parse_events(&streamed);
        let (name, last) = events.last().unwrap();
        assert!(name == "response.completed" || name == "response.incomplete", "{name}");
        assert_eq!(last["response"], plain.json(), "{body}");
        // Byte for byte, as the JSON body is.
        let data = streamed.rsplit("\ndata: ").nth(1).unwrap();
        assert!(data.contains(&plain.text()), "{body}");
    }
}

#[tokio::test]
async fn function_calls_stream_their_arguments() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "input": "Use get_weather for Tokyo", "tools": [weather_tool()]});
    let plain = post(&server, &body, &[]).await.json();
    let call = &plain["output"][0];
    assert_eq!(plain["output"].as_array().unwrap().len(), 1);
    assert_eq!(call["type"], "function_call");
    assert_eq!(call["name"], "get_weather");
    assert_eq!(call["status"], "completed");
    let call_id = call["call_id"].as_str().unwrap();
    assert!(call_id.starts_with("call_"));
    assert_eq!(call["id"].as_str().unwrap(), call_id.replacen("call_", "fc_", 1));
    let args: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    let schema = weather_tool()["parameters"].clone();
    assert!(jsonschema::is_valid(&schema, &args), "{args}");
    assert_eq!(plain["status"], "completed");
    assert!(plain["usage"]["output_tokens"].as_u64().unwrap() > 0);

    let raw = post(&server, &streaming(&body), &[]).await.text();
    let events = parse_events(&raw);
    let names = names(&events);
    let fragments =
        names.iter().filter(|n| **n == "response.function_call_arguments.delta").count();
    assert!(fragments >= 2, "{names:?}");
    assert_eq!(names[2], "response.output_item.added");
    let added = &events[2].1;
    let expected_added = json!({"type": "function_call", "id": call["id"], "call_id": call_id,
        "name": "get_weather", "arguments": "", "status": "in_progress"});
    assert_eq!(added["item"], expected_added);
    assert!(raw.contains(r#""item":{"type":"function_call","id":"fc_"#), "{raw}");
    let joined: String = events
        .iter()
        .filter(|(n, _)| n == "response.function_call_arguments.delta")
        .map(|(_, e)| e["delta"].as_str().unwrap())
        .collect();
    assert_eq!(joined, call["arguments"].as_str().unwrap());
    let done = &events[3 + fragments].1;
    assert_eq!(done["type"], "response.function_call_arguments.done");
    assert_eq!(done["name"], "get_weather");
    assert_eq!(done["arguments"], call["arguments"]);
    assert_eq!(done["item_id"], call["id"]);
    assert_eq!(names[4 + fragments..], ["response.output_item.done", "response.completed"]);
}

#[tokio::test]
async fn tool_results_and_named_choice() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "tools": [weather_tool()], "input": [
        {"role": "user", "content": "Use get_weather"},
        {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Tokyo\",\"days\":1}"},
        {"type": "function_call_output", "call_id": "call_1", "output": "sunny, 21 °C"}]});
    let plain = post(&server, &body, &[]).await.json();
    let text = plain["output"][0]["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("[naga-mock] Based on the tool results: sunny, 21 °C."), "{text}");
    let named = json!({"model": "gpt-4o-mini", "input": "hello", "tools": [{"type": "web_search"}, weather_tool()],
        "tool_choice": {"type": "function", "name": "get_weather"}});
    let plain = post(&server, &named, &[]).await.json();
    assert_eq!(plain["output"][0]["name"], "get_weather");
    assert_eq!(plain["tool_choice"], named["tool_choice"]);
    assert_eq!(plain["tools"], named["tools"]);
}

#[tokio::test]
async fn reasoning_comes_first_and_streams_its_summary() {
    let server = MockServer::start().await;
    let body = json!({"model": "claude-sonnet-4.5", "input": "Why is the sky blue?",
        "reasoning": {"effort": "high", "summary": "detailed"}});
    let plain = post(&server, &body, &[]).await.json();
    let reasoning = &plain["output"][0];
    assert_eq!(reasoning["type"], "reasoning");
    assert_eq!(reasoning["status"], "completed");
    assert!(reasoning["id"].as_str().unwrap().starts_with("rs_"));
    let summary = reasoning["summary"][0]["text"].as_str().unwrap();
    assert!(summary.starts_with("[naga-mock] Reasoning (effort high)"), "{summary}");
    assert_eq!(reasoning["summary"][0]["type"], "summary_text");
    assert_eq!(plain["output"][1]["type"], "message");
    assert_eq!(plain["reasoning"], json!({"effort": "high", "summary": "detailed"}));
    let tokens = &plain["usage"]["output_tokens_details"]["reasoning_tokens"];
    assert_eq!(tokens.as_u64().unwrap(), summary.split_whitespace().count() as u64);

    let raw = post(&server, &streaming(&body), &[]).await.text();
    let events = parse_events(&raw);
    let names = names(&events);
    let deltas = names.iter().filter(|n| **n == "response.reasoning_summary_text.delta").count();
    assert!(deltas > 3);
    let mut expected = vec!["response.output_item.added", "response.reasoning_summary_part.added"];
    expected.extend(std::iter::repeat_n("response.reasoning_summary_text.delta", deltas));
    expected.extend([
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.output_item.done",
        "response.output_item.added",
    ]);
    assert_eq!(names[2..2 + expected.len()], expected);
    let added = &events[2].1;
    let item =
        json!({"type": "reasoning", "id": reasoning["id"], "status": "in_progress", "summary": []});
    assert_eq!(added["item"], item);
    assert_eq!(
        events[3].1,
        json!({"type": "response.reasoning_summary_part.added", "sequence_number": 3, "item_id": reasoning["id"],
            "output_index": 0, "summary_index": 0, "part": {"type": "summary_text", "text": ""}})
    );
    let text_done = &events[4 + deltas].1;
    assert_eq!(text_done["text"], summary);
    assert_eq!(events[5 + deltas].1["part"]["text"], summary);
    let message_added = &events[7 + deltas].1;
    assert_eq!(message_added["output_index"], 1);
    assert_eq!(message_added["item"]["status"], "in_progress");
}

#[tokio::test]
async fn encrypted_reasoning_comes_when_include_asks_and_replays() {
    let server = MockServer::start().await;
    let mut body = json!({"model": "claude-sonnet-4.5", "input": "Why is the sky blue?",
        "reasoning": {"effort": "low"}, "store": false});
    let plain = post(&server, &body, &[]).await.json();
    assert!(plain["output"][0].get("encrypted_content").is_none(), "only when asked");

    body["include"] = json!(["reasoning.encrypted_content"]);
    let asked = post(&server, &body, &[]).await.json();
    let reasoning = &asked["output"][0];
    let token = reasoning["encrypted_content"].as_str().unwrap();
    assert!(!token.is_empty() && !token.contains(' '), "{token}");
    assert_eq!(reasoning["summary"], plain["output"][0]["summary"]);
    // Streamed: on the item when it is done (not when added), and in the final snapshot.
    let events = parse_events(&post(&server, &streaming(&body), &[]).await.text());
    let item_events: Vec<&Value> = events
        .iter()
        .filter(|(name, _)| name.starts_with("response.output_item."))
        .map(|(_, data)| &data["item"])
        .filter(|item| item["type"] == "reasoning")
        .collect();
    assert_eq!(item_events.len(), 2);
    assert!(item_events[0].get("encrypted_content").is_none());
    assert_eq!(item_events[1]["encrypted_content"], token);
    let completed = &events.iter().find(|(name, _)| name == "response.completed").unwrap().1;
    assert_eq!(completed["response"]["output"], asked["output"]);

    // The item goes back as it came, before the next turn.
    let mut input = vec![json!({"role": "user", "content": "Why is the sky blue?"})];
    input.push(reasoning.clone());
    input.push(json!({"role": "user", "content": "And at sunset?"}));
    body["input"] = json!(input);
    let next = post(&server, &body, &[]);
    assert_eq!(next.await.status, 200);
}

#[tokio::test]
async fn structured_output_follows_text_format() {
    let server = MockServer::start().await;
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"},
        "population": {"type": "integer", "minimum": 0}}, "required": ["city", "population"],
        "additionalProperties": false});
    let format = json!({"type": "json_schema", "name": "city", "schema": schema, "strict": true});
    let body = json!({"model": "gpt-4o-mini", "input": "Tokyo", "text": {"format": format, "verbosity": "low"}});
    let plain = post(&server, &body, &[]).await.json();
    let text = plain["output"][0]["content"][0]["text"].as_str().unwrap();
    let value: Value = serde_json::from_str(text).unwrap();
    assert!(jsonschema::is_valid(&schema, &value), "{value}");
    assert_eq!(plain["text"], json!({"format": format, "verbosity": "low"}));
    let body = json!({"model": "gpt-4o-mini", "input": "Tokyo", "text": {"format": {"type": "json_object"}}});
    let plain = post(&server, &body, &[]).await.json();
    let text = plain["output"][0]["content"][0]["text"].as_str().unwrap();
    assert!(serde_json::from_str::<Value>(text).unwrap().is_object(), "{text}");
}

#[tokio::test]
async fn max_output_tokens_makes_the_response_incomplete() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "input": "Tokyo", "max_output_tokens": 3});
    let plain = post(&server, &body, &[]).await.json();
    assert_eq!(plain["status"], "incomplete");
    assert_eq!(plain["incomplete_details"], json!({"reason": "max_output_tokens"}));
    assert_eq!(plain["max_output_tokens"], 3);
    let message = &plain["output"][0];
    assert_eq!(message["status"], "incomplete");
    assert_eq!(message["content"][0]["text"], "[naga-mock] Emulated reply");
    assert_eq!(plain["usage"]["output_tokens"], 3);
    let raw = post(&server, &streaming(&body), &[]).await.text();
    let events = parse_events(&raw);
    let (name, last) = events.last().unwrap();
    assert_eq!(name, "response.incomplete");
    assert_eq!(last["response"], plain);
}

#[tokio::test]
async fn error_fault_sends_error_then_failed_then_done() {
    let server = MockServer::start().await;
    let headers = [("x-mock-error-after-events", "5")];
    let raw = post(&server, &streaming(&reference()), &headers).await.text();
    let events = parse_events(&raw);
    assert_eq!(events.len(), 7, "{raw}");
    assert_eq!(events[4].0, "response.output_text.delta");
    let error_frame = "event: error\ndata: {\"type\":\"error\",\"sequence_number\":5,\"code\":\"server_error\",\"message\":\"Upstream provider failed\",\"param\":null}\n\n";
    assert!(raw.contains(error_frame), "{raw}");
    let failed = &events[6];
    assert_eq!(failed.0, "response.failed");
    let response = &failed.1["response"];
    assert_eq!(response["status"], "failed");
    assert_eq!(
        response["error"],
        json!({"code": "server_error", "message": "Upstream provider failed"})
    );
    assert_eq!(response["output"], json!([]));
    assert!(raw.ends_with("}\n\ndata: [DONE]\n\n"));
    // Once the message item is done, it is part of the failed response's output.
    let whole = post(&server, &streaming(&reference()), &[]).await.text();
    let before_completed = (parse_events(&whole).len() - 1).to_string();
    let headers = [("x-mock-error-after-events", before_completed.as_str())];
    let raw = post(&server, &streaming(&reference()), &headers).await.text();
    let plain = post(&server, &reference(), &[]).await.json();
    let events = parse_events(&raw);
    let (name, failed) = events.last().unwrap();
    assert_eq!(name, "response.failed");
    assert_eq!(failed["response"]["output"], plain["output"]);
    assert!(failed["response"]["usage"].is_null());
}

#[tokio::test]
async fn stream_faults_apply_to_responses() {
    let server = MockServer::start().await;
    let body = streaming(&reference());
    let raw = post(&server, &body, &[("x-mock-no-done", "1")]).await.text();
    assert!(raw.ends_with("\"metadata\":{}}}\n\n"), "{raw}");
    let raw = post(&server, &body, &[("x-mock-chunks", "50")]).await.text();
    let events = parse_events(&raw);
    let deltas = names(&events).iter().filter(|n| **n == "response.output_text.delta").count();
    assert_eq!(deltas, 50);
    let reply = post(&server, &body, &[("x-mock-ignore-stream", "1")]).await;
    assert_eq!(reply.headers["content-type"], "application/json");
    assert_eq!(reply.json(), post(&server, &reference(), &[]).await.json());
    let raw = post(&server, &body, &[("x-mock-oversized-event-bytes", "100000")]).await.text();
    let delta = "data: {\"type\":\"response.output_text.delta\"";
    let line = raw.lines().find(|l| l.starts_with(delta)).unwrap();
    assert_eq!(line.len(), "data: ".len() + 100_000);
    let raw = post(&server, &body, &[("x-mock-malformed-after-events", "2")]).await.text();
    assert!(raw.contains("\n\ndata: {\"id\": not json\n\nevent: response.output_item.added\n"));
    let reply = post(&server, &body, &[("x-mock-invalid-utf8-after-events", "3")]).await;
    let bad = b"\n\ndata: {\"choices\":\"\xff\xfe naga-mock invalid utf-8\"}\n\nevent: response.content_part.added\n";
    assert!(reply.body.windows(bad.len()).any(|w| w == bad));
    let stalled = [("x-mock-stall-ms", "300"), ("x-mock-stall-after-events", "2")];
    let started = std::time::Instant::now();
    let raw = post(&server, &body, &stalled).await.text();
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(
        parse_events(&raw).len(),
        parse_events(&post(&server, &body, &[]).await.text()).len()
    );
    let url = format!("{}/responses", server.base_url());
    let request =
        client().post(url).bearer_auth("k").json(&body).header("x-mock-drop-after-events", "3");
    let received = common::body_until_abort(request).await;
    let text = String::from_utf8(received).unwrap();
    assert_eq!(text.matches("\n\n").count(), 3, "{text}");
    let reply = post(&server, &body, &[("x-mock-status", "429")]).await;
    reply.error(429, "rate_limit_exceeded");
}

#[tokio::test]
async fn models_and_auth_are_checked() {
    let server = MockServer::start().await;
    let body = json!({"model": "text-embedding-3-small", "input": "x"});
    let message = post(&server, &body, &[]).await.error(400, "invalid_request_error");
    assert_eq!(
        message,
        "model `text-embedding-3-small` does not support responses; see its supported_endpoints in GET /v1/models"
    );
    let body = json!({"model": "gpt-5-nope", "input": "x"});
    let message = post(&server, &body, &[]).await.error(404, "not_found_error");
    assert!(message.contains("`gpt-5-nope` does not exist"), "{message}");
    let alias = json!({"model": "gpt-4o-mini-2024-07-18", "input": "x"});
    assert_eq!(post(&server, &alias, &[]).await.status, 200);
    let url = format!("{}/responses", server.base_url());
    let reply = send(client().post(&url).json(&reference())).await.unwrap();
    assert!(reply.error(401, "authentication_error").contains("missing API key"));
    let reply = send(client().get(&url)).await.unwrap();
    reply.error(405, "method_not_allowed");
    assert_eq!(reply.headers["allow"], "POST");
    let reply =
        send(client().post(&url).bearer_auth("k").body("{}").header("content-type", "text/plain"))
            .await
            .unwrap();
    reply.error(415, "unsupported_media_type");
    assert_eq!(server.request_count("/v1/responses"), 6);
}
