//! The chat completions request and its builder methods.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::format::ResponseFormat;
use super::message::Message;
use super::tool::{Tool, ToolChoice};
use crate::lenient::{is_empty_map, string_enum};

string_enum! {
    /// How hard a reasoning model thinks (support varies by model).
    pub enum ReasoningEffort {
        /// No reasoning.
        None = "none",
        /// Minimal reasoning.
        Minimal = "minimal",
        /// Low effort.
        Low = "low",
        /// Medium effort.
        Medium = "medium",
        /// High effort.
        High = "high",
        /// Extra-high effort (`xhigh`).
        #[doc(alias = "XHigh")]
        Xhigh = "xhigh",
    }
}

/// A `POST /chat/completions` request.
///
/// ```
/// use naga_protocol::{ChatRequest, Message};
/// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")])
///     .temperature(0.2)
///     .max_completion_tokens(100);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChatRequest {
    /// Bare Naga model id, e.g. `gpt-4o-mini`.
    #[schemars(length(min = 1))]
    pub model: String,
    /// The conversation so far (at least one message).
    #[schemars(length(min = 1))]
    pub messages: Vec<Message>,
    /// Tools the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// Whether and which tool the model must call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Shape of the answer (text, JSON object, JSON schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormat>,
    /// Sampling temperature, 0..=2.
    #[schemars(range(min = 0.0, max = 2.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass, 0..=1.
    #[schemars(range(min = 0.0, max = 1.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Stream the answer as server-sent events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Streaming options; only allowed with `stream: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    /// Stop sequences (no maximum count is documented by Naga).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Stop>,
    /// Maximum output tokens, at least 1.
    #[schemars(range(min = 1))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// Reasoning effort for reasoning models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Penalty for tokens already present, -2..=2.
    #[schemars(range(min = -2.0, max = 2.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// Penalty by token frequency, -2..=2.
    #[schemars(range(min = -2.0, max = 2.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Token id (as a string) to bias; provider dependent. A whole bias goes out as an
    /// integer (`-100`, not `-100.0`: OpenAI's schema types the values as integers).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "whole_as_integers"
    )]
    pub logit_bias: Option<BTreeMap<String, f64>>,
    /// Whether the model may call several tools at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    /// Predicted output; its shape is not documented, so it is sent as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction: Option<Value>,
    /// Enables web search on supporting models (`{}` is the minimal form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_search_options: Option<WebSearchOptions>,
    /// Image output options for native image-generation models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_config: Option<ImageConfig>,
    /// Body fields this SDK does not know, sent as given. A name this type has as a field
    /// (e.g. `model`) fails [`validate`](Self::validate), so the request is not built: set
    /// that field itself.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Streaming options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StreamOptions {
    /// Send a final chunk with `usage` and no choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_usage: Option<bool>,
}

/// Stop sequences: one string or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Stop {
    /// One stop sequence.
    One(String),
    /// Several stop sequences.
    Many(Vec<String>),
}

impl From<&str> for Stop {
    fn from(stop: &str) -> Self {
        Stop::One(stop.to_owned())
    }
}

impl From<String> for Stop {
    fn from(stop: String) -> Self {
        Stop::One(stop)
    }
}

impl From<Vec<String>> for Stop {
    fn from(stops: Vec<String>) -> Self {
        Stop::Many(stops)
    }
}

impl<const N: usize> From<[&str; N]> for Stop {
    fn from(stops: [&str; N]) -> Self {
        Stop::Many(stops.iter().map(|s| (*s).to_owned()).collect())
    }
}

/// Web search options; the nested shape varies by model family and is forwarded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WebSearchOptions {
    /// How much search context to use (`low`, `medium`, `high` on OpenAI models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_context_size: Option<String>,
    /// Approximate user location (OpenAI models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_location: Option<Value>,
    /// Other options (e.g. Grok's `web_search`, `x_search`), sent as given.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Image output options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImageConfig {
    /// e.g. `1:1`, `16:9`, `21:9`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
    /// `1K`, `2K` or `4K` (model dependent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_size: Option<String>,
    /// Other options, sent as given.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ChatRequest {
    /// A request for `model` with `messages`; every optional field unset.
    pub fn new(model: impl Into<String>, messages: impl IntoIterator<Item = Message>) -> Self {
        ChatRequest {
            model: model.into(),
            messages: messages.into_iter().collect(),
            tools: None,
            tool_choice: None,
            response_format: None,
            temperature: None,
            top_p: None,
            stream: None,
            stream_options: None,
            stop: None,
            max_completion_tokens: None,
            reasoning_effort: None,
            presence_penalty: None,
            frequency_penalty: None,
            logit_bias: None,
            parallel_tool_calls: None,
            prediction: None,
            web_search_options: None,
            image_config: None,
            extra: Map::new(),
        }
    }

    /// Whether the stream was asked to end with the usage trailer chunk.
    pub(crate) fn wants_usage_trailer(&self) -> bool {
        self.stream_options.as_ref().and_then(|options| options.include_usage) == Some(true)
    }
}

/// A bias map with whole values written as integers (within ±2^53, where `f64` is exact).
fn whole_as_integers<S: serde::Serializer>(
    bias: &Option<BTreeMap<String, f64>>,
    out: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    /// Largest magnitude below which every whole `f64` is an exact integer.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let Some(bias) = bias else { return out.serialize_none() };
    let mut map = out.serialize_map(Some(bias.len()))?;
    for (token, value) in bias {
        if value.fract() == 0.0 && value.abs() < EXACT {
            #[allow(clippy::cast_possible_truncation)] // whole and within ±2^53: exact
            map.serialize_entry(token, &(*value as i64))?;
        } else {
            map.serialize_entry(token, value)?;
        }
    }
    map.end()
}
