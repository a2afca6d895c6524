//! The non-streaming answer: completion, choices, the assistant message, usage.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::content::{OutputPart, lenient_message_parts, settle_content};
use super::decode::{
    object_in_place, optional_object_in_place, tolerant_deserialize, vec_in_place,
};
use super::message::{Content, Message, Role};
use super::request::ChatRequest;
use super::tool::ToolCall;
use crate::error::Error;
use crate::lenient::{
    is_empty_map, lenient_text, lenient_text_or_empty, lenient_u32_or_zero, lenient_u64,
    lenient_u64_or_zero, string_enum,
};
use crate::operation::{Operation, decode_json};

string_enum! {
    /// Why the model stopped.
    pub enum FinishReason {
        /// A natural stop or a stop sequence.
        Stop = "stop",
        /// The token limit was reached.
        Length = "length",
        /// The model called tools.
        ToolCalls = "tool_calls",
        /// Content was filtered.
        ContentFilter = "content_filter",
        /// Legacy single function call.
        FunctionCall = "function_call",
    }
}

/// A chat completion (`object: "chat.completion"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ChatCompletion {
    /// Completion id (format not guaranteed).
    #[serde(default)]
    pub id: String,
    /// `chat.completion`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds; missing or fractional values are tolerated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<u64>,
    /// The model that answered.
    #[serde(default)]
    pub model: String,
    /// The answers (usually one).
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// Token counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Backend configuration fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<String>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ChatCompletion {
    /// Decodes a non-streaming response body (bytes or text), as the clients do.
    ///
    /// Gives the same value or error as [`decode_json`] (an [`Error::Decode`] naming the
    /// offset), faster for the usual shapes.
    ///
    /// ```
    /// use naga_protocol::ChatCompletion;
    ///
    /// let body = r#"{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}]}"#;
    /// let completion = ChatCompletion::from_json(body)?;
    /// assert_eq!(completion.text(), Some("Hi"));
    /// assert_eq!(ChatCompletion::from_json(body.as_bytes())?, completion);
    /// assert!(ChatCompletion::from_json(b"{").is_err());
    /// # Ok::<(), naga_protocol::Error>(())
    /// ```
    pub fn from_json(body: impl AsRef<[u8]>) -> Result<Self, Error> {
        let body = body.as_ref();
        match Self::from_json_fast_path(body) {
            Some(completion) => Ok(completion),
            None => decode_json(<ChatRequest as Operation>::NAME, body),
        }
    }

    /// The fast path of [`from_json`](Self::from_json) alone: `None` where it falls back to
    /// serde (also for a body that is not UTF-8). For tests and benchmarks; not part of the
    /// stable API.
    #[doc(hidden)]
    pub fn from_json_fast_path(body: &[u8]) -> Option<Self> {
        super::fast::completion(simdutf8::basic::from_utf8(body).ok()?)
    }

    /// The first choice, if any.
    pub fn first_choice(&self) -> Option<&Choice> {
        self.choices.first()
    }

    /// The text of the first choice's message.
    pub fn text(&self) -> Option<&str> {
        self.first_choice().and_then(|choice| choice.message.content.as_deref())
    }

    /// The reasoning text of the first choice's message, as [`Delta::reasoning_text`]
    /// offers it per chunk: `reasoning_content` (where a streamed answer's reasoning is
    /// gathered), else a text `reasoning` (the name some providers use); `None` when there is
    /// none (empty text counts as none).
    ///
    /// ```
    /// use naga_protocol::ChatCompletion;
    /// let body = br#"{"choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning_content":"2+2 is 4"}}]}"#;
    /// let completion: ChatCompletion = serde_json::from_slice(body)?;
    /// assert_eq!((completion.text(), completion.reasoning()), (Some("4"), Some("2+2 is 4")));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// [`Delta::reasoning_text`]: crate::Delta::reasoning_text
    pub fn reasoning(&self) -> Option<&str> {
        let message = &self.first_choice()?.message;
        let named = message.extra.get("reasoning").and_then(Value::as_str);
        [message.reasoning_content.as_deref(), named].into_iter().flatten().find(|t| !t.is_empty())
    }

    /// The tool calls of the first choice's message (empty when there are none).
    pub fn tool_calls(&self) -> &[ToolCall] {
        self.first_choice().map_or(&[], |choice| choice.message.tool_calls())
    }

    /// The first choice's finish reason.
    pub fn finish_reason(&self) -> Option<&FinishReason> {
        self.first_choice().and_then(|choice| choice.finish_reason.as_ref())
    }
}

/// One answer of a completion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Choice {
    /// Position among the choices.
    #[serde(default)]
    pub index: u32,
    /// The assistant's message.
    #[serde(default)]
    pub message: ResponseMessage,
    /// Why the model stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<FinishReason>,
    /// Token log probabilities, loosely typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// The assistant message of a choice. Every field may be absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ResponseMessage {
    /// Normally `assistant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The text. Content sent as an array of parts is joined from its text parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The content as sent, when it came as an array of parts that is more than text:
    /// Mistral's `thinking` parts, images, refusals, any other part kept verbatim (a bare
    /// string reads as a text part). Their `thinking` also fills an empty `reasoning_content`,
    /// and a `refusal` part an absent `refusal`, as a streamed answer's are. Not written back:
    /// `content` is written as its text.
    #[serde(skip)]
    pub content_parts: Option<Vec<OutputPart>>,
    /// A refusal message instead of content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Tool calls the model made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
    /// Web-search citations, loosely typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<Value>>,
    /// Reasoning as one string (older form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<String>,
    /// Reasoning items; echo them back unchanged in a tool loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_details: Option<Vec<Value>>,
    /// Generated images: `{type: "image_url", image_url: {url}}` objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Value>>,
    /// Normally absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Normally absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ResponseMessage {
    /// The tool calls (empty when there are none).
    pub fn tool_calls(&self) -> &[ToolCall] {
        self.tool_calls.as_deref().unwrap_or_default()
    }

    /// The URLs of generated images (usually `data:` URLs).
    pub fn image_urls(&self) -> impl Iterator<Item = &str> {
        self.images.iter().flatten().filter_map(|image| {
            image.get("image_url").and_then(|url| url.get("url")).and_then(Value::as_str)
        })
    }

    /// The message to append to the conversation, ready for the tool results or the user
    /// turn that follow. Kept unchanged: `role` (`assistant` when absent), `content`,
    /// `tool_calls`, `reasoning_details`, `name` and `tool_call_id`. A `refusal` becomes the
    /// content when there is none (no content, or an empty one): an assistant message
    /// needs content unless it carries tool calls, and the refusal was the answer; a refusal
    /// beside content is dropped. Dropped as well, having no place in a request message:
    /// `annotations`, `reasoning_content`, `images` and unknown fields (`extra`).
    pub fn to_message(&self) -> Message {
        Message::from(self.clone())
    }
}

/// See [`ResponseMessage::to_message`].
impl From<ResponseMessage> for Message {
    fn from(message: ResponseMessage) -> Self {
        let content = match (message.content, message.refusal) {
            (None, refusal) => refusal,
            (Some(content), Some(refusal)) if content.is_empty() && !refusal.is_empty() => {
                Some(refusal)
            }
            (content, _) => content,
        };
        Message {
            role: message.role.unwrap_or(Role::Assistant),
            content: content.map(Content::Text),
            name: message.name,
            tool_calls: message.tool_calls,
            tool_call_id: message.tool_call_id,
            reasoning_details: message.reasoning_details,
            extra: Map::new(),
        }
    }
}

/// Token counts of a request. Missing counts read as 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Usage {
    /// Input tokens.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Output tokens (some providers leave reasoning tokens out).
    #[serde(default)]
    pub completion_tokens: u64,
    /// Total tokens as reported (not always the sum of the other two).
    #[serde(default)]
    pub total_tokens: u64,
    /// Input token breakdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens_details: Option<PromptTokensDetails>,
    /// Output token breakdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens_details: Option<CompletionTokensDetails>,
    /// Fields this SDK does not know (e.g. provider timings, cache counts), kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Input token breakdown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct PromptTokensDetails {
    /// Tokens served from the prompt cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_tokens: Option<u64>,
    /// Audio input tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_tokens: Option<u64>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// Output token breakdown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct CompletionTokensDetails {
    /// Reasoning tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<u64>,
    /// Image output tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tokens: Option<u64>,
    /// Audio output tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_tokens: Option<u64>,
    /// Predicted tokens that were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_prediction_tokens: Option<u64>,
    /// Predicted tokens that were not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_prediction_tokens: Option<u64>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

tolerant_deserialize!(ChatCompletion {
    "id" => id: String = read lenient_text_or_empty,
    "object" => object: String = read lenient_text_or_empty,
    "created" => created: Option<u64> = read lenient_u64,
    "model" => model: String = read lenient_text_or_empty,
    "choices" => choices: Vec<Choice> = fill vec_in_place,
    "usage" => usage: Option<Usage> = fill optional_object_in_place,
    "system_fingerprint" => system_fingerprint: Option<String> = read lenient_text,
});

tolerant_deserialize!(Choice {
    "index" => index: u32 = read lenient_u32_or_zero,
    "message" => message: ResponseMessage = fill object_in_place,
    "finish_reason" => finish_reason: Option<FinishReason> = read lenient_finish_reason,
    "logprobs" => logprobs: Option<Value> = read Deserialize::deserialize,
});

tolerant_deserialize!(ResponseMessage {
    "role" => role: Option<Role> = read Deserialize::deserialize,
    "content" => content_parts: Option<Vec<OutputPart>> = read lenient_message_parts,
    "refusal" => refusal: Option<String> = read lenient_text,
    "tool_calls" => tool_calls: Option<Vec<ToolCall>> = read Deserialize::deserialize,
    "annotations" => annotations: Option<Vec<Value>> = read Deserialize::deserialize,
    "reasoning_content" => reasoning_content: Option<String> = read lenient_text,
    "reasoning_details" => reasoning_details: Option<Vec<Value>> = read Deserialize::deserialize,
    "images" => images: Option<Vec<Value>> = read Deserialize::deserialize,
    "name" => name: Option<String> = read Deserialize::deserialize,
    "tool_call_id" => tool_call_id: Option<String> = read Deserialize::deserialize,
} then settle_content);

tolerant_deserialize!(Usage {
    "prompt_tokens" => prompt_tokens: u64 = read lenient_u64_or_zero,
    "completion_tokens" => completion_tokens: u64 = read lenient_u64_or_zero,
    "total_tokens" => total_tokens: u64 = read lenient_u64_or_zero,
    "prompt_tokens_details" => prompt_tokens_details: Option<PromptTokensDetails> = fill optional_object_in_place,
    "completion_tokens_details" =>
        completion_tokens_details: Option<CompletionTokensDetails> = fill optional_object_in_place,
});

tolerant_deserialize!(PromptTokensDetails {
    "cached_tokens" => cached_tokens: Option<u64> = read lenient_u64,
    "audio_tokens" => audio_tokens: Option<u64> = read lenient_u64,
});

tolerant_deserialize!(CompletionTokensDetails {
    "reasoning_tokens" => reasoning_tokens: Option<u64> = read lenient_u64,
    "image_tokens" => image_tokens: Option<u64> = read lenient_u64,
    "audio_tokens" => audio_tokens: Option<u64> = read lenient_u64,
    "accepted_prediction_tokens" => accepted_prediction_tokens: Option<u64> = read lenient_u64,
    "rejected_prediction_tokens" => rejected_prediction_tokens: Option<u64> = read lenient_u64,
});

/// A finish reason: a string (known or not), `null` as none, any other value as its JSON
/// text (a finish the SDK cannot name is still a finish).
pub(crate) fn lenient_finish_reason<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Option<FinishReason>, D::Error> {
    Ok(crate::lenient::lenient_text(de)?.map(|text| FinishReason::from(text.as_str())))
}
