//! `POST /images/edits`: new images from given ones and a prompt, sent as
//! `multipart/form-data` (API digest §3.5). The answer is that of image generation.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use crate::error::Error;
use crate::images::{ImageResponseFormat, ImagesResponse, check_image_options};
use crate::multipart::{FileUpload, FormPart, encode, form_content_type};
use crate::operation::{Operation, check_extra, check_model, check_text};

/// The longest edit prompt, in characters.
pub const MAX_IMAGE_EDIT_PROMPT_CHARS: usize = 32_000;

/// A `POST /images/edits` request: one image is sent as the `image` field, several as
/// repeated `image[]` fields (the current documentation's name).
///
/// ```
/// use naga_protocol::{FileUpload, ImageEditRequest};
/// let photo = FileUpload::new("room.png", b"\x89PNG\r\n\x1a\n".to_vec());
/// let request = ImageEditRequest::new("gpt-image-1", "Paint the walls blue", [photo]).n(2);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ImageEditRequest {
    /// Image model id, e.g. `gpt-image-1`.
    pub model: String,
    /// What to change (1..=32000 characters).
    pub prompt: String,
    /// The images to start from (at least one).
    pub images: Vec<FileUpload>,
    /// A PNG whose transparent areas mark what to edit.
    pub mask: Option<FileUpload>,
    /// How many images (at least 1).
    pub n: Option<u32>,
    /// Size, e.g. `1024x1024` or `auto` (the forms vary by model).
    pub size: Option<String>,
    /// Quality, provider-specific.
    pub quality: Option<String>,
    /// URLs (default) or base64 bytes.
    pub response_format: Option<ImageResponseFormat>,
    /// Background, provider-specific (e.g. `transparent`).
    pub background: Option<String>,
    /// Form fields this SDK does not know, sent as given after the known ones. A name of a
    /// field this type has (e.g. `size`, or `image`) fails [`validate`](Self::validate), so
    /// the request is not built: set that field itself.
    pub extra: Vec<(String, String)>,
}

/// The form fields this type sets itself (the images under any of their field names).
const KNOWN_FIELDS: &[&str] = &[
    "model",
    "prompt",
    "n",
    "size",
    "quality",
    "response_format",
    "background",
    "image",
    "image[]",
    "images[]",
    "mask",
];

impl ImageEditRequest {
    /// A request for `model` to edit `images` as `prompt` says.
    pub fn new(
        model: impl Into<String>,
        prompt: impl Into<String>,
        images: impl IntoIterator<Item = FileUpload>,
    ) -> Self {
        ImageEditRequest {
            model: model.into(),
            prompt: prompt.into(),
            images: images.into_iter().collect(),
            mask: None,
            n: None,
            size: None,
            quality: None,
            response_format: None,
            background: None,
            extra: Vec::new(),
        }
    }

    /// Sets the mask.
    #[must_use]
    pub fn mask(mut self, mask: FileUpload) -> Self {
        self.mask = Some(mask);
        self
    }

    /// Sets how many images to make.
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

    /// Sets how images come back.
    #[must_use]
    pub fn response_format(mut self, format: ImageResponseFormat) -> Self {
        self.response_format = Some(format);
        self
    }

    /// Sets the quality, provider-specific (e.g. `high`).
    #[must_use]
    pub fn quality(mut self, quality: impl Into<String>) -> Self {
        self.quality = Some(quality.into());
        self
    }

    /// Sets the background, provider-specific (e.g. `transparent`).
    #[must_use]
    pub fn background(mut self, background: impl Into<String>) -> Self {
        self.background = Some(background.into());
        self
    }

    /// Checks what the server would reject, before anything is sent.
    pub fn validate(&self) -> Result<(), Error> {
        check_model(&self.model)?;
        check_text("prompt", &self.prompt, MAX_IMAGE_EDIT_PROMPT_CHARS)?;
        if self.images.is_empty() {
            return Err(Error::invalid("images", "must hold at least one image"));
        }
        if let Some(index) = self.images.iter().position(|image| image.data.is_empty()) {
            return Err(Error::invalid(format!("images[{index}]"), "must not be empty"));
        }
        if self.mask.as_ref().is_some_and(|mask| mask.data.is_empty()) {
            return Err(Error::invalid("mask", "must not be empty"));
        }
        check_image_options(self.n, self.size.as_deref(), self.response_format.as_ref())?;
        check_extra(self.extra.iter().map(|(name, _)| name), KNOWN_FIELDS)
    }

    /// The form's parts, in the order they are sent.
    fn parts(&self) -> Vec<FormPart> {
        let n = self.n.map(|n| n.to_string());
        let format = self.response_format.as_ref().map(|f| f.as_str().to_owned());
        let fields = [
            ("model", Some(&self.model)),
            ("prompt", Some(&self.prompt)),
            ("n", n.as_ref()),
            ("size", self.size.as_ref()),
            ("quality", self.quality.as_ref()),
            ("response_format", format.as_ref()),
            ("background", self.background.as_ref()),
        ];
        let mut parts: Vec<FormPart> = fields
            .iter()
            .filter_map(|(name, value)| Some(FormPart::text(name, value.as_deref()?)))
            .collect();
        parts.extend(self.extra.iter().map(|(name, value)| FormPart::text(name, value)));
        let image_field = if self.images.len() == 1 { "image" } else { "image[]" };
        parts.extend(self.images.iter().map(|image| FormPart::upload(image_field, image)));
        if let Some(mask) = &self.mask {
            parts.push(FormPart::upload("mask", mask));
        }
        parts
    }
}

impl Operation for ImageEditRequest {
    type Output = ImagesResponse;

    const NAME: &'static str = "image edit";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/images/edits")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        self.validate()?;
        Ok(Some(encode(&self.parts())))
    }

    /// `multipart/form-data` with the body's boundary.
    fn content_type(&self, body: &[u8]) -> Cow<'static, str> {
        form_content_type(body)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::{Config, build_request};

    fn png(name: &str) -> FileUpload {
        FileUpload::new(name, b"\x89PNG\r\n\x1a\n".to_vec())
    }

    fn body_text(request: &ImageEditRequest) -> String {
        let http = build_request(&Config::new("ng-key").unwrap(), request).unwrap();
        assert_eq!(http.uri(), "https://api.naga.ac/v1/images/edits");
        String::from_utf8_lossy(http.body()).into_owned()
    }

    #[test]
    fn one_image_is_image_and_several_are_image_brackets() {
        let one = body_text(&ImageEditRequest::new("m", "blue walls", [png("a.png")]).n(2));
        assert!(
            one.contains("name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png"),
            "{one}"
        );
        assert!(one.contains("name=\"n\"\r\n\r\n2\r\n"), "{one}");
        let two = ImageEditRequest::new("m", "p", [png("a.png"), png("b.png")]).mask(png("m.png"));
        let two = body_text(&two);
        assert_eq!(two.matches("name=\"image[]\"").count(), 2, "{two}");
        assert!(two.contains("name=\"mask\"; filename=\"m.png\""), "{two}");
        let model = two.find("name=\"model\"").unwrap();
        assert!(model < two.find("name=\"image[]\"").unwrap(), "fields before files");
    }

    #[test]
    fn bad_requests_are_rejected_before_sending() {
        let field = |request: ImageEditRequest| match request.validate() {
            Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
            other => panic!("{other:?}"),
        };
        let ok = || ImageEditRequest::new("m", "p", [png("a.png")]);
        assert_eq!(field(ImageEditRequest::new("m", "p", [])), "images");
        assert_eq!(field(ImageEditRequest::new("m", " ", [png("a.png")])), "prompt");
        let empty = FileUpload::new("e.png", Vec::new());
        assert_eq!(
            field(ImageEditRequest::new("m", "p", [png("a.png"), empty.clone()])),
            "images[1]"
        );
        assert_eq!(field(ok().mask(empty)), "mask");
        assert_eq!(field(ok().n(0)), "n");
        assert_eq!(field(ok().size(" ")), "size");
        let mut repeated = ok();
        repeated.extra.push(("size".into(), "512x512".into()));
        assert_eq!(field(repeated), "extra.size");
        let mut image = ok();
        image.extra.push(("image[]".into(), "x".into()));
        assert_eq!(field(image), "extra.image[]");
        let mut unknown = ok();
        unknown.extra.push(("style".into(), "vivid".into()));
        assert!(unknown.validate().is_ok());
        assert!(body_text(&unknown).contains("name=\"style\"\r\n\r\nvivid\r\n"));
    }
}
