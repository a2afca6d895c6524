//! Structured outputs and tools from Rust types.
//!
//! What OpenAI's Python and Node SDKs do with pydantic / zod and `.parse()`, for any type that
//! derives [`schemars::JsonSchema`] and [`serde::Deserialize`]:
//!
//! 1. [`strict_schema`] turns the type's JSON Schema into one that strict mode accepts
//!    (closed objects, every property required, no unsupported keywords).
//! 2. The model answers with JSON text; [`parse_json_content`] turns that text (plus the
//!    message's `refusal` and the choice's `finish_reason`) back into the type, or says
//!    precisely why it cannot with a [`ParseError`].
//!
//! On the chat types the same is one call each: `ResponseFormat::json_schema::<T>()`,
//! `Tool::function::<Args>(name, description)`, `ChatCompletion::parse::<T>()` (and on
//! `Choice` / `ResponseMessage`), `ToolCall::arguments::<Args>()`, and
//! `ChatRequest::push_tool_results` to continue a tool loop.
//!
//! ```
//! use naga_protocol::{parse_json_content, strict_schema, schema_name};
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//!
//! /// A calendar event.
//! #[derive(Debug, Deserialize, JsonSchema, PartialEq)]
//! struct CalendarEvent {
//!     name: String,
//!     /// Where it happens, when known.
//!     place: Option<String>,
//! }
//!
//! let schema = strict_schema::<CalendarEvent>()?;
//! assert_eq!(schema["required"], serde_json::json!(["name", "place"]));
//! assert_eq!(schema["additionalProperties"], false);
//! assert_eq!(schema_name::<CalendarEvent>(), "CalendarEvent");
//!
//! let event: CalendarEvent =
//!     parse_json_content(Some(r#"{"name":"Standup","place":null}"#), None, Some("stop"))?;
//! assert_eq!(event, CalendarEvent { name: "Standup".into(), place: None });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chat;
mod parse;
mod refs;
mod strict;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde_json::Value;

pub(crate) use parse::parse_json;
pub use parse::{ParseError, parse_json_content};

/// Keywords kept in a strict schema; every other keyword is removed.
///
/// This is the subset OpenAI's structured-outputs guide lists as supported in strict mode
/// (Naga forwards strict schemas to the model's provider, and OpenAI's subset is the common
/// denominator): `type`, `properties`, `required`, `additionalProperties`, `enum`, `anyOf`,
/// `items`, `$ref`, `description`; for strings `pattern` and `format` (only the formats in
/// [`STRICT_FORMATS`]); for numbers `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum`, `multipleOf`; for arrays `minItems`, `maxItems`. `$defs` and
/// `definitions` are kept at the root only. Removed, among others: `$schema`, `title`,
/// `default`, `examples`, `minLength`, `maxLength`, `uniqueItems`, `readOnly`, `deprecated`.
/// `oneOf` is rewritten to `anyOf` and `const` to a one-value `enum` before filtering.
pub const STRICT_KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "anyOf",
    "items",
    "$ref",
    "description",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

/// String `format`s kept in a strict schema (OpenAI's documented list); others are removed,
/// including schemars' numeric formats such as `int32`, `uint8` and `double`.
pub const STRICT_FORMATS: &[&str] =
    &["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"];

/// Keywords whose meaning strict mode cannot express and that cannot be dropped without
/// letting the model produce values the Rust type rejects; meeting one is an error.
pub const REJECTED_KEYWORDS: &[&str] =
    &["allOf", "not", "if", "then", "else", "patternProperties", "prefixItems", "dependentSchemas"];

/// Why a JSON Schema cannot be made strict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StructuredError {
    /// Strict mode needs an object at the root (wrap enums, lists and scalars in a struct).
    #[error("the root of a strict schema must be an object, found {found}")]
    RootNotObject {
        /// What the root was, e.g. `type "array"` or `anyOf`.
        found: String,
    },
    /// An object with free-form keys (a map such as `HashMap<String, T>` or
    /// `serde_json::Map`); strict mode needs every key named in advance.
    #[error(
        "`{path}` is an object with free-form keys (a map); strict mode needs named properties"
    )]
    OpenObject {
        /// JSON Pointer of the subschema, e.g. `#/properties/labels`.
        path: String,
    },
    /// A schema that accepts any JSON value (e.g. `serde_json::Value`).
    #[error("`{path}` accepts any JSON value; strict mode needs a type")]
    AnyValue {
        /// JSON Pointer of the subschema.
        path: String,
    },
    /// A keyword from [`REJECTED_KEYWORDS`] (or a schema shape) strict mode cannot express.
    #[error("`{path}` uses `{keyword}`, which strict mode does not support")]
    Unsupported {
        /// JSON Pointer of the subschema.
        path: String,
        /// The keyword, e.g. `prefixItems` (tuples) or `allOf`.
        keyword: String,
    },
}

/// The strict-mode JSON Schema of `T`, ready for `response_format` or a tool's `parameters`.
///
/// Generated for deserialization (draft 2020-12) and rewritten by [`strict_schema_for`].
pub fn strict_schema<T: JsonSchema + ?Sized>() -> Result<Value, StructuredError> {
    let settings = SchemaSettings::draft2020_12().for_deserialize().with(|s| s.meta_schema = None);
    strict_schema_for(settings.into_generator().into_root_schema_for::<T>())
}

/// Rewrites any root JSON Schema into one that strict mode accepts.
///
/// - Every object is closed (`additionalProperties: false`) and lists every property in
///   `required` (schema order first, then the rest). A property that was optional and
///   already accepts `null` (an `Option<T>`) stays nullable. One that was optional but does
///   not accept `null` (a `#[serde(default)]` field) becomes required *without* adding
///   `null`, because serde would reject a `null` there: the model always supplies a value.
/// - `$ref`s stay references, with definitions under `$defs` at the root (strict mode
///   accepts `$defs`, `$ref` and recursion, including `"$ref": "#"`); definitions no longer
///   referenced are dropped. A `$ref` with sibling keywords (a doc-commented field of a
///   struct type) is replaced by a copy of its definition with the siblings merged in, since
///   strict mode rejects siblings next to `$ref` (for a recursive reference the siblings are
///   dropped instead).
/// - `oneOf` becomes `anyOf`, `const` becomes a one-value `enum`; unsupported keywords are
///   removed (see [`STRICT_KEYWORDS`], [`STRICT_FORMATS`]).
/// - Maps, any-value schemas, tuples and [`REJECTED_KEYWORDS`] are errors, as is a root that
///   is not an object. A bare `{"type": "object"}` (what a struct without fields derives, e.g.
///   the arguments of a tool that takes none) becomes a closed object without properties.
///
/// Not checked: OpenAI's size limits (nesting depth, total properties, enum sizes).
pub fn strict_schema_for(schema: Schema) -> Result<Value, StructuredError> {
    strict::make_strict(schema.to_value())
}

/// The name of `T` for `response_format.json_schema.name` or a tool: schemars' name with
/// every character outside `[a-zA-Z0-9_-]` replaced by `_`, cut to 64 characters.
pub fn schema_name<T: JsonSchema + ?Sized>() -> String {
    sanitize_name(&T::schema_name())
}

/// Makes `raw` a valid schema or tool name (`[a-zA-Z0-9_-]{1,64}`).
pub(crate) fn sanitize_name(raw: &str) -> String {
    let name: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .take(64)
        .collect();
    if name.is_empty() { "schema".to_owned() } else { name }
}
