//! `$ref` / `$defs` bookkeeping for the strict rewrite.

use serde_json::{Map, Value};

/// The keys under which a root schema may keep its definitions, in order of preference.
const DEFS_KEYS: [&str; 2] = ["$defs", "definitions"];

/// Definitions taken out of a root schema, with the key they were found under.
#[derive(Debug)]
pub(super) struct Defs {
    /// `$defs` (draft 2019-09 and later, schemars' default) or `definitions` (draft 7).
    pub(super) key: &'static str,
    /// The definitions as generated, before any rewriting.
    pub(super) raw: Map<String, Value>,
}

impl Defs {
    /// Removes the definitions from `root`; `$defs` wins if both keys are present.
    pub(super) fn take(root: &mut Map<String, Value>) -> Self {
        for key in DEFS_KEYS {
            if let Some(Value::Object(raw)) = root.shift_remove(key) {
                return Defs { key, raw };
            }
        }
        Defs { key: DEFS_KEYS[0], raw: Map::new() }
    }

    /// The definition name a local reference such as `#/$defs/Item` points at.
    pub(super) fn name_of(&self, reference: &str) -> Option<String> {
        let rest = reference.strip_prefix('#')?.strip_prefix('/')?;
        let name = rest.strip_prefix(self.key)?.strip_prefix('/')?;
        if name.contains('/') {
            return None;
        }
        Some(name.replace("~1", "/").replace("~0", "~"))
    }

    /// JSON Pointer of the definition `name`, for error paths.
    pub(super) fn path_of(&self, name: &str) -> String {
        format!("#/{}/{}", self.key, escape(name))
    }
}

/// Escapes a key for use as one JSON Pointer segment.
pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every `$ref` string anywhere inside `value`, in document order.
pub(super) fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push(reference.clone());
            }
            map.values().for_each(|child| collect_refs(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, out)),
        _ => {}
    }
}
