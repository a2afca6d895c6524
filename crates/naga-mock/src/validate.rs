//! Validation of chat completion requests, written against the API digest (§2.1), not the
//! SDK's types: this is the test oracle.

use serde_json::{Map, Value};

use crate::validate_extras::validate_openai_extras;
use crate::validate_messages::{valid_function_name, validate_messages, validate_tools};

/// The documented `reasoning_effort` values.
pub(crate) const REASONING_EFFORTS: [&str; 6] =
    ["none", "minimal", "low", "medium", "high", "xhigh"];

/// A validation failure: the message of a 400 `invalid_request_error`.
pub(crate) type Invalid = String;

/// Checks a chat completion body; returns the request object when it is valid.
pub(crate) fn validate_chat(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    let req = json_object_body(body)?;
    validate_model(&req)?;
    validate_messages(req.get("messages"))?;
    validate_sampling(&req)?;
    validate_max_tokens(&req)?;
    validate_reasoning(&req)?;
    validate_stream(&req)?;
    validate_stop(&req)?;
    validate_response_format(req.get("response_format"))?;
    validate_tools(&req)?;
    validate_openai_extras(&req)?;
    Ok(req)
}

/// The body as a JSON object.
pub(crate) fn json_object_body(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("request body is not valid JSON: {err}"))?;
    match value {
        Value::Object(req) => Ok(req),
        _ => Err("request body must be a JSON object".to_owned()),
    }
}

/// `model`: a non-empty string.
pub(crate) fn validate_model(req: &Map<String, Value>) -> Result<(), Invalid> {
    match req.get("model") {
        None | Some(Value::Null) => Err("`model` is required".to_owned()),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err("`model` must not be empty".to_owned())
        }
        Some(Value::String(_)) => Ok(()),
        Some(other) => Err(format!("`model` must be a string, got {}", kind(other))),
    }
}

fn validate_sampling(req: &Map<String, Value>) -> Result<(), Invalid> {
    check_range(req, "temperature", 0.0, 2.0)?;
    check_range(req, "top_p", 0.0, 1.0)?;
    check_range(req, "presence_penalty", -2.0, 2.0)?;
    check_range(req, "frequency_penalty", -2.0, 2.0)?;
    match req.get("logit_bias") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(map)) => match map.iter().find(|(_, v)| !v.is_number()) {
            Some((k, _)) => Err(format!("`logit_bias.{k}` must be a number")),
            None => Ok(()),
        },
        Some(other) => Err(format!("`logit_bias` must be an object, got {}", kind(other))),
    }
}

/// `req[field]`: absent, null, or a number in `min..=max`.
pub(crate) fn check_range(
    req: &Map<String, Value>,
    field: &str,
    min: f64,
    max: f64,
) -> Result<(), Invalid> {
    match req.get(field) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if x >= min && x <= max => Ok(()),
            _ => Err(format!("`{field}` must be between {min} and {max}, got {n}")),
        },
        Some(other) => Err(format!("`{field}` must be a number, got {}", kind(other))),
    }
}

/// `max_completion_tokens`, and OpenAI's older `max_tokens` (which Naga does not document
/// but OpenAI-compatible clients still send): each absent, null or an integer >= 1.
fn validate_max_tokens(req: &Map<String, Value>) -> Result<(), Invalid> {
    check_positive(req, "max_completion_tokens")?;
    check_positive(req, "max_tokens")
}

/// `req[field]`: absent, null, or an integer >= 1.
pub(crate) fn check_positive(req: &Map<String, Value>, field: &str) -> Result<(), Invalid> {
    match req.get(field) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|x| x >= 1) => Ok(()),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
            Err(format!("`{field}` must be at least 1, got {n}"))
        }
        Some(other) => Err(format!("`{field}` must be an integer >= 1, got {other}")),
    }
}

fn validate_reasoning(req: &Map<String, Value>) -> Result<(), Invalid> {
    check_one_of("reasoning_effort", req.get("reasoning_effort"), &REASONING_EFFORTS)
}

/// `value` (the field at path `field`): absent, null, or one of the strings `allowed`.
pub(crate) fn check_one_of(
    field: &str,
    value: Option<&Value>,
    allowed: &[&str],
) -> Result<(), Invalid> {
    match value {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(()),
        Some(other) => Err(format!("`{field}` must be one of {}, got {other}", allowed.join("|"))),
    }
}

/// `value` (the field at path `field`): absent, null, or a value of the kind `ok` accepts
/// (`kind_name` says which, e.g. "a boolean").
pub(crate) fn check_kind(
    field: &str,
    value: Option<&Value>,
    ok: fn(&Value) -> bool,
    kind_name: &str,
) -> Result<(), Invalid> {
    match value {
        Some(v) if !v.is_null() && !ok(v) => {
            Err(format!("`{field}` must be {kind_name}, got {}", kind(v)))
        }
        _ => Ok(()),
    }
}

fn validate_stream(req: &Map<String, Value>) -> Result<(), Invalid> {
    let stream = match req.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(format!("`stream` must be a boolean, got {}", kind(other))),
    };
    let field = "parallel_tool_calls";
    check_kind(field, req.get(field), Value::is_boolean, "a boolean")?;
    match req.get("stream_options") {
        None | Some(Value::Null) => Ok(()),
        Some(_) if !stream => {
            Err("`stream_options` is only allowed when `stream` is true".to_owned())
        }
        Some(Value::Object(opts)) => match opts.get("include_usage") {
            None | Some(Value::Null | Value::Bool(_)) => Ok(()),
            Some(v) => Err(format!("`stream_options.include_usage` must be a boolean, got {v}")),
        },
        Some(other) => Err(format!("`stream_options` must be an object, got {}", kind(other))),
    }
}

fn validate_stop(req: &Map<String, Value>) -> Result<(), Invalid> {
    match req.get("stop") {
        None | Some(Value::Null | Value::String(_)) => Ok(()),
        Some(Value::Array(items)) => match items.iter().position(|v| !v.is_string()) {
            Some(i) => Err(format!("`stop[{i}]` must be a string")),
            None => Ok(()),
        },
        Some(other) => {
            Err(format!("`stop` must be a string or an array of strings, got {}", kind(other)))
        }
    }
}

fn validate_response_format(format: Option<&Value>) -> Result<(), Invalid> {
    let format = match format {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(f)) => f,
        Some(other) => {
            return Err(format!("`response_format` must be an object, got {}", kind(other)));
        }
    };
    match format.get("type").and_then(Value::as_str) {
        Some("text" | "json_object") => Ok(()),
        Some("json_schema") => validate_json_schema_format(format.get("json_schema")),
        _ => Err(format!(
            "`response_format.type` must be one of text|json_object|json_schema, got {}",
            format.get("type").map_or_else(|| "nothing".to_owned(), Value::to_string)
        )),
    }
}

fn validate_json_schema_format(spec: Option<&Value>) -> Result<(), Invalid> {
    let Some(Value::Object(spec)) = spec else {
        return Err("`response_format.json_schema` must be an object".to_owned());
    };
    match spec.get("name") {
        // OpenAI's rule for schema names is its rule for function names.
        Some(Value::String(name)) if valid_function_name(name) => {}
        _ => {
            return Err("`response_format.json_schema.name` must be 1 to 64 of a-z, A-Z, 0-9, \
                        `_` and `-`"
                .to_owned());
        }
    }
    match spec.get("schema") {
        None | Some(Value::Null | Value::Object(_) | Value::Bool(_)) => Ok(()),
        Some(other) => Err(format!(
            "`response_format.json_schema.schema` must be a JSON Schema object, got {}",
            kind(other)
        )),
    }
}

/// `value` (the field at path `field`): absent or null (no items), or an array.
pub(crate) fn optional_array<'a>(
    field: &str,
    value: Option<&'a Value>,
) -> Result<&'a [Value], Invalid> {
    match value {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(format!("`{field}` must be an array, got {}", kind(other))),
    }
}

/// The JSON type name of `value`, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
