//! Request bodies as JSON, with no key twice in one object.
//!
//! Request types carry an `extra` map flattened into their object (the escape hatch for
//! fields this SDK has no type for). An `extra` entry named like a typed field would write
//! that key twice, and which of the two values a server takes depends on its JSON parser. The
//! body is written through [`UniqueKeys`], which sees every key as it is written and refuses
//! the second one of an object, with its path: one pass, no second parse, and (with a
//! per-thread scratch) no allocation but the body's.

use std::cell::RefCell;
use std::io;
use std::ops::Range;

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use crate::error::Error;

/// A scratch grown past this many key bytes is not kept for the next body.
const KEPT_SCRATCH_BYTES: usize = 64 * 1024;

thread_local! {
    /// The keys of the last body written on this thread, cleared before the next.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// `value` as compact JSON, refused when an object would hold a key twice.
pub(crate) fn to_json_unique<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            scratch.clear();
            let written = write_unique(value, &mut scratch);
            if scratch.arena.capacity() > KEPT_SCRATCH_BYTES {
                *scratch = Scratch::default();
            }
            written
        }
        // Only a `Serialize` impl that writes a body itself gets here.
        Err(_) => write_unique(value, &mut Scratch::default()),
    })
}

/// [`to_json_unique`] with the keys kept in `scratch`.
fn write_unique<T: Serialize + ?Sized>(value: &T, scratch: &mut Scratch) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(128);
    let keys = UniqueKeys { scratch, key_start: None };
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, keys);
    match value.serialize(&mut serializer) {
        Ok(()) => Ok(out),
        Err(err) => {
            let message = err.to_string();
            let twice = io::Error::from(err).into_inner().and_then(|e| e.downcast::<Twice>().ok());
            Err(match twice {
                Some(twice) => Error::invalid(
                    twice.0,
                    "is written twice: an `extra` entry repeats a typed field; set the field itself",
                ),
                None => Error::invalid("body", format!("could not be encoded: {message}")),
            })
        }
    }
}

/// The path of a key written twice, carried out of the serializer in its I/O error.
#[derive(Debug)]
struct Twice(String);

impl std::fmt::Display for Twice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is written twice", self.0)
    }
}

impl std::error::Error for Twice {}

/// One open object or array, for the path of a repeated key.
#[derive(Debug)]
enum Level {
    /// An object: where its keys start in [`Scratch::keys`], and its current key there.
    Object { first: usize, current: Option<usize> },
    /// An array at this element.
    Array(usize),
}

/// What [`UniqueKeys`] keeps of the open objects.
#[derive(Debug, Default)]
struct Scratch {
    /// The text of the keys of the open objects, one after the other.
    arena: Vec<u8>,
    /// Each key of the open objects: its range in `arena`.
    keys: Vec<Range<usize>>,
    /// The open objects and arrays, outermost first.
    levels: Vec<Level>,
}

impl Scratch {
    fn clear(&mut self) {
        self.arena.clear();
        self.keys.clear();
        self.levels.clear();
    }

    /// The text of a key.
    fn text(&self, key: &Range<usize>) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.arena.get(key.clone()).unwrap_or_default())
    }

    /// The path of `key`, written in the innermost object (`messages[0].role`).
    fn path_to(&self, key: &Range<usize>) -> String {
        let mut path = String::new();
        let outer = self.levels.len().saturating_sub(1);
        for level in self.levels.iter().take(outer) {
            match level {
                Level::Array(index) => path.push_str(&format!("[{index}]")),
                Level::Object { current: Some(at), .. } => {
                    if let Some(current) = self.keys.get(*at) {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(&self.text(current));
                    }
                }
                Level::Object { current: None, .. } => {}
            }
        }
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&self.text(key));
        path
    }
}

/// A compact formatter that refuses a key its object already has (see the module docs).
/// Keys are compared as written (escapes included; serde_json escapes one way). Every key of
/// the request types is a string (struct fields, `serde_json::Map`s, string-keyed maps).
#[derive(Debug)]
struct UniqueKeys<'a> {
    scratch: &'a mut Scratch,
    /// Where the key being written starts in the arena, while one is.
    key_start: Option<usize>,
}

impl UniqueKeys<'_> {
    /// The compact formatter, which writes every byte.
    fn compact() -> CompactFormatter {
        CompactFormatter
    }
}

impl Formatter for UniqueKeys<'_> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.scratch.levels.push(Level::Array(0));
        Self::compact().begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.scratch.levels.pop();
        Self::compact().end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if let (false, Some(Level::Array(index))) = (first, self.scratch.levels.last_mut()) {
            *index += 1;
        }
        Self::compact().begin_array_value(writer, first)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let first = self.scratch.keys.len();
        self.scratch.levels.push(Level::Object { first, current: None });
        Self::compact().begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let scratch = &mut *self.scratch;
        if let Some(Level::Object { first, .. }) = scratch.levels.pop() {
            let text_start = scratch.keys.get(first).map_or(scratch.arena.len(), |key| key.start);
            scratch.keys.truncate(first);
            scratch.arena.truncate(text_start);
        }
        Self::compact().end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.key_start = Some(self.scratch.arena.len());
        Self::compact().begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let scratch = &mut *self.scratch;
        if let Some(start) = self.key_start.take() {
            let key = start..scratch.arena.len();
            let first = match scratch.levels.last() {
                Some(Level::Object { first, .. }) => *first,
                _ => scratch.keys.len(),
            };
            let written = scratch.arena.get(key.clone());
            let seen = scratch.keys.get(first..).unwrap_or_default();
            if seen.iter().any(|other| scratch.arena.get(other.clone()) == written) {
                let twice = Twice(scratch.path_to(&key));
                return Err(io::Error::new(io::ErrorKind::InvalidData, twice));
            }
            scratch.keys.push(key);
            let at = scratch.keys.len() - 1;
            if let Some(Level::Object { current, .. }) = scratch.levels.last_mut() {
                *current = Some(at);
            }
        }
        Self::compact().end_object_key(writer)
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.key_start.is_some() {
            self.scratch.arena.extend_from_slice(fragment.as_bytes());
        }
        writer.write_all(fragment.as_bytes())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        let arena = &mut self.scratch.arena;
        let at = arena.len();
        Self::compact().write_char_escape(arena, char_escape)?;
        writer.write_all(arena.get(at..).unwrap_or_default())?;
        if self.key_start.is_none() {
            arena.truncate(at);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::{ChatRequest, Message, ToolCall};

    fn refused_at(body: &impl Serialize) -> String {
        match to_json_unique(body) {
            Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let values = [
            json!({"a": [1, {"b": "c\"\n\u{1}é", "a": null}], "k\"ey": {"a": {"a": []}}}),
            json!([{"a": 1}, {"a": 2}, [], {}]),
            json!("plain"),
        ];
        for value in values {
            assert_eq!(to_json_unique(&value).unwrap(), serde_json::to_vec(&value).unwrap());
        }
        let request = ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]).temperature(0.5);
        assert_eq!(to_json_unique(&request).unwrap(), serde_json::to_vec(&request).unwrap());
    }

    #[test]
    fn an_extra_entry_that_repeats_a_typed_field_is_refused_with_its_path() {
        let mut user = Message::user("hi");
        user.extra.insert("role".into(), json!("system"));
        let request = ChatRequest::new("gpt-4o-mini", [Message::user("first"), user]);
        assert_eq!(refused_at(&request), "messages[1].role");

        let mut call = ToolCall::function("call_1", "f", "{}");
        call.extra.insert("id".into(), json!("call_2"));
        let assistant = Message::assistant_tool_calls([call]);
        let request = ChatRequest::new("gpt-4o-mini", [Message::user("hi"), assistant]);
        assert_eq!(refused_at(&request), "messages[1].tool_calls[0].id");

        let err = to_json_unique(&request).unwrap_err().to_string();
        assert!(err.contains("an `extra` entry repeats a typed field"), "{err}");
    }

    #[test]
    fn escaped_keys_compare_as_written_and_other_objects_do_not_count() {
        // Two writes of one escaped key in one object (as a flattened map can make).
        #[derive(Serialize)]
        struct Twice {
            #[serde(rename = "a\"b")]
            first: u8,
            #[serde(flatten)]
            rest: serde_json::Map<String, Value>,
        }
        let mut rest = serde_json::Map::new();
        rest.insert("a\"c".into(), json!(2));
        assert!(to_json_unique(&Twice { first: 1, rest: rest.clone() }).is_ok());
        rest.insert("a\"b".into(), json!(3));
        // The path shows the key as JSON writes it.
        assert_eq!(refused_at(&Twice { first: 1, rest }), r#"a\"b"#);
    }
}
