//! Fills a [`ChatCompletionChunk`] the way its `tolerant_deserialize!` field lists (in
//! `chat/chunk.rs`) read it, for the shapes real providers send.

use std::borrow::Cow;

use serde_json::Value;

use super::reader::Reader;
use super::{
    extra, first_time, object, objects, optional_count, optional_enum, optional_string, put,
    serde_value, string_or_empty,
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
    let mut seen = 0;
    object(&mut reader, |reader, key| chunk_field(reader, key, &mut out, &mut seen))?;
    reader.at_end().then_some(out)
}

fn chunk_field<'a>(
    reader: &mut Reader<'a>,
    key: Cow<'a, str>,
    out: &mut ChatCompletionChunk,
    seen: &mut u32,
) -> Option<()> {
    let bit = match key.as_ref() {
        "id" => put(&mut out.id, string_or_empty(reader)?, 0),
        "object" => put(&mut out.object, string_or_empty(reader)?, 1),
        "created" => put(&mut out.created, optional_count(reader)?, 2),
        "model" => put(&mut out.model, string_or_empty(reader)?, 3),
        "choices" => choices(reader, &mut out.choices).map(|()| 4)?,
        "usage" => put(&mut out.usage, usage(reader)?, 5),
        "system_fingerprint" => put(&mut out.system_fingerprint, optional_string(reader)?, 6),
        _ => return extra(reader, CHUNK, key, &mut out.extra),
    };
    first_time(seen, bit)
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
        let mut seen = 0;
        object(reader, |reader, key| choice_field(reader, key, choice, &mut seen))
    })
}

fn choice_field<'a>(
    reader: &mut Reader<'a>,
    key: Cow<'a, str>,
    out: &mut ChunkChoice,
    seen: &mut u32,
) -> Option<()> {
    let bit = match key.as_ref() {
        "index" => put(&mut out.index, index_or_zero(reader)?, 0),
        "delta" => delta(reader, &mut out.delta).map(|()| 1)?,
        "finish_reason" => put(&mut out.finish_reason, optional_enum(reader)?, 2),
        "logprobs" => put(&mut out.logprobs, optional_value(reader, CHOICE)?, 3),
        _ => return extra(reader, CHOICE, key, &mut out.extra),
    };
    first_time(seen, bit)
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

/// Any value read by serde, `null` as `None` without asking it.
pub(super) fn optional_value(reader: &mut Reader<'_>, depth: usize) -> Option<Option<Value>> {
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
    let mut seen = 0;
    object(reader, |reader, key| delta_field(reader, key, out, &mut seen))
}

fn delta_field<'a>(
    reader: &mut Reader<'a>,
    key: Cow<'a, str>,
    out: &mut Delta,
    seen: &mut u32,
) -> Option<()> {
    let bit = match key.as_ref() {
        "role" => put(&mut out.role, optional_enum(reader)?, 0),
        "content" => put(&mut out.content, content(reader)?, 1),
        "refusal" => put(&mut out.refusal, optional_string(reader)?, 2),
        "tool_calls" => tool_calls(reader, &mut out.tool_calls).map(|()| 3)?,
        "reasoning_content" => put(&mut out.reasoning_content, optional_string(reader)?, 4),
        "reasoning" => put(&mut out.reasoning, optional_string(reader)?, 5),
        "reasoning_details" => put(&mut out.reasoning_details, values(reader)?, 6),
        "annotations" => put(&mut out.annotations, values(reader)?, 7),
        "images" => put(&mut out.images, values(reader)?, 8),
        _ => return extra(reader, DELTA, key, &mut out.extra),
    };
    first_time(seen, bit)
}

/// Delta content: a string as `Text`; parts and other values read by serde.
fn content(reader: &mut Reader<'_>) -> Option<Option<DeltaContent>> {
    match reader.peek_token()? {
        b'"' => reader.string().map(|text| Some(DeltaContent::Text(text.into_owned()))),
        b'n' if reader.eat_null() => Some(None),
        _ => serde_value(reader, DELTA).map(Some),
    }
}

/// `Option<Vec<Value>>` as serde reads it (`null` without asking it).
fn values(reader: &mut Reader<'_>) -> Option<Option<Vec<Value>>> {
    if reader.eat_null() {
        return Some(None);
    }
    serde_value(reader, DELTA).map(Some)
}

/// `tool_calls`: `null` (stays `None`) or an array of objects (`Some`, even when empty).
fn tool_calls(reader: &mut Reader<'_>, out: &mut Option<Vec<ToolCallDelta>>) -> Option<()> {
    if reader.eat_null() {
        return Some(());
    }
    objects(reader, out.get_or_insert_with(Vec::new), |reader, call| {
        let mut seen = 0;
        object(reader, |reader, key| tool_call_field(reader, key, call, &mut seen))
    })
}

fn tool_call_field<'a>(
    reader: &mut Reader<'a>,
    key: Cow<'a, str>,
    out: &mut ToolCallDelta,
    seen: &mut u32,
) -> Option<()> {
    let bit = match key.as_ref() {
        "index" => put(&mut out.index, optional_index(reader)?, 0),
        "id" => put(&mut out.id, optional_string(reader)?, 1),
        "type" => put(&mut out.kind, optional_enum(reader)?, 2),
        "function" => put(&mut out.function, function(reader)?, 3),
        _ => return extra(reader, TOOL_CALL, key, &mut out.extra),
    };
    first_time(seen, bit)
}

/// A tool call's `function`: `null` or an object.
fn function(reader: &mut Reader<'_>) -> Option<Option<FunctionCallDelta>> {
    if reader.eat_null() {
        return Some(None);
    }
    let mut out = FunctionCallDelta::default();
    let mut seen = 0;
    object(reader, |reader, key| {
        let bit = match key.as_ref() {
            "name" => put(&mut out.name, optional_string(reader)?, 0),
            "arguments" => put(&mut out.arguments, arguments(reader)?, 1),
            _ => return extra(reader, FUNCTION, key, &mut out.extra),
        };
        first_time(&mut seen, bit)
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
