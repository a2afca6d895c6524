//! Hand-written `Deserialize` for the response types that keep unknown fields in `extra`.
//!
//! `#[serde(flatten)]` makes serde buffer every object into an intermediate tree before it
//! matches a single field. The impls made by [`tolerant_deserialize!`] read each key once
//! (borrowed from the input when it has no escapes), decode known fields with the same
//! lenient helper the serde attribute names, and move unknown ones straight into `extra`.
//! The types keep `#[derive(Serialize, JsonSchema)]` with their serde attributes, so what
//! they write and their JSON Schema do not change.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, Error, Visitor};

/// An object key, borrowed from the input when the input allows it.
#[derive(Debug)]
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E: Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }
}

/// Implements `Deserialize` for a struct with `Default` and an `extra: Map<String, Value>`
/// field: each `"wire" => field: Type = helper` reads that key with `helper` (a
/// `deserialize_with` function, or `serde::Deserialize::deserialize`); a missing key leaves
/// the default, a repeated key keeps the last value, any other key goes into `extra`.
macro_rules! tolerant_deserialize {
    ($name:ident { $( $wire:literal => $field:ident : $ty:ty = $with:path ),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;

                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }

                    fn visit_map<A>(self, mut map: A) -> Result<$name, A::Error>
                    where
                        A: serde::de::MapAccess<'de>,
                    {
                        let mut out = <$name>::default();
                        while let Some(key) = map.next_key::<$crate::chat::decode::Key<'de>>()? {
                            match key.0.as_ref() {
                                $( $wire => {
                                    struct Field($ty);

                                    impl<'de> serde::Deserialize<'de> for Field {
                                        fn deserialize<D>(de: D) -> Result<Self, D::Error>
                                        where
                                            D: serde::Deserializer<'de>,
                                        {
                                            $with(de).map(Field)
                                        }
                                    }

                                    out.$field = map.next_value::<Field>()?.0;
                                } )*
                                _ => {
                                    let value = map.next_value()?;
                                    out.extra.insert(key.0.into_owned(), value);
                                }
                            }
                        }
                        Ok(out)
                    }
                }

                de.deserialize_map(ObjectVisitor)
            }
        }
    };
}

pub(crate) use tolerant_deserialize;

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::chat::{
        ChatCompletion, ChatCompletionChunk, Delta, DeltaContent, FinishReason, Usage,
    };

    fn chunk(json: &str) -> ChatCompletionChunk {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_repeated_key_keeps_the_last_value() {
        let chunk = chunk(r#"{"id":"a","id":"b","x":1,"x":2}"#);
        assert_eq!(chunk.id, "b");
        assert_eq!(chunk.extra["x"], json!(2));
    }

    #[test]
    fn escaped_keys_are_matched_and_kept() {
        let chunk = chunk(r#"{"\u0069d":"a","x\"y":true}"#);
        assert_eq!(chunk.id, "a");
        assert_eq!(chunk.extra["x\"y"], json!(true));
    }

    #[test]
    fn non_object_placeholders_read_as_defaults() {
        let chunk = chunk(
            r#"{"usage":"","choices":[{"index":null,"delta":[1,{"a":2}],"finish_reason":"stop"},
                {"delta":{"tool_calls":[{"function":7}]}}]}"#,
        );
        assert_eq!(chunk.usage, None);
        assert_eq!(chunk.choices[0].delta, Delta::default());
        assert_eq!(chunk.choices[0].finish_reason, Some(FinishReason::Stop));
        assert_eq!(chunk.choices[1].delta.tool_calls()[0].function, None);
    }

    #[test]
    fn decoding_from_a_value_matches_decoding_from_text() {
        let text = r#"{"id":"c","choices":[{"message":{"content":"hi","z":1}}],
            "usage":{"prompt_tokens":"3","prompt_tokens_details":{"cached_tokens":1.5}},"q":[]}"#;
        let from_text: ChatCompletion = serde_json::from_str(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::from_value::<ChatCompletion>(value).unwrap(), from_text);
        assert_eq!(from_text.text(), Some("hi"));
        assert_eq!(from_text.choices[0].message.extra["z"], json!(1));
        let usage: &Usage = from_text.usage.as_ref().unwrap();
        assert_eq!(usage.prompt_tokens, 3);
        assert_eq!(usage.prompt_tokens_details.as_ref().unwrap().cached_tokens, Some(1));
        assert_eq!(from_text.extra["q"], json!([]));
    }

    #[test]
    fn delta_content_reads_like_an_untagged_enum() {
        let content = |json: &str| serde_json::from_str::<DeltaContent>(json).unwrap();
        assert_eq!(content(r#""a\"b""#), DeltaContent::Text("a\"b".into()));
        let parts = content(r#"[{"type":"text","text":"x"}]"#);
        assert!(matches!(&parts, DeltaContent::Parts(p) if p.len() == 1), "{parts:?}");
        assert_eq!(content("[1]"), DeltaContent::Other(json!([1])));
        assert_eq!(content(r#"{"a":1}"#), DeltaContent::Other(json!({"a": 1})));
        assert_eq!(content("2.5"), DeltaContent::Other(json!(2.5)));
        assert_eq!(content("null"), DeltaContent::Other(Value::Null));
    }

    #[test]
    fn a_non_object_top_level_is_an_error() {
        assert!(serde_json::from_str::<ChatCompletionChunk>("[]").is_err());
        assert!(
            serde_json::from_str::<ChatCompletionChunk>(r#"{"choices":[{"delta":{"role":1}}]}"#)
                .is_err()
        );
    }
}
