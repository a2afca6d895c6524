//! The emulated answers: determinism, stream == non-stream, limits, reasoning, tools, JSON.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{both, post_chat, reference, sse_chunks, sse_data};
use naga_mock::MockServer;
use serde_json::{Value, json};

fn message(completion: &Value) -> &Value {
    &completion["choices"][0]["message"]
}

fn weather_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 2},
            "days": {"type": "integer", "minimum": 1, "maximum": 7},
            "units": {"enum": ["metric", "imperial"]},
            "detail": {"anyOf": [{"$ref": "#/$defs/detail"}, {"type": "null"}]},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
            "ratio": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1},
            "kind": {"const": "forecast"},
            "flag": {"type": "boolean"}
        },
        "required": ["city", "days", "units", "detail", "tags", "ratio", "kind", "flag"],
        "additionalProperties": false,
        "$defs": {"detail": {"type": "object", "properties": {"hourly": {"type": "boolean"},
            "at": {"type": "string", "format": "date-time"}}, "required": ["hourly", "at"],
            "additionalProperties": false}}
    })
}

fn tools() -> Value {
    json!([
        {"type": "function", "function": {"name": "lookup_weather", "description": "Weather.",
            "parameters": weather_schema(), "strict": true}},
        {"type": "function", "function": {"name": "get_time",
            "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}}}
    ])
}

fn assert_valid(schema: &Value, instance: &Value) {
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(instance).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{instance} invalid: {errors:?}");
}

#[tokio::test]
async fn text_answer_is_marked_deterministic_and_streams_identically() {
    let server = MockServer::start().await;
    let (plain, streamed) = both(&server, &reference(), &[]).await;
    assert_eq!(plain, streamed);
    let content = message(&plain)["content"].as_str().unwrap();
    assert!(content.starts_with("[naga-mock]"), "{content}");
    assert!(content.contains("Tōkyō — 東京 🗼"));
    assert!(content.contains("Write a two-line summary of Tokyo."));
    assert_eq!(plain["choices"][0]["finish_reason"], "stop");
    let usage = &plain["usage"];
    assert_eq!(
        usage["total_tokens"],
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
    assert_eq!(usage["prompt_tokens"], 4 + 6);
    let (again, _) = both(&server, &reference(), &[]).await;
    assert_eq!(plain, again);
    let other = json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Something else"}]});
    let (different, _) = both(&server, &other, &[]).await;
    assert_ne!(plain["id"], different["id"]);
}

#[tokio::test]
async fn the_answer_names_what_came_with_the_prompt() {
    let server = MockServer::start().await;
    let image =
        json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}});
    let pdf = json!({"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}});
    let audio =
        json!({"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}});
    let text = json!({"type": "text", "text": "Compare these"});
    let cases = [
        (json!([text, image, image]), "“Compare these” (with 2 images)\n"),
        (
            json!([text, image, pdf, audio]),
            "“Compare these” (with 1 image, 1 file and 1 audio clip)\n",
        ),
        (json!([text]), "“Compare these”\n"),
    ];
    for (content, expected) in cases {
        let body =
            json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}]});
        let (plain, streamed) = both(&server, &body, &[]).await;
        assert_eq!(plain, streamed);
        let answer = message(&plain)["content"].as_str().unwrap();
        assert!(answer.contains(expected), "{answer}");
    }
}

#[tokio::test]
async fn responses_and_messages_answers_name_their_attachments_too() {
    let server = MockServer::start().await;
    let post = |path: &str, body: Value| {
        let url = format!("{}{path}", server.base_url());
        common::send(common::client().post(url).bearer_auth("ng-test").json(&body))
    };
    let image = json!({"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="});
    let file = json!({"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="});
    let content = json!([{"type": "input_text", "text": "Look"}, image, file]);
    let body = json!({"model": "gpt-4.1-mini", "input": [{"role": "user", "content": content}]});
    let answer = post("/responses", body).await.unwrap().json();
    let text = answer["output"][0]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("“Look” (with 1 image and 1 file)\n"), "{text}");

    let source = json!({"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="});
    let blocks = json!([{"type": "text", "text": "Look"}, {"type": "image", "source": source},
        {"type": "image", "source": source}]);
    let body = json!({"model": "claude-sonnet-4.5", "max_tokens": 100,
        "messages": [{"role": "user", "content": blocks}]});
    let answer = post("/messages", body).await.unwrap().json();
    let text = answer["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("“Look” (with 2 images)\n"), "{text}");
}

#[tokio::test]
async fn stream_has_many_chunks_role_first_and_multibyte_content() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["stream"] = json!(true);
    let reply = post_chat(&server, &body, &[]).await;
    let chunks = sse_chunks(&reply.text());
    assert!(chunks.len() > 10, "{}", chunks.len());
    assert_eq!(chunks[0]["choices"][0]["delta"], json!({"role": "assistant"}));
    let contents: Vec<&str> =
        chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).collect();
    assert!(contents.iter().any(|c| c.chars().any(|ch| ch.len_utf8() > 1)));
    assert!(chunks.iter().all(|c| c.get("usage").is_none()), "no usage without include_usage");
    assert_eq!(chunks.last().unwrap()["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn usage_trailer_has_empty_choices() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let chunks = sse_chunks(&post_chat(&server, &body, &[]).await.text());
    let trailer = chunks.last().unwrap();
    assert_eq!(trailer["choices"], json!([]));
    assert!(trailer["usage"]["completion_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn max_completion_tokens_truncates_with_length() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["max_completion_tokens"] = json!(3);
    let (plain, streamed) = both(&server, &body, &[]).await;
    assert_eq!(plain, streamed);
    let content = message(&plain)["content"].as_str().unwrap();
    assert_eq!(content.split_whitespace().count(), 3, "{content}");
    assert_eq!(plain["choices"][0]["finish_reason"], "length");
    assert_eq!(plain["usage"]["completion_tokens"], 3);
}

#[tokio::test]
async fn the_older_max_tokens_limits_when_max_completion_tokens_is_absent() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["max_tokens"] = json!(4);
    let (plain, streamed) = both(&server, &body, &[]).await;
    assert_eq!(plain, streamed);
    assert_eq!(plain["choices"][0]["finish_reason"], "length");
    assert_eq!(plain["usage"]["completion_tokens"], 4);
    body["max_completion_tokens"] = json!(2);
    let (plain, _) = both(&server, &body, &[]).await;
    assert_eq!(plain["usage"]["completion_tokens"], 2, "max_completion_tokens wins");
}

#[tokio::test]
async fn stop_cuts_at_the_first_stop_sequence() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["stop"] = json!(["東京", "two-line"]);
    let (plain, streamed) = both(&server, &body, &[]).await;
    assert_eq!(plain, streamed);
    let content = message(&plain)["content"].as_str().unwrap();
    assert_eq!(content, "[naga-mock] Emulated reply to “Write a ");
    assert_eq!(plain["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn reasoning_comes_before_content() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["reasoning_effort"] = json!("high");
    let (plain, streamed) = both(&server, &body, &[]).await;
    assert_eq!(plain, streamed);
    let msg = message(&plain);
    let reasoning = msg["reasoning_content"].as_str().unwrap();
    assert!(reasoning.starts_with("[naga-mock] Reasoning (effort high)"), "{reasoning}");
    assert_eq!(
        msg["reasoning_details"],
        json!([{"type": "reasoning.summary", "summary": reasoning}])
    );
    body["reasoning_effort"] = json!("none");
    let (plain, _) = both(&server, &body, &[]).await;
    assert!(message(&plain).get("reasoning_content").is_none());
}

#[tokio::test]
async fn reasoning_deltas_precede_content_deltas() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["reasoning_effort"] = json!("low");
    body["stream"] = json!(true);
    let chunks = sse_chunks(&post_chat(&server, &body, &[]).await.text());
    let kinds: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"].as_object()?.keys().next().map(String::as_str))
        .collect();
    let last_reasoning = kinds.iter().rposition(|k| k.starts_with("reasoning")).unwrap();
    let first_content = kinds.iter().position(|k| *k == "content").unwrap();
    assert!(last_reasoning < first_content, "{kinds:?}");
}

#[tokio::test]
async fn tool_calls_have_schema_valid_arguments_in_fragments() {
    let server = MockServer::start().await;
    for choice in
        [json!("required"), json!({"type": "function", "function": {"name": "lookup_weather"}})]
    {
        let body = json!({"model": "gpt-4o-mini", "tools": tools(), "tool_choice": choice,
            "messages": [{"role": "user", "content": "Weather in Tokyo?"}]});
        let (plain, streamed) = both(&server, &body, &[]).await;
        assert_eq!(plain, streamed);
        assert_eq!(plain["choices"][0]["finish_reason"], "tool_calls");
        let msg = message(&plain);
        assert_eq!(msg["content"], Value::Null);
        let calls = msg["tool_calls"].as_array().unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0]["type"], "function");
        assert_eq!(calls[0]["function"]["name"], "lookup_weather");
        assert!(calls[0]["id"].as_str().unwrap().starts_with("call_"));
        let args: Value =
            serde_json::from_str(calls[0]["function"]["arguments"].as_str().unwrap()).unwrap();
        assert_valid(&weather_schema(), &args);
    }
    let mut body = json!({"model": "gpt-4o-mini", "tools": tools(), "tool_choice": "required", "stream": true,
        "messages": [{"role": "user", "content": "x"}]});
    body["tool_choice"] = json!("required");
    let chunks = sse_chunks(&post_chat(&server, &body, &[]).await.text());
    let fragments = chunks
        .iter()
        .filter(|c| c.pointer("/choices/0/delta/tool_calls/0/function/arguments").is_some())
        .count();
    assert!(fragments >= 3, "{fragments}");
    assert!(
        chunks
            .iter()
            .all(|c| c.pointer("/choices/0/delta/tool_calls/0").is_none_or(|t| t["index"] == 0))
    );
}

#[tokio::test]
async fn auto_calls_the_tools_mentioned_by_name() {
    let server = MockServer::start().await;
    let ask = |text: &str, parallel: Option<bool>| {
        let mut body = json!({"model": "gpt-4o-mini", "tools": tools(), "messages": [{"role": "user", "content": text}]});
        if let Some(p) = parallel {
            body["parallel_tool_calls"] = json!(p);
        }
        body
    };
    let (plain, streamed) = both(&server, &ask("use lookup_weather and get_time", None), &[]).await;
    assert_eq!(plain, streamed);
    let calls = message(&plain)["tool_calls"].as_array().unwrap().clone();
    let names: Vec<&str> = calls.iter().map(|c| c["function"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["lookup_weather", "get_time"]);
    let args: Value =
        serde_json::from_str(calls[1]["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_valid(&tools()[1]["function"]["parameters"], &args);
    let (single, _) =
        both(&server, &ask("use lookup_weather and get_time", Some(false)), &[]).await;
    assert_eq!(message(&single)["tool_calls"].as_array().unwrap().len(), 1);
    let (text, _) = both(&server, &ask("just chat", None), &[]).await;
    assert!(message(&text).get("tool_calls").is_none());
    assert_eq!(text["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn tool_results_get_a_text_answer() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "tools": tools(), "tool_choice": "required", "messages": [
        {"role": "user", "content": "lookup_weather Tokyo"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "lookup_weather", "arguments": "{\"city\":\"Tokyo\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny, 21 C"}]});
    let (plain, streamed) = both(&server, &body, &[]).await;
    assert_eq!(plain, streamed);
    let content = message(&plain)["content"].as_str().unwrap();
    assert!(content.starts_with("[naga-mock] Based on the tool results: sunny, 21 C"), "{content}");
    assert_eq!(plain["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn response_formats_produce_valid_json() {
    let server = MockServer::start().await;
    let schema = weather_schema();
    let mut body = reference();
    body["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "Weather", "schema": schema, "strict": true}});
    let (plain, streamed) = both(&server, &body, &[]).await;
    assert_eq!(plain, streamed);
    let content: Value =
        serde_json::from_str(message(&plain)["content"].as_str().unwrap()).unwrap();
    assert_valid(&schema, &content);
    body["response_format"] = json!({"type": "json_object"});
    let (plain, _) = both(&server, &body, &[]).await;
    let content: Value =
        serde_json::from_str(message(&plain)["content"].as_str().unwrap()).unwrap();
    assert_eq!(content["naga_mock"], true);
}

#[tokio::test]
async fn chunks_header_sets_the_event_count() {
    let server = MockServer::start().await;
    let headers = [("x-mock-chunks", "10000")];
    let mut body = reference();
    body["stream"] = json!(true);
    let reply = post_chat(&server, &body, &headers).await;
    let chunks = sse_chunks(&reply.text());
    let content_chunks =
        chunks.iter().filter(|c| c.pointer("/choices/0/delta/content").is_some()).count();
    assert_eq!(content_chunks, 10000);
    body.as_object_mut().unwrap().remove("stream");
    let (plain, streamed) = both(&server, &body, &headers).await;
    assert_eq!(plain, streamed);
    assert!(message(&plain)["content"].as_str().unwrap().chars().count() >= 10000);
}

#[tokio::test]
async fn reference_answer_snapshot() {
    let server = MockServer::start().await;
    let plain = post_chat(&server, &reference(), &[]).await.json();
    insta::assert_json_snapshot!("reference_completion", plain);
    let mut body = reference();
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let raw = post_chat(&server, &body, &[]).await.text();
    assert_eq!(sse_data(&raw).len(), raw.matches("\n\n").count());
    insta::assert_snapshot!("reference_sse", raw);
}

#[tokio::test]
async fn generated_json_matches_assorted_schemas() {
    let server = MockServer::start().await;
    let schemas = [
        json!({"type": "object", "properties": {"n": {"type": "integer", "exclusiveMinimum": 5, "exclusiveMaximum": 7}}, "required": ["n"]}),
        json!({"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"type": "object", "properties": {"b": {"type": "boolean"}}, "required": ["b"]}]}),
        json!({"type": "array", "items": {"type": ["integer", "null"], "minimum": -3, "maximum": -1}, "minItems": 4}),
        json!({"definitions": {"p": {"type": "string", "maxLength": 2}}, "type": "object",
            "properties": {"p": {"$ref": "#/definitions/p"}, "q": {"oneOf": [{"type": "null"}, {"type": "number", "minimum": 1e9}]}},
            "required": ["p", "q"], "additionalProperties": false}),
        json!({"type": "object", "required": ["x"], "additionalProperties": {"type": "integer"}}),
        json!({"type": "string", "format": "uuid", "minLength": 36}),
        json!(true),
    ];
    for schema in schemas {
        let mut body = reference();
        body["response_format"] =
            json!({"type": "json_schema", "json_schema": {"name": "S", "schema": schema}});
        let (plain, streamed) = both(&server, &body, &[]).await;
        assert_eq!(plain, streamed);
        let content: Value =
            serde_json::from_str(message(&plain)["content"].as_str().unwrap()).unwrap();
        assert_valid(&schema, &content);
    }
}
