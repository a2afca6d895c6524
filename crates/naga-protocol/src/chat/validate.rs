//! `ChatRequest::validate`: the documented rules, checked before anything is sent.

use std::ops::RangeInclusive;

use super::format::ResponseFormat;
use super::message::{Content, ContentPart, Message, Role};
use super::request::ChatRequest;
use super::tool::ToolChoice;
use crate::error::Error;
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
        self.validate_tools()?;
        self.validate_streaming()?;
        if let Some(ResponseFormat::JsonSchema { json_schema }) = &self.response_format {
            check_name("response_format.json_schema.name", &json_schema.name)?;
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
        }
        if let Some(ToolChoice::Named(named)) = &self.tool_choice {
            let name = &named.function.name;
            if !tools.iter().any(|tool| &tool.function.name == name) {
                return Err(Error::invalid(
                    "tool_choice.function.name",
                    format!("names `{name}`, which is not one of `tools`"),
                ));
            }
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

fn validate_message(index: usize, message: &Message) -> Result<(), Error> {
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
        validate_part(part).map_err(|(field, reason)| {
            Error::invalid(format!("messages[{index}].content[{part_index}].{field}"), reason)
        })?;
    }
    Ok(())
}

fn validate_part(part: &ContentPart) -> Result<(), (&'static str, &'static str)> {
    match part {
        ContentPart::ImageUrl { image_url } if !is_http_or_data_url(&image_url.url) => {
            return Err(("image_url.url", "must be an http(s) URL or a data: URL"));
        }
        ContentPart::ImageUrl { image_url }
            if data_url_type(&image_url.url)
                .is_some_and(|t| !IMAGE_TYPES.contains(&t.as_str())) =>
        {
            return Err(("image_url.url", "must hold a PNG, JPEG, WebP or GIF image"));
        }
        ContentPart::File { file }
            if data_url_type(&file.file_data).is_some_and(|t| t != "application/pdf") =>
        {
            return Err(("file.file_data", "must hold a PDF (data:application/pdf;...)"));
        }
        ContentPart::InputAudio { input_audio } if is_data_url(&input_audio.data) => {
            return Err(("input_audio.data", "must be raw base64, not a data: URI"));
        }
        _ => {}
    }
    Ok(())
}

/// The image types Naga takes (API digest §2.2); `image/jpg` is JPEG's common misspelling.
const IMAGE_TYPES: [&str; 5] = ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif"];

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
