//! Request messages: roles, text or multi-part content, tool results, reasoning echo.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tool::ToolCall;
use crate::lenient::{is_empty_map, string_enum};

string_enum! {
    /// Who wrote a message.
    pub enum Role {
        /// Instructions that frame the conversation.
        System = "system",
        /// The person (or program) asking.
        User = "user",
        /// The model.
        Assistant = "assistant",
        /// A tool's result, answering one of the assistant's tool calls.
        Tool = "tool",
        /// Developer instructions (OpenAI's newer name for system; not documented by Naga).
        Developer = "developer",
    }
}

string_enum! {
    /// How closely the model looks at an image.
    pub enum ImageDetail {
        /// Low resolution, cheaper.
        Low = "low",
        /// High resolution.
        High = "high",
        /// Let the model choose.
        Auto = "auto",
    }
}

string_enum! {
    /// Encoding of an audio input.
    pub enum AudioFormat {
        /// WAV.
        Wav = "wav",
        /// MP3.
        Mp3 = "mp3",
    }
}

/// One message of the conversation sent to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Message {
    /// Who wrote the message.
    pub role: Role,
    /// Text or parts; `null` on assistant messages that only carry tool calls (written, not
    /// left out, as the contract shows such a message and the OpenAI SDKs send one back).
    #[serde(default)]
    pub content: Option<Content>,
    /// Optional participant name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tool calls the assistant made (assistant messages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
    /// The tool call this message answers (tool messages only; required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// Reasoning the model returned, echoed back unchanged when continuing a tool loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_details: Option<Vec<Value>>,
    /// Fields this SDK does not know, sent as given.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl Message {
    /// A message with `role` and text `content`.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Message {
            role,
            content: Some(Content::Text(content.into())),
            name: None,
            tool_calls: None,
            tool_call_id: None,
            reasoning_details: None,
            extra: Map::new(),
        }
    }

    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Message::new(Role::System, content)
    }

    /// A developer message.
    pub fn developer(content: impl Into<String>) -> Self {
        Message::new(Role::Developer, content)
    }

    /// A user message with text.
    pub fn user(content: impl Into<String>) -> Self {
        Message::new(Role::User, content)
    }

    /// A user message made of parts (text, images, files, audio).
    pub fn user_parts(parts: impl IntoIterator<Item = ContentPart>) -> Self {
        Message { content: Some(Content::Parts(parts.into_iter().collect())), ..Message::user("") }
    }

    /// An assistant message with text.
    pub fn assistant(content: impl Into<String>) -> Self {
        Message::new(Role::Assistant, content)
    }

    /// An assistant message carrying tool calls and no content.
    pub fn assistant_tool_calls(tool_calls: impl IntoIterator<Item = ToolCall>) -> Self {
        Message {
            content: None,
            tool_calls: Some(tool_calls.into_iter().collect()),
            ..Message::assistant("")
        }
    }

    /// A tool result answering the call `tool_call_id`.
    pub fn tool(tool_call_id: impl Into<String>, content: impl Into<String>) -> Self {
        Message { tool_call_id: Some(tool_call_id.into()), ..Message::new(Role::Tool, content) }
    }

    /// Sets the participant name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The text content, when the content is a plain string.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Some(Content::Text(text)) => Some(text),
            _ => None,
        }
    }
}

/// Message content: a plain string or a list of parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Content {
    /// Plain text.
    Text(String),
    /// Text, images, files and audio, in order.
    Parts(Vec<ContentPart>),
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::Text(text.to_owned())
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Content::Text(text)
    }
}

impl From<Vec<ContentPart>> for Content {
    fn from(parts: Vec<ContentPart>) -> Self {
        Content::Parts(parts)
    }
}

/// One part of a multi-part message, discriminated by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image by URL (http, https or a `data:` URL).
    ImageUrl {
        /// The image.
        image_url: ImageUrl,
    },
    /// A file (PDF) by URL or `data:` URL.
    File {
        /// The file.
        file: FileInput,
    },
    /// Audio as raw base64.
    InputAudio {
        /// The audio.
        input_audio: InputAudio,
    },
    /// A part type this SDK does not know, kept verbatim (including its `type`).
    #[serde(untagged)]
    Other(Map<String, Value>),
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::Text { text: text.into() }
    }

    /// An image part from an http(s) or `data:` URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        ContentPart::ImageUrl { image_url: ImageUrl { url: url.into(), detail: None } }
    }

    /// An image part with an explicit detail level.
    pub fn image_url_with_detail(url: impl Into<String>, detail: ImageDetail) -> Self {
        ContentPart::ImageUrl { image_url: ImageUrl { url: url.into(), detail: Some(detail) } }
    }

    /// An image part from base64 bytes, e.g. `image_data("image/png", b64)`.
    pub fn image_data(mime: &str, base64: &str) -> Self {
        ContentPart::image_url(crate::media::data_url(mime, base64))
    }

    /// A file part from an https URL or a `data:` URL.
    pub fn file(filename: impl Into<String>, file_data: impl Into<String>) -> Self {
        ContentPart::File {
            file: FileInput { filename: Some(filename.into()), file_data: file_data.into() },
        }
    }

    /// A PDF file part from base64 bytes.
    pub fn pdf_data(filename: impl Into<String>, base64: &str) -> Self {
        ContentPart::file(filename, crate::media::data_url(crate::media::PDF, base64))
    }

    /// An audio part from raw base64 (not a `data:` URI).
    pub fn input_audio(data: impl Into<String>, format: AudioFormat) -> Self {
        ContentPart::InputAudio { input_audio: InputAudio { data: data.into(), format } }
    }
}

/// An image reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImageUrl {
    /// http, https or `data:image/...;base64,...` URL.
    pub url: String,
    /// Detail level; unset lets the server choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ImageDetail>,
}

/// A file attachment (PDF).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileInput {
    /// File name shown to the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// A public https URL or a `data:application/pdf;base64,...` URL.
    pub file_data: String,
}

/// An audio attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputAudio {
    /// Raw base64 audio (not a `data:` URI).
    pub data: String,
    /// Encoding of the audio.
    pub format: AudioFormat,
}
