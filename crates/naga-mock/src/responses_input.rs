//! Validation of a Responses request's `input` (§3.1): a string, or a non-empty array of
//! `message`, `function_call`, `function_call_output` and `reasoning` items.

use serde_json::{Map, Value};

use crate::validate::{Invalid, check_kind, check_one_of, kind};
use crate::validate_messages::{IMAGE_DETAILS, check_audio};

const ROLES: [&str; 4] = ["user", "assistant", "system", "developer"];
const ITEM_STATUSES: [&str; 3] = ["in_progress", "completed", "incomplete"];
/// The parts of a user, system or developer message, and of a `function_call_output`.
const INPUT_PARTS: [&str; 4] = ["input_text", "input_image", "input_file", "input_audio"];
/// An assistant message being replayed may also carry what the model answered.
const ASSISTANT_PARTS: [&str; 6] =
    ["input_text", "input_image", "input_file", "input_audio", "output_text", "refusal"];

/// Checks `input`.
pub(crate) fn validate_input(input: Option<&Value>) -> Result<(), Invalid> {
    let items = match input {
        None | Some(Value::Null) => return Err("`input` is required".to_owned()),
        Some(Value::String(_)) => return Ok(()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(format!(
                "`input` must be a string or an array of items, got {}",
                kind(other)
            ));
        }
    };
    if items.is_empty() {
        return Err("`input` must contain at least one item".to_owned());
    }
    let mut called: Vec<&str> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("input[{i}]");
        let Value::Object(item) = item else {
            return Err(format!("`{at}` must be an object, got {}", kind(item)));
        };
        match item_type(&at, item)? {
            "message" => validate_message(&at, item)?,
            "function_call" => called.push(validate_call(&at, item)?),
            "function_call_output" => validate_call_output(&at, item, &called)?,
            "reasoning" => validate_reasoning_item(&at, item)?,
            other => {
                return Err(format!(
                    "`{at}.type` `{other}` is not an input item type; expected one of message|function_call|function_call_output|reasoning"
                ));
            }
        }
    }
    Ok(())
}

/// The item's `type`; a message may leave it out (openai-python's `EasyInputMessage`).
fn item_type<'a>(at: &str, item: &'a Map<String, Value>) -> Result<&'a str, Invalid> {
    match item.get("type") {
        Some(Value::String(t)) => Ok(t),
        None | Some(Value::Null) if item.contains_key("role") && item.contains_key("content") => {
            Ok("message")
        }
        None | Some(Value::Null) => Err(format!("`{at}.type` is required")),
        Some(other) => Err(format!("`{at}.type` must be a string, got {}", kind(other))),
    }
}

/// `item[field]`: a non-empty string.
pub(crate) fn required_str<'a>(
    at: &str,
    item: &'a Map<String, Value>,
    field: &str,
) -> Result<&'a str, Invalid> {
    match item.get(field) {
        None | Some(Value::Null) => Err(format!("`{at}.{field}` is required")),
        Some(Value::String(s)) if s.is_empty() => Err(format!("`{at}.{field}` must not be empty")),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("`{at}.{field}` must be a string, got {}", kind(other))),
    }
}

/// `item[field]`: absent, null or a string.
pub(crate) fn optional_str(
    at: &str,
    item: &Map<String, Value>,
    field: &str,
) -> Result<(), Invalid> {
    check_kind(&format!("{at}.{field}"), item.get(field), Value::is_string, "a string")
}

fn validate_message(at: &str, item: &Map<String, Value>) -> Result<(), Invalid> {
    let role = required_str(at, item, "role")?;
    if !ROLES.contains(&role) {
        return Err(format!(
            "`{at}.role` has unknown role `{role}`; expected one of {}",
            ROLES.join("|")
        ));
    }
    optional_str(at, item, "id")?;
    check_one_of(&format!("{at}.status"), item.get("status"), &ITEM_STATUSES)?;
    let allowed: &[&str] = if role == "assistant" { &ASSISTANT_PARTS } else { &INPUT_PARTS };
    match item.get("content") {
        None | Some(Value::Null) => Err(format!("`{at}.content` is required")),
        Some(Value::String(_)) => Ok(()),
        Some(Value::Array(parts)) => validate_parts(&format!("{at}.content"), parts, allowed),
        Some(other) => Err(format!(
            "`{at}.content` must be a string or an array of parts, got {}",
            kind(other)
        )),
    }
}

/// A `function_call` item; returns its `call_id`.
fn validate_call<'a>(at: &str, item: &'a Map<String, Value>) -> Result<&'a str, Invalid> {
    let call_id = required_str(at, item, "call_id")?;
    required_str(at, item, "name")?;
    match item.get("arguments") {
        Some(Value::String(_)) => {}
        None | Some(Value::Null) => return Err(format!("`{at}.arguments` is required")),
        Some(other) => {
            return Err(format!(
                "`{at}.arguments` must be a string (JSON text), got {}",
                kind(other)
            ));
        }
    }
    optional_str(at, item, "id")?;
    check_one_of(&format!("{at}.status"), item.get("status"), &ITEM_STATUSES)?;
    Ok(call_id)
}

/// A `function_call_output` item: it answers a `function_call` item before it (the gateway is
/// stateless, so the call must be replayed in the same `input`).
fn validate_call_output(
    at: &str,
    item: &Map<String, Value>,
    called: &[&str],
) -> Result<(), Invalid> {
    let call_id = required_str(at, item, "call_id")?;
    match item.get("output") {
        None | Some(Value::Null) => return Err(format!("`{at}.output` is required")),
        Some(Value::String(_)) => {}
        Some(Value::Array(parts)) => validate_parts(&format!("{at}.output"), parts, &INPUT_PARTS)?,
        Some(other) => {
            return Err(format!(
                "`{at}.output` must be a string or an array of parts, got {}",
                kind(other)
            ));
        }
    }
    if !called.contains(&call_id) {
        return Err(format!(
            "`{at}.call_id` `{call_id}` does not match the `call_id` of any earlier `function_call` item"
        ));
    }
    Ok(())
}

fn validate_reasoning_item(at: &str, item: &Map<String, Value>) -> Result<(), Invalid> {
    optional_str(at, item, "id")?;
    optional_str(at, item, "encrypted_content")?;
    let summary = match item.get("summary") {
        Some(Value::Array(summary)) => summary,
        None | Some(Value::Null) => return Err(format!("`{at}.summary` is required")),
        Some(other) => {
            return Err(format!("`{at}.summary` must be an array, got {}", kind(other)));
        }
    };
    for (j, part) in summary.iter().enumerate() {
        let ok = part.get("type").and_then(Value::as_str) == Some("summary_text")
            && part.get("text").is_some_and(Value::is_string);
        if !ok {
            return Err(format!(
                "`{at}.summary[{j}]` must be {{\"type\":\"summary_text\",\"text\":<string>}}"
            ));
        }
    }
    Ok(())
}

fn validate_parts(at: &str, parts: &[Value], allowed: &[&str]) -> Result<(), Invalid> {
    for (j, part) in parts.iter().enumerate() {
        let at = format!("{at}[{j}]");
        let Value::Object(part) = part else {
            return Err(format!("`{at}` must be an object, got {}", kind(part)));
        };
        let part_type = part.get("type").and_then(Value::as_str).unwrap_or_default();
        if !allowed.contains(&part_type) {
            let got = part.get("type").map_or_else(|| "nothing".to_owned(), Value::to_string);
            return Err(format!("`{at}.type` must be one of {}, got {got}", allowed.join("|")));
        }
        validate_part(&at, part_type, part)?;
    }
    Ok(())
}

fn validate_part(at: &str, part_type: &str, part: &Map<String, Value>) -> Result<(), Invalid> {
    match part_type {
        "input_text" | "output_text" => {
            required_text(at, part, "text")?;
            let annotations = part.get("annotations");
            check_kind(&format!("{at}.annotations"), annotations, Value::is_array, "an array")
        }
        "refusal" => required_text(at, part, "refusal"),
        "input_image" => validate_image(at, part),
        "input_file" => validate_file(at, part),
        _ => {
            let audio = part.get("input_audio");
            let data = audio.and_then(|a| a.get("data")).is_some_and(Value::is_string);
            let format = audio.and_then(|a| a.get("format")).is_some_and(Value::is_string);
            if !(data && format) {
                return Err(format!(
                    "`{at}.input_audio` must be an object with string `data` and `format`"
                ));
            }
            check_audio(&format!("{at}.input_audio"), audio)
        }
    }
}

/// `part[field]`: a string (possibly empty).
pub(crate) fn required_text(
    at: &str,
    part: &Map<String, Value>,
    field: &str,
) -> Result<(), Invalid> {
    match part.get(field) {
        Some(Value::String(_)) => Ok(()),
        None | Some(Value::Null) => Err(format!("`{at}.{field}` is required")),
        Some(other) => Err(format!("`{at}.{field}` must be a string, got {}", kind(other))),
    }
}

/// `input_image`: an `image_url` (http, https or data URL) or a `file_id`; `detail` in
/// `low|high|auto`.
fn validate_image(at: &str, part: &Map<String, Value>) -> Result<(), Invalid> {
    check_one_of(&format!("{at}.detail"), part.get("detail"), &IMAGE_DETAILS)?;
    optional_str(at, part, "file_id")?;
    match part.get("image_url") {
        Some(Value::String(url))
            if ["http://", "https://", "data:"].iter().any(|p| url.starts_with(p)) =>
        {
            Ok(())
        }
        Some(Value::String(_)) => {
            Err(format!("`{at}.image_url` must be an http, https or data: URL"))
        }
        None | Some(Value::Null) if part.get("file_id").is_some_and(Value::is_string) => Ok(()),
        None | Some(Value::Null) => Err(format!("`{at}` needs an `image_url` or a `file_id`")),
        Some(other) => Err(format!("`{at}.image_url` must be a string, got {}", kind(other))),
    }
}

/// `input_file`: a `filename` and the file as `file_data` or at `file_url`.
fn validate_file(at: &str, part: &Map<String, Value>) -> Result<(), Invalid> {
    required_str(at, part, "filename")?;
    optional_str(at, part, "file_data")?;
    optional_str(at, part, "file_url")?;
    let given = |field: &str| part.get(field).is_some_and(Value::is_string);
    if !given("file_data") && !given("file_url") {
        return Err(format!("`{at}` needs `file_data` or `file_url`"));
    }
    Ok(())
}
