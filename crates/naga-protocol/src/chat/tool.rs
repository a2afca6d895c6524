//! Function tools: definitions, the tool choice, and the calls the model makes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::{is_empty_map, lenient_text_or_empty, null_as_default, string_enum};

string_enum! {
    /// The kind of a tool; only `function` exists today.
    #[derive(Default)]
    pub enum ToolType {
        /// A function tool.
        #[default]
        Function = "function",
    }
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    /// Always `function`.
    #[serde(rename = "type", default)]
    pub kind: ToolType,
    /// The function.
    pub function: FunctionDefinition,
}

impl Tool {
    /// A function tool with a JSON Schema for its arguments.
    pub fn function_value(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
    ) -> Self {
        Tool {
            kind: ToolType::Function,
            function: FunctionDefinition {
                name: name.into(),
                description: Some(description.into()),
                parameters: Some(parameters),
                strict: None,
            },
        }
    }

    /// Sets `strict` (arguments must match the schema exactly).
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.function.strict = Some(strict);
        self
    }
}

/// A function the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FunctionDefinition {
    /// Name: 1 to 64 of `[a-zA-Z0-9_.:-]` (OpenAI's and Anthropic's models take
    /// `[a-zA-Z0-9_-]` only; `.` and `:` are for the others behind Naga).
    pub name: String,
    /// What the function does, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the arguments object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Whether arguments must match the schema exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

string_enum! {
    /// A tool choice given as a string.
    pub enum ToolChoiceMode {
        /// Never call tools.
        None = "none",
        /// The model decides.
        Auto = "auto",
        /// The model must call at least one tool.
        Required = "required",
    }
}

/// Whether and which tool the model must call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ToolChoice {
    /// `"none"`, `"auto"` or `"required"`.
    Mode(ToolChoiceMode),
    /// `{"type": "function", "function": {"name": ...}}`: call this function.
    Named(NamedToolChoice),
    /// A choice of a shape this SDK has no type for (e.g. OpenAI's
    /// `{"type": "allowed_tools", ...}`), sent as given; it must have a `type`.
    Other(Map<String, Value>),
}

impl ToolChoice {
    /// Never call tools.
    pub fn none() -> Self {
        ToolChoice::Mode(ToolChoiceMode::None)
    }

    /// The model decides.
    pub fn auto() -> Self {
        ToolChoice::Mode(ToolChoiceMode::Auto)
    }

    /// The model must call some tool.
    pub fn required() -> Self {
        ToolChoice::Mode(ToolChoiceMode::Required)
    }

    /// The model must call the function `name`.
    pub fn function(name: impl Into<String>) -> Self {
        ToolChoice::Named(NamedToolChoice {
            kind: ToolType::Function,
            function: FunctionName { name: name.into() },
        })
    }
}

impl From<ToolChoiceMode> for ToolChoice {
    fn from(mode: ToolChoiceMode) -> Self {
        ToolChoice::Mode(mode)
    }
}

/// A tool choice naming one function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NamedToolChoice {
    /// Always `function`.
    #[serde(rename = "type", default)]
    pub kind: ToolType,
    /// The function to call.
    pub function: FunctionName,
}

/// A function named by a tool choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FunctionName {
    /// The function's name.
    pub name: String,
}

/// A call the model made; sent back unchanged on the assistant message of a tool loop.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolCall {
    /// The call id; tool results quote it as `tool_call_id`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub kind: ToolType,
    /// The function and its arguments.
    #[serde(default, deserialize_with = "null_as_default")]
    pub function: FunctionCall,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ToolCall {
    /// A function call with its arguments as JSON text.
    pub fn function(
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: impl Into<String>,
    ) -> Self {
        ToolCall {
            id: id.into(),
            kind: ToolType::Function,
            function: FunctionCall { name: name.into(), arguments: arguments.into() },
            extra: Map::new(),
        }
    }
}

/// The function a tool call invokes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FunctionCall {
    /// Function name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Arguments as JSON text (an object sent by a provider is kept as its JSON text).
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub arguments: String,
}
