//! Open tagged unions: `{"type": ...}` objects read into a known variant, anything else (an
//! unknown `type`, or a known one whose fields do not fit) kept whole in `Other`.

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
                let kind = map.remove("type");
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
