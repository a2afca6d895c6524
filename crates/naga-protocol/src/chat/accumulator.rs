//! `ChatAccumulator`: streamed chunks -> the completion a non-streaming call returns.

use serde_json::{Map, Value};

use super::chunk::{ChatCompletionChunk, ChunkChoice, Delta, ToolCallDelta};
use super::message::Role;
use super::response::{ChatCompletion, Choice, ResponseMessage};
use super::stream::is_finish;
use super::tool::ToolCall;
use crate::error::Error;
use crate::operation::StreamAccumulator;

/// Adds up the chunks of a streamed chat completion into a [`ChatCompletion`].
///
/// Text, refusal and reasoning fragments are concatenated per choice (reasoning from
/// `reasoning_content`, `reasoning` and thinking parts); reasoning details, annotations and
/// images are appended in order; tool calls are merged by `index`, or by `id` when `index`
/// is missing; the latest `finish_reason` (an empty string counts as none) and `usage` win.
/// A field that never received a non-empty fragment stays `None`, as in a non-streaming
/// response. The partial result is available at any time through
/// [`snapshot`](Self::snapshot), e.g. after a failure.
///
/// ```
/// use naga_protocol::{ChatAccumulator, ChatCompletionChunk};
///
/// let mut acc = ChatAccumulator::new();
/// for line in [
///     r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}"#,
///     r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#,
/// ] {
///     acc.push(&serde_json::from_str::<ChatCompletionChunk>(line)?);
/// }
/// assert_eq!(acc.text(), Some("Hello"));
/// let completion = acc.finish();
/// assert_eq!((completion.id.as_str(), completion.object.as_str()), ("c1", "chat.completion"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChatAccumulator {
    /// The result so far; choices in order of first appearance.
    completion: ChatCompletion,
    /// Per choice (same order), the `index` each tool call was keyed by.
    tool_keys: Vec<Vec<Option<u32>>>,
}

/// A streamed completion that failed: the error, and what had arrived before it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct PartialCompletion {
    /// Why the stream stopped.
    pub error: Error,
    /// The completion accumulated from the chunks received before the error.
    pub partial: Box<ChatCompletion>,
}

impl ChatAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        let completion =
            ChatCompletion { object: "chat.completion".to_owned(), ..ChatCompletion::default() };
        ChatAccumulator { completion, tool_keys: Vec::new() }
    }

    /// Accumulates `chunks` up to the first error; the error comes back with the partial
    /// completion.
    pub fn accumulate(
        chunks: impl IntoIterator<Item = Result<ChatCompletionChunk, Error>>,
    ) -> Result<ChatCompletion, PartialCompletion> {
        Self::new().add_up(chunks, |_| {}).map_err(|(error, accumulator)| PartialCompletion {
            error,
            partial: Box::new(accumulator.finish()),
        })
    }

    /// Adds one chunk.
    pub fn push(&mut self, chunk: &ChatCompletionChunk) {
        self.take_header(chunk);
        for choice in &chunk.choices {
            self.push_choice(choice);
        }
        if let Some(usage) = &chunk.usage {
            self.completion.usage = Some(usage.clone());
        }
    }

    /// The completion so far (choices sorted by index).
    pub fn snapshot(&self) -> ChatCompletion {
        self.clone().finish()
    }

    /// The completion (choices sorted by index).
    pub fn finish(self) -> ChatCompletion {
        let mut completion = self.completion;
        completion.choices.sort_by_key(|choice| choice.index);
        completion
    }

    /// The text of choice 0 so far.
    pub fn text(&self) -> Option<&str> {
        let choice = self.completion.choices.iter().find(|choice| choice.index == 0)?;
        choice.message.content.as_deref()
    }

    /// Takes id, model, created and fingerprint from the first chunk that has them.
    fn take_header(&mut self, chunk: &ChatCompletionChunk) {
        let target = &mut self.completion;
        if target.id.is_empty() {
            target.id.clone_from(&chunk.id);
        }
        if target.model.is_empty() {
            target.model.clone_from(&chunk.model);
        }
        if target.created.is_none_or(|created| created == 0) {
            target.created = chunk.created.filter(|&created| created != 0).or(target.created);
        }
        let fingerprint = chunk.system_fingerprint.as_ref().filter(|f| !f.is_empty());
        if target.system_fingerprint.is_none() {
            target.system_fingerprint = fingerprint.cloned();
        }
    }

    /// Merges one choice's delta into the choice with the same index (found by linear
    /// search; never allocated by index).
    fn push_choice(&mut self, part: &ChunkChoice) {
        let choices = &mut self.completion.choices;
        let slot = match choices.iter().position(|choice| choice.index == part.index) {
            Some(slot) => slot,
            None => {
                choices.push(new_choice(part.index));
                self.tool_keys.push(Vec::new());
                choices.len() - 1
            }
        };
        let (Some(choice), Some(keys)) = (choices.get_mut(slot), self.tool_keys.get_mut(slot))
        else {
            return;
        };
        merge_delta(&mut choice.message, &part.delta);
        for call in part.delta.tool_calls() {
            merge_tool_call(choice.message.tool_calls.get_or_insert_default(), keys, call);
        }
        if is_finish(&part.finish_reason) {
            choice.finish_reason.clone_from(&part.finish_reason);
        }
        if let Some(logprobs) = &part.logprobs {
            merge_logprobs(&mut choice.logprobs, logprobs);
        }
        merge_extra(&mut choice.extra, &part.extra);
    }
}

impl Default for ChatAccumulator {
    fn default() -> Self {
        Self::new()
    }
}

fn new_choice(index: u32) -> Choice {
    let message = ResponseMessage { role: Some(Role::Assistant), ..ResponseMessage::default() };
    Choice { index, message, ..Choice::default() }
}

/// Role, text, refusal, reasoning and the appended lists of one delta.
fn merge_delta(message: &mut ResponseMessage, delta: &Delta) {
    if let Some(role) = &delta.role {
        message.role = Some(role.clone());
    }
    if let Some(text) = delta.text() {
        append_text(&mut message.content, &text);
    }
    if let Some(refusal) = &delta.refusal {
        append_text(&mut message.refusal, refusal);
    }
    if let Some(reasoning) = delta.reasoning_text() {
        append_text(&mut message.reasoning_content, &reasoning);
    }
    append_values(&mut message.reasoning_details, delta.reasoning_details.as_deref());
    append_values(&mut message.annotations, delta.annotations.as_deref());
    append_values(&mut message.images, delta.images.as_deref());
}

/// Appends a fragment; an empty fragment creates nothing.
fn append_text(target: &mut Option<String>, fragment: &str) {
    if !fragment.is_empty() {
        target.get_or_insert_default().push_str(fragment);
    }
}

fn append_values(target: &mut Option<Vec<Value>>, items: Option<&[Value]>) {
    if let Some(items) = items.filter(|items| !items.is_empty()) {
        target.get_or_insert_default().extend_from_slice(items);
    }
}

/// Merges a tool-call fragment into `calls`; `keys[i]` is the `index` of `calls[i]`. A
/// fragment with an `index` no call has yet continues a call that began without one (its
/// `id`'s, or with no `id` the last call), which takes that index from then on.
fn merge_tool_call(calls: &mut Vec<ToolCall>, keys: &mut Vec<Option<u32>>, delta: &ToolCallDelta) {
    let id = delta.id.as_deref().filter(|id| !id.is_empty());
    let found = match delta.index {
        Some(index) => match keys.iter().rposition(|key| *key == Some(index)) {
            Some(at) => {
                Some(at).filter(|&at| calls.get(at).is_some_and(|call| same_call(call, id)))
            }
            None => {
                let at = unindexed_call(calls, keys, id);
                if let Some(key) = at.and_then(|at| keys.get_mut(at)) {
                    *key = Some(index);
                }
                at
            }
        },
        None => match id {
            Some(id) => calls.iter().position(|call| call.id == id),
            None => calls.len().checked_sub(1),
        },
    };
    let at = found.unwrap_or_else(|| {
        calls.push(ToolCall::default());
        keys.push(delta.index);
        calls.len() - 1
    });
    if let Some(call) = calls.get_mut(at) {
        apply_fragment(call, id, delta);
    }
}

/// The call that began without an `index` that a fragment with a new index and `id`
/// continues: the one with that id, or with no id the last call if it has no index.
fn unindexed_call(calls: &[ToolCall], keys: &[Option<u32>], id: Option<&str>) -> Option<usize> {
    match id {
        Some(id) => calls.iter().zip(keys).position(|(call, key)| key.is_none() && call.id == id),
        None => keys.last().is_some_and(Option::is_none).then(|| keys.len() - 1),
    }
}

/// Whether a fragment with `id` continues `call` (no id, or the call has none or the same).
fn same_call(call: &ToolCall, id: Option<&str>) -> bool {
    id.is_none_or(|id| call.id.is_empty() || call.id == id)
}

fn apply_fragment(call: &mut ToolCall, id: Option<&str>, delta: &ToolCallDelta) {
    if let (true, Some(id)) = (call.id.is_empty(), id) {
        id.clone_into(&mut call.id);
    }
    if let Some(kind) = &delta.kind {
        call.kind = kind.clone();
    }
    if let Some(function) = &delta.function {
        let name = function.name.as_deref().filter(|name| !name.is_empty());
        if let (true, Some(name)) = (call.function.name.is_empty(), name) {
            name.clone_into(&mut call.function.name);
        }
        if let Some(arguments) = &function.arguments {
            call.function.arguments.push_str(arguments);
        }
    }
    merge_extra(&mut call.extra, &delta.extra);
}

/// Log probabilities: arrays inside objects are extended, anything else is replaced.
fn merge_logprobs(target: &mut Option<Value>, new: &Value) {
    match (target.as_mut(), new) {
        (_, Value::Null) => {}
        (Some(Value::Object(old)), Value::Object(new)) => {
            for (key, value) in new {
                match (old.get_mut(key), value) {
                    (_, Value::Null) => {}
                    (Some(Value::Array(items)), Value::Array(more)) => {
                        items.extend_from_slice(more)
                    }
                    _ => {
                        old.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        _ => *target = Some(new.clone()),
    }
}

/// Unknown fields: the latest non-null value of each wins.
fn merge_extra(target: &mut Map<String, Value>, new: &Map<String, Value>) {
    for (key, value) in new.iter().filter(|(_, value)| !value.is_null()) {
        target.insert(key.clone(), value.clone());
    }
}

impl crate::operation::StreamAccumulator for ChatAccumulator {
    type Item = ChatCompletionChunk;
    type Output = ChatCompletion;

    fn push(&mut self, item: &ChatCompletionChunk) {
        ChatAccumulator::push(self, item);
    }

    fn finish(self) -> ChatCompletion {
        ChatAccumulator::finish(self)
    }
}
