//! `response_format`: plain text, any JSON object, or JSON matching a schema.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What shape the model's answer must have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseFormat {
    /// Free text (the default).
    Text,
    /// Any valid JSON object.
    JsonObject,
    /// JSON valid against a schema.
    JsonSchema {
        /// The schema and its name.
        json_schema: JsonSchemaFormat,
    },
    /// A format this SDK does not know, kept verbatim (including its `type`).
    #[serde(untagged)]
    Other(Map<String, Value>),
}

impl ResponseFormat {
    /// JSON matching `schema`, with strict mode on.
    pub fn json_schema_value(name: impl Into<String>, schema: Value) -> Self {
        ResponseFormat::JsonSchema {
            json_schema: JsonSchemaFormat {
                name: name.into(),
                description: None,
                schema: Some(schema),
                strict: Some(true),
            },
        }
    }
}

/// A named JSON Schema for structured output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JsonSchemaFormat {
    /// Name: 1 to 64 of `[a-zA-Z0-9_.:-]` (OpenAI's and Anthropic's models take
    /// `[a-zA-Z0-9_-]` only; `.` and `:` are for the others behind Naga).
    pub name: String,
    /// What the output is, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The JSON Schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
    /// Whether output must match the schema exactly (works best with closed schemas).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}
