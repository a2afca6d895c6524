//! Tolerant reading: open string enums and serde helpers that accept what servers really send.
//!
//! Servers add enum values, send `null` where a value was expected, or `{}`/`""` where an
//! object was expected. None of that may turn a good answer into an error.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
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

        impl $crate::lenient::OpenEnum for $name {
            const KNOWN: &'static [&'static str] = &[$( $wire ),*];

            fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }

            fn wire(&self) -> &str {
                self.as_str()
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
                // A known value allocates nothing; an unknown one is kept as it came.
                $crate::lenient::deserialize_string_enum(de)
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

/// An open string enum (see [`string_enum!`]), for checks that what is sent is a known value.
pub(crate) trait OpenEnum {
    /// The wire strings of the known values.
    const KNOWN: &'static [&'static str];
    /// Whether the value is a known one.
    fn is_known(&self) -> bool;
    /// The wire string.
    fn wire(&self) -> &str;
}

/// Refuses a value outside the documented set of `T` at `field`: what is sent is a known
/// value (reading takes any). A known value in other case is named as the one meant.
pub(crate) fn check_known<T: OpenEnum>(
    field: impl Into<std::borrow::Cow<'static, str>>,
    value: &T,
) -> Result<(), crate::Error> {
    if value.is_known() {
        return Ok(());
    }
    let got = value.wire();
    let lower = got.trim().to_ascii_lowercase();
    let reason = match T::KNOWN.iter().find(|known| **known == lower) {
        Some(meant) => format!("is `{got}`; the API takes `{meant}` (lowercase)"),
        None => format!("is `{got}`, not one of `{}`", T::KNOWN.join("`, `")),
    };
    Err(crate::Error::invalid(field, reason))
}

/// Implements `Deserialize` for an enum whose variants wrap one struct each and whose last
/// variant is `Other(Map<String, Value>)`: the `type` value picks the variant, the other keys
/// fill its struct; an object that fits no variant is kept verbatim (with its `type`), so an
/// answer is never rejected for an item this SDK does not know.
macro_rules! open_tagged_deserialize {
    ($name:ident { $( $wire:literal => $variant:ident ),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                use serde_json::{Map, Value};
                let mut map = <Map<String, Value>>::deserialize(de)?;
                let kind = map.shift_remove("type");
                let fields = Value::Object(map);
                let known = match kind.as_ref().and_then(Value::as_str) {
                    $( Some($wire) => {
                        serde::Deserialize::deserialize(&fields).map($name::$variant).ok()
                    } )*
                    _ => None,
                };
                Ok(known.unwrap_or_else(|| {
                    let mut map = match fields {
                        Value::Object(map) => map,
                        _ => Map::new(),
                    };
                    if let Some(kind) = kind {
                        map.insert("type".to_owned(), kind);
                    }
                    $name::Other(map)
                }))
            }
        }
    };
}

pub(crate) use open_tagged_deserialize;

/// `From` a text (`&str`, `String`) and from texts (`Vec<String>`, `&[&str]`, `[&str; N]`)
/// for an input enum with `Text(String)` and `Texts(Vec<String>)` variants.
macro_rules! text_input_conversions {
    ($input:ident) => {
        impl From<&str> for $input {
            fn from(text: &str) -> Self {
                $input::Text(text.to_owned())
            }
        }

        impl From<String> for $input {
            fn from(text: String) -> Self {
                $input::Text(text)
            }
        }

        impl From<Vec<String>> for $input {
            fn from(texts: Vec<String>) -> Self {
                $input::Texts(texts)
            }
        }

        impl From<&[&str]> for $input {
            fn from(texts: &[&str]) -> Self {
                $input::Texts(texts.iter().map(|text| (*text).to_owned()).collect())
            }
        }

        impl<const N: usize> From<[&str; N]> for $input {
            fn from(texts: [&str; N]) -> Self {
                $input::from(&texts[..])
            }
        }
    };
}

pub(crate) use text_input_conversions;

/// Reads an open string enum: from the borrowed input when it can (a known value then
/// allocates nothing), else from an owned copy. serde's `Cow<str>` would always allocate.
pub(crate) fn deserialize_string_enum<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    de.deserialize_str(StringEnumVisitor(PhantomData))
}

struct StringEnumVisitor<T>(PhantomData<T>);

impl<T: for<'a> From<&'a str> + From<String>> Visitor<'_> for StringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        Ok(T::from(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<T, E> {
        Ok(T::from(text))
    }
}

/// `null` (or a missing field, with `#[serde(default)]`) becomes `T::default()`.
pub(crate) fn null_as_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// A count: integers, finite non-negative floats (truncated) and numeric strings are read;
/// `null` and anything else read as `None`. Read straight from the input, no `Value`.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    de.deserialize_any(LenientU64)
}

/// Reads any value; numbers and numeric strings become a count.
struct LenientU64;

impl<'de> Visitor<'de> for LenientU64 {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a count, or any value read as absent")
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Option<u64>, E> {
        Ok(Some(n))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Option<u64>, E> {
        Ok(u64::try_from(n).ok())
    }

    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Option<u64>, E> {
        Ok(u64::try_from(n).ok())
    }

    fn visit_i128<E: de::Error>(self, n: i128) -> Result<Option<u64>, E> {
        Ok(u64::try_from(n).ok())
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Option<u64>, E> {
        Ok(float_to_u64(n))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Option<u64>, E> {
        Ok(text.trim().parse::<f64>().ok().and_then(float_to_u64))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<u64>, E> {
        Ok(None)
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Option<u64>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<u64>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<u64>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Option<u64>, D::Error> {
        de.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<u64>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<u64>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// Decodes `T`, or `None` when the value is null or has another shape.
pub(crate) fn lenient<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// A list of items: one object reads as a list of that one, anything else that is no list
/// as empty. (Elements of open enums never fail.)
pub(crate) fn lenient_items<'de, D, T>(de: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(items_of(Value::deserialize(de)?))
}

/// The items of `value`, as [`lenient_items`] reads them.
pub(crate) fn items_of<T: serde::de::DeserializeOwned>(value: Value) -> Vec<T> {
    match value {
        Value::Array(items) => {
            items.into_iter().filter_map(|item| serde_json::from_value(item).ok()).collect()
        }
        object @ Value::Object(_) => serde_json::from_value(object).ok().into_iter().collect(),
        _ => Vec::new(),
    }
}

/// A number, or a number written as text (surrounding whitespace ignored); anything else
/// is none. Text may name a non-finite number (`"inf"`); callers that want only finite
/// ones filter.
pub(crate) fn number_or_text(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Like [`lenient_u64`], with `0` for anything unreadable.
pub(crate) fn lenient_u64_or_zero<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    Ok(lenient_u64(de)?.unwrap_or(0))
}

/// Like [`lenient_u32`], with `0` for `null`.
pub(crate) fn lenient_u32_or_zero<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    Ok(lenient_u32(de)?.unwrap_or(0))
}

/// An index (of a choice, a tool call, a block, an item): a whole number from 0 to
/// `u32::MAX`, or one written as text; `null` reads as `None`. Anything else present is an
/// error, not an absent index: read as 0 (or dropped), it would credit its content to
/// another choice, call or block.
pub(crate) fn lenient_u32<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u32>, D::Error> {
    de.deserialize_any(Index)
}

/// Reads an index for [`lenient_u32`].
struct Index;

impl Index {
    fn checked<E: de::Error>(n: Option<u64>) -> Result<Option<u32>, E> {
        match n.and_then(|n| u32::try_from(n).ok()) {
            Some(index) => Ok(Some(index)),
            None => Err(E::custom("an index must be a whole number from 0 to 4294967295")),
        }
    }
}

impl<'de> Visitor<'de> for Index {
    type Value = Option<u32>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an index (a whole number from 0 to 4294967295) or null")
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Option<u32>, E> {
        Self::checked(Some(n))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Option<u32>, E> {
        Self::checked(u64::try_from(n).ok())
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Option<u32>, E> {
        Self::checked(whole_float(n))
    }

    /// Text reads as the number it writes, as a count's does (`"3"`, `"3.0"`).
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Option<u32>, E> {
        let text = text.trim();
        Self::checked(text.parse().ok().or_else(|| text.parse().ok().and_then(whole_float)))
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<u32>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<u32>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Option<u32>, D::Error> {
        de.deserialize_any(self)
    }
}

/// `value` when it is a whole number that fits a `u64`.
fn whole_float(value: f64) -> Option<u64> {
    float_to_u64(value).filter(|_| value.fract() == 0.0)
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn float_to_u64(value: f64) -> Option<u64> {
    // `as` saturates; the range check keeps negative and huge values out.
    (value.is_finite() && (0.0..=u64::MAX as f64).contains(&value)).then_some(value as u64)
}

/// Text: a string is kept; `null` reads as `None`; any other JSON value is kept as its JSON
/// text (some providers send tool arguments as an object instead of a string). A string is
/// read straight from the input; only other values take the detour through a `Value`.
pub(crate) fn lenient_text<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    de.deserialize_any(LenientText)
}

/// Reads any value: a string as itself, anything else but `null` as its JSON text.
struct LenientText;

impl LenientText {
    fn json<E>(value: impl Into<Value>) -> Result<Option<String>, E> {
        Ok(Some(value.into().to_string()))
    }
}

impl<'de> Visitor<'de> for LenientText {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text, or any value kept as its JSON text")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Option<String>, E> {
        Ok(Some(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Option<String>, E> {
        Ok(Some(text))
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Option<String>, D::Error> {
        de.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Option<String>, E> {
        Self::json(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<String>, E> {
        Self::json(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<String>, E> {
        Self::json(value)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Option<String>, E> {
        Self::json(value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<String>, A::Error> {
        Self::json(Value::deserialize(SeqAccessDeserializer::new(seq))?)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<String>, A::Error> {
        Self::json(Value::deserialize(MapAccessDeserializer::new(map))?)
    }
}

/// Like [`lenient_text`], with `""` for `null`.
pub(crate) fn lenient_text_or_empty<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    Ok(lenient_text(de)?.unwrap_or_default())
}

/// `true` when a map is empty, for `skip_serializing_if`.
pub(crate) fn is_empty_map(map: &serde_json::Map<String, Value>) -> bool {
    map.is_empty()
}

/// Declares an event enum told apart by a `type` key: each variant with its wire `type` and
/// payload struct, plus `Other` for event types this SDK does not know; `from_json` (a known
/// `type` must have its fields), `kind`, and `Deserialize` through `from_json`.
macro_rules! tagged_events {
    ($(#[$meta:meta])* $name:ident { $( $(#[$doc:meta])* $wire:literal => $variant:ident($payload:ty), )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
        #[serde(tag = "type")]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$doc])* #[serde(rename = $wire)] $variant($payload), )*
            /// An event type this SDK does not know, kept whole with its `type`.
            #[serde(untagged)]
            Other(serde_json::Map<String, serde_json::Value>),
        }

        impl $name {
            /// Decodes one event's JSON: a known `type` must have its fields, any other
            /// `type` is kept as [`Other`](Self::Other).
            pub fn from_json(data: &str) -> Result<$name, serde_json::Error> {
                Self::from_map(serde_json::from_str(data)?)
            }

            /// [`from_json`](Self::from_json) of an object already read.
            pub(crate) fn from_map(
                mut map: serde_json::Map<String, serde_json::Value>,
            ) -> Result<$name, serde_json::Error> {
                let kind = map.shift_remove("type");
                let event = match kind.as_ref().and_then(serde_json::Value::as_str) {
                    $( Some($wire) => $name::$variant(
                        serde_json::from_value(serde_json::Value::Object(map))?,
                    ), )*
                    _ => {
                        if let Some(kind) = kind {
                            map.insert("type".to_owned(), kind);
                        }
                        $name::Other(map)
                    }
                };
                Ok(event)
            }

            /// The event's `type` as sent.
            pub fn kind(&self) -> &str {
                match self {
                    $( $name::$variant(_) => $wire, )*
                    $name::Other(map) => {
                        map.get("type").and_then(serde_json::Value::as_str).unwrap_or_default()
                    }
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let map = <serde_json::Map<String, serde_json::Value>>::deserialize(de)?;
                $name::from_map(map).map_err(D::Error::custom)
            }
        }
    };
}

pub(crate) use tagged_events;

/// A list whose entries that do not read as `T` are skipped (a non-list reads as empty).
pub(crate) fn lenient_list<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    let Value::Array(items) = Value::deserialize(d)? else { return Ok(Vec::new()) };
    Ok(items.into_iter().filter_map(|item| serde_json::from_value(item).ok()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Counts {
        #[serde(default, deserialize_with = "lenient_u64")]
        n: Option<u64>,
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
        assert_eq!(counts(r#"{"n": " 3 "}"#).n, Some(3));
        assert_eq!(counts(r#"{"n": [1, {"a": 2}]}"#).n, None);
        assert_eq!(counts(r#"{"n": {"a": [3]}}"#).n, None);
        assert_eq!(counts(r#"{"n": true}"#).n, None);
        assert_eq!(counts(r#"{"n": "x"}"#).n, None);
        assert_eq!(counts(r#"{"n": 1e300}"#).n, None);
    }

    #[derive(Debug, Deserialize)]
    struct Text {
        #[serde(default, deserialize_with = "lenient_text")]
        t: Option<String>,
    }

    fn text(json: &str) -> Option<String> {
        serde_json::from_str::<Text>(json).unwrap().t
    }

    #[test]
    fn text_keeps_strings_and_other_values_as_json() {
        assert_eq!(text(r#"{"t": "a\"b"}"#).as_deref(), Some("a\"b"));
        assert_eq!(text(r#"{"t": null}"#), None);
        assert_eq!(
            text(r#"{"t": {"k": [1, 2.5, true]}}"#).as_deref(),
            Some(r#"{"k":[1,2.5,true]}"#)
        );
        assert_eq!(text(r#"{"t": [null]}"#).as_deref(), Some("[null]"));
        assert_eq!(text(r#"{"t": -4}"#).as_deref(), Some("-4"));
        assert_eq!(text(r#"{"t": 0.5}"#).as_deref(), Some("0.5"));
        assert_eq!(text(r#"{"t": false}"#).as_deref(), Some("false"));
    }

    #[test]
    fn string_enums_read_known_values_and_keep_others() {
        use crate::chat::{FinishReason, Role};
        let reason = |json: &str| serde_json::from_str::<FinishReason>(json).unwrap();
        assert_eq!(reason(r#""stop""#), FinishReason::Stop);
        assert_eq!(reason(r#""st\u006fp""#), FinishReason::Stop);
        assert_eq!(reason(r#""eos""#), FinishReason::Other("eos".into()));
        let value = serde_json::json!("x-new");
        assert_eq!(serde_json::from_value::<Role>(value).unwrap(), Role::Other("x-new".into()));
        assert!(serde_json::from_str::<Role>("1").is_err());
    }
}
