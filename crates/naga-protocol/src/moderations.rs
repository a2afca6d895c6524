//! `POST /moderations`: whether texts or images break content rules (API digest §3.9).
//!
//! Category names are open-ended (new ones appear), so categories, scores and input types are
//! maps; a value of an unexpected type is skipped instead of failing the answer.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::lenient::{is_empty_map, lenient_text, number_or_text, text_input_conversions};
use crate::operation::{check_extra, check_model, json_post_operation};

/// What to check: one text, several texts (one result each), or text and image parts
/// checked together (one result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ModerationInput {
    /// One text.
    Text(String),
    /// Several texts, one result each (in order).
    Texts(Vec<String>),
    /// Text and image parts, one result for all of them.
    Parts(Vec<ModerationPart>),
    /// Any other shape, sent as given: e.g. the older flat image part
    /// `[{"type": "image_url", "url": "https://..."}]` (API digest, ambiguity 15).
    Other(Value),
}

text_input_conversions!(ModerationInput);

impl From<Vec<ModerationPart>> for ModerationInput {
    fn from(parts: Vec<ModerationPart>) -> Self {
        ModerationInput::Parts(parts)
    }
}

/// One part of a multimodal moderation input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ModerationPart {
    /// A text.
    Text {
        /// The text.
        text: String,
    },
    /// An image by URL (`https://...` or a `data:` URL).
    ImageUrl {
        /// Where the image is.
        image_url: ModerationImage,
    },
}

impl ModerationPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ModerationPart::Text { text: text.into() }
    }

    /// An image part.
    pub fn image_url(url: impl Into<String>) -> Self {
        ModerationPart::ImageUrl { image_url: ModerationImage { url: url.into() } }
    }
}

/// The image of a [`ModerationPart::ImageUrl`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ModerationImage {
    /// `https://...` or `data:image/...;base64,...`.
    pub url: String,
}

/// A `POST /moderations` request.
///
/// ```
/// use naga_protocol::{ModerationPart, ModerationRequest};
/// let texts = ModerationRequest::new("omni-moderation-latest", ["first", "second"]);
/// let mixed = ModerationRequest::new(
///     "omni-moderation-latest",
///     vec![ModerationPart::text("a caption"), ModerationPart::image_url("https://example.com/a.png")],
/// );
/// assert!(texts.validate().is_ok() && mixed.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModerationRequest {
    /// Moderation model id, e.g. `omni-moderation-latest`.
    #[schemars(length(min = 1))]
    pub model: String,
    /// What to check.
    pub input: ModerationInput,
    /// Body fields this SDK does not know, sent as given. A name this type has as a field
    /// (e.g. `model`) fails [`validate`](Self::validate), so the request is not built: set
    /// that field itself.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ModerationRequest {
    /// A request for `model` to check `input` (a text, texts, or parts).
    pub fn new(model: impl Into<String>, input: impl Into<ModerationInput>) -> Self {
        ModerationRequest { model: model.into(), input: input.into(), extra: Map::new() }
    }

    /// Adds a body field this SDK does not know, sent as given. A name this request has as a
    /// field (e.g. `input`) makes [`validate`](Self::validate), and so building the
    /// request, fail with [`Error::InvalidRequest`](crate::Error::InvalidRequest) on
    /// `extra.<name>`: set that field itself.
    #[must_use]
    pub fn extra_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// Checks what the server would reject, before anything is sent.
    pub fn validate(&self) -> Result<(), Error> {
        check_model(&self.model)?;
        let empty = match &self.input {
            ModerationInput::Text(_) => false,
            ModerationInput::Texts(texts) => texts.is_empty(),
            ModerationInput::Parts(parts) => parts.is_empty(),
            ModerationInput::Other(value) => value.is_null(),
        };
        if empty {
            return Err(Error::invalid("input", "must hold at least one item"));
        }
        if let ModerationInput::Parts(parts) = &self.input {
            let not_a_url = |part: &ModerationPart| matches!(part, ModerationPart::ImageUrl { image_url } if !crate::chat::validate::is_http_or_data_url(&image_url.url));
            if let Some(index) = parts.iter().position(not_a_url) {
                return Err(Error::invalid(
                    format!("input[{index}].image_url.url"),
                    "must be an http(s) URL or a data: URL",
                ));
            }
        }
        check_extra(self.extra.keys(), &["model", "input"])
    }
}

json_post_operation!(ModerationRequest => ModerationResponse, "moderation", "/moderations");

/// The answer: one [`ModerationResult`] per text (one for a list of parts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModerationResponse {
    /// The answer's id.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The model that answered.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// One result per input item, in order (at least one: an answer without any is a
    /// decode error, not a pass).
    #[serde(deserialize_with = "at_least_one")]
    pub results: Vec<ModerationResult>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ModerationResponse {
    /// Whether any result is flagged ([`ModerationResult::is_flagged`]).
    pub fn flagged(&self) -> bool {
        self.results.iter().any(ModerationResult::is_flagged)
    }
}

/// The verdict on one input item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModerationResult {
    /// Whether any category is violated.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub flagged: bool,
    /// Per category (`violence`, `hate/threatening`, ...): whether it is violated.
    #[serde(default, deserialize_with = "lenient_flags")]
    pub categories: BTreeMap<String, bool>,
    /// Per category: the model's confidence, 0..=1 (a score written as text reads too).
    #[serde(default, deserialize_with = "lenient_scores")]
    pub category_scores: BTreeMap<String, f64>,
    /// Per category: which input types (`text`, `image`) were checked for it.
    #[serde(default, deserialize_with = "lenient_map")]
    pub category_applied_input_types: BTreeMap<String, Vec<String>>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ModerationResult {
    /// Whether the item is flagged: `flagged` says so, or a category does (a verdict is read
    /// to fail safe: an answer that drops `flagged` but names a violated category is flagged).
    pub fn is_flagged(&self) -> bool {
        self.flagged || self.flagged_categories().next().is_some()
    }

    /// The violated categories, by name.
    pub fn flagged_categories(&self) -> impl Iterator<Item = &str> {
        self.categories.iter().filter(|(_, flagged)| **flagged).map(|(name, _)| name.as_str())
    }
}

/// A verdict read to fail safe: `true`, `"true"` (any case), a non-zero number or `"1"`
/// are `true`; anything else (`false`, `null`, other text) is `false`.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(is_true(&Value::deserialize(d)?))
}

/// See [`lenient_bool`].
fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => text.trim().eq_ignore_ascii_case("true") || text.trim() == "1",
        _ => false,
    }
}

/// A JSON object's entries as verdicts ([`lenient_bool`]); a non-object reads as empty.
fn lenient_flags<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, bool>, D::Error> {
    let Value::Object(entries) = Value::deserialize(d)? else { return Ok(BTreeMap::new()) };
    Ok(entries.into_iter().map(|(name, value)| (name, is_true(&value))).collect())
}

/// A list with at least one result.
fn at_least_one<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ModerationResult>, D::Error> {
    let results = Vec::<ModerationResult>::deserialize(d)?;
    if results.is_empty() {
        return Err(serde::de::Error::custom("`results` holds no verdict"));
    }
    Ok(results)
}

/// A JSON object's entries whose values read as `T` (others, and a non-object, are skipped).
fn lenient_map<'de, D, T>(d: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let Value::Object(entries) = Value::deserialize(d)? else { return Ok(BTreeMap::new()) };
    let read = |(name, value): (String, Value)| Some((name, serde_json::from_value(value).ok()?));
    Ok(entries.into_iter().filter_map(read).collect())
}

/// Scores by category: numbers, and numbers written as text; other entries are skipped.
fn lenient_scores<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, f64>, D::Error> {
    let Value::Object(entries) = Value::deserialize(d)? else { return Ok(BTreeMap::new()) };
    let score = |value: &Value| number_or_text(value).filter(|score| score.is_finite());
    Ok(entries.into_iter().filter_map(|(name, value)| Some((name, score(&value)?))).collect())
}

#[cfg(test)]
#[path = "moderations_tests.rs"]
mod tests;
