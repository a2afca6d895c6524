//! Fills a [`ChatCompletionChunk`] the way its `tolerant_deserialize!` field lists (in
//! `chat/chunk.rs`) read it, for the shapes real providers send.

use serde::Deserialize;
use serde_json::Value;

use super::keys::{KnownKey, known_keys};
use super::reader::Reader;
use super::{
    Key, extra, object, objects, optional_count, optional_enum, optional_string, serde_value,
    string_or_empty,
};
use crate::chat::chunk::{
    ChatCompletionChunk, ChunkChoice, Delta, FunctionCallDelta, ToolCallDelta,
};
use crate::chat::content::DeltaContent;
use crate::chat::response::Usage;

/// Nesting of each object: the chunk, `choices`, a choice, its delta, `tool_calls`, a
/// tool call, its function.
const CHUNK: usize = 1;
const CHOICE: usize = 3;
const DELTA: usize = 4;
const TOOL_CALL: usize = 6;
const FUNCTION: usize = 7;

/// The chunk in `data`, when the fast path reads it exactly; `None` means "ask serde".
pub(crate) fn chunk(data: &str) -> Option<ChatCompletionChunk> {
    let mut reader = Reader::new(data);
    let mut out = ChatCompletionChunk::default();
    object(&mut reader, CHUNK_KEYS, |reader, key| chunk_field(reader, key, &mut out))?;
    reader.at_end().then_some(out)
}

/// The chunk's keys, in the order servers send them.
pub(super) const CHUNK_KEYS: &[KnownKey] =
    known_keys!["id", "object", "created", "model", "system_fingerprint", "choices", "usage"];

fn chunk_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut ChatCompletionChunk,
) -> Option<()> {
    match key {
        Key::Known(0) => out.id = string_or_empty(reader)?,
        Key::Known(1) => out.object = string_or_empty(reader)?,
        Key::Known(2) => out.created = optional_count(reader)?,
        Key::Known(3) => out.model = string_or_empty(reader)?,
        Key::Known(4) => out.system_fingerprint = optional_string(reader)?,
        Key::Known(5) => choices(reader, &mut out.choices)?,
        Key::Known(6) => out.usage = usage(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, CHUNK, name, &mut out.extra),
    }
    Some(())
}

/// `usage`: `null` or an object (read by serde; it comes once per stream).
pub(super) fn usage(reader: &mut Reader<'_>) -> Option<Option<Usage>> {
    match reader.peek_token()? {
        b'{' => serde_value(reader, CHUNK).map(Some),
        _ => reader.eat_null().then_some(None),
    }
}

/// `choices`: `null` (no choices) or an array of objects.
fn choices(reader: &mut Reader<'_>, items: &mut Vec<ChunkChoice>) -> Option<()> {
    if reader.eat_null() {
        return Some(());
    }
    objects(reader, items, |reader, choice| {
        object(reader, CHOICE_KEYS, |reader, key| choice_field(reader, key, choice))
    })
}

/// A choice's keys, in the order servers send them.
pub(super) const CHOICE_KEYS: &[KnownKey] =
    known_keys!["index", "delta", "logprobs", "finish_reason"];

fn choice_field<'a>(reader: &mut Reader<'a>, key: Key<'a>, out: &mut ChunkChoice) -> Option<()> {
    match key {
        Key::Known(0) => out.index = index_or_zero(reader)?,
        Key::Known(1) => delta(reader, &mut out.delta)?,
        Key::Known(2) => out.logprobs = optional_value(reader, CHOICE)?,
        Key::Known(3) => out.finish_reason = optional_enum(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, CHOICE, name, &mut out.extra),
    }
    Some(())
}

/// `lenient_u32_or_zero` for a plain integer or `null`.
pub(super) fn index_or_zero(reader: &mut Reader<'_>) -> Option<u32> {
    let count = optional_count(reader)?;
    Some(count.and_then(|n| u32::try_from(n).ok()).unwrap_or(0))
}

/// `lenient_u32` for a plain integer or `null`.
fn optional_index(reader: &mut Reader<'_>) -> Option<Option<u32>> {
    Some(optional_count(reader)?.and_then(|n| u32::try_from(n).ok()))
}

/// An `Option<T>` as serde reads it: `null` as `None` without asking it, any other value
/// read by serde (`depth`: the nesting of its parent).
fn optional_value<T: for<'de> Deserialize<'de>>(
    reader: &mut Reader<'_>,
    depth: usize,
) -> Option<Option<T>> {
    if reader.eat_null() {
        return Some(None);
    }
    serde_value(reader, depth).map(Some)
}

/// A choice's `delta`: `null` (left empty) or an object filled in place.
fn delta(reader: &mut Reader<'_>, out: &mut Delta) -> Option<()> {
    if reader.eat_null() {
        return Some(());
    }
    object(reader, DELTA_KEYS, |reader, key| delta_field(reader, key, out))
}

/// A delta's keys, in the order servers send them.
pub(super) const DELTA_KEYS: &[KnownKey] = known_keys![
    "role",
    "content",
    "reasoning_content",
    "refusal",
    "tool_calls",
    "reasoning",
    "reasoning_details",
    "annotations",
    "images"
];

fn delta_field<'a>(reader: &mut Reader<'a>, key: Key<'a>, out: &mut Delta) -> Option<()> {
    match key {
        Key::Known(0) => out.role = optional_enum(reader)?,
        Key::Known(1) => out.content = content(reader)?,
        Key::Known(2) => out.reasoning_content = optional_string(reader)?,
        Key::Known(3) => out.refusal = optional_string(reader)?,
        Key::Known(4) => tool_calls(reader, &mut out.tool_calls)?,
        Key::Known(5) => out.reasoning = optional_string(reader)?,
        Key::Known(6) => out.reasoning_details = optional_value(reader, DELTA)?,
        Key::Known(7) => out.annotations = optional_value(reader, DELTA)?,
        Key::Known(8) => out.images = optional_value(reader, DELTA)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, DELTA, name, &mut out.extra),
    }
    Some(())
}

/// Delta content: a string as `Text`; parts and other values read by serde.
fn content(reader: &mut Reader<'_>) -> Option<Option<DeltaContent>> {
    match reader.peek_token()? {
        b'"' => reader.string().map(|text| Some(DeltaContent::Text(text.into_owned()))),
        b'n' if reader.eat_null() => Some(None),
        _ => serde_value(reader, DELTA).map(Some),
    }
}

/// `tool_calls`: `null` (stays `None`) or an array of objects (`Some`, even when empty).
fn tool_calls(reader: &mut Reader<'_>, out: &mut Option<Vec<ToolCallDelta>>) -> Option<()> {
    if reader.eat_null() {
        return Some(());
    }
    objects(reader, out.get_or_insert_with(Vec::new), |reader, call| {
        object(reader, TOOL_CALL_KEYS, |reader, key| tool_call_field(reader, key, call))
    })
}

/// A tool call's keys, in the order servers send them.
pub(super) const TOOL_CALL_KEYS: &[KnownKey] = known_keys!["index", "id", "type", "function"];

fn tool_call_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut ToolCallDelta,
) -> Option<()> {
    match key {
        Key::Known(0) => out.index = optional_index(reader)?,
        Key::Known(1) => out.id = optional_string(reader)?,
        Key::Known(2) => out.kind = optional_enum(reader)?,
        Key::Known(3) => out.function = function(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, TOOL_CALL, name, &mut out.extra),
    }
    Some(())
}

/// A function's keys.
pub(super) const FUNCTION_KEYS: &[KnownKey] = known_keys!["name", "arguments"];

/// A tool call's `function`: `null` or an object.
fn function(reader: &mut Reader<'_>) -> Option<Option<FunctionCallDelta>> {
    if reader.eat_null() {
        return Some(None);
    }
    let mut out = FunctionCallDelta::default();
    object(reader, FUNCTION_KEYS, |reader, key| {
        match key {
            Key::Known(0) => out.name = optional_string(reader)?,
            Key::Known(1) => out.arguments = arguments(reader)?,
            Key::Known(_) => return None,
            Key::Other(name) => return extra(reader, FUNCTION, name, &mut out.extra),
        }
        Some(())
    })?;
    Some(Some(out))
}

/// `lenient_text`: a string, `null`, or an object or array kept as its JSON text.
fn arguments(reader: &mut Reader<'_>) -> Option<Option<String>> {
    match reader.peek_token()? {
        b'{' | b'[' => serde_value::<Value>(reader, FUNCTION).map(|value| Some(value.to_string())),
        _ => optional_string(reader),
    }
}
