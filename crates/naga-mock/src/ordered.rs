//! JSON written with its keys in a fixed order.
//!
//! `serde_json::Value` sorts object keys (`{"choices":..,"created":..,"id":..}`); Naga and
//! OpenAI write `{"id":..,"object":..,"created":..,"model":..,"choices":..}` and
//! `{"error":{"type":..,"message":..}}`. Clients that compare bytes or read a prefix see the
//! difference, so every body the emulator generates is written through this type.

use std::fmt::{self, Display, Write};

use serde_json::Value;

/// A JSON value whose objects keep the order their fields were given in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    /// Any JSON value, written compactly (its own objects sorted).
    Value(Value),
    /// An object with fields in this order.
    Object(Vec<(&'static str, Json)>),
    /// An array.
    Array(Vec<Json>),
}

impl Json {
    /// An object with `fields` in this order.
    pub(crate) fn object<const N: usize>(fields: [(&'static str, Json); N]) -> Json {
        Json::Object(fields.into())
    }

    /// Appends a field to an object (does nothing on other values).
    pub(crate) fn push(&mut self, key: &'static str, value: Json) {
        if let Json::Object(fields) = self {
            fields.push((key, value));
        }
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        Json::Value(value)
    }
}

impl From<&str> for Json {
    fn from(text: &str) -> Self {
        Json::Value(Value::String(text.to_owned()))
    }
}

impl From<String> for Json {
    fn from(text: String) -> Self {
        Json::Value(Value::String(text))
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Self {
        Json::Value(Value::from(n))
    }
}

impl From<usize> for Json {
    fn from(n: usize) -> Self {
        Json::Value(Value::from(n))
    }
}

impl From<Option<&str>> for Json {
    fn from(text: Option<&str>) -> Self {
        text.map_or(Json::Value(Value::Null), Json::from)
    }
}

impl Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Value(value) => write!(f, "{value}"),
            Json::Array(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Json::Object(fields) => {
                f.write_char('{')?;
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{}:{value}", Value::String((*key).to_owned()))?;
                }
                f.write_char('}')
            }
        }
    }
}

/// `value` as compact JSON whose object keys come in `order` first (in that order), then the
/// others sorted; for documents built as a `Value` (the model catalogue).
pub(crate) fn to_string_in_order(value: &Value, order: &[&str]) -> String {
    let mut out = String::new();
    write_in_order(value, order, &mut out);
    out
}

fn write_in_order(value: &Value, order: &[&str], out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_in_order(item, order, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(order.len());
            let mut fields: Vec<(&String, &Value)> = map.iter().collect();
            fields.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
            out.push('{');
            for (i, (key, item)) in fields.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_in_order(item, order, out);
            }
            out.push('}');
        }
        leaf => out.push_str(&leaf.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_keep_their_order_and_escape_like_serde_json() {
        let mut value = Json::object([
            ("type", "a\"b".into()),
            ("message", Json::Array(vec![json!({"z": 1, "a": null}).into(), 7u64.into()])),
        ]);
        value.push("extra", Json::from(None::<&str>));
        let text = value.to_string();
        assert_eq!(text, r#"{"type":"a\"b","message":[{"a":null,"z":1},7],"extra":null}"#);
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reparsed["message"][1], 7);
    }

    #[test]
    fn preferred_keys_come_first_then_the_rest_sorted() {
        let value = json!({"z": 1, "data": [{"b": 2, "id": "x", "a\"": 3}], "object": "list"});
        let text = to_string_in_order(&value, &["object", "data", "id"]);
        assert_eq!(text, r#"{"object":"list","data":[{"id":"x","a\"":3,"b":2}],"z":1}"#);
    }
}
