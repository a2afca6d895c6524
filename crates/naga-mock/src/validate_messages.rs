//! Validation of `messages`, `tools` and `tool_choice`.

use serde_json::{Map, Value};

use crate::validate::{Invalid, check_one_of, kind, optional_array};

/// Naga documents `system|user|assistant|tool`; `developer` (OpenAI's newer name for
/// `system`, sent by the OpenAI SDKs and many apps) is accepted like OpenAI does.
const ROLES: [&str; 5] = ["system", "developer", "user", "assistant", "tool"];

/// Checks the `messages` array.
pub(crate) fn validate_messages(messages: Option<&Value>) -> Result<(), Invalid> {
    let messages = match messages {
        None | Some(Value::Null) => return Err("`messages` is required".to_owned()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("`messages` must be an array, got {}", kind(other))),
    };
    if messages.is_empty() {
        return Err("`messages` must contain at least one message".to_owned());
    }
    messages.iter().enumerate().try_for_each(|(i, m)| validate_message(i, m))?;
    validate_tool_results(messages)
}

/// Every `tool` message answers a call of an earlier assistant message (§2.2: its
/// `tool_call_id` "must match the assistant `tool_calls[].id`").
fn validate_tool_results(messages: &[Value]) -> Result<(), Invalid> {
    let mut called: Vec<&str> = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let calls = message.get("tool_calls").and_then(Value::as_array).into_iter().flatten();
        called.extend(calls.filter_map(|c| c.get("id").and_then(Value::as_str)));
        if message.get("role").and_then(Value::as_str) != Some("tool") {
            continue;
        }
        let id = message.get("tool_call_id").and_then(Value::as_str).unwrap_or_default();
        if !called.contains(&id) {
            return Err(format!(
                "`messages[{i}].tool_call_id` `{id}` does not match the `id` of any earlier assistant `tool_calls` entry"
            ));
        }
    }
    Ok(())
}

fn validate_message(i: usize, message: &Value) -> Result<(), Invalid> {
    let Value::Object(message) = message else {
        return Err(format!("`messages[{i}]` must be an object, got {}", kind(message)));
    };
    let role = match message.get("role") {
        Some(Value::String(role)) if ROLES.contains(&role.as_str()) => role.as_str(),
        Some(Value::String(role)) => {
            return Err(format!(
                "`messages[{i}].role` has unknown role `{role}`; expected one of {}",
                ROLES.join("|")
            ));
        }
        None | Some(Value::Null) => return Err(format!("`messages[{i}].role` is required")),
        Some(other) => {
            return Err(format!("`messages[{i}].role` must be a string, got {}", kind(other)));
        }
    };
    if let Some(name) = message.get("name").filter(|v| !v.is_null() && !v.is_string()) {
        return Err(format!("`messages[{i}].name` must be a string, got {}", kind(name)));
    }
    let has_tool_calls = validate_tool_calls(i, role, message.get("tool_calls"))?;
    validate_content(i, message.get("content"), role == "assistant" && has_tool_calls)?;
    if role == "tool" {
        match message.get("tool_call_id") {
            Some(Value::String(id)) if !id.is_empty() => {}
            _ => return Err(format!("`messages[{i}].tool_call_id` is required on tool messages")),
        }
    }
    Ok(())
}

fn validate_content(i: usize, content: Option<&Value>, may_be_null: bool) -> Result<(), Invalid> {
    match content {
        None | Some(Value::Null) if may_be_null => Ok(()),
        None | Some(Value::Null) => Err(format!("`messages[{i}].content` is required")),
        Some(Value::String(_)) => Ok(()),
        Some(Value::Array(parts)) => {
            parts.iter().enumerate().try_for_each(|(j, part)| validate_part(i, j, part))
        }
        Some(other) => Err(format!(
            "`messages[{i}].content` must be a string or an array of parts, got {}",
            kind(other)
        )),
    }
}

fn validate_part(i: usize, j: usize, part: &Value) -> Result<(), Invalid> {
    let at = format!("messages[{i}].content[{j}]");
    let Value::Object(part) = part else { return Err(format!("`{at}` must be an object")) };
    let ok = match part.get("type").and_then(Value::as_str) {
        Some("text") => part.get("text").is_some_and(Value::is_string),
        Some("image_url") => nested_str(part, "image_url", "url"),
        Some("file") => part.get("file").is_some_and(Value::is_object),
        Some("input_audio") => nested_str(part, "input_audio", "data"),
        other => {
            return Err(format!(
                "`{at}.type` must be one of text|image_url|file|input_audio, got {}",
                other.unwrap_or("nothing")
            ));
        }
    };
    if !ok {
        return Err(format!("`{at}` is missing its payload for its type"));
    }
    validate_part_options(&at, part)
}

/// The documented values inside a part (§2.2): `image_url.url` an http(s) URL or a `data:`
/// URL of a PNG, JPEG, WebP or GIF image, `image_url.detail` in `low|high|auto`; a file's
/// `file_data` a URL or a PDF `data:` URL; `input_audio.data` raw base64 (not a `data:` URL)
/// and `input_audio.format` in `wav|mp3`.
fn validate_part_options(at: &str, part: &Map<String, Value>) -> Result<(), Invalid> {
    let field = |outer: &str, inner: &str| part.get(outer).and_then(|o| o.get(inner));
    if let Some(url) = field("image_url", "url").and_then(Value::as_str) {
        check_media_url(&format!("{at}.image_url.url"), url, &IMAGE_TYPES)?;
    }
    if let Some(data) = field("file", "file_data").and_then(Value::as_str) {
        check_media_url(&format!("{at}.file.file_data"), data, &["application/pdf"])?;
    }
    let detail = field("image_url", "detail");
    check_one_of(&format!("{at}.image_url.detail"), detail, &IMAGE_DETAILS)?;
    check_audio(&format!("{at}.input_audio"), part.get("input_audio"))
}

/// The image types a part may carry (`image/jpg` is JPEG's common misspelling).
const IMAGE_TYPES: [&str; 5] = ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif"];

/// `url` at path `at`: an http(s) URL, or a `data:` URL of one of `types`.
fn check_media_url(at: &str, url: &str, types: &[&str]) -> Result<(), Invalid> {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(());
    }
    let Some(rest) = lower.strip_prefix("data:") else {
        return Err(format!("`{at}` must be an http(s) URL or a data: URL"));
    };
    let media_type = rest.split([';', ',']).next().unwrap_or_default().trim();
    if types.contains(&media_type) {
        return Ok(());
    }
    Err(format!("`{at}` must be a data: URL of {}, not `{media_type}`", types.join(", ")))
}

/// The documented `detail` values of an image part.
pub(crate) const IMAGE_DETAILS: [&str; 3] = ["low", "high", "auto"];

/// An `input_audio` object at path `at` (when it is one): `format` in `wav|mp3`, `data` raw
/// base64 (not a `data:` URL).
pub(crate) fn check_audio(at: &str, audio: Option<&Value>) -> Result<(), Invalid> {
    let field = |name: &str| audio.and_then(|a| a.get(name));
    check_one_of(&format!("{at}.format"), field("format"), &["wav", "mp3"])?;
    if field("data").and_then(Value::as_str).is_some_and(|d| d.starts_with("data:")) {
        return Err(format!("`{at}.data` must be raw base64, not a data: URL"));
    }
    Ok(())
}

fn nested_str(part: &Map<String, Value>, outer: &str, inner: &str) -> bool {
    part.get(outer).and_then(|o| o.get(inner)).is_some_and(Value::is_string)
}

fn validate_tool_calls(i: usize, role: &str, calls: Option<&Value>) -> Result<bool, Invalid> {
    let calls = match calls {
        None | Some(Value::Null) => return Ok(false),
        Some(Value::Array(calls)) if role == "assistant" => calls,
        Some(Value::Array(_)) => {
            return Err(format!(
                "`messages[{i}].tool_calls` is only allowed on assistant messages"
            ));
        }
        Some(other) => {
            return Err(format!(
                "`messages[{i}].tool_calls` must be an array, got {}",
                kind(other)
            ));
        }
    };
    for (j, call) in calls.iter().enumerate() {
        let id_ok = call.get("id").is_some_and(Value::is_string);
        let name_ok =
            call.get("function").and_then(|f| f.get("name")).is_some_and(Value::is_string);
        let args_ok =
            call.get("function").and_then(|f| f.get("arguments")).is_none_or(Value::is_string);
        if !(id_ok && name_ok && args_ok) {
            return Err(format!(
                "`messages[{i}].tool_calls[{j}]` needs a string `id`, `function.name` and `function.arguments`"
            ));
        }
    }
    Ok(!calls.is_empty())
}

/// Checks `tools` and `tool_choice` (a named function must be one of the tools).
pub(crate) fn validate_tools(req: &Map<String, Value>) -> Result<(), Invalid> {
    let names = tool_names(req.get("tools"))?;
    let expected = "none|auto|required or a function object";
    match req.get("tool_choice") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(mode)) => {
            check_choice_mode(mode, !names.is_empty(), "a non-empty `tools`", expected)
        }
        Some(Value::Object(choice)) => {
            let name = choice.get("function").and_then(|f| f.get("name")).and_then(Value::as_str);
            match name {
                Some(name) if names.contains(&name) => Ok(()),
                Some(name) => {
                    Err(format!("`tool_choice.function.name` names unknown function `{name}`"))
                }
                None => Err("`tool_choice.function.name` must be a string".to_owned()),
            }
        }
        Some(other) => Err(format!("`tool_choice` must be {expected}, got {other}")),
    }
}

/// A string `tool_choice`: `none` and `auto`, or `required` when there is a tool to call
/// (`needs` names what is missing otherwise); anything else is not one of `expected`.
pub(crate) fn check_choice_mode(
    mode: &str,
    can_call: bool,
    needs: &str,
    expected: &str,
) -> Result<(), Invalid> {
    match mode {
        "none" | "auto" => Ok(()),
        "required" if can_call => Ok(()),
        "required" => Err(format!("`tool_choice` `required` needs {needs}")),
        other => Err(format!("`tool_choice` must be {expected}, got {}", Value::from(other))),
    }
}

fn tool_names(tools: Option<&Value>) -> Result<Vec<&str>, Invalid> {
    let tools = optional_array("tools", tools)?;
    let mut names = Vec::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        if tool.get("type").and_then(Value::as_str) != Some("function") {
            return Err(format!("`tools[{i}].type` must be `function`"));
        }
        let function = tool.get("function").and_then(Value::as_object);
        let name = function.and_then(|f| f.get("name")).and_then(Value::as_str);
        match name {
            Some(n) if valid_function_name(n) => names.push(n),
            _ => {
                return Err(format!(
                    "`tools[{i}].function.name` must match ^[a-zA-Z0-9_-]{{1,64}}$"
                ));
            }
        }
        match function.and_then(|f| f.get("parameters")) {
            None | Some(Value::Null | Value::Object(_)) => {}
            Some(_) => return Err(format!("`tools[{i}].function.parameters` must be an object")),
        }
    }
    Ok(names)
}

/// Whether `name` matches `^[a-zA-Z0-9_-]{1,64}$`.
pub(crate) fn valid_function_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
