//! `ResponsesRequest`: the body of `POST /responses`, its builder and its validation.

use std::borrow::Cow;

use bytes::Bytes;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::accumulator::ResponseAccumulator;
use super::item::ResponseItem;
use super::options::{ReasoningOptions, ResponseTool, ResponseToolChoice, TextOptions, Truncation};
use super::stream::ResponseStream;
use crate::chat::ReasoningEffort;
use crate::lenient::is_empty_map;
use crate::operation::{decode_json, or_event_stream};

/// What the model reads: one text (a user message), or a list of items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ResponseInput {
    /// One user text.
    Text(String),
    /// Messages, earlier function calls and their outputs, reasoning items.
    Items(Vec<ResponseItem>),
}

impl From<&str> for ResponseInput {
    fn from(text: &str) -> Self {
        ResponseInput::Text(text.to_owned())
    }
}

impl From<String> for ResponseInput {
    fn from(text: String) -> Self {
        ResponseInput::Text(text)
    }
}

impl From<Vec<ResponseItem>> for ResponseInput {
    fn from(items: Vec<ResponseItem>) -> Self {
        ResponseInput::Items(items)
    }
}

impl<const N: usize> From<[ResponseItem; N]> for ResponseInput {
    fn from(items: [ResponseItem; N]) -> Self {
        ResponseInput::Items(items.into())
    }
}

/// A `POST /responses` request (the OpenAI Responses API, stateless: replay the history in
/// `input`; Naga keeps no conversation).
///
/// ```
/// use naga_protocol::{ResponseItem, ResponsesRequest};
/// let request = ResponsesRequest::new("gpt-4.1-mini", "Write a haiku about Tokyo.")
///     .instructions("Answer in English.")
///     .max_output_tokens(200);
/// assert!(request.validate().is_ok());
/// let history = ResponsesRequest::new(
///     "gpt-4.1-mini",
///     [ResponseItem::user("Hi"), ResponseItem::assistant("Hello!"), ResponseItem::user("Bye")],
/// );
/// assert!(history.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponsesRequest {
    /// Model id, e.g. `gpt-4.1-mini`.
    #[schemars(length(min = 1))]
    pub model: String,
    /// What the model reads.
    pub input: ResponseInput,
    /// System (developer) text put in front of the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Upper bound for generated tokens (reasoning included), >= 1.
    #[schemars(range(min = 1))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature, 0..=2.
    #[schemars(range(min = 0.0, max = 2.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling, 0..=1.
    #[schemars(range(min = 0.0, max = 1.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Tools the model may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<ResponseTool>>,
    /// Whether and which tool the model must use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ResponseToolChoice>,
    /// Whether the model may call several tools at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    /// What happens when the input is longer than the context window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncation: Option<Truncation>,
    /// Reasoning effort and summaries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<ReasoningOptions>,
    /// Output format and verbosity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextOptions>,
    /// Stream the answer as server-sent events (set by the transports' `response_stream`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Body fields this SDK does not know, sent as given. A name this type has as a field
    /// (e.g. `model`) fails [`validate`](Self::validate), so the request is not built: set
    /// that field itself.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ResponsesRequest {
    /// A request for `model` reading `input` (a text, or items).
    pub fn new(model: impl Into<String>, input: impl Into<ResponseInput>) -> Self {
        ResponsesRequest {
            model: model.into(),
            input: input.into(),
            instructions: None,
            max_output_tokens: None,
            temperature: None,
            top_p: None,
            tools: None,
            tool_choice: None,
            parallel_tool_calls: None,
            truncation: None,
            reasoning: None,
            text: None,
            stream: None,
            extra: Map::new(),
        }
    }

    /// Sets the instructions (system text).
    #[must_use]
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Caps the generated tokens.
    #[must_use]
    pub fn max_output_tokens(mut self, tokens: u32) -> Self {
        self.max_output_tokens = Some(tokens);
        self
    }

    /// Sets the sampling temperature (0..=2).
    #[must_use]
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Sets nucleus sampling (0..=1).
    #[must_use]
    pub fn top_p(mut self, top_p: f64) -> Self {
        self.top_p = Some(top_p);
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn tool(mut self, tool: ResponseTool) -> Self {
        self.tools.get_or_insert_with(Vec::new).push(tool);
        self
    }

    /// Sets the tools the model may use (replacing any set before).
    #[must_use]
    pub fn tools(mut self, tools: impl IntoIterator<Item = ResponseTool>) -> Self {
        self.tools = Some(tools.into_iter().collect());
        self
    }

    /// Sets the tool choice.
    #[must_use]
    pub fn tool_choice(mut self, choice: impl Into<ResponseToolChoice>) -> Self {
        self.tool_choice = Some(choice.into());
        self
    }

    /// Allows or forbids several tool calls at once.
    #[must_use]
    pub fn parallel_tool_calls(mut self, parallel: bool) -> Self {
        self.parallel_tool_calls = Some(parallel);
        self
    }

    /// Sets the truncation strategy.
    #[must_use]
    pub fn truncation(mut self, truncation: Truncation) -> Self {
        self.truncation = Some(truncation);
        self
    }

    /// Sets the reasoning effort (keeps a summary setting).
    #[must_use]
    pub fn reasoning_effort(mut self, effort: ReasoningEffort) -> Self {
        self.reasoning.get_or_insert_with(ReasoningOptions::default).effort = Some(effort);
        self
    }

    /// Sets the whole reasoning option.
    #[must_use]
    pub fn reasoning(mut self, reasoning: ReasoningOptions) -> Self {
        self.reasoning = Some(reasoning);
        self
    }

    /// Sets the output format (keeps a verbosity setting).
    #[must_use]
    pub fn text_format(mut self, format: super::options::TextFormat) -> Self {
        self.text.get_or_insert_with(TextOptions::default).format = Some(format);
        self
    }

    /// Sets the whole text option.
    #[must_use]
    pub fn text(mut self, text: TextOptions) -> Self {
        self.text = Some(text);
        self
    }

    /// Adds a body field this SDK does not know, sent as given. A name this request has as a
    /// field (e.g. `temperature`) makes [`validate`](Self::validate), and so building the
    /// request, fail with [`Error::InvalidRequest`](crate::Error::InvalidRequest) on
    /// `extra.<name>`: set that field itself.
    #[must_use]
    pub fn extra_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// This request with `stream: true` (borrowed when it already is).
    pub fn as_streaming(&self) -> Cow<'_, ResponsesRequest> {
        crate::operation::streaming_request(self, self.stream, |copy| copy.stream = Some(true))
    }

    /// Appends items to `input` (a text input becomes a user message first).
    pub fn push_items(&mut self, new: impl IntoIterator<Item = ResponseItem>) {
        let mut items = match std::mem::replace(&mut self.input, ResponseInput::Items(Vec::new())) {
            ResponseInput::Text(text) => vec![ResponseItem::user(text)],
            ResponseInput::Items(items) => items,
        };
        items.extend(new);
        self.input = ResponseInput::Items(items);
    }

    /// Continues a function-calling loop: appends the answer's output items (function calls
    /// and reasoning replayed unchanged) and one `function_call_output` per
    /// `(call_id, result)`, in the order given.
    pub fn push_tool_results<I, Id, Output>(&mut self, answer: &super::ResponseObject, results: I)
    where
        I: IntoIterator<Item = (Id, Output)>,
        Id: Into<String>,
        Output: Into<String>,
    {
        let outputs =
            results.into_iter().map(|(id, output)| ResponseItem::function_call_output(id, output));
        self.push_items(answer.output.iter().cloned().chain(outputs));
    }
}

impl crate::operation::Operation for ResponsesRequest {
    type Output = super::ResponseObject;

    const NAME: &'static str = "response";

    fn method(&self) -> http::Method {
        http::Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/responses")
    }

    fn body(&self) -> Result<Option<Bytes>, crate::Error> {
        self.validate()?;
        crate::operation::json_body(self)
    }

    fn is_streaming(&self) -> bool {
        self.stream == Some(true)
    }

    /// The response object; a body of server-sent events (a server streaming although
    /// `stream` was not asked for) is added up into the same object.
    fn decode_output(body: &[u8]) -> Result<super::ResponseObject, crate::Error> {
        or_event_stream::<ResponseStream, ResponseAccumulator>(body, |json| {
            // A failed response object carries its `error` too, with `object` and `status`.
            let is_envelope = |answer: &super::ResponseObject| {
                let object = answer.object.as_deref() == Some("response");
                let error = answer.error.as_ref().is_some_and(|error| !error.is_empty());
                error && !object && answer.status.is_none()
            };
            crate::operation::unless_error_body(json, decode_json(Self::NAME, json), is_envelope)
        })
    }
}
