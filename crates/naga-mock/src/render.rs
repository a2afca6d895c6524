//! The two renderings of an [`Answer`]: a `chat.completion` object and the list of
//! `chat.completion.chunk` objects whose accumulation is that same object.

use serde_json::{Map, Value, json};

use crate::answer::Answer;
use crate::tools::argument_fragments;

/// The non-streaming `chat.completion`.
pub(crate) fn completion_json(answer: &Answer) -> Value {
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    message.insert("content".into(), answer.content().map_or(Value::Null, Value::String));
    if let Some(reasoning) = answer.reasoning() {
        message.insert("reasoning_details".into(), reasoning_details(&reasoning));
        message.insert("reasoning_content".into(), Value::String(reasoning));
    }
    if !answer.tool_calls.is_empty() {
        let calls: Vec<Value> = answer
            .tool_calls
            .iter()
            .map(|c| {
                json!({ "id": c.id, "type": "function",
                        "function": { "name": c.name, "arguments": c.arguments } })
            })
            .collect();
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    json!({
        "id": answer.id,
        "object": "chat.completion",
        "created": answer.created,
        "model": answer.model,
        "choices": [{ "index": 0, "message": message, "finish_reason": answer.finish_reason }],
        "usage": answer.usage,
    })
}

fn reasoning_details(reasoning: &str) -> Value {
    json!([{ "type": "reasoning.summary", "summary": reasoning }])
}

/// The stream's chunks in order: role, reasoning, content or tool calls, finish reason, and
/// the usage trailer when `include_usage`.
pub(crate) fn chunk_objects(answer: &Answer, include_usage: bool) -> Vec<Value> {
    let mut deltas = vec![json!({ "role": "assistant" })];
    deltas.extend(answer.reasoning_chunks.iter().map(|r| json!({ "reasoning_content": r })));
    if let Some(reasoning) = answer.reasoning() {
        deltas.push(json!({ "reasoning_details": reasoning_details(&reasoning) }));
    }
    if let Some(chunks) = &answer.content_chunks {
        deltas.extend(chunks.iter().map(|c| json!({ "content": c })));
    }
    for (index, call) in answer.tool_calls.iter().enumerate() {
        deltas.push(json!({ "tool_calls": [{ "index": index, "id": call.id, "type": "function",
            "function": { "name": call.name, "arguments": "" } }] }));
        for fragment in argument_fragments(&call.arguments) {
            deltas.push(json!({ "tool_calls": [{ "index": index,
                "function": { "arguments": fragment } }] }));
        }
    }
    let mut chunks: Vec<Value> = deltas.into_iter().map(|d| chunk(answer, d, None)).collect();
    chunks.push(chunk(answer, json!({}), Some(answer.finish_reason)));
    if include_usage {
        let mut trailer = chunk(answer, json!({}), None);
        if let Some(fields) = trailer.as_object_mut() {
            fields.insert("choices".to_owned(), json!([]));
            fields.insert("usage".to_owned(), answer.usage.clone());
        }
        chunks.push(trailer);
    }
    chunks
}

fn chunk(answer: &Answer, delta: Value, finish_reason: Option<&str>) -> Value {
    json!({
        "id": answer.id,
        "object": "chat.completion.chunk",
        "created": answer.created,
        "model": answer.model,
        "choices": [{ "index": 0, "delta": delta, "finish_reason": finish_reason }],
    })
}
