//! `POST /images/generations`: images from a prompt (API digest §3.4).
//!
//! The answer is read tolerantly: each image carries a `url` or base64 bytes
//! ([`GeneratedImage::bytes`] decodes them), and any usage count may be `null`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::binary::decode_base64;
use crate::error::Error;
use crate::lenient::{is_empty_map, lenient, lenient_text, lenient_u64, string_enum};
use crate::operation::{check_extra, check_model, check_text, json_post_operation};

/// The longest prompt accepted, in characters.
pub const MAX_IMAGE_PROMPT_CHARS: usize = 8192;

string_enum! {
    /// How generated images are returned.
    pub enum ImageResponseFormat {
        /// A URL to fetch the image from (the default).
        Url = "url",
        /// The image bytes as base64 in the answer.
        B64Json = "b64_json",
    }
}

/// A `POST /images/generations` request.
///
/// ```
/// use naga_protocol::{ImageGenerationRequest, ImageResponseFormat};
/// let request = ImageGenerationRequest::new("gpt-image-1", "A lighthouse at dawn, watercolour")
///     .n(2)
///     .size("1024x1024")
///     .response_format(ImageResponseFormat::B64Json);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImageGenerationRequest {
    /// Image model id, e.g. `gpt-image-1` or `flux-1-schnell`.
    #[schemars(length(min = 1))]
    pub model: String,
    /// What to draw (1..=8192 characters).
    #[schemars(length(min = 1, max = 8192))]
    pub prompt: String,
    /// How many images (at least 1; which counts a model takes varies).
    #[schemars(range(min = 1))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// Size, e.g. `1024x1024` or `auto` (which sizes a model takes, and in which form, varies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Quality, provider-specific (e.g. `high`, `standard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// URLs (default) or base64 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ImageResponseFormat>,
    /// Body fields this SDK does not know, sent as given. A name this type has as a field
    /// (e.g. `model`) fails [`validate`](Self::validate), so the request is not built: set
    /// that field itself.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// The fields `extra` must not repeat.
const KNOWN_FIELDS: &[&str] = &["model", "prompt", "n", "size", "quality", "response_format"];

impl ImageGenerationRequest {
    /// A request for `model` to draw `prompt`.
    pub fn new(model: impl Into<String>, prompt: impl Into<String>) -> Self {
        ImageGenerationRequest {
            model: model.into(),
            prompt: prompt.into(),
            n: None,
            size: None,
            quality: None,
            response_format: None,
            extra: Map::new(),
        }
    }

    /// Sets how many images to generate.
    #[must_use]
    pub fn n(mut self, n: u32) -> Self {
        self.n = Some(n);
        self
    }

    /// Sets the size, e.g. `1024x1024`.
    #[must_use]
    pub fn size(mut self, size: impl Into<String>) -> Self {
        self.size = Some(size.into());
        self
    }

    /// Sets the (provider-specific) quality.
    #[must_use]
    pub fn quality(mut self, quality: impl Into<String>) -> Self {
        self.quality = Some(quality.into());
        self
    }

    /// Sets how images come back.
    #[must_use]
    pub fn response_format(mut self, format: ImageResponseFormat) -> Self {
        self.response_format = Some(format);
        self
    }

    /// Adds a body field this SDK does not know, sent as given. A name this request has as a
    /// field (e.g. `size`) makes [`validate`](Self::validate), and so building the
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
        check_text("prompt", &self.prompt, MAX_IMAGE_PROMPT_CHARS)?;
        check_image_options(self.n, self.size.as_deref(), self.response_format.as_ref())?;
        check_extra(self.extra.keys(), KNOWN_FIELDS)
    }
}

/// The options image generation and edits share: `n` at least 1, a size that is not blank
/// (its forms vary by model: `1024x1024`, `auto`, `1K`, ...), a known response format.
pub(crate) fn check_image_options(
    n: Option<u32>,
    size: Option<&str>,
    format: Option<&ImageResponseFormat>,
) -> Result<(), Error> {
    if n == Some(0) {
        return Err(Error::invalid("n", "must be at least 1"));
    }
    if size.is_some_and(|size| size.trim().is_empty()) {
        return Err(Error::invalid("size", "must not be blank"));
    }
    if let Some(ImageResponseFormat::Other(other)) = format {
        let reason = format!("must be `url` or `b64_json`, not `{other}`");
        return Err(Error::invalid("response_format", reason));
    }
    Ok(())
}

json_post_operation!(ImageGenerationRequest => ImagesResponse, "images", "/images/generations");

/// The generated images.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImagesResponse {
    /// Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub created: Option<u64>,
    /// One entry per image.
    pub data: Vec<GeneratedImage>,
    /// Tokens billed (newer answers only).
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub usage: Option<ImageUsage>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One generated image: a URL or base64 bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GeneratedImage {
    /// Where to fetch the image (`response_format: url`).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The image as base64 (`response_format: b64_json`).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub b64_json: Option<String>,
    /// The prompt as the model rewrote it, when it did.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub revised_prompt: Option<String>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl GeneratedImage {
    /// The decoded bytes of a base64 image (`None` when the image came as a URL); invalid
    /// base64 is an [`Error::Decode`].
    pub fn bytes(&self) -> Option<Result<Vec<u8>, Error>> {
        self.b64_json.as_deref().map(|text| decode_base64("image", text))
    }
}

/// Tokens billed for an image request; any count may be missing or `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImageUsage {
    /// Prompt tokens.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    /// Image tokens produced.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// Both.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
#[path = "images_tests.rs"]
mod tests;
