//! Hand-written `Deserialize` for the response types that keep unknown fields in `extra`.
//!
//! `#[serde(flatten)]` makes serde buffer every object into an intermediate tree before it
//! matches a single field. The impls made by [`tolerant_deserialize!`] read each key once
//! (borrowed from the input when it has no escapes), decode known fields with the lenient
//! helper their entry names, and move unknown ones straight into `extra`.
//!
//! Nested objects (a choice's `delta`, the `choices` array, `usage`) are filled in place:
//! each value is built where it ends up (in the parent's field, in the `Vec`'s buffer)
//! instead of being built on the stack and moved through every layer of `Result`s.
//!
//! The types keep `#[derive(Serialize, JsonSchema)]`; their serde attributes say how they
//! are written and described (names, `default`, `skip_serializing_if`) but name no
//! `deserialize_with`: the field list given to [`tolerant_deserialize!`] is the only place
//! that says how a field is read. The test `every_field_is_read_back_under_its_wire_name`
//! fails when that list and the struct disagree (a field left out, or read under another
//! name than the one `Serialize` writes).
//!
//! `ChatCompletionChunk::from_json` and `ChatCompletion::from_json` try a hand-written fast
//! path first (`chat/fast/`), which reads these types exactly as these lists do and leaves
//! anything else to serde; its tests `the_fast_path_knows_every_field_of_every_chunk_type`
//! and `..._completion_type` fail when a type gains a field the fast path does not know.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};

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

/// A struct read by [`tolerant_deserialize!`]: its fields can be filled from an object.
pub(crate) trait FillFromMap: Default {
    /// What `expecting` says when the value is not an object.
    const EXPECTING: &'static str;

    /// Reads every entry of `map` into `self` (which starts as `Self::default()`).
    fn fill_from_map<'de, A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;
}

/// `Deserialize` for a [`FillFromMap`] type: a default value filled from an object.
pub(crate) fn deserialize_object<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FillFromMap,
{
    let mut out = T::default();
    de.deserialize_map(Fill(&mut out))?;
    Ok(out)
}

/// Field reader for a value helper (a `deserialize_with` function): stores its result.
pub(crate) fn read<'de, D, T, F>(slot: &mut T, de: D, reader: F) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(D) -> Result<T, D::Error>,
{
    *slot = reader(de)?;
    Ok(())
}

/// Field reader for an in-place helper (one of the `*_in_place` functions below).
pub(crate) fn fill<'de, D, T, F>(slot: &mut T, de: D, filler: F) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&mut T, D) -> Result<(), D::Error>,
{
    filler(slot, de)
}

/// Fills a [`FillFromMap`] value from an object; anything else is an error.
struct Fill<'a, T>(&'a mut T);

impl<'de, T: FillFromMap> Visitor<'de> for Fill<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.fill_from_map(map)
    }
}

/// An object fills the slot in place; any other value (`null`, `""`, an array, ...) is read
/// and leaves the slot at its default.
pub(crate) fn object_in_place<'de, D, T>(slot: &mut T, de: D) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    T: FillFromMap,
{
    de.deserialize_any(ObjectOrSkip(slot))
}

/// An object fills `Some(T)` in place; any other value is read and leaves `None`.
pub(crate) fn optional_object_in_place<'de, D, T>(
    slot: &mut Option<T>,
    de: D,
) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    T: FillFromMap,
{
    de.deserialize_any(ObjectOrSkip(slot))
}

/// Where an object read in place goes.
trait ObjectSlot {
    /// The object's type.
    type Object: FillFromMap;

    /// The value to fill (created when the slot is an empty `Option`).
    fn object(&mut self) -> &mut Self::Object;
}

impl<T: FillFromMap> ObjectSlot for &mut T {
    type Object = T;

    fn object(&mut self) -> &mut T {
        self
    }
}

impl<T: FillFromMap> ObjectSlot for &mut Option<T> {
    type Object = T;

    fn object(&mut self) -> &mut T {
        self.get_or_insert_with(T::default)
    }
}

/// Fills the slot from an object; reads and drops any other value.
struct ObjectOrSkip<S>(S);

impl<'de, S: ObjectSlot> Visitor<'de> for ObjectOrSkip<S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object, or any value read as absent")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
        self.0.object().fill_from_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }

    fn visit_none<E: Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_i128<E: Error>(self, _: i128) -> Result<(), E> {
        Ok(())
    }

    fn visit_u128<E: Error>(self, _: u128) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_bytes<E: Error>(self, _: &[u8]) -> Result<(), E> {
        Ok(())
    }
}

/// A `Vec` of objects (`null` reads as empty), each built in the `Vec`'s buffer.
pub(crate) fn vec_in_place<'de, D, T>(slot: &mut Vec<T>, de: D) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    T: FillFromMap,
{
    de.deserialize_option(VecOrNull(slot))
}

/// An optional `Vec` of objects (`null` reads as `None`), each built in the `Vec`'s buffer.
pub(crate) fn optional_vec_in_place<'de, D, T>(
    slot: &mut Option<Vec<T>>,
    de: D,
) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    T: FillFromMap,
{
    de.deserialize_option(VecOrNull(slot))
}

/// Where an array read in place goes.
trait VecSlot {
    /// The element type.
    type Item: FillFromMap;

    /// The `Vec` to push to (created when the slot is an empty `Option`).
    fn items(&mut self) -> &mut Vec<Self::Item>;
}

impl<T: FillFromMap> VecSlot for &mut Vec<T> {
    type Item = T;

    fn items(&mut self) -> &mut Vec<T> {
        self
    }
}

impl<T: FillFromMap> VecSlot for &mut Option<Vec<T>> {
    type Item = T;

    fn items(&mut self) -> &mut Vec<T> {
        self.get_or_insert_with(Vec::new)
    }
}

/// `null` leaves the slot alone; an array fills it; anything else is an error.
struct VecOrNull<S>(S);

impl<'de, S: VecSlot> Visitor<'de> for VecOrNull<S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of objects, or null")
    }

    fn visit_none<E: Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let items = self.0.items();
        while seq.next_element_seed(Push(&mut *items))?.is_some() {}
        Ok(())
    }
}

/// Appends one element and fills it where it lies.
struct Push<'a, T>(&'a mut Vec<T>);

impl<'de, T: FillFromMap> DeserializeSeed<'de> for Push<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        if self.0.capacity() == 0 {
            // Most arrays here hold one element (one choice, one tool call): room for one,
            // not the four `push` would reserve.
            self.0.reserve_exact(1);
        }
        self.0.push(T::default());
        match self.0.last_mut() {
            Some(item) => de.deserialize_map(Fill(item)),
            None => Err(D::Error::custom("element vanished")),
        }
    }
}

/// Implements [`FillFromMap`] and `Deserialize` for a struct with `Default` and an
/// `extra: Map<String, Value>` field. Each `"wire" => field: Type = read helper` reads that
/// key with `helper` (a `deserialize_with` function, or `serde::Deserialize::deserialize`);
/// `= fill helper` names one of the `*_in_place` functions of this module instead. A
/// missing key leaves the default, a repeated key keeps the last value, any other key goes
/// into `extra`.
macro_rules! tolerant_deserialize {
    ($name:ident {
        $( $wire:literal => $field:ident : $ty:ty = $how:ident $with:path ),* $(,)?
    } $( then $after:path )?) => {
        impl $crate::chat::decode::FillFromMap for $name {
            const EXPECTING: &'static str = concat!("a ", stringify!($name), " object");

            fn fill_from_map<'de, A>(&mut self, mut map: A) -> Result<(), A::Error>
            where
                A: serde::de::MapAccess<'de>,
            {
                /// One bit per known field, to tell a repeated key.
                #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
                enum Bit { $( $field ),* }

                let mut seen = 0u64;
                while let Some(key) = map.next_key::<$crate::chat::decode::Key<'de>>()? {
                    match key.0.as_ref() {
                        $( $wire => {
                            struct Field<'a>(&'a mut $ty);

                            impl<'de> serde::de::DeserializeSeed<'de> for Field<'_> {
                                type Value = ();

                                fn deserialize<D>(self, de: D) -> Result<(), D::Error>
                                where
                                    D: serde::Deserializer<'de>,
                                {
                                    $crate::chat::decode::$how(self.0, de, $with)
                                }
                            }

                            let bit = 1u64 << (Bit::$field as u32);
                            if seen & bit != 0 {
                                // A repeated key: the last value wins, nothing merges.
                                self.$field = Default::default();
                            }
                            seen |= bit;
                            map.next_value_seed(Field(&mut self.$field))?;
                        } )*
                        _ => {
                            let value = map.next_value()?;
                            self.extra.insert(key.0.into_owned(), value);
                        }
                    }
                }
                $( $after(self); )?
                Ok(())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                $crate::chat::decode::deserialize_object(de)
            }
        }
    };
}

pub(crate) use tolerant_deserialize;

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
