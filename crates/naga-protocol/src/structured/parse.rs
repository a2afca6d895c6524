//! Parsing a model's JSON answer back into a Rust type, with a typed error.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::error::Category;

use crate::error::offset_of;

/// Why a structured answer could not be turned into the requested type.
///
/// The first four variants are about the answer as a whole (the model refused, ran out of
/// tokens, was filtered, or said nothing); the next two about its text (not JSON, or JSON of
/// another shape). [`parse_json_content`] checks them in the order they are declared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The model declined to answer (the message's `refusal` field).
    #[error("the model refused: {refusal}")]
    Refusal {
        /// The model's explanation.
        refusal: String,
    },
    /// The answer hit the token limit (`finish_reason: "length"`); its JSON is incomplete.
    #[error("the answer was cut off at the token limit after {} bytes", partial.len())]
    Truncated {
        /// The content received before the cut (possibly empty).
        partial: String,
    },
    /// The answer was stopped by a content filter (`finish_reason: "content_filter"`).
    #[error("the answer was stopped by a content filter")]
    ContentFilter,
    /// The message has no content (null, empty or only whitespace), e.g. only tool calls.
    #[error("the message has no content to parse")]
    NoContent,
    /// The content is not JSON (or has trailing non-whitespace after the JSON value).
    #[error("the content is not valid JSON (at byte {offset}): {message}")]
    InvalidJson {
        /// The JSON parser's explanation.
        message: String,
        /// Byte offset in the content where parsing failed.
        offset: usize,
    },
    /// The content is JSON but does not have the shape of the requested type.
    #[error("the JSON does not match the expected type at `{path}`: {message}")]
    Mismatch {
        /// Where it differs, e.g. `items[2].price` (`.` for the root).
        path: String,
        /// What differs, e.g. `invalid type: string "x", expected f64`.
        message: String,
    },
    /// The completion has no choices to parse.
    #[error("the completion has no choices")]
    NoChoices,
}

/// Parses an assistant message's JSON `content` into `T`.
///
/// Precedence: a non-empty `refusal` wins, then `finish_reason` `length` (truncated) and
/// `content_filter`, then missing content, then JSON syntax, then the shape of `T`. So a
/// truncated answer is reported as [`ParseError::Truncated`] rather than as invalid JSON.
pub fn parse_json_content<T: DeserializeOwned>(
    content: Option<&str>,
    refusal: Option<&str>,
    finish_reason: Option<&str>,
) -> Result<T, ParseError> {
    if let Some(refusal) = refusal.filter(|refusal| !refusal.is_empty()) {
        return Err(ParseError::Refusal { refusal: refusal.to_owned() });
    }
    match finish_reason {
        Some("length") => {
            return Err(ParseError::Truncated { partial: content.unwrap_or_default().to_owned() });
        }
        Some("content_filter") => return Err(ParseError::ContentFilter),
        _ => {}
    }
    let content = content.filter(|text| !text.trim().is_empty()).ok_or(ParseError::NoContent)?;
    parse_json(content)
}

/// Parses JSON text into `T`: [`ParseError::InvalidJson`] or [`ParseError::Mismatch`].
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        if err.inner().classify() == Category::Data {
            mismatch_or_syntax(text, err)
        } else {
            invalid_json(text, err.inner())
        }
    })?;
    deserializer.end().map_err(|err| invalid_json(text, &err))?;
    Ok(value)
}

/// A shape error is only a [`ParseError::Mismatch`] if the whole text is valid JSON: a
/// broken document that also has the wrong shape early on is reported as invalid JSON.
fn mismatch_or_syntax(
    text: &str,
    err: serde_path_to_error::Error<serde_json::Error>,
) -> ParseError {
    if let Err(syntax) = serde_json::from_str::<IgnoredAny>(text) {
        return invalid_json(text, &syntax);
    }
    ParseError::Mismatch { path: err.path().to_string(), message: message_of(err.inner()) }
}

/// Builds [`ParseError::InvalidJson`] with the byte offset of `err` in `text`.
fn invalid_json(text: &str, err: &serde_json::Error) -> ParseError {
    let offset = offset_of(text.as_bytes(), err.line(), err.column());
    ParseError::InvalidJson { message: message_of(err), offset }
}

/// serde_json's message without its ` at line L column C` suffix (the position is kept
/// separately as a byte offset or a path).
fn message_of(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let cut = full.rfind(" at line ").filter(|_| err.line() > 0);
    cut.and_then(|at| full.get(..at)).map_or_else(|| full.clone(), str::to_owned)
}
