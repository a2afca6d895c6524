//! Content the model sends: a string, or (Mistral) an array of `text` and `thinking` parts.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Error, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::response::ResponseMessage;
use crate::lenient::{is_empty_map, null_as_default};

/// Streamed content: a string fragment, or parts (Mistral sends
/// `[{"type":"thinking","thinking":[{"type":"text","text":..}]}, {"type":"text","text":..}]`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum DeltaContent {
    /// A text fragment.
    Text(String),
    /// Typed parts.
    Parts(Vec<OutputPart>),
    /// Any other JSON value, kept verbatim.
    Other(Value),
}

impl DeltaContent {
    /// The answer text: the string, or the `text` parts joined. Thinking is left out.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            DeltaContent::Text(text) => Cow::Borrowed(text),
            DeltaContent::Parts(parts) => join(parts.iter().filter_map(OutputPart::as_text)),
            DeltaContent::Other(_) => Cow::Borrowed(""),
        }
    }

    /// The thinking text of `thinking` parts, joined (empty when there is none).
    pub fn thinking(&self) -> Cow<'_, str> {
        match self {
            DeltaContent::Parts(parts) => join(parts.iter().flat_map(OutputPart::thinking_texts)),
            _ => Cow::Borrowed(""),
        }
    }
}

// Decodes like `#[serde(untagged)]` (text, else parts, else any value) but reads a string
// straight into `Text`; only arrays and other values take the detour through a `Value`.
impl<'de> Deserialize<'de> for DeltaContent {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(DeltaContentVisitor)
    }
}

impl DeltaContent {
    /// Parts when the value reads as parts, else the value kept verbatim.
    fn from_value(value: Value) -> Self {
        match value {
            Value::String(text) => DeltaContent::Text(text),
            other => match Vec::<OutputPart>::deserialize(&other) {
                Ok(parts) => DeltaContent::Parts(parts),
                Err(_) => DeltaContent::Other(other),
            },
        }
    }
}

struct DeltaContentVisitor;

impl<'de> Visitor<'de> for DeltaContentVisitor {
    type Value = DeltaContent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("content text, parts, or any JSON value")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Text(text.to_owned()))
    }

    fn visit_string<E: Error>(self, text: String) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Text(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<DeltaContent, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(DeltaContent::from_value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DeltaContent, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(DeltaContent::from_value)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<DeltaContent, D::Error> {
        de.deserialize_any(self)
    }

    fn visit_none<E: Error>(self) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Other(Value::Null))
    }

    fn visit_unit<E: Error>(self) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Other(Value::Null))
    }

    fn visit_bool<E: Error>(self, value: bool) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Other(Value::Bool(value)))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Other(Value::from(value)))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Other(Value::from(value)))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<DeltaContent, E> {
        Ok(DeltaContent::Other(Value::from(value)))
    }
}

/// One part of model output content, discriminated by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutputPart {
    /// Answer text.
    Text(TextPart),
    /// Reasoning, as nested parts.
    Thinking(ThinkingPart),
    /// A part type this SDK does not know, kept verbatim (including its `type`).
    #[serde(untagged)]
    Other(Map<String, Value>),
}

impl OutputPart {
    /// The text of a `text` part.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            OutputPart::Text(part) => Some(&part.text),
            _ => None,
        }
    }

    /// The texts inside a `thinking` part (nothing for other parts).
    pub fn thinking_texts(&self) -> impl Iterator<Item = &str> {
        let inner: &[OutputPart] = match self {
            OutputPart::Thinking(part) => &part.thinking,
            _ => &[],
        };
        inner.iter().filter_map(OutputPart::as_text)
    }
}

/// A `text` part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TextPart {
    /// The text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub text: String,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `thinking` part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThinkingPart {
    /// The reasoning, as `text` parts (thinking sent as one string reads as one).
    #[serde(default, deserialize_with = "lenient_thinking")]
    pub thinking: Vec<OutputPart>,
    /// Whether this thinking block is complete (Mistral).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<bool>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `thinking` part's reasoning: parts, a string as one text part, `null` as none.
fn lenient_thinking<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<OutputPart>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Null => Vec::new(),
        Value::Array(items) => items.into_iter().map(part_of).collect(),
        other => vec![part_of(other)],
    })
}

fn join<'a>(mut texts: impl Iterator<Item = &'a str>) -> Cow<'a, str> {
    let Some(first) = texts.next() else { return Cow::Borrowed("") };
    match texts.next() {
        None => Cow::Borrowed(first),
        Some(second) => {
            let mut joined = String::from(first);
            joined.push_str(second);
            texts.for_each(|text| joined.push_str(text));
            Cow::Owned(joined)
        }
    }
}

/// A message's `content` as parts: a string as one text part, an array item by item (a
/// string item as a text part, an item that is no part as its JSON text), `null` as `None`,
/// any other value as its JSON text. [`settle_content`] makes the text of them.
pub(crate) fn lenient_message_parts<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Vec<OutputPart>>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Null => None,
        Value::Array(items) => Some(items.into_iter().map(part_of).collect()),
        // One known part not in an array is read as that part; anything else as its text.
        other => Some(vec![match part_of(other) {
            OutputPart::Other(map) => text_part(Value::Object(map).to_string()),
            part => part,
        }]),
    })
}

/// A text part with nothing but `text`.
pub(crate) fn text_part(text: String) -> OutputPart {
    OutputPart::Text(TextPart { text, extra: Map::new() })
}

/// One item of a content array as a part.
fn part_of(item: Value) -> OutputPart {
    match item {
        Value::String(item) => text_part(item),
        Value::Object(map) => {
            OutputPart::deserialize(Value::Object(map.clone())).unwrap_or(OutputPart::Other(map))
        }
        other => text_part(other.to_string()),
    }
}

/// Sets a message's `content` from the parts [`lenient_message_parts`] read: a lone plain
/// text part is the content and no parts are kept; otherwise the content is the text parts
/// joined (none without one) and the parts are kept, their thinking filling an empty
/// `reasoning_content` and a `refusal` part an absent `refusal` (as a streamed answer's do).
pub(crate) fn settle_content(message: &mut ResponseMessage) {
    let parts = match message.content_parts.take() {
        Some(mut parts) if is_plain_text(&parts) => {
            message.content = parts.pop().and_then(|part| match part {
                OutputPart::Text(part) => Some(part.text),
                _ => None,
            });
            return;
        }
        Some(parts) => parts,
        None => {
            message.content = None;
            return;
        }
    };
    let mut texts = parts.iter().filter_map(OutputPart::as_text).peekable();
    message.content = texts.peek().is_some().then(|| join(texts).into_owned());
    let thinking = join(parts.iter().flat_map(OutputPart::thinking_texts));
    if !thinking.is_empty() && message.reasoning_content.as_deref().is_none_or(str::is_empty) {
        message.reasoning_content = Some(thinking.into_owned());
    }
    if message.refusal.is_none() {
        message.refusal = parts.iter().find_map(refusal_text).map(str::to_owned);
    }
    message.content_parts = Some(parts);
}

/// The text of a `refusal` part (one this SDK keeps as an unknown part).
fn refusal_text(part: &OutputPart) -> Option<&str> {
    match part {
        OutputPart::Other(map) if map.get("type").and_then(Value::as_str) == Some("refusal") => {
            map.get("refusal").and_then(Value::as_str)
        }
        _ => None,
    }
}

/// Whether `parts` is one text part with nothing but its text.
fn is_plain_text(parts: &[OutputPart]) -> bool {
    matches!(parts, [OutputPart::Text(part)] if part.extra.is_empty())
}
