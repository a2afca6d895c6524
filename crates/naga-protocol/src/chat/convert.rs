//! A whole completion as one chunk: what [`ChatStream`](super::ChatStream) yields when a
//! server answers a streaming request with a single JSON document.

use serde_json::Value;

use super::chunk::{ChatCompletionChunk, ChunkChoice, Delta, FunctionCallDelta, ToolCallDelta};
use super::content::DeltaContent;
use super::response::{ChatCompletion, Choice, ResponseMessage};
use super::tool::ToolCall;

/// The completion as a single chunk whose deltas carry each message whole.
///
/// Every field is kept: `object` stays as the server sent it, a message's `name`,
/// `tool_call_id` and unknown fields go to the delta's `extra`, and tool calls get their
/// position as `index`. [`ChatAccumulator`](super::ChatAccumulator) turns the chunk back
/// into the completion (it keeps no delta `extra`, and an empty text stays `None`).
///
/// ```
/// use naga_protocol::{ChatAccumulator, ChatCompletion, ChatCompletionChunk};
///
/// let body = r#"{"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}"#;
/// let completion = ChatCompletion::from_json(body)?;
/// let chunk = ChatCompletionChunk::from(completion.clone());
/// assert_eq!(chunk.choices[0].delta.text().as_deref(), Some("Hi"));
/// assert_eq!(ChatAccumulator::accumulate([Ok(chunk)]).unwrap(), completion);
/// # Ok::<(), naga_protocol::Error>(())
/// ```
impl From<ChatCompletion> for ChatCompletionChunk {
    fn from(completion: ChatCompletion) -> Self {
        ChatCompletionChunk {
            id: completion.id,
            object: completion.object,
            created: completion.created,
            model: completion.model,
            choices: completion.choices.into_iter().map(chunk_choice).collect(),
            usage: completion.usage,
            system_fingerprint: completion.system_fingerprint,
            extra: completion.extra,
        }
    }
}

fn chunk_choice(choice: Choice) -> ChunkChoice {
    ChunkChoice {
        index: choice.index,
        delta: whole_delta(choice.message),
        finish_reason: choice.finish_reason,
        logprobs: choice.logprobs,
        extra: choice.extra,
    }
}

/// A message as one delta.
fn whole_delta(message: ResponseMessage) -> Delta {
    let mut extra = message.extra;
    let named = [("name", message.name), ("tool_call_id", message.tool_call_id)];
    for (key, value) in named {
        if let Some(value) = value {
            extra.insert(key.to_owned(), Value::String(value));
        }
    }
    let tool_calls = message.tool_calls.map(|calls| {
        (0u32..).zip(calls).map(|(index, call)| tool_call_delta(index, call)).collect()
    });
    Delta {
        role: message.role,
        content: message.content.map(DeltaContent::Text),
        refusal: message.refusal,
        tool_calls,
        reasoning_content: message.reasoning_content,
        reasoning: None,
        reasoning_details: message.reasoning_details,
        annotations: message.annotations,
        images: message.images,
        extra,
    }
}

fn tool_call_delta(index: u32, call: ToolCall) -> ToolCallDelta {
    ToolCallDelta {
        index: Some(index),
        id: Some(call.id).filter(|id| !id.is_empty()),
        kind: Some(call.kind),
        function: Some(FunctionCallDelta {
            name: Some(call.function.name),
            arguments: Some(call.function.arguments),
            ..FunctionCallDelta::default()
        }),
        extra: call.extra,
    }
}
