//! Buffers kept from a chunk that is about to be overwritten, for the next one
//! ([`ChatStream::next_chunk_into`](crate::ChatStream::next_chunk_into)): its strings and
//! tool-call lists, emptied, handed out again where the fast path needs new ones. The values
//! decoded are the same; only where their bytes live changes.

use crate::chat::chunk::{ChatCompletionChunk, ChunkChoice, ToolCallDelta};
use crate::chat::content::DeltaContent;

/// Most strings kept (a chunk of the usual shapes has fewer than ten).
const MAX_STRINGS: usize = 32;
/// Most tool-call lists kept.
const MAX_LISTS: usize = 4;
/// Strings with more room than this are dropped, not kept: one huge value (a long
/// tool-call argument) should not pin its memory for the rest of the stream.
const MAX_KEPT_CAPACITY: usize = 64 * 1024;

/// Emptied strings and tool-call lists, ready for reuse.
#[derive(Debug, Default)]
pub(crate) struct Spare {
    /// Handed out last-in first-out; kept in reverse field order, so that a chunk of the
    /// same shape as the last gets each field's own buffer back.
    strings: Vec<String>,
    lists: Vec<Vec<ToolCallDelta>>,
}

impl Spare {
    /// Resets `chunk` to its default, keeping its buffers here (and its choice list's room
    /// in the chunk).
    pub(crate) fn take_from(&mut self, chunk: &mut ChatCompletionChunk) {
        let mut choices = std::mem::take(&mut chunk.choices);
        let old = std::mem::take(chunk);
        for choice in choices.drain(..).rev() {
            self.take_choice(choice);
        }
        chunk.choices = choices;
        if let Some(fingerprint) = old.system_fingerprint {
            self.keep(fingerprint);
        }
        self.keep(old.model);
        self.keep(old.object);
        self.keep(old.id);
    }

    /// Keeps a choice's strings and tool-call list (in reverse field order).
    fn take_choice(&mut self, choice: ChunkChoice) {
        let delta = choice.delta;
        for text in [delta.reasoning, delta.refusal, delta.reasoning_content].into_iter().flatten()
        {
            self.keep(text);
        }
        if let Some(mut calls) = delta.tool_calls {
            for call in calls.drain(..).rev() {
                let function = call.function.unwrap_or_default();
                for text in [function.arguments, function.name, call.id].into_iter().flatten() {
                    self.keep(text);
                }
            }
            if self.lists.len() < MAX_LISTS && calls.capacity() > 0 {
                self.lists.push(calls);
            }
        }
        if let Some(DeltaContent::Text(text)) = delta.content {
            self.keep(text);
        }
    }

    /// Keeps `text`'s buffer, emptied, unless it has none or too much.
    fn keep(&mut self, mut text: String) {
        let room = text.capacity();
        if self.strings.len() < MAX_STRINGS && room > 0 && room <= MAX_KEPT_CAPACITY {
            text.clear();
            self.strings.push(text);
        }
    }

    /// `text` as an owned string, in a kept buffer when there is one.
    pub(crate) fn string(&mut self, text: &str) -> String {
        match self.strings.pop() {
            Some(mut buffer) => {
                buffer.push_str(text);
                buffer
            }
            None => text.to_owned(),
        }
    }

    /// An empty string with room for at least `capacity` bytes, kept or new.
    pub(crate) fn buffer(&mut self, capacity: usize) -> String {
        match self.strings.pop() {
            Some(mut buffer) => {
                buffer.reserve(capacity);
                buffer
            }
            None => String::with_capacity(capacity),
        }
    }

    /// An empty tool-call list, kept or new.
    pub(crate) fn list(&mut self) -> Vec<ToolCallDelta> {
        self.lists.pop().unwrap_or_default()
    }
}
