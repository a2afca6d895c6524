//! `MessageEvent`: one server-sent event of a streamed message (Anthropic's event names).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::block::ContentBlock;
use super::response::{MessagesResponse, StopReason};
use crate::lenient::{
    is_empty_map, lenient, lenient_text, lenient_u32_or_zero, open_tagged_deserialize,
    tagged_events,
};

tagged_events! {
    /// One event of a streamed message, told apart by its `type`: `message_start`, then per
    /// content block a `content_block_start`, its `content_block_delta`s and a
    /// `content_block_stop`, then `message_delta` (stop reason, usage) and `message_stop`.
    /// [`MessageAccumulator`](crate::MessageAccumulator) adds them up. (An `error` event
    /// becomes an error of the stream.)
    MessageEvent {
        /// The message starts (no content yet).
        "message_start" => MessageStart(MessageStart),
        /// A content block starts (empty text, thinking or tool input).
        "content_block_start" => ContentBlockStart(BlockStart),
        /// More of a content block.
        "content_block_delta" => ContentBlockDelta(BlockDelta),
        /// A content block is complete.
        "content_block_stop" => ContentBlockStop(BlockStop),
        /// The stop reason and the final output token count.
        "message_delta" => MessageDelta(MessageDelta),
        /// The message is complete.
        "message_stop" => MessageStop(Unit),
        /// Keep-alive.
        "ping" => Ping(Unit),
    }
}

impl MessageEvent {
    /// The text this event adds to the answer: a `text_delta`'s, or the text a text block
    /// already holds at its `content_block_start` (empty from Anthropic, not from every
    /// server). Joined in order, these give the text of the message
    /// [`MessageAccumulator`](crate::MessageAccumulator) ends with.
    pub fn text_delta(&self) -> Option<&str> {
        match self {
            MessageEvent::ContentBlockDelta(BlockDelta {
                delta: ContentDelta::TextDelta(delta),
                ..
            }) => Some(&delta.text),
            MessageEvent::ContentBlockStart(BlockStart {
                content_block: ContentBlock::Text(block),
                ..
            }) if !block.text.is_empty() => Some(&block.text),
            _ => None,
        }
    }

    /// The thinking this event adds: a `thinking_delta`'s, or what a thinking block already
    /// holds at its `content_block_start`.
    pub fn thinking_delta(&self) -> Option<&str> {
        match self {
            MessageEvent::ContentBlockDelta(BlockDelta {
                delta: ContentDelta::ThinkingDelta(delta),
                ..
            }) => Some(&delta.thinking),
            MessageEvent::ContentBlockStart(BlockStart {
                content_block: ContentBlock::Thinking(block),
                ..
            }) if !block.thinking.is_empty() => Some(&block.thinking),
            _ => None,
        }
    }
}

/// `message_start`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageStart {
    /// The message so far (empty content, initial usage).
    pub message: MessagesResponse,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// `content_block_start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlockStart {
    /// The block's position in `content`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub index: u32,
    /// The block, empty.
    pub content_block: ContentBlock,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// `content_block_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlockDelta {
    /// The block's position in `content`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub index: u32,
    /// What it adds.
    pub delta: ContentDelta,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// `content_block_stop`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlockStop {
    /// The block's position in `content`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub index: u32,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// An event without fields of its own (`message_stop`, `ping`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Unit {
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// What a `content_block_delta` adds.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentDelta {
    /// More text.
    TextDelta(TextDelta),
    /// More of a tool call's input, as JSON text (whole only at `content_block_stop`).
    InputJsonDelta(InputJsonDelta),
    /// More thinking.
    ThinkingDelta(ThinkingDelta),
    /// The thinking block's signature.
    SignatureDelta(SignatureDelta),
    /// A delta of a kind this SDK does not know (`citations_delta`, ...), kept whole.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

open_tagged_deserialize!(ContentDelta {
    "text_delta" => TextDelta,
    "input_json_delta" => InputJsonDelta,
    "thinking_delta" => ThinkingDelta,
    "signature_delta" => SignatureDelta,
});

/// A `text_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TextDelta {
    /// The added text.
    pub text: String,
}

/// An `input_json_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputJsonDelta {
    /// The added JSON text.
    pub partial_json: String,
}

/// A `thinking_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThinkingDelta {
    /// The added thinking.
    pub thinking: String,
}

/// A `signature_delta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SignatureDelta {
    /// The signature.
    pub signature: String,
}

/// `message_delta`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageDelta {
    /// The stop reason and sequence.
    #[serde(default)]
    pub delta: StopDelta,
    /// Usage so far (`output_tokens` is the final count).
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub usage: Option<Map<String, Value>>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// The `delta` of a `message_delta`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StopDelta {
    /// Why the model stopped.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<StopReason>,
    /// The stop sequence it generated.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub stop_sequence: Option<String>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}
