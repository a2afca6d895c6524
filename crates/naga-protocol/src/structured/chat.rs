//! Typed helpers on the chat types: schemas from Rust types in, Rust values out.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::parse::parse_json;
use super::{ParseError, StructuredError, parse_json_content, schema_name, strict_schema};
use crate::chat::{
    ChatCompletion, ChatRequest, Choice, FinishReason, Message, ResponseFormat, ResponseMessage,
    Tool, ToolCall,
};

impl ResponseFormat {
    /// `json_schema` output shaped like `T`: its strict schema (see
    /// [`strict_schema`](crate::strict_schema)), named after the type, `strict: true`.
    ///
    /// ```
    /// # use naga_protocol::ResponseFormat;
    /// /// A city and its country.
    /// #[derive(schemars::JsonSchema, serde::Deserialize)]
    /// struct Place { city: String, country: String }
    ///
    /// let format = ResponseFormat::json_schema::<Place>()?.named("place");
    /// let wire = serde_json::to_value(&format)?;
    /// assert_eq!(wire["json_schema"]["name"], "place");
    /// assert_eq!(wire["json_schema"]["strict"], true);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn json_schema<T: JsonSchema + ?Sized>() -> Result<Self, StructuredError> {
        Ok(ResponseFormat::json_schema_value(schema_name::<T>(), strict_schema::<T>()?))
    }

    /// Replaces the schema name (a `json_schema` format only; others are returned as is).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        if let ResponseFormat::JsonSchema { json_schema } = &mut self {
            json_schema.name = name.into();
        }
        self
    }

    /// Sets the schema description the model sees (a `json_schema` format only).
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        if let ResponseFormat::JsonSchema { json_schema } = &mut self {
            json_schema.description = Some(description.into());
        }
        self
    }
}

impl Tool {
    /// A function tool whose arguments are shaped like `Args`: the strict schema of `Args`
    /// as `parameters`, with `strict: true`. Read the model's arguments back with
    /// [`ToolCall::arguments`].
    pub fn function<Args: JsonSchema + ?Sized>(
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<Self, StructuredError> {
        Ok(Tool::function_value(name, description, strict_schema::<Args>()?).strict(true))
    }
}

impl ChatCompletion {
    /// Parses the first choice's content into `T` ([`ParseError::NoChoices`] if there is none).
    ///
    /// ```
    /// use naga_protocol::{ChatCompletion, ChatRequest, Message, ParseError, ResponseFormat};
    ///
    /// /// A city and the country it is in.
    /// #[derive(Debug, PartialEq, schemars::JsonSchema, serde::Deserialize)]
    /// struct Place {
    ///     city: String,
    ///     country: String,
    /// }
    ///
    /// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Where is the Charles Bridge?")])
    ///     .response_format(ResponseFormat::json_schema::<Place>()?);
    /// // ... send it, then parse the answer:
    /// let completion: ChatCompletion = serde_json::from_str(r#"{"choices":[{"index":0,
    ///     "finish_reason":"stop","message":{"role":"assistant",
    ///     "content":"{\"city\":\"Prague\",\"country\":\"Czechia\"}"}}]}"#)?;
    /// let place: Place = completion.parse()?;
    /// assert_eq!(place, Place { city: "Prague".into(), country: "Czechia".into() });
    ///
    /// let refused: ChatCompletion = serde_json::from_str(r#"{"choices":[{"index":0,
    ///     "finish_reason":"stop","message":{"role":"assistant","refusal":"No."}}]}"#)?;
    /// assert_eq!(refused.parse::<Place>(), Err(ParseError::Refusal { refusal: "No.".into() }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ParseError> {
        self.first_choice().ok_or(ParseError::NoChoices)?.parse()
    }
}

impl Choice {
    /// Parses this choice's content into `T`, taking its refusal and finish reason into
    /// account (see [`parse_json_content`] for the order of checks).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ParseError> {
        let finish_reason = self.finish_reason.as_ref().map(FinishReason::as_str);
        let message = &self.message;
        parse_json_content(message.content.as_deref(), message.refusal.as_deref(), finish_reason)
    }
}

impl ResponseMessage {
    /// Parses the content into `T`, honouring a refusal. The message alone has no finish
    /// reason, so truncation shows as [`ParseError::InvalidJson`]; prefer [`Choice::parse`].
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ParseError> {
        parse_json_content(self.content.as_deref(), self.refusal.as_deref(), None)
    }
}

impl ToolCall {
    /// Parses the call's JSON arguments into `Args`: [`ParseError::InvalidJson`] when they
    /// are not JSON, [`ParseError::Mismatch`] (with the path) when they have another shape.
    /// Empty arguments (some providers send `""` for a call without arguments) read as `{}`.
    pub fn arguments<Args: DeserializeOwned>(&self) -> Result<Args, ParseError> {
        let text = self.function.arguments.as_str();
        parse_json(if text.trim().is_empty() { "{}" } else { text })
    }
}

impl ChatRequest {
    /// Continues a tool loop: appends the assistant message (its tool calls and
    /// `reasoning_details` echoed back unchanged) and one `tool` message per
    /// `(tool_call_id, result)`, in the order given.
    pub fn push_tool_results<I, Id, Output>(&mut self, assistant: &ResponseMessage, results: I)
    where
        I: IntoIterator<Item = (Id, Output)>,
        Id: Into<String>,
        Output: Into<String>,
    {
        self.messages.push(assistant.to_message());
        let tool_messages = results.into_iter().map(|(id, output)| Message::tool(id, output));
        self.messages.extend(tool_messages);
    }
}
