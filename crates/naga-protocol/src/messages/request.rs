//! `MessagesRequest`: the body of `POST /messages` (Anthropic Messages compatibility).

use std::borrow::Cow;

use bytes::Bytes;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::accumulator::MessageAccumulator;
use super::block::{BlockContent, ContentBlock};
use super::response::MessagesResponse;
use super::stream::MessageStream;
use crate::lenient::{is_empty_map, string_enum};
use crate::operation::{decode_json, or_event_stream};
use crate::structured::{StructuredError, strict_schema};

string_enum! {
    /// Who wrote a message of the Messages API.
    pub enum MessageRole {
        /// The caller.
        User = "user",
        /// The model.
        Assistant = "assistant",
    }
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageParam {
    /// `user` or `assistant`.
    pub role: MessageRole,
    /// A text or blocks.
    pub content: BlockContent,
}

impl MessageParam {
    /// A user message.
    pub fn user(content: impl Into<BlockContent>) -> Self {
        MessageParam { role: MessageRole::User, content: content.into() }
    }

    /// An assistant message (replayed history).
    pub fn assistant(content: impl Into<BlockContent>) -> Self {
        MessageParam { role: MessageRole::Assistant, content: content.into() }
    }
}

/// The system prompt: a text, or text blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SystemPrompt {
    /// A text.
    Text(String),
    /// Text blocks.
    Blocks(Vec<ContentBlock>),
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum MessagesTool {
    /// A tool the caller runs.
    Custom(CustomTool),
    /// A server tool, e.g. `{"type":"web_search_20250305","name":"web_search"}`, sent as
    /// given.
    Server(Map<String, Value>),
}

impl MessagesTool {
    /// A tool whose input is shaped like `Input` (its strict schema); read a call's input
    /// back with [`ToolUseBlock::input`](crate::ToolUseBlock::input).
    pub fn custom<Input: JsonSchema + ?Sized>(
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<Self, StructuredError> {
        Ok(Self::custom_value(name, description, strict_schema::<Input>()?))
    }

    /// A tool with a JSON Schema for its input.
    pub fn custom_value(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: Value,
    ) -> Self {
        MessagesTool::Custom(CustomTool {
            name: name.into(),
            description: Some(description.into()),
            input_schema,
            extra: Map::new(),
        })
    }

    /// The tool's name.
    pub fn name(&self) -> Option<&str> {
        match self {
            MessagesTool::Custom(tool) => Some(&tool.name),
            MessagesTool::Server(tool) => tool.get("name").and_then(Value::as_str),
        }
    }
}

/// A tool the caller runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CustomTool {
    /// Name: 1 to 64 of `[a-zA-Z0-9_.:-]` (OpenAI's and Anthropic's models take
    /// `[a-zA-Z0-9_-]` only; `.` and `:` are for the others behind Naga).
    pub name: String,
    /// What the tool does, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the input object.
    pub input_schema: Value,
    /// Fields this SDK does not know (`cache_control`, ...).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Whether and which tool the model must use.
///
/// ```
/// use naga_protocol::MessagesToolChoice;
/// let choice = MessagesToolChoice::Any.one_call_at_a_time();
/// let wire = serde_json::to_string(&choice)?;
/// assert_eq!(wire, r#"{"type":"any","disable_parallel_tool_use":true}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessagesToolChoice {
    /// The model decides.
    Auto,
    /// The model must use some tool.
    Any,
    /// The model must not use tools.
    None,
    /// The model must use the named tool.
    Tool {
        /// One of the request's tools.
        name: String,
    },
    /// A choice with fields the variants above lack (`disable_parallel_tool_use`, see
    /// [`one_call_at_a_time`](Self::one_call_at_a_time)), kept and sent as it is, `type`
    /// included.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// A choice with no field but its `type` (and a `tool`'s `name`) reads as its variant; any
/// other object as [`Other`](MessagesToolChoice::Other), so no field is lost.
impl<'de> Deserialize<'de> for MessagesToolChoice {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let fields = Map::<String, Value>::deserialize(de)?;
        let name = fields.get("name").and_then(Value::as_str);
        let known = match (fields.get("type").and_then(Value::as_str), fields.len()) {
            (Some("auto"), 1) => Some(MessagesToolChoice::Auto),
            (Some("any"), 1) => Some(MessagesToolChoice::Any),
            (Some("none"), 1) => Some(MessagesToolChoice::None),
            (Some("tool"), 2) => {
                name.map(|name| MessagesToolChoice::Tool { name: name.to_owned() })
            }
            _ => None,
        };
        Ok(known.unwrap_or(MessagesToolChoice::Other(fields)))
    }
}

impl MessagesToolChoice {
    /// This choice with `disable_parallel_tool_use: true`: at most one tool call per turn
    /// (for `auto`), or exactly one (for `any` and `tool`).
    pub fn one_call_at_a_time(self) -> Self {
        let mut fields = match serde_json::to_value(&self) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        fields.insert("disable_parallel_tool_use".to_owned(), Value::Bool(true));
        MessagesToolChoice::Other(fields)
    }

    /// The `type` of the choice.
    pub fn kind(&self) -> Option<&str> {
        match self {
            MessagesToolChoice::Auto => Some("auto"),
            MessagesToolChoice::Any => Some("any"),
            MessagesToolChoice::None => Some("none"),
            MessagesToolChoice::Tool { .. } => Some("tool"),
            MessagesToolChoice::Other(fields) => fields.get("type").and_then(Value::as_str),
        }
    }

    /// The tool a `tool` choice names.
    pub fn tool_name(&self) -> Option<&str> {
        match self {
            MessagesToolChoice::Tool { name } => Some(name),
            MessagesToolChoice::Other(fields) => fields.get("name").and_then(Value::as_str),
            _ => None,
        }
    }
}

/// Extended thinking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Thinking {
    /// Think, with up to `budget_tokens` (Anthropic's models want at least 1024, below
    /// `max_tokens` unless thinking is interleaved).
    Enabled {
        /// The thinking budget.
        budget_tokens: u32,
    },
    /// No thinking (overrides effort hints).
    Disabled,
    /// The provider decides (about medium effort).
    Adaptive,
}

string_enum! {
    /// The `output_config.effort` reasoning control.
    pub enum OutputEffort {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
        /// The highest.
        Max = "max",
    }
}

/// `output_config`: a reasoning control (not structured output).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutputConfig {
    /// How hard the model thinks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<OutputEffort>,
    /// Fields this SDK does not know (sent as given).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `POST /messages` request (Anthropic's Messages API, as Naga serves it).
///
/// ```
/// use naga_protocol::{MessageParam, MessagesRequest};
/// let request = MessagesRequest::new("claude-sonnet-4.5", 1024, [MessageParam::user("Hello")])
///     .system("Answer in one sentence.");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessagesRequest {
    /// Model id, e.g. `claude-sonnet-4.5`.
    #[schemars(length(min = 1))]
    pub model: String,
    /// Upper bound for generated tokens, >= 1 (required by this API).
    #[schemars(range(min = 1))]
    pub max_tokens: u32,
    /// The conversation, 1..=100000 messages.
    #[schemars(length(min = 1, max = 100000))]
    pub messages: Vec<MessageParam>,
    /// The system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemPrompt>,
    /// Sampling temperature, 0..=2.
    #[schemars(range(min = 0.0, max = 2.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling, 0..=1.
    #[schemars(range(min = 0.0, max = 1.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Texts that end the answer when generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    /// Tools the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<MessagesTool>>,
    /// Whether and which tool the model must use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<MessagesToolChoice>,
    /// Extended thinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<Thinking>,
    /// Reasoning effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_config: Option<OutputConfig>,
    /// Stream the answer as Anthropic-style events (set by the transports'
    /// `messages_stream`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Body fields this SDK does not know, sent as given. A name this type has as a field
    /// (e.g. `model`) fails [`validate`](Self::validate), so the request is not built: set
    /// that field itself.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl MessagesRequest {
    /// A request for `model`, generating at most `max_tokens`, continuing `messages`.
    pub fn new(
        model: impl Into<String>,
        max_tokens: u32,
        messages: impl IntoIterator<Item = MessageParam>,
    ) -> Self {
        MessagesRequest {
            model: model.into(),
            max_tokens,
            messages: messages.into_iter().collect(),
            system: None,
            temperature: None,
            top_p: None,
            stop_sequences: None,
            tools: None,
            tool_choice: None,
            thinking: None,
            output_config: None,
            stream: None,
            extra: Map::new(),
        }
    }

    /// Sets the system prompt.
    #[must_use]
    pub fn system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(SystemPrompt::Text(system.into()));
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

    /// Adds a stop sequence.
    #[must_use]
    pub fn stop_sequence(mut self, stop: impl Into<String>) -> Self {
        self.stop_sequences.get_or_insert_with(Vec::new).push(stop.into());
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn tool(mut self, tool: MessagesTool) -> Self {
        self.tools.get_or_insert_with(Vec::new).push(tool);
        self
    }

    /// Sets the tools the model may use (replacing any set before).
    #[must_use]
    pub fn tools(mut self, tools: impl IntoIterator<Item = MessagesTool>) -> Self {
        self.tools = Some(tools.into_iter().collect());
        self
    }

    /// Sets the tool choice.
    #[must_use]
    pub fn tool_choice(mut self, choice: MessagesToolChoice) -> Self {
        self.tool_choice = Some(choice);
        self
    }

    /// Sets extended thinking.
    #[must_use]
    pub fn thinking(mut self, thinking: Thinking) -> Self {
        self.thinking = Some(thinking);
        self
    }

    /// Sets the reasoning effort.
    #[must_use]
    pub fn effort(mut self, effort: OutputEffort) -> Self {
        self.output_config.get_or_insert_with(OutputConfig::default).effort = Some(effort);
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
    pub fn as_streaming(&self) -> Cow<'_, MessagesRequest> {
        crate::operation::streaming_request(self, self.stream, |copy| copy.stream = Some(true))
    }

    /// Continues a tool loop: appends the answer as an assistant message (its thinking and
    /// tool calls replayed unchanged) and one user message with a `tool_result` block per
    /// `(tool_use_id, result)`, in the order given.
    pub fn push_tool_results<I, Id, Output>(&mut self, answer: &MessagesResponse, results: I)
    where
        I: IntoIterator<Item = (Id, Output)>,
        Id: Into<String>,
        Output: Into<String>,
    {
        self.messages.push(MessageParam::assistant(answer.content.clone()));
        let blocks = results.into_iter().map(|(id, output)| ContentBlock::tool_result(id, output));
        self.messages.push(MessageParam::user(blocks.collect::<Vec<_>>()));
    }
}

impl crate::operation::Operation for MessagesRequest {
    type Output = MessagesResponse;

    const NAME: &'static str = "message";

    fn method(&self) -> http::Method {
        http::Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/messages")
    }

    fn body(&self) -> Result<Option<Bytes>, crate::Error> {
        self.validate()?;
        crate::operation::json_body(self)
    }

    fn is_streaming(&self) -> bool {
        self.stream == Some(true)
    }

    /// The message; a body of server-sent events (a server streaming although `stream`
    /// was not asked for) is added up into the same message.
    fn decode_output(body: &[u8]) -> Result<MessagesResponse, crate::Error> {
        or_event_stream::<MessageStream, MessageAccumulator>(body, |json| {
            let has_error = |answer: &MessagesResponse| {
                answer.extra.get("error").is_some_and(crate::chat::stream::is_error_value)
            };
            crate::operation::unless_error_body(json, decode_json(Self::NAME, json), has_error)
        })
    }
}
