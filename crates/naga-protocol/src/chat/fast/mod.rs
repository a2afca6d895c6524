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
mod reader;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use reader::Reader;

pub(crate) use chunk::chunk;

/// Reads an object (the next token must be `{`), calling `field` with the reader placed
/// at each value; `field` must consume the value.
fn object<'a>(
    reader: &mut Reader<'a>,
    mut field: impl FnMut(&mut Reader<'a>, Cow<'a, str>) -> Option<()>,
) -> Option<()> {
    if reader.next_token()? != b'{' {
        return None;
    }
    if reader.eat(b'}') {
        return Some(());
    }
    loop {
        let key = reader.string()?;
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

/// Marks field `bit` as seen; `None` when it was seen before (a repeated key).
fn first_time(seen: &mut u32, bit: u32) -> Option<()> {
    let mask = 1u32 << bit;
    if *seen & mask != 0 {
        return None;
    }
    *seen |= mask;
    Some(())
}

/// Stores `value` in `slot`; returns the field's `bit` for [`first_time`].
fn put<T>(slot: &mut T, value: T, bit: u32) -> u32 {
    *slot = value;
    bit
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
