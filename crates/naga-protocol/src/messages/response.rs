//! `MessagesResponse`: the answer of `POST /messages`.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::block::{ContentBlock, ToolUseBlock};
use super::request::MessageRole;
use crate::lenient::{
    is_empty_map, items_of, lenient, lenient_text, lenient_text_or_empty, lenient_u64,
    lenient_u64_or_zero, string_enum,
};

use crate::structured::ParseError;

string_enum! {
    /// Why the model stopped.
    pub enum StopReason {
        /// It finished its turn.
        EndTurn = "end_turn",
        /// `max_tokens` cut it.
        MaxTokens = "max_tokens",
        /// It generated one of `stop_sequences`.
        StopSequence = "stop_sequence",
        /// It wants tools run (see [`MessagesResponse::tool_uses`]).
        ToolUse = "tool_use",
        /// A long server-side turn paused; send the conversation again to continue.
        PauseTurn = "pause_turn",
        /// It declined to answer.
        Refusal = "refusal",
    }
}

/// The model's answer: content blocks (text, thinking, tool calls), why it stopped, usage.
///
/// ```
/// use naga_protocol::{MessagesResponse, StopReason};
/// let answer: MessagesResponse = serde_json::from_str(r#"{"id":"msg_1","type":"message",
///   "role":"assistant","model":"claude-sonnet-4.5","created":1,
///   "content":[{"type":"thinking","thinking":"Easy.","signature":"c2ln"},
///              {"type":"text","text":"Hello!"}],
///   "stop_reason":"end_turn","stop_sequence":null,
///   "usage":{"input_tokens":5,"output_tokens":3,"cache_read_input_tokens":0}}"#)?;
/// assert_eq!(answer.text(), "Hello!");
/// assert_eq!(answer.stop_reason, Some(StopReason::EndTurn));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessagesResponse {
    /// The message id (`msg_...`).
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub id: String,
    /// Always `message`.
    #[serde(rename = "type", default, deserialize_with = "lenient_text")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Always `assistant`.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub role: Option<MessageRole>,
    /// The model that answered.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// What the model produced, in order (content sent as one string reads as a text block).
    #[serde(default, deserialize_with = "lenient_blocks")]
    pub content: Vec<ContentBlock>,
    /// Why it stopped (`null` while streaming).
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<StopReason>,
    /// The stop sequence it generated.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub stop_sequence: Option<String>,
    /// Unix seconds (a Naga addition).
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub created: Option<u64>,
    /// Token counts.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub usage: Option<MessagesUsage>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl MessagesResponse {
    /// The text blocks joined.
    pub fn text(&self) -> String {
        self.content.iter().filter_map(ContentBlock::as_text).collect()
    }

    /// The thinking blocks' text joined by blank lines.
    pub fn thinking(&self) -> String {
        let thoughts = self.content.iter().filter_map(|block| match block {
            ContentBlock::Thinking(thinking) => Some(thinking.thinking.as_str()),
            _ => None,
        });
        thoughts.collect::<Vec<_>>().join("\n\n")
    }

    /// The tool calls the model asked for, in order.
    pub fn tool_uses(&self) -> impl Iterator<Item = &ToolUseBlock> {
        self.content.iter().filter_map(|block| match block {
            ContentBlock::ToolUse(call) => Some(call),
            _ => None,
        })
    }
}

impl ToolUseBlock {
    /// Reads the call's input into `Input` ([`ParseError::Mismatch`] names the path).
    pub fn input<Input: DeserializeOwned>(&self) -> Result<Input, ParseError> {
        crate::structured::parse_json(&self.input.to_string())
    }
}

/// Token counts of a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessagesUsage {
    /// Tokens read.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub input_tokens: u64,
    /// Tokens generated.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub output_tokens: u64,
    /// Input tokens served from the prompt cache.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub cache_read_input_tokens: Option<u64>,
    /// Input tokens written to the prompt cache (Anthropic's; not listed by Naga).
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub cache_creation_input_tokens: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A message's content blocks as [`lenient_items`](crate::lenient::lenient_items) reads them, with a string as one text
/// block (the form a request's content may take).
fn lenient_blocks<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<ContentBlock>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::String(text) => items_of(serde_json::json!([{"type": "text", "text": text}])),
        other => items_of(other),
    })
}
