//! Tolerant reading: open string enums and serde helpers that accept what servers really send.
//!
//! Servers add enum values, send `null` where a value was expected, or `{}`/`""` where an
//! object was expected. None of that may turn a good answer into an error.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Declares an open string enum: known values as unit variants plus `Other(String)`, which
/// keeps any unknown string and writes it back unchanged.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this SDK does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire string of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(other) => other.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match Self::from(text.as_str()) {
                    Self::Other(_) => Self::Other(text),
                    known => known,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(de)?;
                Ok(Self::from(text.as_ref()))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": "Known values are listed; other strings are accepted.",
                    "anyOf": [
                        { "type": "string", "enum": [ $( $wire ),* ] },
                        { "type": "string" }
                    ]
                })
            }
        }
    };
}

pub(crate) use string_enum;

/// `null` (or a missing field, with `#[serde(default)]`) becomes `T::default()`.
pub(crate) fn null_as_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// An optional object: `null`, `""`, or any non-object value reads as `None`; an object is
/// decoded as `T` (whose own fields are tolerant), straight from the input.
pub(crate) fn object_or_none<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    de.deserialize_any(ObjectOrNone(PhantomData))
}

/// Decodes an object as `T`; reads and drops anything else.
struct ObjectOrNone<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOrNone<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object, or any value read as absent")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Option<T>, D::Error> {
        de.deserialize_any(self)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// A required object: anything but an object reads as `T::default()`.
pub(crate) fn object_or_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(object_or_none(de)?.unwrap_or_default())
}

/// A count: integers, finite non-negative floats (truncated) and numeric strings are read;
/// `null` and anything else read as `None`.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().and_then(float_to_u64)),
        Value::String(s) => s.trim().parse::<f64>().ok().and_then(float_to_u64),
        _ => None,
    })
}

/// Like [`lenient_u64`], with `0` for anything unreadable.
pub(crate) fn lenient_u64_or_zero<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    Ok(lenient_u64(de)?.unwrap_or(0))
}

/// Like [`lenient_u64_or_zero`] for an index.
pub(crate) fn lenient_u32_or_zero<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    Ok(lenient_u64(de)?.and_then(|n| u32::try_from(n).ok()).unwrap_or(0))
}

/// Like [`lenient_u64`] for an optional index.
pub(crate) fn lenient_u32<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u32>, D::Error> {
    Ok(lenient_u64(de)?.and_then(|n| u32::try_from(n).ok()))
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn float_to_u64(value: f64) -> Option<u64> {
    // `as` saturates; the range check keeps negative and huge values out.
    (value.is_finite() && (0.0..=u64::MAX as f64).contains(&value)).then_some(value as u64)
}

/// Text: a string is kept; `null` reads as `None`; any other JSON value is kept as its JSON
/// text (some providers send tool arguments as an object instead of a string).
pub(crate) fn lenient_text<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// Like [`lenient_text`], with `""` for `null`.
pub(crate) fn lenient_text_or_empty<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    Ok(lenient_text(de)?.unwrap_or_default())
}

/// `true` when a map is empty, for `skip_serializing_if`.
pub(crate) fn is_empty_map(map: &serde_json::Map<String, Value>) -> bool {
    map.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Probe {
        #[serde(default)]
        a: Option<u64>,
    }

    #[derive(Debug, Deserialize)]
    struct Counts {
        #[serde(default, deserialize_with = "lenient_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "object_or_none")]
        probe: Option<Probe>,
    }

    fn counts(json: &str) -> Counts {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn counts_accept_floats_strings_and_null() {
        assert_eq!(counts(r#"{"n": 7}"#).n, Some(7));
        assert_eq!(counts(r#"{"n": 7.9}"#).n, Some(7));
        assert_eq!(counts(r#"{"n": "12"}"#).n, Some(12));
        assert_eq!(counts(r#"{"n": -1}"#).n, None);
        assert_eq!(counts(r#"{"n": null}"#).n, None);
        assert_eq!(counts("{}").n, None);
    }

    #[test]
    fn objects_accept_empty_string_and_null() {
        assert_eq!(counts(r#"{"probe": ""}"#).probe, None);
        assert_eq!(counts(r#"{"probe": null}"#).probe, None);
        assert_eq!(counts(r#"{"probe": {}}"#).probe, Some(Probe { a: None }));
        assert_eq!(counts(r#"{"probe": {"a": 3}}"#).probe, Some(Probe { a: Some(3) }));
    }
}
