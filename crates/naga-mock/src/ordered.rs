//! JSON written with its keys in a fixed order.
//!
//! `serde_json::Value` sorts object keys (`{"choices":..,"created":..,"id":..}`); Naga and
//! OpenAI write `{"id":..,"object":..,"created":..,"model":..,"choices":..}` and
//! `{"error":{"type":..,"message":..}}`. Clients that compare bytes or read a prefix see the
//! difference, so every body the emulator generates is written through this type.

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

impl From<f64> for Json {
    fn from(n: f64) -> Self {
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

impl Json {
    /// Appends this value as compact JSON to `out`.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Json::Value(value) => write_leaf(value, out),
            Json::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_to(out);
                }
                out.push(b']');
            }
            Json::Object(fields) => {
                out.push(b'{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_key(key, out);
                    value.write_to(out);
                }
                out.push(b'}');
            }
        }
    }
}

impl Json {
    /// This value as compact JSON bytes.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write_to(&mut out);
        out
    }
}

/// `"key":`, escaped as serde_json escapes strings.
fn write_key(key: &str, out: &mut Vec<u8>) {
    // Writing a string into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, key);
    out.push(b':');
}

/// A value serde_json writes itself (compactly, its objects in the order their keys came).
fn write_leaf(value: &Value, out: &mut Vec<u8>) {
    // Writing a `Value` (string keys only) into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// `value` as compact JSON whose object keys come in `order` first (in that order), then the
/// others sorted; for documents built as a `Value` (the model catalogue).
pub(crate) fn to_string_in_order(value: &Value, order: &[&str]) -> String {
    let mut out = Vec::new();
    write_in_order(value, order, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn write_in_order(value: &Value, order: &[&str], out: &mut Vec<u8>) {
    match value {
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_in_order(item, order, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(order.len());
            let mut fields: Vec<(&String, &Value)> = map.iter().collect();
            fields.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
            out.push(b'{');
            for (i, (key, item)) in fields.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_key(key, out);
                write_in_order(item, order, out);
            }
            out.push(b'}');
        }
        leaf => write_leaf(leaf, out),
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
        let text = String::from_utf8(value.to_vec()).unwrap();
        assert_eq!(text, r#"{"type":"a\"b","message":[{"z":1,"a":null},7],"extra":null}"#);
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
