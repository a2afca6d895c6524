//! `POST /embeddings`: vectors for texts or token ids (API digest §3.3).
//!
//! The request is checked before it is sent (a model, a non-empty input, no empty text, a
//! positive `dimensions`). The answer is read tolerantly: unknown fields are kept in `extra`,
//! `object`/`model`/`usage` may be missing, and each vector arrives either as a float array
//! or, with [`EncodingFormat::Base64`], as base64 of little-endian `f32`s; both read as
//! [`Embedding::vector`].

use schemars::JsonSchema;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::binary::{decode_base64, encode_base64};
use crate::error::Error;
use crate::lenient::{
    is_empty_map, lenient, lenient_text, lenient_u32_or_zero, lenient_u64, string_enum,
    text_input_conversions,
};
use crate::operation::{check_extra, check_model, json_post_operation};

string_enum! {
    /// How the server encodes each vector.
    pub enum EncodingFormat {
        /// A JSON array of numbers (the default).
        Float = "float",
        /// Base64 of the little-endian `f32` bytes: about a quarter of the size on the wire.
        Base64 = "base64",
    }
}

/// What to embed: one text, several texts, or pre-tokenized input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EmbeddingInput {
    /// One text.
    Text(String),
    /// Several texts, one vector each (in order).
    Texts(Vec<String>),
    /// One input as token ids.
    Tokens(Vec<u32>),
    /// Several inputs as token ids, one vector each.
    TokenLists(Vec<Vec<u32>>),
}

impl EmbeddingInput {
    /// How many vectors the answer holds.
    pub fn len(&self) -> usize {
        match self {
            EmbeddingInput::Text(_) | EmbeddingInput::Tokens(_) => 1,
            EmbeddingInput::Texts(texts) => texts.len(),
            EmbeddingInput::TokenLists(lists) => lists.len(),
        }
    }

    /// Whether there is nothing to embed (never valid to send).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

text_input_conversions!(EmbeddingInput);

impl From<Vec<u32>> for EmbeddingInput {
    fn from(tokens: Vec<u32>) -> Self {
        EmbeddingInput::Tokens(tokens)
    }
}

impl From<Vec<Vec<u32>>> for EmbeddingInput {
    fn from(lists: Vec<Vec<u32>>) -> Self {
        EmbeddingInput::TokenLists(lists)
    }
}

/// A `POST /embeddings` request.
///
/// ```
/// use naga_protocol::{EmbeddingRequest, EncodingFormat};
/// let request = EmbeddingRequest::new("text-embedding-3-small", ["first text", "second text"])
///     .dimensions(256)
///     .encoding_format(EncodingFormat::Base64);
/// assert!(request.validate().is_ok());
/// assert_eq!(request.input.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EmbeddingRequest {
    /// Embedding model id, e.g. `text-embedding-3-small`.
    #[schemars(length(min = 1))]
    pub model: String,
    /// What to embed.
    pub input: EmbeddingInput,
    /// Length of each vector (only some models can shorten them).
    #[schemars(range(min = 1))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<u32>,
    /// How vectors are encoded on the wire (`float` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding_format: Option<EncodingFormat>,
    /// Body fields this SDK does not know, sent as given. A name this type has as a field
    /// (e.g. `model`) fails [`validate`](Self::validate), so the request is not built: set
    /// that field itself.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// The fields `extra` must not repeat.
const KNOWN_FIELDS: &[&str] = &["model", "input", "dimensions", "encoding_format"];

impl EmbeddingRequest {
    /// A request for `model` to embed `input` (a text, texts, or token ids).
    pub fn new(model: impl Into<String>, input: impl Into<EmbeddingInput>) -> Self {
        EmbeddingRequest {
            model: model.into(),
            input: input.into(),
            dimensions: None,
            encoding_format: None,
            extra: Map::new(),
        }
    }

    /// Sets the length of each vector.
    #[must_use]
    pub fn dimensions(mut self, dimensions: u32) -> Self {
        self.dimensions = Some(dimensions);
        self
    }

    /// Sets the wire encoding of the vectors ([`Embedding::vector`] reads both).
    #[must_use]
    pub fn encoding_format(mut self, format: EncodingFormat) -> Self {
        self.encoding_format = Some(format);
        self
    }

    /// Adds a body field this SDK does not know, sent as given. A name this request has as a
    /// field (e.g. `dimensions`) makes [`validate`](Self::validate), and so building the
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
        validate_input(&self.input)?;
        if self.dimensions == Some(0) {
            return Err(Error::invalid("dimensions", "must be at least 1"));
        }
        if let Some(EncodingFormat::Other(other)) = &self.encoding_format {
            let reason = format!("must be `float` or `base64`, not `{other}`");
            return Err(Error::invalid("encoding_format", reason));
        }
        check_extra(self.extra.keys(), KNOWN_FIELDS)
    }
}

/// Something to embed in every item: no empty text, no empty token list, and at least one.
fn validate_input(input: &EmbeddingInput) -> Result<(), Error> {
    if input.is_empty() {
        return Err(Error::invalid("input", "must hold at least one item"));
    }
    let empty = match input {
        EmbeddingInput::Text(text) => text.is_empty().then(|| "input".to_owned()),
        EmbeddingInput::Tokens(tokens) => tokens.is_empty().then(|| "input".to_owned()),
        EmbeddingInput::Texts(texts) => {
            texts.iter().position(String::is_empty).map(|i| format!("input[{i}]"))
        }
        EmbeddingInput::TokenLists(lists) => {
            lists.iter().position(Vec::is_empty).map(|i| format!("input[{i}]"))
        }
    };
    match empty {
        Some(field) => Err(Error::invalid(field, "must not be empty")),
        None => Ok(()),
    }
}

json_post_operation!(EmbeddingRequest => EmbeddingResponse, "embeddings", "/embeddings");

/// The answer: one [`Embedding`] per input item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EmbeddingResponse {
    /// `"list"`.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The model that answered.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The vectors, normally in input order (each carries its `index`).
    pub data: Vec<Embedding>,
    /// Tokens billed.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub usage: Option<EmbeddingUsage>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EmbeddingResponse {
    /// Every vector as `f32`s, ordered by `index` (base64 vectors decoded), one per input
    /// item. The indices must be `0..n`, each once, so each vector is known to be its input's
    /// (a server that sends none, every index 0, keeps the answer's order); otherwise, or for
    /// the first bad vector, an [`Error::Decode`].
    pub fn vectors(&self) -> Result<Vec<Vec<f32>>, Error> {
        let mut items: Vec<&Embedding> = self.data.iter().collect();
        let unnumbered = items.iter().all(|item| item.index == 0);
        if !unnumbered {
            items.sort_by_key(|item| item.index);
            let numbered = items.iter().enumerate().all(|(at, item)| item.index as usize == at);
            if !numbered {
                // The first few indices say enough (an answer may hold thousands).
                let indices: Vec<u32> = items.iter().take(8).map(|item| item.index).collect();
                let more = if items.len() > 8 { ", ..." } else { "" };
                let shown = format!("{indices:?}");
                return Err(Error::Decode {
                    what: "embedding",
                    offset: 0,
                    message: format!(
                        "the vectors are for input indices {}{more}], not 0..{} each once",
                        shown.trim_end_matches(']'),
                        items.len()
                    ),
                    snippet: String::new(),
                });
            }
        }
        items.into_iter().map(Embedding::vector).collect()
    }
}

/// One vector of the answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Embedding {
    /// `"embedding"`.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Position of the input item this vector is for.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub index: u32,
    /// The vector as it came: numbers, or a base64 string.
    pub embedding: EmbeddingVector,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Embedding {
    /// The vector as `f32`s (base64 decoded); a base64 string that is not whole `f32`s is an
    /// [`Error::Decode`].
    pub fn vector(&self) -> Result<Vec<f32>, Error> {
        match &self.embedding {
            EmbeddingVector::Float(values) => Ok(values.clone()),
            EmbeddingVector::Base64(text) => decode_base64_f32(text),
        }
    }
}

/// A vector on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EmbeddingVector {
    /// A JSON array of numbers (`encoding_format: float`).
    Float(Vec<f32>),
    /// Base64 of little-endian `f32` bytes (`encoding_format: base64`).
    Base64(String),
}

impl Default for EmbeddingVector {
    fn default() -> Self {
        EmbeddingVector::Float(Vec::new())
    }
}

impl<'de> Deserialize<'de> for EmbeddingVector {
    /// Straight from the input (serde's untagged enums buffer every number first).
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(VectorVisitor)
    }
}

struct VectorVisitor;

impl<'de> Visitor<'de> for VectorVisitor {
    type Value = EmbeddingVector;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of numbers or a base64 string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(EmbeddingVector::Base64(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(EmbeddingVector::Base64(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // The hint is the server's word: bounded so a hostile one cannot reserve much.
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(8192));
        while let Some(value) = seq.next_element::<f32>()? {
            values.push(value);
        }
        Ok(EmbeddingVector::Float(values))
    }
}

impl EmbeddingVector {
    /// The base64 form of `values` (what a server sends for `encoding_format: base64`).
    pub fn base64_of(values: &[f32]) -> Self {
        let bytes: Vec<u8> = values.iter().flat_map(|value| value.to_le_bytes()).collect();
        EmbeddingVector::Base64(encode_base64(&bytes))
    }
}

/// Decodes base64 of little-endian `f32`s.
fn decode_base64_f32(text: &str) -> Result<Vec<f32>, Error> {
    let bytes = decode_base64("embedding", text)?;
    let (floats, rest) = bytes.as_chunks::<4>();
    if !rest.is_empty() {
        return Err(Error::Decode {
            what: "embedding",
            offset: bytes.len() - rest.len(),
            message: format!("{} bytes are not whole f32 values", bytes.len()),
            snippet: crate::error::snippet(text.as_bytes()),
        });
    }
    Ok(floats.iter().map(|chunk| f32::from_le_bytes(*chunk)).collect())
}

/// Tokens billed for an embeddings request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EmbeddingUsage {
    /// Input tokens.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u64>,
    /// All tokens (the input tokens: embeddings produce none).
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
#[path = "embeddings_tests.rs"]
mod tests;
