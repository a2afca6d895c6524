//! The committed JSON Schemas in `schemas/` accept the documents of the reference page and
//! reject invalid requests, and they match what the code generates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use serde_json::{Value, json};

fn committed(stem: &str) -> Value {
    let path = format!("{}/../../schemas/{stem}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).unwrap()
}

fn validator(stem: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&committed(stem)).unwrap()
}

/// The request body of the reference page's curl example.
fn reference_request() -> Value {
    json!({
        "model": "gpt-4o-mini",
        "messages": [{ "role": "user", "content": "Write a two-line summary of Tokyo." }]
    })
}

/// The response example of the reference page with its placeholders made concrete.
fn reference_response() -> Value {
    json!({
        "id": "chatcmpl-123",
        "created": 1_758_384_822,
        "model": "gpt-4o-mini",
        "choices": [{
            "message": {
                "role": "assistant",
                "content": "Tokyo is Japan's capital.\nIt never sleeps.",
                "refusal": "none",
                "tool_calls": [{
                    "function": { "name": "lookup_weather", "arguments": "" },
                    "id": "call_1",
                    "type": "function"
                }],
                "annotations": [{}],
                "reasoning_content": "The user wants two lines.",
                "reasoning_details": [{}],
                "images": [{}],
                "name": "assistant",
                "tool_call_id": "call_0"
            },
            "index": 0,
            "finish_reason": "stop",
            "logprobs": {}
        }],
        "object": "chat.completion",
        "usage": {
            "prompt_tokens": 14,
            "completion_tokens": 21,
            "total_tokens": 35,
            "prompt_tokens_details": { "cached_tokens": 0 },
            "completion_tokens_details": { "image_tokens": 0 }
        }
    })
}

#[test]
fn committed_schemas_match_the_code() {
    for (stem, schema) in naga_protocol::wire_schemas() {
        let generated: Value = serde_json::to_value(&schema).unwrap();
        assert_eq!(
            committed(stem),
            generated,
            "schemas/{stem}.json is stale: run `cargo xtask schemas`"
        );
    }
}

#[test]
fn reference_request_is_valid() {
    let errors: Vec<String> = validator("chat_request")
        .iter_errors(&reference_request())
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn reference_response_is_valid() {
    let errors: Vec<String> = validator("chat_completion")
        .iter_errors(&reference_response())
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn temperature_above_two_is_invalid() {
    let mut request = reference_request();
    request["temperature"] = json!(3);
    assert!(!validator("chat_request").is_valid(&request));
}

#[test]
fn empty_messages_are_invalid() {
    let mut request = reference_request();
    request["messages"] = json!([]);
    assert!(!validator("chat_request").is_valid(&request));
}

#[test]
fn missing_model_is_invalid() {
    let request = json!({ "messages": [{ "role": "user", "content": "Hi" }] });
    assert!(!validator("chat_request").is_valid(&request));
}

#[test]
fn error_body_is_valid() {
    let body = json!({ "error": { "type": "invalid_request_error", "message": "bad" } });
    assert!(validator("error_response").is_valid(&body));
}

#[test]
fn digest_embeddings_documents_are_valid() {
    let requests = [
        json!({ "model": "text-embedding-3-small", "input": "Tokyo" }),
        json!({ "model": "m", "input": ["a", "b"], "dimensions": 256, "encoding_format": "base64" }),
        json!({ "model": "m", "input": [1, 2, 3] }),
        json!({ "model": "m", "input": [[1, 2], [3]] }),
    ];
    for request in &requests {
        assert!(validator("embedding_request").is_valid(request), "{request}");
    }
    let answer = json!({ "object": "list", "model": "text-embedding-3-small",
        "data": [ { "object": "embedding", "index": 0, "embedding": [0.12, -0.03, 0.41] } ],
        "usage": { "prompt_tokens": 12, "total_tokens": 12 } });
    assert!(validator("embedding_response").is_valid(&answer));
    let base64 = json!({ "data": [ { "index": 0, "embedding": "AAAAPw==" } ] });
    assert!(validator("embedding_response").is_valid(&base64));
}

#[test]
fn embeddings_request_without_input_or_with_a_zero_size_is_invalid() {
    let no_input = json!({ "model": "m" });
    let zero = json!({ "model": "m", "input": "x", "dimensions": 0 });
    let bad_format = json!({ "model": "m", "input": "x", "encoding_format": 7 });
    for request in [no_input, zero, bad_format] {
        assert!(!validator("embedding_request").is_valid(&request), "{request}");
    }
}

#[test]
fn digest_moderation_documents_are_valid() {
    let requests = [
        json!({ "model": "omni-moderation-latest", "input": "text" }),
        json!({ "model": "m", "input": ["a", "b"] }),
        json!({ "model": "m", "input": [{ "type": "text", "text": "a" },
            { "type": "image_url", "image_url": { "url": "https://example.com/a.png" } }] }),
    ];
    for request in &requests {
        assert!(validator("moderation_request").is_valid(request), "{request}");
    }
    let answer = json!({ "id": "mdr_123", "model": "omni-moderation-latest",
        "results": [ { "flagged": true, "categories": { "violence": true },
                       "category_scores": { "violence": 0.98 },
                       "category_applied_input_types": { "violence": ["text"] } } ] });
    assert!(validator("moderation_response").is_valid(&answer));
    assert!(!validator("moderation_request").is_valid(&json!({ "model": "m" })));
}

#[test]
fn digest_image_documents_are_valid() {
    let request = json!({ "model": "gpt-image-1", "prompt": "a lighthouse", "n": 2,
        "size": "1024x1024", "quality": "high", "response_format": "b64_json" });
    assert!(validator("image_generation_request").is_valid(&request));
    assert!(!validator("image_generation_request").is_valid(&json!({ "model": "m" })));
    assert!(
        !validator("image_generation_request").is_valid(&json!({ "model": "m", "prompt": "" }))
    );
    let answer = json!({ "created": 1_710_000_000,
        "data": [ { "url": "https://api.naga.ac/outputs/a.png", "b64_json": null, "revised_prompt": null } ],
        "usage": { "input_tokens": null, "output_tokens": 512, "total_tokens": 554 } });
    assert!(validator("images_response").is_valid(&answer));
}

#[test]
fn digest_account_documents_are_valid() {
    assert!(validator("account_balance").is_valid(&json!({ "balance": "125.50" })));
    let activity = json!({ "period_days": 7,
        "total_stats": { "total_requests": 1523, "total_cost": "45.67", "total_input_tokens": 125_430, "total_output_tokens": 89_210 },
        "daily_stats": [ { "date": "2025-01-20", "total_requests": 245, "total_cost": "7.82", "total_input_tokens": 20_150, "total_output_tokens": 15_230 } ],
        "top_models": [ { "model_name": "gpt-4o-mini", "request_count": 892, "total_cost": "28.34", "total_input_tokens": 78_450, "total_output_tokens": 52_310 } ],
        "api_key_usage": [ { "api_key_id": 1, "api_key_name": "ci", "request_count": 0, "total_cost": "0.00", "total_input_tokens": 0, "total_output_tokens": 0 } ] });
    assert!(validator("account_activity").is_valid(&activity));
    let key = json!({ "id": 1, "name": "ci", "created_at": "2026-01-01T00:00:00Z",
        "expires_at": null, "is_enabled": true, "credit_limit": null });
    assert!(validator("api_key").is_valid(&key));
    assert!(validator("api_key_list").is_valid(&json!({ "keys": [key] })));
    assert!(validator("create_key_request").is_valid(&json!({ "name": "ci", "credit_limit": 5 })));
    assert!(!validator("create_key_request").is_valid(&json!({ "name": "" })));
    assert!(!validator("create_key_request").is_valid(&json!({ "name": "k", "credit_limit": -1 })));
    assert!(validator("update_key_request").is_valid(&json!({ "credit_limit": null })));
}

#[test]
fn digest_responses_documents_are_valid() {
    let request = json!({
        "model": "gpt-4.1-mini",
        "input": [
            {"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "What is in this image?"},
                {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "low"}]},
            {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "call_1", "output": "{\"temp\":21}"},
            {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "..."}]}],
        "instructions": "Be brief.",
        "max_output_tokens": 300,
        "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}},
                  {"type": "web_search"}],
        "tool_choice": {"type": "function", "name": "get_weather"},
        "reasoning": {"effort": "low", "summary": "auto"},
        "text": {"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"}, "strict": true}},
        "stream": true
    });
    assert!(validator("responses_request").is_valid(&request));
    assert!(
        !validator("responses_request")
            .is_valid(&json!({"model": "m", "input": "x", "temperature": 3}))
    );
    assert!(!validator("responses_request").is_valid(&json!({"model": "m"})));
    // The response object of the digest (§3.1), values as illustrated there.
    let answer = json!({
        "id": "resp_1", "object": "response", "created_at": 123, "completed_at": 123,
        "status": "completed", "model": "gpt-4.1-mini",
        "output": [
            {"type": "reasoning", "id": "rs_123", "status": "completed",
             "summary": [{"type": "summary_text", "text": "..."}]},
            {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
             "content": [{"type": "output_text", "text": "...", "logprobs": [],
                          "annotations": [{"type": "url_citation", "start_index": 0, "end_index": 10, "url": "https://example.com", "title": "Example"}]}]}],
        "incomplete_details": null, "previous_response_id": null, "instructions": null,
        "error": {"message": "...", "code": "..."},
        "tools": [{"type": "function", "name": "f", "description": "d", "parameters": {}, "strict": true}],
        "tool_choice": "auto", "truncation": "auto", "parallel_tool_calls": true,
        "usage": {"input_tokens": 0, "input_tokens_details": {"cached_tokens": 0},
                  "output_tokens": 0, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 0},
        "store": false, "metadata": {}
    });
    let errors: Vec<String> =
        validator("response_object").iter_errors(&answer).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn every_recorded_response_stream_event_is_valid() {
    let validator = validator("response_event");
    let streams = [
        include_str!("data/responses-openai-text.sse"),
        include_str!("data/responses-tool-reasoning.sse"),
    ];
    assert_eq!(valid_events(&validator, &streams), 23);
}

#[test]
fn every_recorded_message_stream_event_is_valid() {
    let streams = [
        include_str!("data/messages-anthropic-text.sse"),
        include_str!("data/messages-anthropic-tool.sse"),
    ];
    assert_eq!(valid_events(&validator("message_event"), &streams), 24);
    let request = json!({"model": "claude-sonnet-4.5", "max_tokens": 1024,
        "system": [{"type": "text", "text": "Be brief."}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}],
        "tools": [{"name": "f", "input_schema": {"type": "object"}},
                  {"type": "web_search_20250305", "name": "web_search"}],
        "tool_choice": {"type": "any"}, "thinking": {"type": "enabled", "budget_tokens": 1024},
        "output_config": {"effort": "max"}, "stream": true});
    assert!(validator("messages_request").is_valid(&request));
    assert!(!validator("messages_request").is_valid(&json!({"model": "m", "messages": []})));
    let answer = json!({"id": "msg_1", "model": "claude-sonnet-4.5", "type": "message",
        "role": "assistant", "content": [{"type": "text", "text": "Hi"}], "created": 1,
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 1, "output_tokens": 1, "cache_read_input_tokens": 0}});
    assert!(validator("messages_response").is_valid(&answer));
}

/// Checks every `data:` line of `streams` against `validator`; the count checked.
fn valid_events(validator: &jsonschema::Validator, streams: &[&str]) -> usize {
    let mut checked = 0;
    for line in streams.iter().flat_map(|s| s.lines()) {
        let Some(data) = line.strip_prefix("data: ").filter(|d| *d != "[DONE]") else { continue };
        let event: Value = serde_json::from_str(data).unwrap();
        let errors: Vec<String> = validator.iter_errors(&event).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{data}: {errors:?}");
        checked += 1;
    }
    checked
}
