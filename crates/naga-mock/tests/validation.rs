//! Each validation rule: status 400, `invalid_request_error`, a message naming the field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{post_chat, post_raw};
use naga_mock::MockServer;
use serde_json::{Value, json};

fn user() -> Value {
    json!([{"role": "user", "content": "hi"}])
}

/// `(body, text the message must contain)`.
fn cases() -> Vec<(Value, &'static str)> {
    let tools = json!([{"type": "function", "function": {"name": "lookup_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
    let mut cases = vec![
        (json!([1, 2]), "JSON object"),
        (json!({"messages": user()}), "`model`"),
        (json!({"model": "", "messages": user()}), "`model`"),
        (json!({"model": 5, "messages": user()}), "`model`"),
        (json!({"model": "gpt-4o-mini"}), "`messages`"),
        (json!({"model": "gpt-4o-mini", "messages": []}), "`messages`"),
        (json!({"model": "gpt-4o-mini", "messages": "hi"}), "`messages`"),
        (json!({"model": "gpt-4o-mini", "messages": ["hi"]}), "`messages[0]`"),
        (
            json!({"model": "gpt-4o-mini", "messages": [{"role": "wizard", "content": "x"}]}),
            "`messages[0].role`",
        ),
        (json!({"model": "gpt-4o-mini", "messages": [{"content": "x"}]}), "`messages[0].role`"),
        (json!({"model": "gpt-4o-mini", "messages": [{"role": "user"}]}), "`messages[0].content`"),
        (
            json!({"model": "gpt-4o-mini", "messages": [{"role": "assistant", "content": null}]}),
            "`messages[0].content`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": 7}]}),
            "`messages[0].content`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": [{"type": "video"}]}]}),
            "`messages[0].content[0].type`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "a"}, {"role": "tool", "content": "r"}]}),
            "`messages[1].tool_call_id`",
        ),
        (json!({"model": "gpt-4o-mini", "messages": user(), "temperature": 2.5}), "`temperature`"),
        (json!({"model": "gpt-4o-mini", "messages": user(), "temperature": -0.1}), "`temperature`"),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "temperature": "hot"}),
            "`temperature`",
        ),
        (json!({"model": "gpt-4o-mini", "messages": user(), "top_p": 1.5}), "`top_p`"),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "presence_penalty": -3}),
            "`presence_penalty`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "frequency_penalty": 2.01}),
            "`frequency_penalty`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "max_completion_tokens": 0}),
            "`max_completion_tokens`",
        ),
        (json!({"model": "gpt-4o-mini", "messages": user(), "max_tokens": "8"}), "`max_tokens`"),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "max_completion_tokens": 1.5}),
            "`max_completion_tokens`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "max_completion_tokens": "9"}),
            "`max_completion_tokens`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "reasoning_effort": "extreme"}),
            "`reasoning_effort`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "response_format": {"type": "xml"}}),
            "`response_format.type`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "response_format": {"type": "json_schema"}}),
            "`response_format.json_schema`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "tools": tools, "tool_choice": {"type": "function", "function": {"name": "nope"}}}),
            "`tool_choice.function.name`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "tool_choice": "required"}),
            "`tool_choice`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "tools": [{"type": "function", "function": {"name": "bad name"}}]}),
            "`tools[0].function.name`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "stream_options": {"include_usage": true}}),
            "`stream_options`",
        ),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "stream": false, "stream_options": {"include_usage": true}}),
            "`stream_options`",
        ),
        (json!({"model": "gpt-4o-mini", "messages": user(), "stream": "yes"}), "`stream`"),
        (json!({"model": "gpt-4o-mini", "messages": user(), "stop": [1]}), "`stop[0]`"),
        (
            json!({"model": "gpt-4o-mini", "messages": user(), "response_format": {"type": "json_schema",
                "json_schema": {"name": "a b", "schema": {"type": "object"}}}}),
            "`response_format.json_schema.name`",
        ),
    ];
    // OpenAI's fields that Naga does not list: OpenAI's types and ranges.
    let extras = [
        (json!({"n": 129}), "`n` must be an integer from 1 to 128"),
        (json!({"n": 0}), "`n` must be an integer from 1 to 128"),
        (json!({"n": "x"}), "`n` must be an integer"),
        (json!({"seed": "x"}), "`seed` must be an integer"),
        (json!({"seed": 1.5}), "`seed` must be an integer"),
        (json!({"user": 5}), "`user` must be a string"),
        (json!({"store": "yes"}), "`store` must be a boolean"),
        (json!({"logprobs": "yes"}), "`logprobs` must be a boolean"),
        (json!({"logprobs": true, "top_logprobs": 21}), "`top_logprobs` must be an integer"),
        (json!({"top_logprobs": 2}), "`top_logprobs` needs `logprobs`"),
        (json!({"metadata": "x"}), "`metadata` must be an object"),
        (json!({"metadata": {"k": 1}}), "`metadata.k` must be a string"),
        (json!({"metadata": {"k": "v".repeat(513)}}), "`metadata.k` is over 512"),
    ];
    for (fields, needle) in extras {
        let mut body = json!({"model": "gpt-4o-mini", "messages": user()});
        body.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        cases.push((body, needle));
    }
    cases
}

#[tokio::test]
async fn each_rule_is_a_400_naming_the_field() {
    let server = MockServer::start().await;
    for (body, needle) in cases() {
        let reply = post_chat(&server, &body, &[]).await;
        let message = reply.error(400, "invalid_request_error");
        assert!(message.contains(needle), "{body}: `{message}` does not mention {needle}");
    }
}

#[tokio::test]
async fn non_json_bodies_are_400() {
    let server = MockServer::start().await;
    for body in [&b"{"[..], b"", b"\xff\xfe", b"model=gpt"] {
        let reply = post_raw(&server, body.to_vec(), &[("authorization", "Bearer k")], &[]).await;
        assert!(reply.error(400, "invalid_request_error").contains("not valid JSON"));
    }
}

#[tokio::test]
async fn allowed_shapes_pass() {
    let server = MockServer::start().await;
    let bodies = [
        json!({"model": "gpt-4o-mini", "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}]}),
        json!({"model": "gpt-4o-mini", "messages": user(), "temperature": 2, "top_p": 0, "presence_penalty": -2,
            "frequency_penalty": 2, "max_completion_tokens": 1, "reasoning_effort": "xhigh",
            "stop": ["a", "b"], "seed": 1, "unknown_field": {"kept": true}}),
        json!({"model": "gpt-4o-mini", "messages": user(), "n": 1, "seed": -7, "user": "u-1",
            "store": false, "logprobs": true, "top_logprobs": 20, "metadata": {"team": "search"},
            "response_format": {"type": "json_schema", "json_schema": {"name": "Answer_v-2",
            "schema": {"type": "object"}}}}),
        json!({"model": "gpt-4o-mini", "messages": user(), "temperature": null, "stream": null, "stop": null}),
    ];
    for body in bodies {
        let reply = post_chat(&server, &body, &[]).await;
        assert_eq!(reply.status, 200, "{body}: {}", reply.text());
    }
}
