//! Validation of `POST /v1/messages` bodies (Anthropic Messages compatibility, §3.2), written
//! against the API digest, not the SDK's types: this is the test oracle.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::responses_input::{required_str, required_text};
use crate::responses_validate::object;
use crate::validate::{
    Invalid, check_kind, check_one_of, check_positive, check_range, json_object_body, kind,
    optional_array, validate_model,
};
use crate::validate_messages::valid_function_name;

/// The fields of Naga's strict Messages schema (§3.2), plus Anthropic's `metadata` and
/// `top_k`, which Anthropic clients send: accepted and ignored. Any other field is a 400
/// (§4 item 6: the schema is documented as strict).
const FIELDS: [&str; 14] = [
    "model",
    "max_tokens",
    "messages",
    "system",
    "stream",
    "temperature",
    "top_p",
    "top_k",
    "stop_sequences",
    "tools",
    "tool_choice",
    "thinking",
    "output_config",
    "metadata",
];

const MAX_MESSAGES: usize = 100_000;
/// The smallest `thinking.budget_tokens` (Anthropic's).
const MIN_THINKING_BUDGET: u64 = 1024;
/// The `output_config.effort` values.
const EFFORTS: [&str; 4] = ["low", "medium", "high", "max"];
const BLOCK_TYPES: &str = "text|image|document|tool_use|tool_result|thinking|redacted_thinking";
const IMAGE_MEDIA_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/// Checks a Messages body; returns the request object when it is valid.
pub(crate) fn validate_messages_request(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    let req = json_object_body(body)?;
    if let Some(field) = req.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!("unknown field `{field}`; the Messages request schema is strict"));
    }
    validate_model(&req)?;
    if req.get("max_tokens").is_none_or(Value::is_null) {
        return Err("`max_tokens` is required".to_owned());
    }
    check_positive(&req, "max_tokens")?;
    let max_tokens = req.get("max_tokens").and_then(Value::as_u64).unwrap_or(0);
    validate_conversation(req.get("messages"))?;
    validate_system(req.get("system"))?;
    check_range(&req, "temperature", 0.0, 2.0)?;
    check_range(&req, "top_p", 0.0, 1.0)?;
    check_kind("top_k", req.get("top_k"), Value::is_u64, "a non-negative integer")?;
    check_kind("stream", req.get("stream"), Value::is_boolean, "a boolean")?;
    check_kind("metadata", req.get("metadata"), Value::is_object, "an object")?;
    validate_stop_sequences(req.get("stop_sequences"))?;
    let tools = validate_tools(req.get("tools"))?;
    validate_tool_choice(req.get("tool_choice"), &tools)?;
    validate_thinking(req.get("thinking"), max_tokens)?;
    if let Some(config) = object("output_config", req.get("output_config"))? {
        if let Some(key) = config.keys().find(|key| *key != "effort") {
            return Err(format!(
                "unknown field `output_config.{key}`; `output_config` holds only `effort` \
                 (this API has no structured-output field: use a tool's `input_schema`)"
            ));
        }
        check_one_of("output_config.effort", config.get("effort"), &EFFORTS)?;
    }
    Ok(req)
}

/// `value` as the text of an error message (`nothing` when absent).
fn got(value: Option<&Value>) -> String {
    value.map_or_else(|| "nothing".to_owned(), Value::to_string)
}

/// `messages`: 1..=100000 user and assistant messages; every `tool_result` answers a
/// `tool_use` of the assistant message just before it.
fn validate_conversation(messages: Option<&Value>) -> Result<(), Invalid> {
    let messages = match messages {
        None | Some(Value::Null) => return Err("`messages` is required".to_owned()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("`messages` must be an array, got {}", kind(other))),
    };
    if messages.is_empty() {
        return Err("`messages` must contain at least one message".to_owned());
    }
    if messages.len() > MAX_MESSAGES {
        return Err(format!(
            "`messages` must contain at most {MAX_MESSAGES} messages, got {}",
            messages.len()
        ));
    }
    // The `tool_use` ids of the message before (empty after a user message).
    let mut called: Vec<&str> = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let at = format!("messages[{i}]");
        let Value::Object(message) = message else {
            return Err(format!("`{at}` must be an object, got {}", kind(message)));
        };
        let assistant = match required_str(&at, message, "role")? {
            "assistant" => true,
            "user" => false,
            other => {
                return Err(format!(
                    "`{at}.role` has unknown role `{other}`; expected one of user|assistant"
                ));
            }
        };
        // Only a final assistant message (a prefill) may be empty.
        let may_be_empty = assistant && i + 1 == messages.len();
        let turn = Turn { at: &at, assistant, may_be_empty };
        called = validate_content(&turn, message.get("content"), &called)?;
    }
    Ok(())
}

/// The message whose content is checked.
struct Turn<'a> {
    at: &'a str,
    assistant: bool,
    may_be_empty: bool,
}

/// A message's `content`: a string or an array of blocks; returns its `tool_use` ids.
fn validate_content<'a>(
    turn: &Turn<'_>,
    content: Option<&'a Value>,
    called: &[&str],
) -> Result<Vec<&'a str>, Invalid> {
    let at = turn.at;
    let empty = match content {
        None | Some(Value::Null) => return Err(format!("`{at}.content` is required")),
        Some(Value::String(text)) => text.is_empty(),
        Some(Value::Array(blocks)) => blocks.is_empty(),
        Some(other) => {
            return Err(format!(
                "`{at}.content` must be a string or an array of content blocks, got {}",
                kind(other)
            ));
        }
    };
    if empty && !turn.may_be_empty {
        return Err(format!("`{at}.content` must not be empty"));
    }
    let blocks = content.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let mut ids = Vec::new();
    for (j, block) in blocks.iter().enumerate() {
        let at = format!("{at}.content[{j}]");
        let (block, block_type) = typed_block(&at, block)?;
        if validate_media_block(&at, block_type, block)? {
            continue;
        }
        match (block_type, turn.assistant) {
            ("tool_use", true) => ids.push(validate_tool_use(&at, block)?),
            ("tool_result", false) => validate_tool_result(&at, block, called)?,
            ("thinking", true) => {
                required_text(&at, block, "thinking")?;
                required_text(&at, block, "signature")?;
            }
            ("redacted_thinking", true) => required_text(&at, block, "data")?,
            ("tool_use" | "thinking" | "redacted_thinking", false) => {
                return Err(format!(
                    "`{at}`: a `{block_type}` block is only allowed in assistant messages"
                ));
            }
            ("tool_result", true) => {
                return Err(format!(
                    "`{at}`: a `tool_result` block is only allowed in user messages"
                ));
            }
            (other, _) => {
                return Err(format!("`{at}.type` must be one of {BLOCK_TYPES}, got \"{other}\""));
            }
        }
    }
    Ok(ids)
}

/// The content block at path `at`: an object with a `type`.
fn typed_block<'a>(
    at: &str,
    block: &'a Value,
) -> Result<(&'a Map<String, Value>, &'a str), Invalid> {
    let Value::Object(block) = block else {
        return Err(format!("`{at}` must be an object, got {}", kind(block)));
    };
    Ok((block, required_str(at, block, "type")?))
}

/// A `text`, `image` or `document` block (allowed in any message and inside a
/// `tool_result`): true when it is one (and valid), false for other types.
fn validate_media_block(
    at: &str,
    block_type: &str,
    block: &Map<String, Value>,
) -> Result<bool, Invalid> {
    match block_type {
        "text" => required_text(at, block, "text")?,
        "image" => validate_source(at, block, &["base64", "url"], &IMAGE_MEDIA_TYPES)?,
        "document" => {
            validate_source(at, block, &["base64", "url", "text", "content"], &["application/pdf"])?
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// An image's or document's `source`: one of `kinds`; base64 data of one of `media_types`,
/// an http(s) URL, plain text, or content blocks.
fn validate_source(
    at: &str,
    block: &Map<String, Value>,
    kinds: &[&str],
    media_types: &[&str],
) -> Result<(), Invalid> {
    let at = format!("{at}.source");
    let Some(source) = object(&at, block.get("source"))? else {
        return Err(format!("`{at}` is required"));
    };
    let source_type = required_str(&at, source, "type")?;
    match source_type {
        _ if !kinds.contains(&source_type) => {
            Err(format!("`{at}.type` must be one of {}, got \"{source_type}\"", kinds.join("|")))
        }
        "base64" => {
            check_one_of(&format!("{at}.media_type"), source.get("media_type"), media_types)?;
            required_str(&at, source, "media_type")?;
            let data = required_str(&at, source, "data")?;
            match base64::engine::general_purpose::STANDARD.decode(data) {
                Ok(_) => Ok(()),
                Err(_) => Err(format!("`{at}.data` must be base64 (not a data: URL)")),
            }
        }
        "url" => {
            let url = required_str(&at, source, "url")?;
            if url.starts_with("https://") || url.starts_with("http://") {
                Ok(())
            } else {
                Err(format!("`{at}.url` must be an http or https URL"))
            }
        }
        "text" => required_text(&at, source, "data"),
        _ => match source.get("content") {
            Some(Value::String(_) | Value::Array(_)) => Ok(()),
            other => Err(format!(
                "`{at}.content` must be a string or an array of blocks, got {}",
                got(other)
            )),
        },
    }
}

/// A `tool_use` block: `id`, `name` and an object `input`; returns its id.
fn validate_tool_use<'a>(at: &str, block: &'a Map<String, Value>) -> Result<&'a str, Invalid> {
    let id = required_str(at, block, "id")?;
    required_str(at, block, "name")?;
    match block.get("input") {
        Some(Value::Object(_)) => Ok(id),
        None | Some(Value::Null) => Err(format!("`{at}.input` is required")),
        Some(other) => Err(format!("`{at}.input` must be an object, got {}", kind(other))),
    }
}

/// A `tool_result` block: it answers a `tool_use` of the preceding assistant message
/// (`called`); `content` a string or `text`/`image`/`document` blocks, `is_error` a boolean.
fn validate_tool_result(
    at: &str,
    block: &Map<String, Value>,
    called: &[&str],
) -> Result<(), Invalid> {
    let id = required_str(at, block, "tool_use_id")?;
    check_kind(&format!("{at}.is_error"), block.get("is_error"), Value::is_boolean, "a boolean")?;
    match block.get("content") {
        None | Some(Value::Null | Value::String(_)) => {}
        Some(Value::Array(blocks)) => {
            for (k, inner) in blocks.iter().enumerate() {
                let at = format!("{at}.content[{k}]");
                let (inner, inner_type) = typed_block(&at, inner)?;
                if !validate_media_block(&at, inner_type, inner)? {
                    return Err(format!(
                        "`{at}.type` must be one of text|image|document, got \"{inner_type}\""
                    ));
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "`{at}.content` must be a string or an array of blocks, got {}",
                kind(other)
            ));
        }
    }
    if !called.contains(&id) {
        return Err(format!(
            "`{at}.tool_use_id` `{id}` does not match the `id` of any `tool_use` block in the preceding assistant message"
        ));
    }
    Ok(())
}

/// `system`: a string or an array of `{"type":"text","text"}` blocks.
fn validate_system(system: Option<&Value>) -> Result<(), Invalid> {
    match system {
        None | Some(Value::Null | Value::String(_)) => Ok(()),
        Some(Value::Array(blocks)) => blocks.iter().enumerate().try_for_each(|(i, block)| {
            let text = block.get("type").and_then(Value::as_str) == Some("text")
                && block.get("text").is_some_and(Value::is_string);
            if text {
                Ok(())
            } else {
                Err(format!("`system[{i}]` must be {{\"type\":\"text\",\"text\":<string>}}"))
            }
        }),
        Some(other) => Err(format!(
            "`system` must be a string or an array of text blocks, got {}",
            kind(other)
        )),
    }
}

fn validate_stop_sequences(stops: Option<&Value>) -> Result<(), Invalid> {
    match stops {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Array(items)) => match items.iter().position(|v| !v.is_string()) {
            Some(i) => Err(format!("`stop_sequences[{i}]` must be a string")),
            None => Ok(()),
        },
        Some(other) => {
            Err(format!("`stop_sequences` must be an array of strings, got {}", kind(other)))
        }
    }
}

/// Checks `tools`; returns the names of the client tools (`{name, description?,
/// input_schema}`). Server tools (`{"type":"web_search_20250305","name":"web_search",...}`)
/// are accepted and ignored: the emulated model calls only client tools.
fn validate_tools(tools: Option<&Value>) -> Result<Vec<&str>, Invalid> {
    let tools = optional_array("tools", tools)?;
    let mut names = Vec::new();
    for (i, tool) in tools.iter().enumerate() {
        let at = format!("tools[{i}]");
        let Value::Object(tool) = tool else {
            return Err(format!("`{at}` must be an object, got {}", kind(tool)));
        };
        match tool.get("type") {
            None | Some(Value::Null) => names.push(validate_client_tool(&at, tool)?),
            Some(Value::String(t)) if t == "custom" => names.push(validate_client_tool(&at, tool)?),
            Some(Value::String(t)) if is_server_tool(t) => {
                required_str(&at, tool, "name")?;
            }
            other => {
                return Err(format!(
                    "`{at}.type` must be `custom` or a server tool type such as `web_search_20250305`, got {}",
                    got(other)
                ));
            }
        }
    }
    Ok(names)
}

/// A client tool: `name`, `description?`, `input_schema` (an object); returns its name.
fn validate_client_tool<'a>(at: &str, tool: &'a Map<String, Value>) -> Result<&'a str, Invalid> {
    let name = match tool.get("name").and_then(Value::as_str) {
        Some(name) if valid_function_name(name) => name,
        _ => return Err(format!("`{at}.name` must match ^[a-zA-Z0-9_-]{{1,64}}$")),
    };
    let description = tool.get("description");
    check_kind(&format!("{at}.description"), description, Value::is_string, "a string")?;
    match tool.get("input_schema") {
        Some(Value::Object(_)) => Ok(name),
        None | Some(Value::Null) => Err(format!("`{at}.input_schema` is required")),
        Some(other) => {
            Err(format!("`{at}.input_schema` must be a JSON Schema object, got {}", kind(other)))
        }
    }
}

/// A versioned server tool type, `<name>_<YYYYMMDD>` (`web_search_20250305`).
fn is_server_tool(tool_type: &str) -> bool {
    tool_type.rsplit_once('_').is_some_and(|(name, date)| {
        !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && date.len() == 8
            && date.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `{"type":"auto"|"any"|"none"}` or `{"type":"tool","name"}` naming a client tool
/// (`any` needs one); `disable_parallel_tool_use` a boolean.
fn validate_tool_choice(choice: Option<&Value>, tools: &[&str]) -> Result<(), Invalid> {
    let Some(choice) = object("tool_choice", choice)? else { return Ok(()) };
    let parallel = choice.get("disable_parallel_tool_use");
    check_kind("tool_choice.disable_parallel_tool_use", parallel, Value::is_boolean, "a boolean")?;
    match choice.get("type").and_then(Value::as_str) {
        Some("auto" | "none") => Ok(()),
        Some("any") if !tools.is_empty() => Ok(()),
        Some("any") => {
            Err("`tool_choice` `any` needs at least one tool with an `input_schema` in `tools`"
                .to_owned())
        }
        Some("tool") => match choice.get("name").and_then(Value::as_str) {
            Some(name) if tools.contains(&name) => Ok(()),
            Some(name) => {
                Err(format!("`tool_choice.name` names `{name}`, which is not a tool in `tools`"))
            }
            None => Err("`tool_choice.name` must be a string".to_owned()),
        },
        _ => Err(format!(
            "`tool_choice.type` must be one of auto|any|tool|none, got {}",
            got(choice.get("type"))
        )),
    }
}

/// `{"type":"enabled","budget_tokens"}` (1024 <= budget < `max_tokens`), `disabled` or
/// `adaptive`.
fn validate_thinking(thinking: Option<&Value>, max_tokens: u64) -> Result<(), Invalid> {
    let Some(thinking) = object("thinking", thinking)? else { return Ok(()) };
    match thinking.get("type").and_then(Value::as_str) {
        Some("disabled" | "adaptive") => Ok(()),
        Some("enabled") => {
            let budget = match thinking.get("budget_tokens") {
                None | Some(Value::Null) => {
                    return Err(
                        "`thinking.budget_tokens` is required when `thinking.type` is `enabled`"
                            .to_owned(),
                    );
                }
                Some(value) => value.as_u64().ok_or_else(|| {
                    format!("`thinking.budget_tokens` must be an integer, got {value}")
                })?,
            };
            if budget < MIN_THINKING_BUDGET {
                return Err(format!(
                    "`thinking.budget_tokens` must be at least {MIN_THINKING_BUDGET}, got {budget}"
                ));
            }
            if budget >= max_tokens {
                return Err(format!(
                    "`thinking.budget_tokens` ({budget}) must be less than `max_tokens` ({max_tokens})"
                ));
            }
            Ok(())
        }
        _ => Err(format!(
            "`thinking.type` must be one of enabled|disabled|adaptive, got {}",
            got(thinking.get("type"))
        )),
    }
}
