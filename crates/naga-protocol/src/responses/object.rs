//! `ResponseObject`: the answer of `POST /responses` (and the snapshots its stream carries).

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::item::{FunctionCallItem, ItemContent, ResponseItem};
use super::options::{ReasoningOptions, ResponseTool, ResponseToolChoice, TextOptions, Truncation};
use crate::lenient::{
    is_empty_map, lenient, lenient_items, lenient_text, lenient_text_or_empty, lenient_u64,
    lenient_u64_or_zero, string_enum,
};
use crate::structured::{ParseError, parse_json_content};

string_enum! {
    /// Where a response is in its life.
    pub enum ResponseStatus {
        /// Finished.
        Completed = "completed",
        /// Failed (see `error`).
        Failed = "failed",
        /// Being generated.
        InProgress = "in_progress",
        /// Cancelled.
        Cancelled = "cancelled",
        /// Waiting to start.
        Queued = "queued",
        /// Cut short (see `incomplete_details`).
        Incomplete = "incomplete",
    }
}

/// The model's answer: output items (messages, function calls, reasoning, images), status,
/// usage. Never assume `output[0]` is the text: use [`output_text`](Self::output_text).
///
/// ```
/// use naga_protocol::ResponseObject;
/// let answer: ResponseObject = serde_json::from_str(r#"{"id":"resp_1","object":"response",
///   "status":"completed","model":"gpt-4.1-mini","output":[
///   {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Thinking."}]},
///   {"type":"message","id":"msg_1","role":"assistant","status":"completed",
///    "content":[{"type":"output_text","text":"Hello!","annotations":[]}]}],
///   "usage":{"input_tokens":5,"output_tokens":3,"total_tokens":8}}"#)?;
/// assert_eq!(answer.output_text(), "Hello!");
/// assert_eq!(answer.usage.map(|usage| usage.total_tokens), Some(8));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseObject {
    /// The response id (`resp_...`).
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub id: String,
    /// Always `response`.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Unix seconds when it was created.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<u64>,
    /// Unix seconds when it finished.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<u64>,
    /// Where it is in its life.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub status: Option<ResponseStatus>,
    /// The model that answered.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// What the model produced, in order.
    #[serde(default, deserialize_with = "lenient_items")]
    pub output: Vec<ResponseItem>,
    /// Why it failed (`status: failed`). An error sent as a string reads as its message.
    #[serde(default, deserialize_with = "lenient_error", skip_serializing_if = "Option::is_none")]
    pub error: Option<ResponseError>,
    /// Why it stopped early (`status: incomplete`).
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub incomplete_details: Option<IncompleteDetails>,
    /// Token counts.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub usage: Option<ResponseUsage>,
    /// The response this one continues, if any.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub previous_response_id: Option<String>,
    /// The instructions it was given (text, or input items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<Value>,
    /// The tools the model could call.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<ResponseTool>>,
    /// How the model was told to pick a tool.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ResponseToolChoice>,
    /// Whether calls could run in parallel.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    /// How a long context was cut (`auto`, `disabled`).
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub truncation: Option<Truncation>,
    /// The text format and verbosity asked for.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub text: Option<TextOptions>,
    /// The reasoning effort and summary asked for.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<ReasoningOptions>,
    /// Sampling temperature.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Presence penalty.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// Frequency penalty.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Most likely tokens returned per position.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub top_logprobs: Option<u64>,
    /// The cap on output tokens, if any.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u64>,
    /// The cap on tool calls, if any.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub max_tool_calls: Option<u64>,
    /// Whether the response is stored.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub store: Option<bool>,
    /// Whether it ran in the background.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub background: Option<bool>,
    /// The service tier that served it.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    /// The caller's key-value metadata.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ResponseObject {
    /// The text of every output message, joined (the empty string when there is none).
    pub fn output_text(&self) -> String {
        self.messages().map(super::item::MessageItem::text).collect()
    }

    /// The refusal of the first output message that declined to answer.
    pub fn refusal(&self) -> Option<&str> {
        self.messages().find_map(super::item::MessageItem::refusal)
    }

    /// The function calls the model asked for, in order.
    pub fn function_calls(&self) -> impl Iterator<Item = &FunctionCallItem> {
        self.output.iter().filter_map(|item| match item {
            ResponseItem::FunctionCall(call) => Some(call),
            _ => None,
        })
    }

    /// The reasoning summaries, joined by blank lines.
    pub fn reasoning_summary(&self) -> String {
        let summaries = self.output.iter().filter_map(|item| match item {
            ResponseItem::Reasoning(reasoning) if !reasoning.summary.is_empty() => {
                Some(reasoning.summary_text())
            }
            _ => None,
        });
        summaries.collect::<Vec<_>>().join("\n\n")
    }

    /// Parses the output text into `T` (structured outputs): a refusal, a response cut short
    /// (`max_output_tokens`, content filter) and missing text are told apart from bad JSON
    /// (see [`parse_json_content`]).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ParseError> {
        let reason = self.incomplete_details.as_ref().and_then(|d| d.reason.as_deref());
        let finish = match (self.status.as_ref(), reason) {
            (_, Some("content_filter")) => Some("content_filter"),
            (Some(ResponseStatus::Incomplete), _) => Some("length"),
            _ => None,
        };
        let text = self.output_text();
        let content = self.messages().next().is_some().then_some(text.as_str());
        parse_json_content(content, self.refusal(), finish)
    }

    /// The output messages.
    fn messages(&self) -> impl Iterator<Item = &super::item::MessageItem> {
        self.output.iter().filter_map(|item| match item {
            ResponseItem::Message(message) => Some(message),
            _ => None,
        })
    }
}

impl FunctionCallItem {
    /// Parses the JSON arguments into `Args` ([`ParseError::InvalidJson`] or
    /// [`ParseError::Mismatch`]); empty arguments read as `{}`.
    pub fn arguments<Args: DeserializeOwned>(&self) -> Result<Args, ParseError> {
        let text = self.arguments.as_str();
        crate::structured::parse_json(if text.trim().is_empty() { "{}" } else { text })
    }
}

impl super::item::FunctionCallOutput {
    /// The output as text (parts' texts joined).
    pub fn text(&self) -> String {
        match &self.output {
            ItemContent::Text(text) => text.clone(),
            ItemContent::Parts(parts) => {
                parts.iter().filter_map(super::part::ItemPart::text).collect()
            }
        }
    }
}

/// Why a response failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseError {
    /// Machine-readable code (e.g. `server_error`).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable text.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ResponseError {
    /// Whether it says anything: a code, a message or another field.
    pub fn is_empty(&self) -> bool {
        self.code.is_none() && self.message.is_none() && self.extra.is_empty()
    }
}

/// A response's `error`: an object, or a string (or other value) as its message; `null`, an
/// empty string and anything unreadable as none.
fn lenient_error<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Option<ResponseError>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Null => None,
        Value::String(text) if text.trim().is_empty() => None,
        Value::String(text) => Some(ResponseError { message: Some(text), ..Default::default() }),
        object @ Value::Object(_) => serde_json::from_value(object).ok(),
        other => Some(ResponseError { message: Some(other.to_string()), ..Default::default() }),
    })
}

/// Why a response stopped early.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IncompleteDetails {
    /// E.g. `max_output_tokens` or `content_filter`.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Token counts of a response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseUsage {
    /// Tokens read.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub input_tokens: u64,
    /// Details of the input tokens.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub input_tokens_details: Option<InputTokensDetails>,
    /// Tokens generated (reasoning included).
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub output_tokens: u64,
    /// Details of the output tokens.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub output_tokens_details: Option<OutputTokensDetails>,
    /// Input plus output.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub total_tokens: u64,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Details of [`ResponseUsage::input_tokens`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputTokensDetails {
    /// Tokens served from the prompt cache.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub cached_tokens: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Details of [`ResponseUsage::output_tokens`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutputTokensDetails {
    /// Tokens spent reasoning.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}
