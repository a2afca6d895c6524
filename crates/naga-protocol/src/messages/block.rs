//! Content blocks of the Messages API: what a message holds, sent and received (API digest
//! §3.2). One type serves both directions, so an answer's blocks go back as history as is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::{is_empty_map, lenient_text, lenient_text_or_empty, open_tagged_deserialize};

/// One block of a message; a block of a kind this SDK does not know is kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    /// Text.
    Text(TextBlock),
    /// An image (from the user, or replayed from an answer that held one).
    Image(MediaBlock),
    /// A document, e.g. a PDF (user messages).
    Document(MediaBlock),
    /// The model calling a tool (assistant messages).
    ToolUse(ToolUseBlock),
    /// The caller's result of a tool call (user messages).
    ToolResult(ToolResultBlock),
    /// The model's visible reasoning, with the signature that lets it be replayed.
    Thinking(ThinkingBlock),
    /// Reasoning the provider hides; replay it unchanged.
    RedactedThinking(RedactedThinkingBlock),
    /// A block of a kind this SDK does not know (`search_result`, server tool blocks, ...),
    /// or one that does not fit its kind, kept whole with its `type`.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

open_tagged_deserialize!(ContentBlock {
    "text" => Text,
    "image" => Image,
    "document" => Document,
    "tool_use" => ToolUse,
    "tool_result" => ToolResult,
    "thinking" => Thinking,
    "redacted_thinking" => RedactedThinking,
});

impl ContentBlock {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        ContentBlock::Text(TextBlock { text: text.into(), extra: Map::new() })
    }

    /// An image as base64 `data` of `media_type` (e.g. `image/png`).
    pub fn image_base64(media_type: impl Into<String>, data: impl Into<String>) -> Self {
        ContentBlock::Image(MediaBlock::base64(media_type, data))
    }

    /// An image by URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        ContentBlock::Image(MediaBlock::url(url))
    }

    /// A PDF as base64.
    pub fn pdf_base64(data: impl Into<String>) -> Self {
        ContentBlock::Document(MediaBlock::base64(crate::media::PDF, data))
    }

    /// An image from the bytes of a PNG, JPEG, WebP or GIF file, its media type read from
    /// the bytes.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) (field `image`) for bytes of
    /// any other format.
    pub fn image_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        let (media_type, base64) = crate::media::image(bytes)?;
        Ok(ContentBlock::image_base64(media_type, base64))
    }

    /// A PDF document from its bytes.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) (field `file`) for bytes that
    /// do not start as a PDF does.
    pub fn pdf_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        Ok(ContentBlock::pdf_base64(crate::media::pdf(bytes)?))
    }

    /// The result of the tool call `tool_use_id`.
    pub fn tool_result(tool_use_id: impl Into<String>, content: impl Into<String>) -> Self {
        ContentBlock::ToolResult(ToolResultBlock {
            tool_use_id: tool_use_id.into(),
            content: Some(BlockContent::Text(content.into())),
            is_error: None,
            extra: Map::new(),
        })
    }

    /// The text of a text block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ContentBlock::Text(block) => Some(&block.text),
            _ => None,
        }
    }
}

/// A message's content: a text, or blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BlockContent {
    /// Plain text.
    Text(String),
    /// Typed blocks.
    Blocks(Vec<ContentBlock>),
}

impl Default for BlockContent {
    fn default() -> Self {
        BlockContent::Blocks(Vec::new())
    }
}

impl From<&str> for BlockContent {
    fn from(text: &str) -> Self {
        BlockContent::Text(text.to_owned())
    }
}

impl From<String> for BlockContent {
    fn from(text: String) -> Self {
        BlockContent::Text(text)
    }
}

impl From<Vec<ContentBlock>> for BlockContent {
    fn from(blocks: Vec<ContentBlock>) -> Self {
        BlockContent::Blocks(blocks)
    }
}

/// A `text` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TextBlock {
    /// The text.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub text: String,
    /// Fields this SDK does not know (`citations`, `cache_control`, ...).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// An `image` or `document` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MediaBlock {
    /// Where the bytes are.
    pub source: MediaSource,
    /// Fields this SDK does not know (`title`, `cache_control`, ...).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl MediaBlock {
    fn base64(media_type: impl Into<String>, data: impl Into<String>) -> Self {
        let source = MediaSource::Base64 { media_type: media_type.into(), data: data.into() };
        MediaBlock { source, extra: Map::new() }
    }

    fn url(url: impl Into<String>) -> Self {
        MediaBlock { source: MediaSource::Url { url: url.into() }, extra: Map::new() }
    }
}

/// The source of an image or document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MediaSource {
    /// Inline base64.
    Base64 {
        /// E.g. `image/png`, `application/pdf`.
        media_type: String,
        /// The bytes, base64 (not a `data:` URL).
        data: String,
    },
    /// A URL the server fetches.
    Url {
        /// `https://...`.
        url: String,
    },
    /// Another source (`text`, `file`, ...), kept verbatim with its `type`.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

/// A `tool_use` block: the model asks for a tool to be run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolUseBlock {
    /// The call's id (`toolu_...`), which the result names.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub id: String,
    /// The tool's name.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub name: String,
    /// The arguments, a JSON object (see [`ToolUseBlock::input`]).
    #[serde(default = "empty_object")]
    pub input: Value,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

/// A `tool_result` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolResultBlock {
    /// The call this answers.
    pub tool_use_id: String,
    /// The result: a text or blocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<BlockContent>,
    /// Whether the tool failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `thinking` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThinkingBlock {
    /// The reasoning text.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub thinking: String,
    /// Opaque proof of the reasoning; replay it unchanged.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub signature: String,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `redacted_thinking` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RedactedThinkingBlock {
    /// Opaque reasoning state.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}
