//! Streamed chunks (`chat.completion.chunk`), tolerant of what real providers send.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::content::DeltaContent;
use super::decode::{
    object_in_place, optional_object_in_place, optional_vec_in_place, tolerant_deserialize,
    vec_in_place,
};
use super::message::Role;
use super::response::{FinishReason, Usage, lenient_finish_reason};
use super::tool::ToolType;
use crate::lenient::{
    is_empty_map, lenient_text, lenient_text_or_empty, lenient_u32, lenient_u32_or_zero,
    lenient_u64,
};

/// One streamed chunk. Placeholder chunks (`choices: []`, empty ids) and usage trailers
/// decode like any other.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ChatCompletionChunk {
    /// Completion id (format not guaranteed; empty on placeholder chunks).
    #[serde(default)]
    pub id: String,
    /// `chat.completion.chunk`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds; missing or fractional values are tolerated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<u64>,
    /// The model that answers.
    #[serde(default)]
    pub model: String,
    /// Per-choice deltas; empty on usage trailers and placeholders.
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    /// Token counts (on the last chunk or a trailer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Backend configuration fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<String>,
    /// Fields this SDK does not know (e.g. `obfuscation`, `x_groq`), kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl ChatCompletionChunk {
    /// Decodes one chunk from its JSON text (an SSE event's `data`), as [`ChatStream`] does.
    ///
    /// Gives the same value or error as `serde_json::from_str`, faster for the usual shapes,
    /// but for a lone surrogate escape (`"\ud83d"` without its pair), which serde refuses and
    /// this reads as U+FFFD, as the stream does.
    ///
    /// ```
    /// use naga_protocol::ChatCompletionChunk;
    ///
    /// let data = r#"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#;
    /// let chunk = ChatCompletionChunk::from_json(data)?;
    /// assert_eq!(chunk.choices[0].delta.text().as_deref(), Some("Hi"));
    /// assert!(ChatCompletionChunk::from_json("{").is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// [`ChatStream`]: crate::ChatStream
    pub fn from_json(data: &str) -> Result<Self, serde_json::Error> {
        match super::fast::chunk(data) {
            Some(chunk) => Ok(chunk),
            None => crate::surrogates::from_str(data),
        }
    }

    /// The fast path of [`from_json`](Self::from_json) alone: `None` where it falls back to
    /// serde. For tests and benchmarks; not part of the stable API.
    #[doc(hidden)]
    pub fn from_json_fast_path(data: &str) -> Option<Self> {
        super::fast::chunk(data)
    }
}

/// One choice's part of a chunk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ChunkChoice {
    /// Which choice this updates.
    #[serde(default)]
    pub index: u32,
    /// What is new; empty when absent (e.g. Azure content-filter chunks).
    #[serde(default)]
    pub delta: Delta,
    /// Set on the choice's last chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<FinishReason>,
    /// Token log probabilities, loosely typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// What a chunk adds to a choice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Delta {
    /// Usually only on the first chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// A text fragment, or parts (Mistral); see [`DeltaContent::text`] and
    /// [`DeltaContent::thinking`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<DeltaContent>,
    /// A refusal fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Tool-call fragments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCallDelta>>,
    /// Reasoning fragment (DeepSeek, xAI, Naga).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<String>,
    /// Reasoning fragment under its Cerebras name; same meaning as `reasoning_content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
    /// Reasoning items to accumulate and echo back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_details: Option<Vec<Value>>,
    /// Web-search citations, loosely typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<Value>>,
    /// Generated images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Value>>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl Delta {
    /// The answer text of this delta (thinking parts left out); `None` without content.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        self.content.as_ref().map(DeltaContent::text)
    }

    /// The reasoning of this delta from `reasoning_content`, `reasoning` and Mistral
    /// `thinking` parts, joined; `None` when there is none (empty strings count as none).
    pub fn reasoning_text(&self) -> Option<Cow<'_, str>> {
        let thinking = self.content.as_ref().map(DeltaContent::thinking);
        let pieces = [
            self.reasoning_content.as_deref().map(Cow::Borrowed),
            self.reasoning.as_deref().map(Cow::Borrowed),
            thinking,
        ];
        let mut found = pieces.into_iter().flatten().filter(|piece| !piece.is_empty());
        let first = found.next()?;
        Some(found.fold(first, |mut joined, piece| {
            joined.to_mut().push_str(&piece);
            joined
        }))
    }

    /// The tool-call fragments (empty when there are none).
    pub fn tool_calls(&self) -> &[ToolCallDelta] {
        self.tool_calls.as_deref().unwrap_or_default()
    }
}

/// A fragment of a tool call. Merge fragments by `index` (or by `id` when `index` is absent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ToolCallDelta {
    /// Which call this extends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// Call id, on the call's first fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `function` when present.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ToolType>,
    /// Name and argument fragments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionCallDelta>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A fragment of a function call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct FunctionCallDelta {
    /// The name; may be `""` on later fragments (never overwrite a known name with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// An arguments fragment to append (an object is kept as its JSON text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
    /// Fields this SDK does not know, kept.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

tolerant_deserialize!(ChatCompletionChunk {
    "id" => id: String = read lenient_text_or_empty,
    "object" => object: String = read lenient_text_or_empty,
    "created" => created: Option<u64> = read lenient_u64,
    "model" => model: String = read lenient_text_or_empty,
    "choices" => choices: Vec<ChunkChoice> = fill vec_in_place,
    "usage" => usage: Option<Usage> = fill optional_object_in_place,
    "system_fingerprint" => system_fingerprint: Option<String> = read lenient_text,
});

tolerant_deserialize!(ChunkChoice {
    "index" => index: u32 = read lenient_u32_or_zero,
    "delta" => delta: Delta = fill object_in_place,
    "finish_reason" => finish_reason: Option<FinishReason> = read lenient_finish_reason,
    "logprobs" => logprobs: Option<Value> = read Deserialize::deserialize,
});

tolerant_deserialize!(Delta {
    "role" => role: Option<Role> = read Deserialize::deserialize,
    "content" => content: Option<DeltaContent> = read Deserialize::deserialize,
    "refusal" => refusal: Option<String> = read Deserialize::deserialize,
    "tool_calls" => tool_calls: Option<Vec<ToolCallDelta>> = fill optional_vec_in_place,
    "reasoning_content" => reasoning_content: Option<String> = read Deserialize::deserialize,
    "reasoning" => reasoning: Option<String> = read Deserialize::deserialize,
    "reasoning_details" => reasoning_details: Option<Vec<Value>> = read Deserialize::deserialize,
    "annotations" => annotations: Option<Vec<Value>> = read Deserialize::deserialize,
    "images" => images: Option<Vec<Value>> = read Deserialize::deserialize,
});

tolerant_deserialize!(ToolCallDelta {
    "index" => index: Option<u32> = read lenient_u32,
    "id" => id: Option<String> = read Deserialize::deserialize,
    "type" => kind: Option<ToolType> = read Deserialize::deserialize,
    "function" => function: Option<FunctionCallDelta> = fill optional_object_in_place,
});

tolerant_deserialize!(FunctionCallDelta {
    "name" => name: Option<String> = read Deserialize::deserialize,
    "arguments" => arguments: Option<String> = read lenient_text,
});
