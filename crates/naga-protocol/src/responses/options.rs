//! Request options of the Responses API: tools, tool choice, output format, reasoning.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::chat::{FunctionDefinition, JsonSchemaFormat, ReasoningEffort, ToolChoiceMode};
use crate::lenient::{is_empty_map, string_enum};
use crate::structured::{StructuredError, schema_name, strict_schema};

/// A tool the model may use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseTool {
    /// A function the caller runs: `{"type":"function","name",...}` (flat, unlike chat).
    Function(FunctionDefinition),
    /// Web search run by the server (`{"type":"web_search"}` plus options).
    WebSearch(Map<String, Value>),
    /// Any other tool (`file_search`, `code_interpreter`, `mcp`, `image_generation`, ...),
    /// sent as given, `type` included; availability depends on the model.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

impl ResponseTool {
    /// A function tool with a JSON Schema for its arguments.
    pub fn function_value(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
    ) -> Self {
        ResponseTool::Function(FunctionDefinition {
            name: name.into(),
            description: Some(description.into()),
            parameters: Some(parameters),
            strict: None,
        })
    }

    /// A function tool whose arguments are shaped like `Args` (its strict schema, with
    /// `strict: true`); read a call's arguments back with
    /// [`FunctionCallItem::arguments`](crate::FunctionCallItem::arguments).
    pub fn function<Args: JsonSchema + ?Sized>(
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<Self, StructuredError> {
        let mut tool = Self::function_value(name, description, strict_schema::<Args>()?);
        if let ResponseTool::Function(function) = &mut tool {
            function.strict = Some(true);
        }
        Ok(tool)
    }

    /// Server-side web search with its default options.
    pub fn web_search() -> Self {
        ResponseTool::WebSearch(Map::new())
    }

    /// The function's name, for a function tool.
    pub fn function_name(&self) -> Option<&str> {
        match self {
            ResponseTool::Function(function) => Some(&function.name),
            _ => None,
        }
    }
}

/// Whether and which tool the model must use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ResponseToolChoice {
    /// `auto`, `none` or `required`.
    Mode(ToolChoiceMode),
    /// One named function: `{"type":"function","name":"..."}`.
    Function(NamedFunction),
    /// A choice of a shape this SDK has no type for (a hosted tool, e.g.
    /// `{"type":"web_search_preview"}`), sent as given; it must have a `type`.
    Other(Map<String, Value>),
}

impl ResponseToolChoice {
    /// Forces the function `name`.
    pub fn function(name: impl Into<String>) -> Self {
        ResponseToolChoice::Function(NamedFunction {
            kind: FunctionTag::Function,
            name: name.into(),
        })
    }
}

impl From<ToolChoiceMode> for ResponseToolChoice {
    fn from(mode: ToolChoiceMode) -> Self {
        ResponseToolChoice::Mode(mode)
    }
}

/// A forced function of [`ResponseToolChoice::Function`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NamedFunction {
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: FunctionTag,
    /// The function's name (one of the request's function tools).
    pub name: String,
}

/// The `type` of a [`NamedFunction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FunctionTag {
    /// `function`.
    Function,
}

/// The `text` option: the output's format and verbosity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TextOptions {
    /// Free text, any JSON object, or JSON matching a schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<TextFormat>,
    /// How long-winded the answer is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verbosity: Option<Verbosity>,
    /// Fields this SDK does not know (sent as given).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// What shape the output text must have (the Responses API puts the schema's fields next to
/// `type`, unlike chat's `response_format`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TextFormat {
    /// Free text (the default).
    Text,
    /// Any valid JSON object.
    JsonObject,
    /// JSON valid against a named schema.
    JsonSchema(JsonSchemaFormat),
    /// A format this SDK does not know, kept verbatim (including its `type`).
    #[serde(untagged)]
    Other(Map<String, Value>),
}

impl TextFormat {
    /// JSON shaped like `T`: its strict schema, named after the type, `strict: true`; read
    /// the answer back with [`ResponseObject::parse`](crate::ResponseObject::parse).
    pub fn json_schema<T: JsonSchema + ?Sized>() -> Result<Self, StructuredError> {
        Ok(TextFormat::JsonSchema(JsonSchemaFormat {
            name: schema_name::<T>(),
            description: None,
            schema: Some(strict_schema::<T>()?),
            strict: Some(true),
        }))
    }

    /// Replaces the schema name (a `json_schema` format only).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        if let TextFormat::JsonSchema(format) = &mut self {
            format.name = name.into();
        }
        self
    }
}

string_enum! {
    /// How long-winded the output is.
    pub enum Verbosity {
        /// Terse.
        Low = "low",
        /// The default.
        Medium = "medium",
        /// Thorough.
        High = "high",
    }
}

/// The `reasoning` option.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReasoningOptions {
    /// How hard the model thinks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<ReasoningEffort>,
    /// Whether (and how) to return a readable summary of the reasoning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ReasoningSummary>,
    /// Fields this SDK does not know (sent as given).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

string_enum! {
    /// How the reasoning is summarised.
    pub enum ReasoningSummary {
        /// The provider decides.
        Auto = "auto",
        /// Short.
        Concise = "concise",
        /// Long.
        Detailed = "detailed",
    }
}

string_enum! {
    /// What the server does when the input exceeds the context window.
    pub enum Truncation {
        /// Drop items from the start of the conversation.
        Auto = "auto",
        /// Fail with an error (the default).
        Disabled = "disabled",
    }
}
