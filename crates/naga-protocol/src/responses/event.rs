//! `ResponseEvent`: one server-sent event of a streamed response (API digest §3.1).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::item::{ReasoningText, ResponseItem};
use super::object::ResponseObject;
use super::part::{Annotation, ItemPart};
use crate::chat::decode::tolerant_deserialize;
use crate::lenient::{
    is_empty_map, lenient_text_or_empty, lenient_u32, lenient_u32_or_zero, lenient_u64,
    tagged_events,
};

tagged_events! {
    /// One event of a streamed response, told apart by its `type`. Text arrives in
    /// [`OutputTextDelta`](Self::OutputTextDelta)s, function arguments in
    /// [`FunctionCallArgumentsDelta`](Self::FunctionCallArgumentsDelta)s, and the final
    /// answer in [`Completed`](Self::Completed); [`ResponseAccumulator`](crate::ResponseAccumulator)
    /// adds them up. (`error` and `response.failed` events become errors of the stream.)
    ResponseEvent {
    /// The response was created (a snapshot, usually without output).
    "response.created" => Created(Snapshot),
    /// The response is waiting to start.
    "response.queued" => Queued(Snapshot),
    /// The response is being generated.
    "response.in_progress" => InProgress(Snapshot),
    /// The response finished: the final answer.
    "response.completed" => Completed(Snapshot),
    /// The response stopped early (e.g. `max_output_tokens`): the final answer so far.
    "response.incomplete" => Incomplete(Snapshot),
    /// A new output item starts.
    "response.output_item.added" => OutputItemAdded(ItemEvent),
    /// An output item is complete.
    "response.output_item.done" => OutputItemDone(ItemEvent),
    /// A new part of a message starts.
    "response.content_part.added" => ContentPartAdded(PartEvent),
    /// A part of a message is complete.
    "response.content_part.done" => ContentPartDone(PartEvent),
    /// More output text.
    "response.output_text.delta" => OutputTextDelta(DeltaEvent),
    /// An output text part is complete (`text` holds all of it).
    "response.output_text.done" => OutputTextDone(DoneEvent),
    /// A citation was added to an output text part.
    "response.output_text.annotation.added" => OutputTextAnnotationAdded(AnnotationEvent),
    /// More refusal text.
    "response.refusal.delta" => RefusalDelta(DeltaEvent),
    /// A refusal is complete (`refusal` holds all of it).
    "response.refusal.done" => RefusalDone(DoneEvent),
    /// More function-call arguments (JSON text).
    "response.function_call_arguments.delta" => FunctionCallArgumentsDelta(DeltaEvent),
    /// A function call's arguments are complete (`arguments` holds all of them).
    "response.function_call_arguments.done" => FunctionCallArgumentsDone(DoneEvent),
    /// A new reasoning summary part starts.
    "response.reasoning_summary_part.added" => ReasoningSummaryPartAdded(SummaryPartEvent),
    /// A reasoning summary part is complete.
    "response.reasoning_summary_part.done" => ReasoningSummaryPartDone(SummaryPartEvent),
    /// More reasoning summary text.
    "response.reasoning_summary_text.delta" => ReasoningSummaryTextDelta(DeltaEvent),
    /// A reasoning summary text is complete.
    "response.reasoning_summary_text.done" => ReasoningSummaryTextDone(DoneEvent),
    /// More reasoning text (where a provider shows it).
    "response.reasoning_text.delta" => ReasoningTextDelta(DeltaEvent),
    /// A reasoning text is complete.
    "response.reasoning_text.done" => ReasoningTextDone(DoneEvent),
    }
}

impl ResponseEvent {
    /// The text a delta event adds (output text, refusal, arguments, reasoning).
    pub fn delta(&self) -> Option<&str> {
        match self {
            ResponseEvent::OutputTextDelta(event)
            | ResponseEvent::RefusalDelta(event)
            | ResponseEvent::FunctionCallArgumentsDelta(event)
            | ResponseEvent::ReasoningSummaryTextDelta(event)
            | ResponseEvent::ReasoningTextDelta(event) => Some(&event.delta),
            _ => None,
        }
    }

    /// The output text a [`OutputTextDelta`](Self::OutputTextDelta) adds.
    pub fn text_delta(&self) -> Option<&str> {
        match self {
            ResponseEvent::OutputTextDelta(event) => Some(&event.delta),
            _ => None,
        }
    }

    /// The reasoning a [`ReasoningSummaryTextDelta`](Self::ReasoningSummaryTextDelta) or
    /// [`ReasoningTextDelta`](Self::ReasoningTextDelta) adds.
    pub fn reasoning_delta(&self) -> Option<&str> {
        match self {
            ResponseEvent::ReasoningSummaryTextDelta(event)
            | ResponseEvent::ReasoningTextDelta(event) => Some(&event.delta),
            _ => None,
        }
    }
}

/// The item of an [`ItemEvent`] that came without one.
fn no_item() -> ResponseItem {
    ResponseItem::Other(Map::new())
}

/// A `response.*` lifecycle event: the response as it stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Snapshot {
    /// The response.
    pub response: ResponseObject,
    /// Position in the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// An output item starting or complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ItemEvent {
    /// The item's position in `output`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub output_index: u32,
    /// The item (empty content or arguments when it starts). An event without one (some
    /// providers send an empty `output_item.added`) has an empty `ResponseItem::Other`,
    /// which adding up skips.
    #[serde(default = "no_item")]
    pub item: ResponseItem,
    /// Position in the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A message part starting or complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PartEvent {
    /// The message's item id.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub item_id: String,
    /// The message's position in `output`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub output_index: u32,
    /// The part's position in the message's content.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub content_index: u32,
    /// The part.
    pub part: ItemPart,
    /// Position in the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// A reasoning summary part starting or complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryPartEvent {
    /// The reasoning item's id.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub item_id: String,
    /// The reasoning item's position in `output`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub output_index: u32,
    /// The part's position in the item's `summary`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub summary_index: u32,
    /// The part.
    pub part: ReasoningText,
    /// Position in the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// More text for an item: output text, refusal, function arguments or reasoning.
// The most frequent event: read in one pass by `tolerant_deserialize!` (no intermediate map);
// a missing `delta` adds nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct DeltaEvent {
    /// The item's id.
    #[serde(default)]
    pub item_id: String,
    /// The item's position in `output`.
    #[serde(default)]
    pub output_index: u32,
    /// The part's position in a message's content or a reasoning item's `content`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_index: Option<u32>,
    /// The part's position in a reasoning item's `summary`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_index: Option<u32>,
    /// The added text.
    #[serde(default)]
    pub delta: String,
    /// Position in the stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
    /// Fields this SDK does not know (`logprobs`, `obfuscation`, ...).
    #[serde(flatten, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

tolerant_deserialize!(DeltaEvent {
    "item_id" => item_id: String = read lenient_text_or_empty,
    "output_index" => output_index: u32 = read lenient_u32_or_zero,
    "content_index" => content_index: Option<u32> = read lenient_u32,
    "summary_index" => summary_index: Option<u32> = read lenient_u32,
    "delta" => delta: String = read lenient_text_or_empty,
    "sequence_number" => sequence_number: Option<u64> = read lenient_u64,
});

/// A text of an item complete: `text` (output or reasoning text), `refusal` or `arguments`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DoneEvent {
    /// The item's id.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub item_id: String,
    /// The item's position in `output`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub output_index: u32,
    /// The part's position in a message's content or a reasoning item's `content`.
    #[serde(default, deserialize_with = "lenient_u32", skip_serializing_if = "Option::is_none")]
    pub content_index: Option<u32>,
    /// The part's position in a reasoning item's `summary`.
    #[serde(default, deserialize_with = "lenient_u32", skip_serializing_if = "Option::is_none")]
    pub summary_index: Option<u32>,
    /// The whole text (`output_text.done`, reasoning `*.done`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The whole refusal (`refusal.done`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// The whole arguments (`function_call_arguments.done`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
    /// Position in the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
    /// Fields this SDK does not know (`name`, `logprobs`, ...).
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

impl DoneEvent {
    /// The completed text, whichever field carries it.
    pub fn value(&self) -> Option<&str> {
        self.text.as_deref().or(self.refusal.as_deref()).or(self.arguments.as_deref())
    }
}

/// A citation added to an output text part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnnotationEvent {
    /// The message's item id.
    #[serde(default, deserialize_with = "lenient_text_or_empty")]
    pub item_id: String,
    /// The message's position in `output`.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub output_index: u32,
    /// The part's position in the message's content.
    #[serde(default, deserialize_with = "lenient_u32_or_zero")]
    pub content_index: u32,
    /// The annotation's position in the part's annotations.
    #[serde(default, deserialize_with = "lenient_u32", skip_serializing_if = "Option::is_none")]
    pub annotation_index: Option<u32>,
    /// The citation.
    pub annotation: Annotation,
    /// Position in the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
    /// Fields this SDK does not know.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}
