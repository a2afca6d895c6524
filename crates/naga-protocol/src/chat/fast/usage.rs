//! Fills [`Usage`] and its token breakdowns the way their `tolerant_deserialize!` field
//! lists (in `chat/response.rs`) read them; every completion and a stream's trailer has one.

use super::keys::{KnownKey, known_keys};
use super::reader::Reader;
use super::{Key, TOP, count_or_zero, extra, optional_count, optional_object};
use crate::chat::response::{CompletionTokensDetails, PromptTokensDetails, Usage};

/// Nesting of the usage object and of its breakdowns.
const USAGE: usize = TOP + 1;
const DETAILS: usize = USAGE + 1;

/// `usage`: `null` or an object (`optional_object_in_place`).
pub(super) fn usage(reader: &mut Reader<'_>) -> Option<Option<Usage>> {
    optional_object(reader, USAGE_KEYS, usage_field)
}

/// The usage object's keys, in the order servers send them.
pub(super) const USAGE_KEYS: &[KnownKey] = known_keys![
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "prompt_tokens_details",
    "completion_tokens_details"
];

fn usage_field<'a>(reader: &mut Reader<'a>, key: Key<'a>, out: &mut Usage) -> Option<()> {
    match key {
        Key::Known(0) => out.prompt_tokens = count_or_zero(reader, USAGE)?,
        Key::Known(1) => out.completion_tokens = count_or_zero(reader, USAGE)?,
        Key::Known(2) => out.total_tokens = count_or_zero(reader, USAGE)?,
        Key::Known(3) => {
            out.prompt_tokens_details = optional_object(reader, PROMPT_KEYS, prompt_field)?;
        }
        Key::Known(4) => {
            out.completion_tokens_details =
                optional_object(reader, COMPLETION_KEYS, completion_field)?;
        }
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, USAGE, name, &mut out.extra),
    }
    Some(())
}

/// The input breakdown's keys.
pub(super) const PROMPT_KEYS: &[KnownKey] = known_keys!["cached_tokens", "audio_tokens"];

fn prompt_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut PromptTokensDetails,
) -> Option<()> {
    match key {
        Key::Known(0) => out.cached_tokens = optional_count(reader, DETAILS)?,
        Key::Known(1) => out.audio_tokens = optional_count(reader, DETAILS)?,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, DETAILS, name, &mut out.extra),
    }
    Some(())
}

/// The output breakdown's keys.
pub(super) const COMPLETION_KEYS: &[KnownKey] = known_keys![
    "reasoning_tokens",
    "image_tokens",
    "audio_tokens",
    "accepted_prediction_tokens",
    "rejected_prediction_tokens"
];

fn completion_field<'a>(
    reader: &mut Reader<'a>,
    key: Key<'a>,
    out: &mut CompletionTokensDetails,
) -> Option<()> {
    let slot = match key {
        Key::Known(0) => &mut out.reasoning_tokens,
        Key::Known(1) => &mut out.image_tokens,
        Key::Known(2) => &mut out.audio_tokens,
        Key::Known(3) => &mut out.accepted_prediction_tokens,
        Key::Known(4) => &mut out.rejected_prediction_tokens,
        Key::Known(_) => return None,
        Key::Other(name) => return extra(reader, DETAILS, name, &mut out.extra),
    };
    *slot = optional_count(reader, DETAILS)?;
    Some(())
}
