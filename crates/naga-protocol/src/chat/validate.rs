//! `ChatRequest::validate`: the documented rules, checked before anything is sent.

use std::ops::RangeInclusive;

use super::format::ResponseFormat;
use super::message::{Content, ContentPart, Message, Role};
use super::request::ChatRequest;
use super::tool::{ToolChoice, ToolChoiceMode};
use crate::error::Error;
use crate::lenient::check_known;
use crate::operation::{check_extra, check_model};

/// Body fields with a typed home; `extra` must not repeat them (the JSON would have the key
/// twice).
const KNOWN_FIELDS: [&str; 19] = [
    "model",
    "messages",
    "tools",
    "tool_choice",
    "response_format",
    "temperature",
    "top_p",
    "stream",
    "stream_options",
    "stop",
    "max_completion_tokens",
    "reasoning_effort",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "parallel_tool_calls",
    "prediction",
    "web_search_options",
    "image_config",
];

impl ChatRequest {
    /// Checks the documented rules and returns the first violation as
    /// [`Error::InvalidRequest`] naming the field (e.g. `messages[2].tool_call_id`).
    pub fn validate(&self) -> Result<(), Error> {
        check_model(&self.model)?;
        if self.messages.is_empty() {
            return Err(Error::invalid("messages", "must contain at least one message"));
        }
        for (index, message) in self.messages.iter().enumerate() {
            validate_message(index, message)?;
        }
        self.validate_numbers()?;
        if let Some(effort) = &self.reasoning_effort {
            check_known("reasoning_effort", effort)?;
        }
        self.validate_tools()?;
        validate_tool_results(&self.messages)?;
        self.validate_streaming()?;
        match &self.response_format {
            Some(ResponseFormat::JsonSchema { json_schema }) => {
                check_name("response_format.json_schema.name", &json_schema.name)?;
            }
            Some(ResponseFormat::Other(format)) => require_type("response_format.type", format)?,
            _ => {}
        }
        check_extra(self.extra.keys(), &KNOWN_FIELDS)
    }

    fn validate_numbers(&self) -> Result<(), Error> {
        check_range("temperature", self.temperature, 0.0..=2.0)?;
        check_range("top_p", self.top_p, 0.0..=1.0)?;
        check_range("presence_penalty", self.presence_penalty, -2.0..=2.0)?;
        check_range("frequency_penalty", self.frequency_penalty, -2.0..=2.0)?;
        if self.max_completion_tokens == Some(0) {
            return Err(Error::invalid("max_completion_tokens", "must be at least 1"));
        }
        let biases = self.logit_bias.iter().flatten();
        if let Some((token, _)) = biases.into_iter().find(|(_, bias)| !bias.is_finite()) {
            return Err(Error::invalid(format!("logit_bias.{token}"), "must be a finite number"));
        }
        Ok(())
    }

    fn validate_tools(&self) -> Result<(), Error> {
        let tools = self.tools.as_deref().unwrap_or_default();
        for (index, tool) in tools.iter().enumerate() {
            check_name(format!("tools[{index}].function.name"), &tool.function.name)?;
            check_known(format!("tools[{index}].type"), &tool.kind)?;
            let earlier =
                tools.iter().take(index).map(|earlier| Some(earlier.function.name.as_str()));
            check_unique_name(
                format!("tools[{index}].function.name"),
                &tool.function.name,
                earlier,
            )?;
        }
        if tools.is_empty() && self.tools.is_some() {
            return Err(Error::invalid("tools", "must not be an empty list (leave it unset)"));
        }
        match &self.tool_choice {
            Some(ToolChoice::Mode(mode)) => {
                check_known("tool_choice", mode)?;
                if *mode == ToolChoiceMode::Required && tools.is_empty() {
                    return Err(Error::invalid(
                        "tool_choice",
                        "is `required`, but `tools` is empty",
                    ));
                }
            }
            Some(ToolChoice::Named(named)) => {
                let name = &named.function.name;
                if !tools.iter().any(|tool| &tool.function.name == name) {
                    return Err(Error::invalid(
                        "tool_choice.function.name",
                        format!("names `{name}`, which is not one of `tools`"),
                    ));
                }
            }
            Some(ToolChoice::Other(choice)) => require_type("tool_choice.type", choice)?,
            None => {}
        }
        Ok(())
    }

    fn validate_streaming(&self) -> Result<(), Error> {
        if self.stream_options.is_some() && self.stream != Some(true) {
            return Err(Error::invalid(
                "stream_options",
                "is only allowed when `stream` is true (it controls the streamed usage chunk)",
            ));
        }
        Ok(())
    }
}

/// Each tool message answers a tool call of an earlier assistant message (OpenAI refuses one
/// that does not). Not checked once an earlier call has no id (nothing could match it).
fn validate_tool_results(messages: &[Message]) -> Result<(), Error> {
    let turns = messages.iter().enumerate().flat_map(|(index, message)| {
        let calls = message.tool_calls.iter().flatten().map(|call| ToolTurn::Call(&call.id));
        let result = match (&message.role, &message.tool_call_id) {
            (Role::Tool, Some(id)) => Some(ToolTurn::Result(id, index)),
            _ => None,
        };
        calls.chain(result)
    });
    check_results_answer_calls(turns, |index, id| {
        (
            format!("messages[{index}].tool_call_id"),
            format!("is `{id}`, which no earlier assistant message's tool_calls has"),
        )
    })
}

/// A tool call, or a result answering one (its id and where it is), in request order.
#[derive(Debug)]
pub(crate) enum ToolTurn<'a, At> {
    /// A call with this id.
    Call(&'a str),
    /// A result for the call with this id.
    Result(&'a str, At),
}

/// Refuses the first result whose id no earlier call has (`refusal` names its field and
/// says why). A call without an id stops the check: nothing could be matched to it.
pub(crate) fn check_results_answer_calls<'a, At>(
    turns: impl IntoIterator<Item = ToolTurn<'a, At>>,
    refusal: impl FnOnce(At, &str) -> (String, String),
) -> Result<(), Error> {
    let mut called: Vec<&str> = Vec::new();
    for turn in turns {
        match turn {
            ToolTurn::Call(id) if id.trim().is_empty() => return Ok(()),
            ToolTurn::Call(id) => called.push(id),
            ToolTurn::Result(id, at) if !called.contains(&id) => {
                let (field, reason) = refusal(at, id);
                return Err(Error::invalid(field, reason));
            }
            ToolTurn::Result(..) => {}
        }
    }
    Ok(())
}

fn validate_message(index: usize, message: &Message) -> Result<(), Error> {
    check_known(format!("messages[{index}].role"), &message.role)?;
    if message.role != Role::Assistant && message.content.is_none() {
        return Err(Error::invalid(
            format!("messages[{index}].content"),
            "is required (only an assistant message with tool_calls may have none)",
        ));
    }
    if message.role == Role::Tool
        && message.tool_call_id.as_deref().is_none_or(|id| id.trim().is_empty())
    {
        return Err(Error::invalid(
            format!("messages[{index}].tool_call_id"),
            "is required on tool messages (the id of the assistant's tool call)",
        ));
    }
    if message.role == Role::Assistant
        && message.content.is_none()
        && message.tool_calls.as_deref().is_none_or(<[_]>::is_empty)
    {
        return Err(Error::invalid(
            format!("messages[{index}].content"),
            "is required on assistant messages without tool_calls",
        ));
    }
    let Some(Content::Parts(parts)) = &message.content else { return Ok(()) };
    if parts.is_empty() {
        return Err(Error::invalid(
            format!("messages[{index}].content"),
            "must not be an empty list of parts",
        ));
    }
    for (part_index, part) in parts.iter().enumerate() {
        let at = |field: &str| format!("messages[{index}].content[{part_index}].{field}");
        validate_part(part).map_err(|(field, reason)| Error::invalid(at(field), reason))?;
        match part {
            ContentPart::ImageUrl { image_url } => {
                if let Some(detail) = &image_url.detail {
                    check_known(at("image_url.detail"), detail)?;
                }
            }
            ContentPart::InputAudio { input_audio } => {
                check_known(at("input_audio.format"), &input_audio.format)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn validate_part(part: &ContentPart) -> Result<(), (&'static str, &'static str)> {
    let problem = match part {
        ContentPart::ImageUrl { image_url } => {
            image_url_problem(&image_url.url).map(|p| ("image_url.url", p))
        }
        ContentPart::File { file } => {
            pdf_data_problem(&file.file_data).map(|p| ("file.file_data", p))
        }
        ContentPart::InputAudio { input_audio } if is_data_url(&input_audio.data) => {
            Some(("input_audio.data", "must be raw base64, not a data: URI"))
        }
        ContentPart::InputAudio { input_audio } if input_audio.data.trim().is_empty() => {
            Some(("input_audio.data", "must not be empty"))
        }
        ContentPart::Other(part) if !has_type(part) => {
            Some(("type", "is required: a part is one of its types, by its `type`"))
        }
        _ => None,
    };
    problem.map_or(Ok(()), Err)
}

/// The image types Naga takes (API digest §2.2); `image/jpg` is JPEG's common misspelling.
const IMAGE_TYPES: [&str; 5] = ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif"];

/// Whether an object given verbatim names its kind: a non-empty string `type`.
pub(crate) fn has_type(object: &serde_json::Map<String, serde_json::Value>) -> bool {
    object.get("type").and_then(serde_json::Value::as_str).is_some_and(|t| !t.trim().is_empty())
}

/// Refuses an object given verbatim without a `type` (at `field`).
pub(crate) fn require_type(
    field: &'static str,
    object: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), Error> {
    if has_type(object) { Ok(()) } else { Err(Error::invalid(field, "is required")) }
}

/// Refuses a tool `name` that one of the `earlier` tools' names (`None`: a tool without
/// one) repeats: each tool needs its own.
pub(crate) fn check_unique_name<'a>(
    field: String,
    name: &str,
    earlier: impl IntoIterator<Item = Option<&'a str>>,
) -> Result<(), Error> {
    if earlier.into_iter().any(|other| other == Some(name)) {
        return Err(Error::invalid(
            field,
            format!("repeats `{name}`: each tool needs its own name"),
        ));
    }
    Ok(())
}

/// What is wrong with an image URL (an http(s) URL, or a base64 `data:` URL of a type Naga
/// takes), if anything.
pub(crate) fn image_url_problem(url: &str) -> Option<&'static str> {
    if !is_http_or_data_url(url) {
        return Some("must be an http(s) URL or a data: URL");
    }
    if data_url_type(url).is_some_and(|t| !IMAGE_TYPES.contains(&t.as_str())) {
        return Some("must hold a PNG, JPEG, WebP or GIF image");
    }
    if is_data_url(url) && !has_base64_payload(url) {
        return Some("must be a base64 data: URL (`data:image/png;base64,...`) with data");
    }
    None
}

/// What is wrong with a file given as a `data:` URL (a base64 PDF is what Naga takes), if
/// anything.
pub(crate) fn pdf_data_problem(data: &str) -> Option<&'static str> {
    if data_url_type(data).is_some_and(|t| t != "application/pdf") {
        return Some("must hold a PDF (data:application/pdf;...)");
    }
    if is_data_url(data) && !has_base64_payload(data) {
        return Some("must be a base64 data: URL (`data:application/pdf;base64,...`) with data");
    }
    None
}

/// Whether a `data:` URL says `;base64` before its comma and has data after it.
fn has_base64_payload(url: &str) -> bool {
    match url.split_once(',') {
        Some((head, data)) => {
            head.to_ascii_lowercase().ends_with(";base64") && !data.trim().is_empty()
        }
        None => false,
    }
}

/// The media type of a `data:` URL, lowercased (`None` for any other URL).
fn data_url_type(url: &str) -> Option<String> {
    let rest = url.trim_start();
    let rest = rest.get(..5).filter(|s| s.eq_ignore_ascii_case("data:")).and(rest.get(5..))?;
    let end = rest.find([';', ',']).unwrap_or(rest.len());
    Some(rest.get(..end).unwrap_or_default().trim().to_ascii_lowercase())
}

/// Whether `url` starts with `http://`, `https://` or `data:` (any case).
pub(crate) fn is_http_or_data_url(url: &str) -> bool {
    let url = url.trim_start();
    ["http://", "https://", "data:"]
        .iter()
        .any(|prefix| url.get(..prefix.len()).is_some_and(|s| s.eq_ignore_ascii_case(prefix)))
}

/// Whether `url` is an `http://` or `https://` URL (any case), not a `data:` one.
pub(crate) fn is_http_url(url: &str) -> bool {
    is_http_or_data_url(url) && !is_data_url(url)
}

/// Whether `text` is a `data:` URL (audio must be raw base64 instead).
pub(crate) fn is_data_url(text: &str) -> bool {
    text.trim_start().get(..5).is_some_and(|s| s.eq_ignore_ascii_case("data:"))
}

/// Rejects a number outside `range`.
pub(crate) fn check_range(
    field: &'static str,
    value: Option<f64>,
    range: RangeInclusive<f64>,
) -> Result<(), Error> {
    match value {
        Some(value) if !range.contains(&value) => Err(Error::invalid(
            field,
            format!("must be a number from {} to {} (got {value})", range.start(), range.end()),
        )),
        _ => Ok(()),
    }
}

/// Function and schema names: 1 to 64 characters of `[a-zA-Z0-9_.:-]`, what the providers
/// behind Naga take between them (OpenAI's and Anthropic's models refuse `.` and `:`, Google's
/// take them).
pub(crate) fn check_name(
    field: impl Into<std::borrow::Cow<'static, str>>,
    name: &str,
) -> Result<(), Error> {
    let valid_chars =
        name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
    if name.is_empty() || name.len() > 64 || !valid_chars {
        return Err(Error::invalid(
            field,
            "must be 1 to 64 characters of a-z, A-Z, 0-9, _, -, . or :",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
