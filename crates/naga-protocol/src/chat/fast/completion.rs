//! Fills a [`ChatCompletion`] the way its `tolerant_deserialize!` field lists (in
//! `chat/response.rs`) and the derived `Deserialize` of [`ToolCall`] read it, for the shapes
//! real providers send.

use serde::de::IgnoredAny;

use super::keys::{KnownKey, known_keys};
use super::reader::Reader;
use super::usage::usage;
use super::{
    CHOICE, FUNCTION, Key, MESSAGE, TOOL_CALL, TOP, extra, index_or_zero, lenient_text,
    object_list, object_or_null, optional_count, optional_enum, optional_object_list,
    optional_string, optional_value, optional_values, serde_value, serde_with, string_or_empty,
    whole,
};
use crate::chat::content::{OutputPart, lenient_message_parts, settle_content, text_part};
use crate::chat::response::{ChatCompletion, Choice, ResponseMessage};
use crate::chat::tool::{FunctionCall, ToolCall};

/// The completion in `data`, when the fast path reads it exactly; `None` means "ask serde".
pub(crate) fn completion(data: &str) -> Option<ChatCompletion> {
    whole(data, COMPLETION_KEYS, completion_field)
}

/// The completion's keys, in the order servers send them.
pub(super) const COMPLETION_KEYS: &[KnownKey] =
    known_keys!["id", "object", "created", "model", "choices", "usage", "system_fingerprint"];

fn completion_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut ChatCompletion,
) -> Option<()> {
    match key {
        Key::Known(0) => out.id = string_or_empty(reader)?,
        Key::Known(1) => out.object = string_or_empty(reader)?,
        Key::Known(2) => out.created = optional_count(reader, TOP)?,
        Key::Known(3) => out.model = string_or_empty(reader)?,
        Key::Known(4) => object_list(reader, &mut out.choices, CHOICE_KEYS, choice_field)?,
        Key::Known(5) => out.usage = usage(reader)?,
        Key::Known(6) => out.system_fingerprint = optional_string(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, TOP, name, &mut out.extra),
    }
    Some(())
}

/// A choice's keys, in the order servers send them.
pub(super) const CHOICE_KEYS: &[KnownKey] =
    known_keys!["index", "message", "logprobs", "finish_reason"];

fn choice_field<'a>(reader: &mut Reader<'a>, key: Key<'a>, out: &mut Choice) -> Option<()> {
    match key {
        Key::Known(0) => out.index = index_or_zero(reader, CHOICE)?,
        Key::Known(1) => {
            object_or_null(reader, &mut out.message, MESSAGE_KEYS, message_field)?;
            settle_content(&mut out.message);
        }
        Key::Known(2) => out.logprobs = optional_value(reader, CHOICE)?,
        Key::Known(3) => out.finish_reason = optional_enum(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, CHOICE, name, &mut out.extra),
    }
    Some(())
}

/// A message's keys, in the order servers send them.
pub(super) const MESSAGE_KEYS: &[KnownKey] = known_keys![
    "role",
    "content",
    "refusal",
    "reasoning_content",
    "tool_calls",
    "reasoning_details",
    "annotations",
    "images",
    "name",
    "tool_call_id"
];

fn message_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut ResponseMessage,
) -> Option<()> {
    match key {
        Key::Known(0) => out.role = optional_enum(reader)?,
        Key::Known(1) => out.content_parts = content_parts(reader)?,
        Key::Known(2) => out.refusal = optional_string(reader)?,
        Key::Known(3) => out.reasoning_content = optional_string(reader)?,
        Key::Known(4) => {
            optional_object_list(reader, &mut out.tool_calls, TOOL_CALL_KEYS, tool_call_field)?;
        }
        Key::Known(5) => out.reasoning_details = optional_values(reader, MESSAGE)?,
        Key::Known(6) => out.annotations = optional_values(reader, MESSAGE)?,
        Key::Known(7) => out.images = optional_values(reader, MESSAGE)?,
        Key::Known(8) => out.name = optional_string(reader)?,
        Key::Known(9) => out.tool_call_id = optional_string(reader)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, MESSAGE, name, &mut out.extra),
    }
    Some(())
}

/// `lenient_message_parts`: a string or `null` read here, parts (and other values) by serde
/// with that helper; [`settle_content`] runs once the message is read.
fn content_parts(reader: &mut Reader<'_>) -> Option<Option<Vec<OutputPart>>> {
    match reader.peek_token()? {
        b'"' | b'n' => Some(optional_string(reader)?.map(|text| vec![text_part(text)])),
        _ => serde_with(reader, MESSAGE, |de| lenient_message_parts(de)),
    }
}

/// A tool call's keys (its derived `Deserialize` puts any other key into `extra`).
pub(super) const TOOL_CALL_KEYS: &[KnownKey] = known_keys!["id", "type", "function"];

fn tool_call_field<'a>(reader: &mut Reader<'a>, key: Key<'a>, out: &mut ToolCall) -> Option<()> {
    match key {
        Key::Known(0) => out.id = string_or_empty(reader)?,
        Key::Known(1) => out.kind = optional_enum(reader)?.unwrap_or_default(),
        Key::Known(2) => {
            object_or_null(reader, &mut out.function, FUNCTION_KEYS, function_field)?;
        }
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, TOOL_CALL, name, &mut out.extra),
    }
    Some(())
}

/// A function's keys (its derived `Deserialize` skips any other key).
pub(super) const FUNCTION_KEYS: &[KnownKey] = known_keys!["name", "arguments"];

fn function_field<'a>(reader: &mut Reader<'a>, key: Key<'a>, out: &mut FunctionCall) -> Option<()> {
    match key {
        Key::Known(0) => out.name = string_or_empty(reader)?,
        Key::Known(1) => out.arguments = lenient_text(reader, FUNCTION)?.unwrap_or_default(),
        Key::Known(_) => return None,
        Key::Other(_) => serde_value::<IgnoredAny>(reader, FUNCTION).map(drop)?,
    };
    Some(())
}

#[cfg(test)]
#[path = "completion_tests.rs"]
mod tests;
