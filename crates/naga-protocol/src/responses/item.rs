//! Items: what a response's `output` holds and what a request's `input` replays (API digest
//! §3.1). One type serves both directions, so an answer's output goes back as input as is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::part::ItemPart;
use crate::binary::decode_base64;
use crate::chat::Role;
use crate::error::Error;
use crate::lenient::{
    is_empty_map, lenient_items, lenient_text, lenient_text_or_empty, open_tagged_deserialize,
    string_enum,
};

string_enum! {
    /// Where an item is in its life.
    pub enum ItemStatus {
        /// Still being generated.
        InProgress = "in_progress",
        /// Finished.
        Completed = "completed",
        /// Cut short (e.g. by `max_output_tokens`).
        Incomplete = "incomplete",
    }
}

/// One item of a conversation: a message, a function call and its output, a reasoning
/// record, an image generation; or an item this SDK does not know, kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseItem {
    /// A message (`role` user, assistant, system or developer).
    Message(MessageItem),
    /// The model calling one of the request's function tools.
    FunctionCall(FunctionCallItem),
    /// The caller's result of a function call (input only).
    FunctionCallOutput(FunctionCallOutput),
    /// The model's reasoning: summary texts, and possibly encrypted content to replay.
    Reasoning(ReasoningItem),
    /// An image the model generated.
    ImageGenerationCall(ImageGenerationCall),
    /// An item of a kind this SDK does not know (or that does not fit its kind), kept whole
    /// with its `type`.
    #[serde(untagged)]
    Other(Map<String, Value>),
}

open_tagged_deserialize!(ResponseItem {
    "message" => Message,
    "function_call" => FunctionCall,
    "function_call_output" => FunctionCallOutput,
    "reasoning" => Reasoning,
    "image_generation_call" => ImageGenerationCall,
});

impl ResponseItem {
    /// A message from `role` with `content` (a text or parts).
    pub fn message(role: Role, content: impl Into<ItemContent>) -> Self {
        ResponseItem::Message(MessageItem::new(role, content))
    }

    /// A user message.
    pub fn user(content: impl Into<ItemContent>) -> Self {
        Self::message(Role::User, content)
    }

    /// A system message.
    pub fn system(content: impl Into<ItemContent>) -> Self {
        Self::message(Role::System, content)
    }

    /// A developer message.
    pub fn developer(content: impl Into<ItemContent>) -> Self {
        Self::message(Role::Developer, content)
    }

    /// An assistant message (a text replayed as history).
    pub fn assistant(content: impl Into<ItemContent>) -> Self {
        Self::message(Role::Assistant, content)
    }

    /// The result of the function call `call_id`.
    pub fn function_call_output(call_id: impl Into<String>, output: impl Into<String>) -> Self {
        ResponseItem::FunctionCallOutput(FunctionCallOutput {
            call_id: call_id.into(),
            output: ItemContent::Text(output.into()),
            id: None,
            status: None,
            extra: Map::new(),
        })
    }

    /// The item's `id`, when it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            ResponseItem::Message(item) => item.id.as_deref(),
            ResponseItem::FunctionCall(item) => item.id.as_deref(),
            ResponseItem::FunctionCallOutput(item) => item.id.as_deref(),
            ResponseItem::Reasoning(item) => item.id.as_deref(),
            ResponseItem::ImageGenerationCall(item) => item.id.as_deref(),
            ResponseItem::Other(map) => map.get("id").and_then(Value::as_str),
        }
    }
}

impl From<MessageItem> for ResponseItem {
    fn from(item: MessageItem) -> Self {
        ResponseItem::Message(item)
    }
}

/// A message item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageItem {
    /// The item id (output messages carry one; input messages need none).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Who wrote it.
    #[serde(default = "assistant")]
    pub role: Role,
    /// A text, or parts (output messages always use parts).
    #[serde(default)]
    pub content: ItemContent,
    /// Where the item is in its life (output only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ItemStatus>,
    /// Fields this SDK does not know (kept, and sent back as given).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

fn assistant() -> Role {
    Role::Assistant
}

impl MessageItem {
    /// A message from `role` with `content`.
    pub fn new(role: Role, content: impl Into<ItemContent>) -> Self {
        MessageItem { id: None, role, content: content.into(), status: None, extra: Map::new() }
    }

    /// The message's text: its `output_text` and `input_text` parts joined (or the text).
    pub fn text(&self) -> String {
        match &self.content {
            ItemContent::Text(text) => text.clone(),
            ItemContent::Parts(parts) => parts.iter().filter_map(ItemPart::text).collect(),
        }
    }

    /// The refusal, when the model declined to answer.
    pub fn refusal(&self) -> Option<&str> {
        let ItemContent::Parts(parts) = &self.content else { return None };
        parts.iter().find_map(|part| match part {
            ItemPart::Refusal(refusal) => Some(refusal.refusal.as_str()),
            _ => None,
        })
    }
}

/// A message's content, or a function call's output: a text or a list of parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ItemContent {
    /// Plain text.
    Text(String),
    /// Typed parts (text, images, files, audio; output text and refusals from the model).
    Parts(Vec<ItemPart>),
}

impl Default for ItemContent {
    fn default() -> Self {
        ItemContent::Parts(Vec::new())
    }
}

impl From<&str> for ItemContent {
    fn from(text: &str) -> Self {
        ItemContent::Text(text.to_owned())
    }
}

impl From<String> for ItemContent {
    fn from(text: String) -> Self {
        ItemContent::Text(text)
    }
}

impl From<Vec<ItemPart>> for ItemContent {
    fn from(parts: Vec<ItemPart>) -> Self {
        ItemContent::Parts(parts)
    }
}

/// A `function_call` item: the model asks for a function to be run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FunctionCallItem {
    /// The item id (`fc_...`).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The id the result must name (`call_...`).
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub call_id: String,
    /// The function's name.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub name: String,
    /// The arguments as JSON text (see [`FunctionCallItem::arguments`]).
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub arguments: String,
    /// Where the item is in its life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ItemStatus>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `function_call_output` item: the caller's result for `call_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FunctionCallOutput {
    /// The call this answers.
    pub call_id: String,
    /// The result: a text (usually JSON) or parts.
    pub output: ItemContent,
    /// The item id, when replayed from a server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the item is in its life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ItemStatus>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A `reasoning` item. Replay it unchanged (with `encrypted_content`) before later function
/// outputs, so the model keeps its train of thought.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReasoningItem {
    /// The item id (`rs_...`).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Readable summaries of the reasoning (`summary_text` parts).
    #[serde(default, deserialize_with = "lenient_items")]
    pub summary: Vec<ReasoningText>,
    /// The reasoning itself (`reasoning_text` parts), where a provider shows it.
    #[serde(default, deserialize_with = "lenient_items", skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<ReasoningText>,
    /// Opaque reasoning state to send back unchanged.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub encrypted_content: Option<String>,
    /// Where the item is in its life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ItemStatus>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ReasoningItem {
    /// The summary texts joined by blank lines.
    pub fn summary_text(&self) -> String {
        let texts: Vec<&str> = self.summary.iter().map(|part| part.text.as_str()).collect();
        texts.join("\n\n")
    }
}

/// A `summary_text` or `reasoning_text` part of a reasoning item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReasoningText {
    /// `summary_text` or `reasoning_text`.
    #[serde(rename = "type", default = "summary_text")]
    pub kind: String,
    /// The text.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub text: String,
}

fn summary_text() -> String {
    "summary_text".to_owned()
}

impl ReasoningText {
    /// A `summary_text` part.
    pub fn summary(text: impl Into<String>) -> Self {
        ReasoningText { kind: summary_text(), text: text.into() }
    }
}

/// An `image_generation_call` item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImageGenerationCall {
    /// The item id.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the item is in its life (`completed`, `generating`, ...).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The image as base64 (see [`ImageGenerationCall::bytes`]).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ImageGenerationCall {
    /// The image's bytes, decoded from `result` (`None` while there is none).
    pub fn bytes(&self) -> Option<Result<Vec<u8>, Error>> {
        self.result.as_deref().map(|base64| decode_base64("generated image", base64))
    }
}
