//! `POST /v1/messages` (§3.2, Anthropic Messages compatibility): the Messages request is read
//! as the chat request it stands for ([`as_chat`]), so the chat answer rules (text, tool calls
//! and their input, reasoning, stop sequences, token counts, chunking) apply unchanged; this
//! module and its two siblings only render that answer as a Message or its event stream.

use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::answer::build_answer;
use crate::body::MockBody;
use crate::error_body::json_response;
use crate::faults::Faults;
use crate::messages_object::MessageAnswer;
use crate::messages_stream::MessageEvents;
use crate::stream::sse_response;

/// The answer to a validated Messages request: the Message, or its SSE stream for
/// `"stream": true` (unless `x-mock-ignore-stream`).
pub(crate) fn respond_message(req: &Map<String, Value>, faults: Faults) -> Response<MockBody> {
    let answer = MessageAnswer::new(build_answer(&as_chat(req), faults.chunks));
    let streaming = req.get("stream") == Some(&Value::Bool(true));
    if streaming && !faults.ignore_stream {
        sse_response(MessageEvents::new(answer), faults)
    } else {
        json_response(StatusCode::OK, answer.message().to_vec().into())
    }
}

/// The chat request a validated Messages request stands for: `system` as a leading system
/// message; each message as a chat message, its `tool_use` blocks as `tool_calls` and its
/// `tool_result` blocks as tool messages before it (thinking blocks are context the emulator
/// does not read); the client tools and `tool_choice` in chat's shape; `max_tokens` as
/// `max_completion_tokens`, `stop_sequences` as `stop`, and `thinking` / `output_config` as
/// `reasoning_effort`.
pub(crate) fn as_chat(req: &Map<String, Value>) -> Map<String, Value> {
    let mut messages = Vec::new();
    if let Some(system) = req.get("system").filter(|v| !v.is_null()) {
        // Text blocks carry `text`, as chat's text parts do.
        messages.push(json!({"role": "system", "content": system}));
    }
    for message in req.get("messages").and_then(Value::as_array).into_iter().flatten() {
        push_as_chat(&mut messages, message);
    }
    let tools = req.get("tools").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let functions: Vec<Value> = tools
        .iter()
        .filter(|t| t.get("input_schema").is_some())
        .map(|t| json!({"type": "function", "function": {"name": t.get("name"), "parameters": t.get("input_schema")}}))
        .collect();
    let mut chat = Map::new();
    chat.insert("model".into(), req.get("model").cloned().unwrap_or(Value::Null));
    chat.insert("messages".into(), Value::Array(messages));
    chat.insert("tools".into(), Value::Array(functions));
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            chat.insert(key.to_owned(), value);
        }
    };
    let choice = req.get("tool_choice");
    set("tool_choice", choice.and_then(tool_choice));
    let serial = choice.and_then(|c| c.get("disable_parallel_tool_use")) == Some(&json!(true));
    set("parallel_tool_calls", serial.then_some(json!(false)));
    set("reasoning_effort", reasoning_effort(req).map(Value::from));
    set("max_completion_tokens", req.get("max_tokens").cloned());
    set("stop", req.get("stop_sequences").cloned());
    chat
}

/// Appends the chat messages of one Messages message: a tool message per `tool_result`, then
/// the message itself (unless it held nothing but tool results).
fn push_as_chat(out: &mut Vec<Value>, message: &Value) {
    let role = message.get("role").cloned().unwrap_or(Value::Null);
    let Some(blocks) = message.get("content").and_then(Value::as_array) else {
        out.push(json!({"role": role, "content": message.get("content")}));
        return;
    };
    let of_type = |kind: &'static str| {
        blocks.iter().filter(move |b| b.get("type").and_then(Value::as_str) == Some(kind))
    };
    let mut results = of_type("tool_result").peekable();
    let only_results = results.peek().is_some()
        && blocks.iter().all(|b| b.get("type").and_then(Value::as_str) == Some("tool_result"));
    for result in results {
        // `message_text` reads a result's `content` as it reads a message's.
        let content = crate::answer::message_text(result);
        out.push(
            json!({"role": "tool", "tool_call_id": result.get("tool_use_id"), "content": content}),
        );
    }
    if only_results {
        return;
    }
    // Text, and the images and documents the answer counts (`content::attachments`).
    let parts: Vec<&Value> = blocks
        .iter()
        .filter(|b| {
            matches!(b.get("type").and_then(Value::as_str), Some("text" | "image" | "document"))
        })
        .collect();
    let calls: Vec<Value> = of_type("tool_use")
        .map(|b| {
            let arguments = b.get("input").map(Value::to_string);
            json!({"id": b.get("id"), "type": "function",
                "function": {"name": b.get("name"), "arguments": arguments}})
        })
        .collect();
    let mut chat = Map::new();
    chat.insert("role".into(), role);
    chat.insert("content".into(), json!(parts));
    if !calls.is_empty() {
        chat.insert("tool_calls".into(), Value::Array(calls));
    }
    out.push(Value::Object(chat));
}

/// `tool_choice` in chat's shape: `auto`, `required` (for `any`), `none`, or a named function.
fn tool_choice(choice: &Value) -> Option<Value> {
    Some(match choice.get("type").and_then(Value::as_str)? {
        "any" => json!("required"),
        "tool" => json!({"type": "function", "function": {"name": choice.get("name")}}),
        mode => json!(mode),
    })
}

/// The chat `reasoning_effort` of `thinking` and `output_config.effort` (§3.2): `disabled`
/// overrides any effort; an effort is kept (`max` is the highest, `xhigh`); else `adaptive`
/// is `medium` and `enabled` grows with `budget_tokens`.
fn reasoning_effort(req: &Map<String, Value>) -> Option<&str> {
    let thinking = req.get("thinking");
    let field = |name: &str| thinking.and_then(|t| t.get(name));
    let effort = req.get("output_config").and_then(|c| c.get("effort")).and_then(Value::as_str);
    match (field("type").and_then(Value::as_str), effort) {
        (Some("disabled"), _) => None,
        (_, Some("max")) => Some("xhigh"),
        (_, Some(effort)) => Some(effort),
        (Some("adaptive"), None) => Some("medium"),
        (Some("enabled"), None) => match field("budget_tokens").and_then(Value::as_u64) {
            Some(budget) if budget >= 16_384 => Some("high"),
            Some(budget) if budget >= 4_096 => Some("medium"),
            _ => Some("low"),
        },
        _ => None,
    }
}
