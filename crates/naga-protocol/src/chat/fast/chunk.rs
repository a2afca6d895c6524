//! Fills a [`ChatCompletionChunk`] the way its `tolerant_deserialize!` field lists (in
//! `chat/chunk.rs`) read it, for the shapes real providers send.

use super::keys::{KnownKey, known_keys};
use super::reader::Reader;
use super::usage::usage;
use super::{
    CHOICE, FUNCTION, Key, MESSAGE, Spare, TOOL_CALL, TOP, extra, fill_from, index_or_zero,
    lenient_text, object_list, object_or_null, optional_count, optional_enum, optional_index,
    optional_object, optional_object_list, optional_string, optional_value, optional_values,
    serde_value, string_or_empty, whole,
};
use crate::chat::chunk::{
    ChatCompletionChunk, ChunkChoice, Delta, FunctionCallDelta, ToolCallDelta,
};
use crate::chat::content::DeltaContent;

/// The chunk in `data`, when the fast path reads it exactly; `None` means "ask serde".
pub(crate) fn chunk(data: &str) -> Option<ChatCompletionChunk> {
    whole(data, CHUNK_KEYS, chunk_field)
}

/// [`chunk`] into a default chunk the caller owns, its strings and lists taken from `spare`
/// where it has them ([`Spare::take_from`] filled it from the chunk before); `None` leaves
/// the chunk partly filled.
pub(crate) fn fill_chunk(
    data: &str,
    out: &mut ChatCompletionChunk,
    spare: &mut Spare,
) -> Option<()> {
    let mut reader = Reader::with_spare(data, std::mem::take(spare));
    let filled = fill_from(&mut reader, CHUNK_KEYS, chunk_field, out);
    *spare = reader.into_spare();
    filled
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
        Key::Known(2) => out.created = optional_count(reader, TOP)?,
        Key::Known(3) => out.model = string_or_empty(reader)?,
        Key::Known(4) => out.system_fingerprint = optional_string(reader)?,
        Key::Known(5) => object_list(reader, &mut out.choices, CHOICE_KEYS, choice_field)?,
        Key::Known(6) => out.usage = usage(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, TOP, name, &mut out.extra),
    }
    Some(())
}

/// A choice's keys, in the order servers send them.
pub(super) const CHOICE_KEYS: &[KnownKey] =
    known_keys!["index", "delta", "logprobs", "finish_reason"];

fn choice_field<'a>(reader: &mut Reader<'a>, key: Key<'a>, out: &mut ChunkChoice) -> Option<()> {
    match key {
        Key::Known(0) => out.index = index_or_zero(reader, CHOICE)?,
        Key::Known(1) => object_or_null(reader, &mut out.delta, DELTA_KEYS, delta_field)?,
        Key::Known(2) => out.logprobs = optional_value(reader, CHOICE)?,
        Key::Known(3) => out.finish_reason = optional_enum(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, CHOICE, name, &mut out.extra),
    }
    Some(())
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
        Key::Known(4) => {
            if out.tool_calls.is_none() && reader.peek_token()? == b'[' {
                out.tool_calls = Some(reader.spare_list());
            }
            optional_object_list(reader, &mut out.tool_calls, TOOL_CALL_KEYS, tool_call_field)?;
        }
        Key::Known(5) => out.reasoning = optional_string(reader)?,
        Key::Known(6) => out.reasoning_details = optional_values(reader, MESSAGE)?,
        Key::Known(7) => out.annotations = optional_values(reader, MESSAGE)?,
        Key::Known(8) => out.images = optional_values(reader, MESSAGE)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, MESSAGE, name, &mut out.extra),
    }
    Some(())
}

/// Delta content: a string as `Text`; parts and other values read by serde.
fn content(reader: &mut Reader<'_>) -> Option<Option<DeltaContent>> {
    match reader.peek_token()? {
        b'"' => reader.string().map(|text| Some(DeltaContent::Text(reader.own(text)))),
        b'n' if reader.eat_null() => Some(None),
        _ => serde_value(reader, MESSAGE).map(Some),
    }
}

/// A tool call's keys, in the order servers send them.
pub(super) const TOOL_CALL_KEYS: &[KnownKey] = known_keys!["index", "id", "type", "function"];

fn tool_call_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut ToolCallDelta,
) -> Option<()> {
    match key {
        Key::Known(0) => out.index = optional_index(reader, TOOL_CALL)?,
        Key::Known(1) => out.id = optional_string(reader)?,
        Key::Known(2) => out.kind = optional_enum(reader)?,
        Key::Known(3) => out.function = optional_object(reader, FUNCTION_KEYS, function_field)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, TOOL_CALL, name, &mut out.extra),
    }
    Some(())
}

/// A function's keys.
pub(super) const FUNCTION_KEYS: &[KnownKey] = known_keys!["name", "arguments"];

fn function_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut FunctionCallDelta,
) -> Option<()> {
    match key {
        Key::Known(0) => out.name = optional_string(reader)?,
        Key::Known(1) => out.arguments = lenient_text(reader, FUNCTION)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, FUNCTION, name, &mut out.extra),
    }
    Some(())
}
