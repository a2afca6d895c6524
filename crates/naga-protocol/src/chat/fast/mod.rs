//! A fast path for decoding the response types, with serde as the fallback.
//!
//! A single pass over the text with a small [`Reader`] fills the structs directly. It
//! returns `Some` only when the result is certainly what the `Deserialize` impls of
//! [`tolerant_deserialize!`](super::decode) produce; on anything unusual (a repeated known
//! key, a known field of an unexpected type, an invalid escape, deep nesting, trailing
//! text, ...) it returns `None` and the caller runs serde, which also makes every error.
//! Values it does not read itself (unknown keys, `logprobs`, `usage`, content parts) are
//! cut out as raw text and handed to the same serde types the macro uses.

mod chunk;
mod keys;
mod reader;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use keys::KnownKey;
use reader::Reader;

pub(crate) use chunk::chunk;

/// An object key: the index of a known one, or any other.
#[derive(Debug)]
enum Key<'a> {
    /// `keys[index]` of the object.
    Known(usize),
    /// Any other key, decoded.
    Other(Cow<'a, str>),
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

/// A string, or `null` as `None`.
fn optional_string(reader: &mut Reader<'_>) -> Option<Option<String>> {
    if reader.eat_null() {
        return Some(None);
    }
    reader.string().map(|text| Some(text.into_owned()))
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

/// A plain count, or `null` as `None` (`lenient_u64` for the shapes it reads).
fn optional_count(reader: &mut Reader<'_>) -> Option<Option<u64>> {
    if reader.eat_null() {
        return Some(None);
    }
    reader.uint().map(Some)
}

/// A value read by serde from its raw text (`depth`: the nesting of its parent).
fn serde_value<T: for<'de> Deserialize<'de>>(reader: &mut Reader<'_>, depth: usize) -> Option<T> {
    serde_json::from_str(reader.raw_value(depth)?).ok()
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
