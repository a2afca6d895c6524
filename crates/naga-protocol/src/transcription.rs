//! `POST /audio/transcriptions` and `/audio/translations`: speech to text, sent as
//! `multipart/form-data` (API digest §3.7, §3.8).

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::multipart::{FileUpload, FormPart, encode, form_content_type};
use crate::operation::{Operation, check_extra, check_model};

/// What to do with the audio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AudioTask {
    /// Text in the spoken language (`/audio/transcriptions`).
    #[default]
    Transcribe,
    /// English text (`/audio/translations`).
    Translate,
}

/// A speech-to-text request.
///
/// ```
/// use naga_protocol::{FileUpload, TranscriptionRequest};
/// let file = FileUpload::new("meeting.wav", std::fs::read("/dev/null")?);
/// let request = TranscriptionRequest::transcribe("whisper-1", file).language("ja");
/// assert_eq!(request.file.content_type, "audio/wav");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptionRequest {
    /// Transcribe or translate.
    pub task: AudioTask,
    /// Speech model id, e.g. `whisper-1`.
    pub model: String,
    /// The audio.
    pub file: FileUpload,
    /// Text to steer the model (names, spelling, the previous segment).
    pub prompt: Option<String>,
    /// The spoken language as an ISO-639-1 code (a hint).
    pub language: Option<String>,
    /// Form fields this SDK does not know, sent as given after the known ones (a name given
    /// twice is sent twice). A name of a field this type has (e.g. `language`) fails
    /// [`validate`](Self::validate), so the request is not built: set that field itself.
    pub extra: Vec<(String, String)>,
}

impl TranscriptionRequest {
    /// Transcribes `file` with `model`.
    pub fn transcribe(model: impl Into<String>, file: FileUpload) -> Self {
        TranscriptionRequest {
            task: AudioTask::Transcribe,
            model: model.into(),
            file,
            prompt: None,
            language: None,
            extra: Vec::new(),
        }
    }

    /// Translates `file` to English with `model`.
    pub fn translate(model: impl Into<String>, file: FileUpload) -> Self {
        TranscriptionRequest { task: AudioTask::Translate, ..Self::transcribe(model, file) }
    }

    /// Sets a prompt.
    #[must_use]
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// Sets the spoken language hint.
    #[must_use]
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Adds a form field this SDK does not know, sent as given after the known ones. A name
    /// of a field this request has (e.g. `language`) makes [`validate`](Self::validate), and
    /// so building the request, fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) on `extra.<name>`.
    #[must_use]
    pub fn extra_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// Checks what the server would reject, before anything is sent.
    pub fn validate(&self) -> Result<(), Error> {
        check_model(&self.model)?;
        if self.file.data.is_empty() {
            return Err(Error::invalid("file", "must not be empty"));
        }
        if self.file.filename.trim().is_empty() {
            return Err(Error::invalid("file.filename", "must not be empty"));
        }
        let names = self.extra.iter().map(|(name, _)| name);
        check_extra(names, &["model", "file", "prompt", "language"])
    }

    /// The form's parts, in the order they are sent.
    fn parts(&self) -> Vec<FormPart> {
        let mut parts = vec![FormPart::text("model", &self.model)];
        let optional = [("prompt", &self.prompt), ("language", &self.language)];
        for (name, value) in optional {
            if let Some(value) = value {
                parts.push(FormPart::text(name, value));
            }
        }
        for (name, value) in &self.extra {
            parts.push(FormPart::text(name, value));
        }
        parts.push(FormPart::upload("file", &self.file));
        parts
    }
}

impl Operation for TranscriptionRequest {
    type Output = Transcription;

    const NAME: &'static str = "transcription";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        match self.task {
            AudioTask::Transcribe => Cow::Borrowed("/audio/transcriptions"),
            AudioTask::Translate => Cow::Borrowed("/audio/translations"),
        }
    }

    /// The multipart form (the file shared, not copied, until the body is assembled).
    fn body(&self) -> Result<Option<Bytes>, Error> {
        self.validate()?;
        Ok(Some(encode(&self.parts())))
    }

    /// `multipart/form-data` with the body's boundary.
    fn content_type(&self, body: &[u8]) -> Cow<'static, str> {
        form_content_type(body)
    }
}

/// The text of the audio.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Transcription {
    /// What was said (in English for a translation). An answer without it is an error, not
    /// an empty transcript.
    #[serde(deserialize_with = "required_text")]
    pub text: String,
    /// Fields this SDK does not know yet (e.g. `language`, `duration`, `segments`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `text`: a string (any other value but `null` as its JSON text); `null` is no transcript.
fn required_text<'de, D: serde::Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    crate::lenient::lenient_text(de)?.ok_or_else(|| serde::de::Error::custom("`text` is null"))
}

#[cfg(test)]
#[path = "transcription_tests.rs"]
mod tests;
