//! Parts of a message item: caller input (text, images, files, audio) and model output
//! (text with citations, refusals).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::chat::{AudioFormat, ImageDetail, InputAudio};
use crate::lenient::{
    is_empty_map, lenient_items, lenient_text, lenient_text_or_empty, open_tagged_deserialize,
};

/// One part of a message.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemPart {
    /// Text from the caller.
    InputText(InputText),
    /// An image by URL (`http(s)` or `data:`) or file id.
    InputImage(InputImage),
    /// A file (e.g. a PDF) as a data URL, a URL or a file id.
    InputFile(InputFile),
    /// Audio as raw base64.
    InputAudio(InputAudioPart),
    /// Text from the model.
    OutputText(OutputText),
    /// The model declining to answer.
    Refusal(Refusal),
    /// A part of a kind this SDK does not know, kept whole with its `type`.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

open_tagged_deserialize!(ItemPart {
    "input_text" => InputText,
    "input_image" => InputImage,
    "input_file" => InputFile,
    "input_audio" => InputAudio,
    "output_text" => OutputText,
    "refusal" => Refusal,
});

impl ItemPart {
    /// A text part.
    pub fn text(&self) -> Option<&str> {
        match self {
            ItemPart::InputText(part) => Some(&part.text),
            ItemPart::OutputText(part) => Some(&part.text),
            _ => None,
        }
    }

    /// Caller text.
    pub fn input_text(text: impl Into<String>) -> Self {
        ItemPart::InputText(InputText { text: text.into() })
    }

    /// An image by URL (`https://...` or `data:image/...;base64,...`).
    pub fn image_url(url: impl Into<String>, detail: Option<ImageDetail>) -> Self {
        ItemPart::InputImage(InputImage { image_url: Some(url.into()), file_id: None, detail })
    }

    /// A file as a `data:` URL (e.g. `data:application/pdf;base64,...`) and its name.
    pub fn file_data(filename: impl Into<String>, data_url: impl Into<String>) -> Self {
        ItemPart::InputFile(InputFile {
            filename: Some(filename.into()),
            file_data: Some(data_url.into()),
            file_url: None,
            file_id: None,
        })
    }

    /// A file by URL.
    pub fn file_url(url: impl Into<String>) -> Self {
        ItemPart::InputFile(InputFile {
            filename: None,
            file_data: None,
            file_url: Some(url.into()),
            file_id: None,
        })
    }

    /// Audio as raw base64 (not a `data:` URL).
    pub fn audio(base64: impl Into<String>, format: AudioFormat) -> Self {
        ItemPart::InputAudio(InputAudioPart {
            input_audio: InputAudio { data: base64.into(), format },
        })
    }

    /// An image from the bytes of a PNG, JPEG, WebP or GIF file, sent inline as a `data:`
    /// URL of the type the bytes show.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) (field `image`) for bytes of
    /// any other format.
    pub fn image_bytes(bytes: &[u8], detail: Option<ImageDetail>) -> Result<Self, crate::Error> {
        let (mime, base64) = crate::media::image(bytes)?;
        Ok(ItemPart::image_url(crate::media::data_url(mime, &base64), detail))
    }

    /// A file from a PDF's bytes, sent inline under `filename`.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) (field `file`) for bytes that
    /// do not start as a PDF does.
    pub fn pdf_bytes(filename: impl Into<String>, bytes: &[u8]) -> Result<Self, crate::Error> {
        let data_url = crate::media::data_url(crate::media::PDF, &crate::media::pdf(bytes)?);
        Ok(ItemPart::file_data(filename, data_url))
    }

    /// Audio from the bytes of a WAV or MP3 file, with the format the bytes show.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) (field `input_audio`) for
    /// bytes of any other format.
    pub fn audio_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        let (format, base64) = crate::media::audio(bytes)?;
        Ok(ItemPart::audio(base64, format))
    }
}

/// The text of an `input_text` part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputText {
    /// The text.
    pub text: String,
}

/// An `input_image` part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputImage {
    /// `https://...` or `data:image/...;base64,...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// An uploaded file's id, instead of a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// How closely the model looks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ImageDetail>,
}

/// An `input_file` part: one of `file_data`, `file_url`, `file_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputFile {
    /// File name shown to the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// A `data:` URL with the file's bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_data: Option<String>,
    /// Where to fetch the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// An uploaded file's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
}

/// An `input_audio` part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputAudioPart {
    /// The audio.
    pub input_audio: InputAudio,
}

/// An `output_text` part: the model's text and its citations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutputText {
    /// The text.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub text: String,
    /// Citations into the text.
    #[serde(default, deserialize_with = "lenient_items")]
    pub annotations: Vec<Annotation>,
    /// Fields this SDK does not know (`logprobs`, ...).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `refusal` part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Refusal {
    /// Why the model declined.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub refusal: String,
}

/// A citation in an `output_text` part.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Annotation {
    /// A web page the text cites.
    UrlCitation(UrlCitation),
    /// A citation of a kind this SDK does not know, kept whole.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

open_tagged_deserialize!(Annotation { "url_citation" => UrlCitation });

/// A `url_citation` annotation (flat, as the Responses API sends it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UrlCitation {
    /// The cited page.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub url: String,
    /// Its title.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// First character of the cited span in the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    /// One past its last character.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_index: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}
