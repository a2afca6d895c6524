//! Chainable setters for [`ChatRequest`]. None of them panics; `validate` checks ranges.

use serde_json::Value;

use super::format::ResponseFormat;
use super::message::Message;
use super::request::{
    ChatRequest, ImageConfig, ReasoningEffort, Stop, StreamOptions, WebSearchOptions,
};
use super::tool::{Tool, ToolChoice};

impl ChatRequest {
    /// Appends a message.
    #[must_use]
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Sets the tools the model may call (replacing any set before; none leaves the field
    /// unset).
    #[must_use]
    pub fn tools(mut self, tools: impl IntoIterator<Item = Tool>) -> Self {
        let tools: Vec<Tool> = tools.into_iter().collect();
        // No tools is no `tools` field: OpenAI refuses an empty list.
        self.tools = Some(tools).filter(|tools| !tools.is_empty());
        self
    }

    /// Adds one tool the model may call (after those set before).
    ///
    /// ```
    /// use naga_protocol::{ChatRequest, Message, Tool};
    /// let weather = Tool::function_value("get_weather", "Weather in a city", serde_json::json!({"type": "object"}));
    /// let clock = Tool::function_value("get_time", "Time in a city", serde_json::json!({"type": "object"}));
    /// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]).tool(weather).tool(clock);
    /// let names: Vec<_> = request.tools.iter().flatten().map(|t| t.function.name.as_str()).collect();
    /// assert_eq!(names, ["get_weather", "get_time"]);
    /// ```
    #[must_use]
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.get_or_insert_with(Vec::new).push(tool);
        self
    }

    /// Sets the tool choice.
    #[must_use]
    pub fn tool_choice(mut self, choice: impl Into<ToolChoice>) -> Self {
        self.tool_choice = Some(choice.into());
        self
    }

    /// Sets the response format.
    #[must_use]
    pub fn response_format(mut self, format: ResponseFormat) -> Self {
        self.response_format = Some(format);
        self
    }

    /// Sets the temperature (0..=2).
    #[must_use]
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Sets top_p (0..=1).
    #[must_use]
    pub fn top_p(mut self, top_p: f64) -> Self {
        self.top_p = Some(top_p);
        self
    }

    /// Asks for (or against) a streamed answer.
    #[must_use]
    pub fn stream(mut self, stream: bool) -> Self {
        self.stream = Some(stream);
        self
    }

    /// Streams and asks for the usage trailer chunk (`stream_options.include_usage`).
    #[must_use]
    pub fn stream_with_usage(mut self) -> Self {
        self.stream = Some(true);
        self.stream_options = Some(StreamOptions { include_usage: Some(true) });
        self
    }

    /// Sets the stream options (only valid with `stream(true)`).
    #[must_use]
    pub fn stream_options(mut self, options: StreamOptions) -> Self {
        self.stream_options = Some(options);
        self
    }

    /// Sets stop sequences: a string, a `Vec<String>` or an array of `&str`.
    #[must_use]
    pub fn stop(mut self, stop: impl Into<Stop>) -> Self {
        self.stop = Some(stop.into());
        self
    }

    /// Sets the output token cap (at least 1).
    #[must_use]
    pub fn max_completion_tokens(mut self, tokens: u32) -> Self {
        self.max_completion_tokens = Some(tokens);
        self
    }

    /// Sets the reasoning effort.
    #[must_use]
    pub fn reasoning_effort(mut self, effort: ReasoningEffort) -> Self {
        self.reasoning_effort = Some(effort);
        self
    }

    /// Sets the presence penalty (-2..=2).
    #[must_use]
    pub fn presence_penalty(mut self, penalty: f64) -> Self {
        self.presence_penalty = Some(penalty);
        self
    }

    /// Sets the frequency penalty (-2..=2).
    #[must_use]
    pub fn frequency_penalty(mut self, penalty: f64) -> Self {
        self.frequency_penalty = Some(penalty);
        self
    }

    /// Sets the logit bias from (token id, bias) pairs.
    #[must_use]
    pub fn logit_bias(mut self, bias: impl IntoIterator<Item = (String, f64)>) -> Self {
        self.logit_bias = Some(bias.into_iter().collect());
        self
    }

    /// Allows or forbids parallel tool calls.
    #[must_use]
    pub fn parallel_tool_calls(mut self, parallel: bool) -> Self {
        self.parallel_tool_calls = Some(parallel);
        self
    }

    /// Sets the predicted output (sent as given).
    #[must_use]
    pub fn prediction(mut self, prediction: Value) -> Self {
        self.prediction = Some(prediction);
        self
    }

    /// Enables web search with these options (`WebSearchOptions::default()` sends `{}`).
    #[must_use]
    pub fn web_search_options(mut self, options: WebSearchOptions) -> Self {
        self.web_search_options = Some(options);
        self
    }

    /// Sets the image output options.
    #[must_use]
    pub fn image_config(mut self, config: ImageConfig) -> Self {
        self.image_config = Some(config);
        self
    }

    /// Adds a body field this SDK does not know, sent as given. A name this request has as a
    /// field (e.g. `temperature`) makes [`validate`](Self::validate), and so building the
    /// request, fail with [`Error::InvalidRequest`](crate::Error::InvalidRequest) on
    /// `extra.<name>`: set that field itself.
    ///
    /// ```
    /// use naga_protocol::{ChatRequest, Error, Message};
    /// use serde_json::json;
    /// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]);
    /// assert!(request.clone().extra_field("top_k", json!(40)).validate().is_ok());
    /// let Err(Error::InvalidRequest { field, .. }) =
    ///     request.extra_field("temperature", json!(5)).validate()
    /// else { panic!("a typed field repeated in `extra` must be refused") };
    /// assert_eq!(field, "extra.temperature");
    /// ```
    #[must_use]
    pub fn extra_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }
}
