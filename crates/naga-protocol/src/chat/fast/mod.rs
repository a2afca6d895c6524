//! A fast path for decoding the response types, with serde as the fallback.
//!
//! A single pass over the text with a small [`Reader`] fills the structs directly. It
//! returns `Some` only when the result is certainly what the `Deserialize` impls of
//! [`tolerant_deserialize!`](super::decode) produce; on anything unusual (a repeated known
//! key, a known field of an unexpected type, an invalid escape, deep nesting, trailing
//! text, ...) it returns `None` and the caller runs serde, which also makes every error.
//! Values it does not read itself (unknown keys, `logprobs`, content parts, a count that is
//! not a plain integer) are cut out as raw text and handed to the same serde types and
//! helpers the field lists name.

mod chunk;
mod completion;
mod keys;
mod reader;
mod spare;
mod usage;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::de::StrRead;
use serde_json::{Map, Value};

use keys::KnownKey;
use reader::Reader;

pub(crate) use chunk::{chunk, fill_chunk};
pub(crate) use completion::completion;
pub(crate) use spare::Spare;

/// Nesting of each object of a completion or a chunk (the depth `raw_value` counts from):
/// the response, a choice, its message or delta, a tool call, its function.
const TOP: usize = 1;
const CHOICE: usize = 3;
const MESSAGE: usize = 4;
const TOOL_CALL: usize = 6;
const FUNCTION: usize = 7;

/// An object key: the index of a known one, or any other.
#[derive(Debug)]
enum Key<'a> {
    /// `keys[index]` of the object.
    Known(usize),
    /// Any other key, decoded.
    Other(Cow<'a, str>),
}

/// The object that is the whole of `data` (whitespace aside), its known keys `keys`, each
/// read by `field`.
fn whole<'a, T: Default>(
    data: &'a str,
    keys: &[KnownKey],
    field: impl FnMut(&mut Reader<'a>, Key<'a>, &mut T) -> Option<()>,
) -> Option<T> {
    let mut out = T::default();
    fill_whole(data, keys, field, &mut out)?;
    Some(out)
}

/// [`whole`] into a default `out` the caller owns (no move of the result); on `None`, `out`
/// holds whatever was read before the fast path gave up.
fn fill_whole<'a, T>(
    data: &'a str,
    keys: &[KnownKey],
    field: impl FnMut(&mut Reader<'a>, Key<'a>, &mut T) -> Option<()>,
    out: &mut T,
) -> Option<()> {
    fill_from(&mut Reader::new(data), keys, field, out)
}

/// [`fill_whole`] with the caller's reader (one that holds spare buffers).
fn fill_from<'a, T>(
    reader: &mut Reader<'a>,
    keys: &[KnownKey],
    mut field: impl FnMut(&mut Reader<'a>, Key<'a>, &mut T) -> Option<()>,
    out: &mut T,
) -> Option<()> {
    object(reader, keys, |reader, key| field(reader, key, out))?;
    reader.at_end().then_some(())
}

/// Reads an object (the next token must be `{`) whose known keys are `keys`,
/// calling `field` with the reader placed at each value; `field` must consume the value.
/// A repeated known key gives up (serde would reset the field to read it again).
fn object<'a>(
    reader: &mut Reader<'a>,
    keys: &[KnownKey],
    mut field: impl FnMut(&mut Reader<'a>, Key<'a>) -> Option<()>,
) -> Option<()> {
    if reader.next_token()? != b'{' {
        return None;
    }
    if reader.eat(b'}') {
        return Some(());
    }
    let (mut seen, mut hint) = (0u64, 0);
    loop {
        let key = key(reader, keys, hint)?;
        if let Key::Known(index) = key {
            let bit = 1u64.checked_shl(u32::try_from(index).ok()?)?;
            if seen & bit != 0 {
                return None;
            }
            (seen, hint) = (seen | bit, index + 1);
        }
        if !reader.eat(b':') {
            return None;
        }
        field(reader, key)?;
        match reader.next_token()? {
            b',' => {}
            b'}' => return Some(()),
            _ => return None,
        }
    }
}

/// The next key: a known one written plainly, else any string (which may still name a
/// known key through escapes).
#[inline]
fn key<'a>(reader: &mut Reader<'a>, keys: &[KnownKey], hint: usize) -> Option<Key<'a>> {
    if reader.peek_token()? != b'"' {
        return None;
    }
    if let Some(index) = reader.known_key(keys, hint) {
        return Some(Key::Known(index));
    }
    let name = reader.string()?;
    match keys.iter().position(|key| key.name == name) {
        Some(index) => Some(Key::Known(index)),
        None => Some(Key::Other(name)),
    }
}

/// Reads an array of objects (the next token must be `[`) into `items`, each filled in
/// place by `fill`.
fn objects<'a, T: Default>(
    reader: &mut Reader<'a>,
    items: &mut Vec<T>,
    mut fill: impl FnMut(&mut Reader<'a>, &mut T) -> Option<()>,
) -> Option<()> {
    if reader.next_token()? != b'[' {
        return None;
    }
    if reader.eat(b']') {
        return Some(());
    }
    loop {
        if items.capacity() == 0 {
            items.reserve_exact(1);
        }
        items.push(T::default());
        fill(reader, items.last_mut()?)?;
        match reader.next_token()? {
            b',' => {}
            b']' => return Some(()),
            _ => return None,
        }
    }
}

/// `null` (left empty) or an array of objects whose known keys are `keys`, each filled in
/// place by `field` (`vec_in_place`).
fn object_list<'a, T: Default>(
    reader: &mut Reader<'a>,
    items: &mut Vec<T>,
    keys: &[KnownKey],
    mut field: impl FnMut(&mut Reader<'a>, Key<'a>, &mut T) -> Option<()>,
) -> Option<()> {
    if reader.eat_null() {
        return Some(());
    }
    objects(reader, items, |reader, item| {
        object(reader, keys, |reader, key| field(reader, key, item))
    })
}

/// Like [`object_list`] for an `Option<Vec<T>>`: `null` stays `None`, an array is `Some`
/// (even when empty).
fn optional_object_list<'a, T: Default>(
    reader: &mut Reader<'a>,
    out: &mut Option<Vec<T>>,
    keys: &[KnownKey],
    field: impl FnMut(&mut Reader<'a>, Key<'a>, &mut T) -> Option<()>,
) -> Option<()> {
    if reader.peek_token()? == b'n' {
        return reader.eat_null().then_some(());
    }
    object_list(reader, out.get_or_insert_with(Vec::new), keys, field)
}

/// `null` (left at its default) or an object whose known keys are `keys`, filled in place
/// by `field` (`object_in_place` for the shapes it reads).
fn object_or_null<'a, T>(
    reader: &mut Reader<'a>,
    out: &mut T,
    keys: &[KnownKey],
    mut field: impl FnMut(&mut Reader<'a>, Key<'a>, &mut T) -> Option<()>,
) -> Option<()> {
    if reader.eat_null() {
        return Some(());
    }
    object(reader, keys, |reader, key| field(reader, key, out))
}

/// `null` as `None`, or an object whose known keys are `keys` read into `Some`
/// (`optional_object_in_place` for the shapes it reads).
fn optional_object<'a, T: Default>(
    reader: &mut Reader<'a>,
    keys: &[KnownKey],
    mut field: impl FnMut(&mut Reader<'a>, Key<'a>, &mut T) -> Option<()>,
) -> Option<Option<T>> {
    if reader.eat_null() {
        return Some(None);
    }
    let mut out = T::default();
    object(reader, keys, |reader, key| field(reader, key, &mut out))?;
    Some(Some(out))
}

/// A string, or `null` as `None`.
fn optional_string(reader: &mut Reader<'_>) -> Option<Option<String>> {
    if reader.eat_null() {
        return Some(None);
    }
    reader.string().map(|text| Some(reader.own(text)))
}

/// A string, or `null` as `""` (`null_as_default`).
fn string_or_empty(reader: &mut Reader<'_>) -> Option<String> {
    optional_string(reader).map(Option::unwrap_or_default)
}

/// An open string enum, or `null` as `None`.
fn optional_enum<T: for<'b> From<&'b str>>(reader: &mut Reader<'_>) -> Option<Option<T>> {
    if reader.eat_null() {
        return Some(None);
    }
    reader.string().map(|text| Some(T::from(text.as_ref())))
}

/// `lenient_u64`: a plain integer read here, `null` as `None`, any other value (a float, a
/// numeric string, ...) read by serde with that helper (`depth`: the nesting of its parent).
fn optional_count(reader: &mut Reader<'_>, depth: usize) -> Option<Option<u64>> {
    if reader.eat_null() {
        return Some(None);
    }
    let start = reader.position();
    match reader.uint() {
        Some(count) => Some(Some(count)),
        None => {
            reader.set_position(start);
            serde_with(reader, depth, |de| crate::lenient::lenient_u64(de))
        }
    }
}

/// `lenient_u64_or_zero`.
fn count_or_zero(reader: &mut Reader<'_>, depth: usize) -> Option<u64> {
    optional_count(reader, depth).map(Option::unwrap_or_default)
}

/// `lenient_u32`: a plain integer that fits read here, `null` as `None`, any other value
/// left to serde (which reads a numeric string and refuses what is no index).
fn optional_index(reader: &mut Reader<'_>, depth: usize) -> Option<Option<u32>> {
    if reader.eat_null() {
        return Some(None);
    }
    let start = reader.position();
    match reader.uint().and_then(|n| u32::try_from(n).ok()) {
        Some(index) => Some(Some(index)),
        None => {
            reader.set_position(start);
            serde_with(reader, depth, |de| crate::lenient::lenient_u32(de))
        }
    }
}

/// `lenient_u32_or_zero`.
fn index_or_zero(reader: &mut Reader<'_>, depth: usize) -> Option<u32> {
    optional_index(reader, depth).map(Option::unwrap_or_default)
}

/// A value read by serde from its raw text (`depth`: the nesting of its parent).
fn serde_value<T: for<'de> Deserialize<'de>>(reader: &mut Reader<'_>, depth: usize) -> Option<T> {
    serde_with(reader, depth, |de| T::deserialize(de))
}

/// A value read from its raw text by `read`, one of the `deserialize_with` helpers the
/// field lists name (`depth`: the nesting of its parent).
fn serde_with<'a, T>(
    reader: &mut Reader<'a>,
    depth: usize,
    read: impl FnOnce(&mut serde_json::Deserializer<StrRead<'a>>) -> serde_json::Result<T>,
) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(reader.raw_value(depth)?);
    let value = read(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
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

/// An `Option<Vec<Value>>` (`annotations`, `images`, ...): `[]` read here (OpenAI sends an
/// empty `annotations` with every answer), anything else as [`optional_value`] reads it.
fn optional_values(reader: &mut Reader<'_>, depth: usize) -> Option<Option<Vec<Value>>> {
    let start = reader.position();
    if reader.eat(b'[') && reader.eat(b']') {
        return Some(Some(Vec::new()));
    }
    reader.set_position(start);
    optional_value(reader, depth)
}

/// `lenient_text`: a string, `null`, or any other value kept as its JSON text.
fn lenient_text(reader: &mut Reader<'_>, depth: usize) -> Option<Option<String>> {
    match reader.peek_token()? {
        b'"' | b'n' => optional_string(reader),
        _ => serde_with(reader, depth, |de| crate::lenient::lenient_text(de)),
    }
}

/// An unknown key: its value goes into `extra` as serde would put it there.
fn extra(
    reader: &mut Reader<'_>,
    depth: usize,
    key: Cow<'_, str>,
    extra: &mut Map<String, Value>,
) -> Option<()> {
    let value = serde_value(reader, depth)?;
    extra.insert(key.into_owned(), value);
    Some(())
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
