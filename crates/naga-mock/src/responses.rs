//! `POST /v1/responses` (§3.1): the Responses request is read as the chat request it stands
//! for ([`as_chat`]), so the chat answer rules (text, tool calls and their arguments,
//! structured output, reasoning, token counts, chunking) apply unchanged; this module and
//! its two siblings only render that answer as a Response object or its event stream.

use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::answer::build_answer;
use crate::body::MockBody;
use crate::error_body::json_response;
use crate::faults::Faults;
use crate::responses_object::ResponseAnswer;
use crate::responses_stream::ResponseEvents;
use crate::stream::sse_response;

/// The answer to a validated Responses request: the Response object, or its SSE stream for
/// `"stream": true` (unless `x-mock-ignore-stream`).
pub(crate) fn respond(req: &Map<String, Value>, faults: Faults) -> Response<MockBody> {
    let answer = ResponseAnswer::new(req, build_answer(&as_chat(req), faults.chunks));
    let streaming = req.get("stream") == Some(&Value::Bool(true));
    if streaming && !faults.ignore_stream {
        sse_response(ResponseEvents::new(answer), faults)
    } else {
        json_response(StatusCode::OK, answer.final_object().to_vec().into())
    }
}

/// The chat request a validated Responses request stands for: `instructions` as a leading
/// system message, the input items as messages (a `function_call` as an assistant message
/// with that tool call, a `function_call_output` as a tool message; `reasoning` items are
/// context the emulator does not read), the function tools and `tool_choice` in chat's
/// nested shape, `text.format` as `response_format`, `reasoning.effort` as
/// `reasoning_effort` and `max_output_tokens` as `max_completion_tokens`.
pub(crate) fn as_chat(req: &Map<String, Value>) -> Map<String, Value> {
    let mut messages = Vec::new();
    if let Some(instructions) = req.get("instructions").filter(|v| v.is_string()) {
        messages.push(json!({"role": "system", "content": instructions}));
    }
    match req.get("input") {
        Some(Value::Array(items)) => messages.extend(items.iter().filter_map(as_message)),
        Some(text) => messages.push(json!({"role": "user", "content": text})),
        None => {}
    }
    let mut chat = Map::new();
    chat.insert("model".into(), req.get("model").cloned().unwrap_or(Value::Null));
    chat.insert("messages".into(), Value::Array(messages));
    let tools = req.get("tools").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let functions =
        tools.iter().filter(|t| t.get("type").and_then(Value::as_str) == Some("function"));
    let functions: Vec<Value> = functions
        .map(|t| json!({"type": "function", "function": {"name": t.get("name"), "parameters": t.get("parameters")}}))
        .collect();
    chat.insert("tools".into(), Value::Array(functions));
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            chat.insert(key.to_owned(), value);
        }
    };
    let choice = req.get("tool_choice").map(|c| match c.get("name") {
        Some(name) => json!({"type": "function", "function": {"name": name}}),
        None => c.clone(),
    });
    set("tool_choice", choice);
    set("parallel_tool_calls", req.get("parallel_tool_calls").cloned());
    set("response_format", req.get("text").and_then(|t| t.get("format")).map(as_response_format));
    set("reasoning_effort", req.get("reasoning").and_then(|r| r.get("effort")).cloned());
    set("max_completion_tokens", req.get("max_output_tokens").cloned());
    chat
}

/// An input item as a chat message (`None` for a `reasoning` item).
fn as_message(item: &Value) -> Option<Value> {
    let field = |name: &str| item.get(name).cloned().unwrap_or(Value::Null);
    match item.get("type").and_then(Value::as_str) {
        Some("reasoning") => None,
        Some("function_call") => Some(json!({"role": "assistant", "content": null,
            "tool_calls": [{"id": field("call_id"), "type": "function",
                "function": {"name": field("name"), "arguments": field("arguments")}}]})),
        Some("function_call_output") => Some(
            json!({"role": "tool", "tool_call_id": field("call_id"), "content": field("output")}),
        ),
        // `input_text` and `output_text` parts carry `text`, as chat's text parts do.
        _ => Some(json!({"role": field("role"), "content": field("content")})),
    }
}

/// `text.format` as chat's `response_format` (`json_schema` nests its name and schema).
fn as_response_format(format: &Value) -> Value {
    match format.get("type").and_then(Value::as_str) {
        Some("json_schema") => json!({"type": "json_schema", "json_schema": {
            "name": format.get("name"), "schema": format.get("schema"), "strict": format.get("strict")}}),
        _ => format.clone(),
    }
}
