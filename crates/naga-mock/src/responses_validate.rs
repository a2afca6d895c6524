//! Validation of `POST /v1/responses` bodies, written against the API digest (§3.1), not the
//! SDK's types: this is the test oracle.

use serde_json::{Map, Value};

use crate::responses_input::validate_input;
use crate::validate::{
    Invalid, REASONING_EFFORTS, check_kind, check_one_of, check_positive, check_range,
    json_object_body, kind, optional_array, validate_model,
};
use crate::validate_messages::{check_choice_mode, valid_function_name};

/// The fields of Naga's strict request schema (§3.1).
const FIELDS: [&str; 14] = [
    "model",
    "input",
    "instructions",
    "max_output_tokens",
    "temperature",
    "top_p",
    "parallel_tool_calls",
    "truncation",
    "stream",
    "reasoning",
    "text",
    "tools",
    "tool_choice",
    "previous_response_id",
];

/// OpenAI request fields that Naga's strict schema does not list but that the OpenAI SDKs and
/// apps send (`store`, `metadata`, `include`, ...), plus `stop` and `logit_bias`, which only the
/// old reference lists (§4 item 25). The schema is called strict, yet rejecting what every
/// OpenAI client sends would make the emulator useless to them, so these are accepted and
/// ignored; any other unknown field is a 400 (§4 item 6).
const IGNORED_FIELDS: [&str; 13] = [
    "store",
    "metadata",
    "include",
    "user",
    "service_tier",
    "stream_options",
    "top_logprobs",
    "max_tool_calls",
    "prompt_cache_key",
    "safety_identifier",
    "stop",
    "logit_bias",
    "background",
];

/// The tool types Naga lists besides `function` (§3.1); accepted and ignored (the emulated
/// model calls only function tools).
const HOSTED_TOOLS: [&str; 11] = [
    "web_search",
    "web_search_preview",
    "file_search",
    "computer_use_preview",
    "code_interpreter",
    "mcp",
    "image_generation",
    "local_shell",
    "shell",
    "apply_patch",
    "custom",
];

/// Checks a Responses body; returns the request object when it is valid.
pub(crate) fn validate_responses(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    let req = json_object_body(body)?;
    validate_fields(&req)?;
    validate_model(&req)?;
    validate_input(req.get("input"))?;
    check_kind("instructions", req.get("instructions"), Value::is_string, "a string")?;
    check_positive(&req, "max_output_tokens")?;
    check_range(&req, "temperature", 0.0, 2.0)?;
    check_range(&req, "top_p", 0.0, 1.0)?;
    for field in ["parallel_tool_calls", "stream"] {
        check_kind(field, req.get(field), Value::is_boolean, "a boolean")?;
    }
    check_one_of("truncation", req.get("truncation"), &["auto", "disabled"])?;
    validate_reasoning(req.get("reasoning"))?;
    validate_text(req.get("text"))?;
    let functions = validate_tools(req.get("tools"))?;
    validate_tool_choice(req.get("tool_choice"), &functions)?;
    Ok(req)
}

/// Unknown fields are a 400; so is anything that needs server-side state, which the
/// stateless gateway does not keep (§1.8): a `previous_response_id` or `background: true`.
fn validate_fields(req: &Map<String, Value>) -> Result<(), Invalid> {
    for (field, value) in req {
        let field = field.as_str();
        if field == "previous_response_id" && !value.is_null() {
            return Err("`previous_response_id` is not supported: the gateway is stateless and stores no responses; replay the conversation in `input`".to_owned());
        }
        if field == "background" && !matches!(value, Value::Null | Value::Bool(false)) {
            return Err("`background` must be false: the gateway is stateless and cannot run a response in the background".to_owned());
        }
        if !FIELDS.contains(&field) && !IGNORED_FIELDS.contains(&field) {
            return Err(format!("unknown field `{field}`; the Responses request schema is strict"));
        }
    }
    Ok(())
}

/// An optional object field: `Ok(None)` when absent or null.
pub(crate) fn object<'a>(
    field: &str,
    value: Option<&'a Value>,
) -> Result<Option<&'a Map<String, Value>>, Invalid> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(format!("`{field}` must be an object, got {}", kind(other))),
    }
}

fn validate_reasoning(reasoning: Option<&Value>) -> Result<(), Invalid> {
    let Some(reasoning) = object("reasoning", reasoning)? else { return Ok(()) };
    check_one_of("reasoning.effort", reasoning.get("effort"), &REASONING_EFFORTS)?;
    let summaries = ["auto", "concise", "detailed"];
    check_one_of("reasoning.summary", reasoning.get("summary"), &summaries)
}

fn validate_text(text: Option<&Value>) -> Result<(), Invalid> {
    let Some(text) = object("text", text)? else { return Ok(()) };
    check_one_of("text.verbosity", text.get("verbosity"), &["low", "medium", "high"])?;
    let Some(format) = object("text.format", text.get("format"))? else { return Ok(()) };
    match format.get("type").and_then(Value::as_str) {
        Some("text" | "json_object") => Ok(()),
        Some("json_schema") => validate_json_schema(format),
        _ => Err(format!(
            "`text.format.type` must be one of text|json_object|json_schema, got {}",
            format.get("type").map_or_else(|| "nothing".to_owned(), Value::to_string)
        )),
    }
}

/// `{"type":"json_schema","name","schema","strict"?,"description"?}` (flat, unlike chat's
/// `response_format.json_schema`).
fn validate_json_schema(format: &Map<String, Value>) -> Result<(), Invalid> {
    match format.get("name") {
        Some(Value::String(name)) if valid_function_name(name) => {}
        _ => {
            return Err(
                "`text.format.name` is required and must match ^[a-zA-Z0-9_-]{1,64}$".to_owned()
            );
        }
    }
    if !format.get("schema").is_some_and(Value::is_object) {
        return Err("`text.format.schema` is required and must be a JSON Schema object".to_owned());
    }
    check_kind("text.format.strict", format.get("strict"), Value::is_boolean, "a boolean")?;
    let description = format.get("description");
    check_kind("text.format.description", description, Value::is_string, "a string")
}

/// Checks `tools`; returns the names of the function tools.
fn validate_tools(tools: Option<&Value>) -> Result<Vec<&str>, Invalid> {
    let tools = optional_array("tools", tools)?;
    let mut names = Vec::new();
    for (i, tool) in tools.iter().enumerate() {
        match tool.get("type").and_then(Value::as_str) {
            Some("function") => names.push(validate_function(i, tool)?),
            Some(hosted) if HOSTED_TOOLS.contains(&hosted) => {}
            _ => {
                let got = tool.get("type").map_or_else(|| "nothing".to_owned(), Value::to_string);
                return Err(format!(
                    "`tools[{i}].type` must be one of function|{}, got {got}",
                    HOSTED_TOOLS.join("|")
                ));
            }
        }
    }
    Ok(names)
}

/// A flat function tool `{"type":"function","name","description"?,"parameters"?,"strict"?}`;
/// returns its name.
fn validate_function(i: usize, tool: &Value) -> Result<&str, Invalid> {
    let name = match tool.get("name").and_then(Value::as_str) {
        Some(name) if valid_function_name(name) => name,
        _ => return Err(format!("`tools[{i}].name` must match ^[a-zA-Z0-9_-]{{1,64}}$")),
    };
    let field = |f: &str| (format!("tools[{i}].{f}"), tool.get(f));
    let (at, value) = field("description");
    check_kind(&at, value, Value::is_string, "a string")?;
    let (at, value) = field("parameters");
    check_kind(&at, value, Value::is_object, "an object")?;
    let (at, value) = field("strict");
    check_kind(&at, value, Value::is_boolean, "a boolean")?;
    Ok(name)
}

/// `auto|none|required` (`required` needs tools) or `{"type":"function","name"}` naming a
/// declared function tool.
fn validate_tool_choice(choice: Option<&Value>, functions: &[&str]) -> Result<(), Invalid> {
    let expected = "auto|none|required or {\"type\":\"function\",\"name\"}";
    match choice {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(mode)) => {
            let needs = "at least one function tool in `tools`";
            check_choice_mode(mode, !functions.is_empty(), needs, expected)
        }
        Some(Value::Object(choice)) => {
            if choice.get("type").and_then(Value::as_str) != Some("function") {
                return Err("`tool_choice.type` must be `function`".to_owned());
            }
            match choice.get("name").and_then(Value::as_str) {
                Some(name) if functions.contains(&name) => Ok(()),
                Some(name) => Err(format!(
                    "`tool_choice.name` names `{name}`, which is not a function tool in `tools`"
                )),
                None => Err("`tool_choice.name` must be a string".to_owned()),
            }
        }
        Some(other) => Err(format!("`tool_choice` must be {expected}, got {other}")),
    }
}
