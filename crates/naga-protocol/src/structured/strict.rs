//! The strict-mode rewrite of a JSON Schema (see [`super::strict_schema_for`]).

use serde_json::{Map, Value};

use super::refs::{Defs, collect_refs, escape};
use super::{REJECTED_KEYWORDS, STRICT_FORMATS, STRICT_KEYWORDS, StructuredError};

/// Rewrites a root schema; only definitions reachable from the result are kept.
pub(super) fn make_strict(root: Value) -> Result<Value, StructuredError> {
    let Value::Object(mut root) = root else {
        return Err(StructuredError::RootNotObject { found: format!("the schema `{root}`") });
    };
    check_root(&root)?;
    let defs = Defs::take(&mut root);
    let mut walker = Walker { defs: &defs, inlining: Vec::new() };
    walker.map(&mut root, "#")?;
    let done = walker.reachable_defs(&root)?;
    if !done.is_empty() {
        root.insert(defs.key.to_owned(), Value::Object(done));
    }
    Ok(Value::Object(root))
}

/// Strict mode needs `"type": "object"` at the root (no `anyOf`, no nullable root).
fn check_root(root: &Map<String, Value>) -> Result<(), StructuredError> {
    let found = match root.get("type") {
        Some(Value::String(kind)) if kind == "object" => {
            match ["oneOf", "anyOf"].into_iter().find(|key| root.contains_key(*key)) {
                None => return Ok(()),
                Some(key) => format!("an object with `{key}` (a flattened enum)"),
            }
        }
        Some(kind) => format!("type {kind}"),
        None => ["oneOf", "anyOf", "allOf", "$ref", "enum", "const"]
            .into_iter()
            .find(|key| root.contains_key(*key))
            .unwrap_or("a schema without a type")
            .to_owned(),
    };
    Err(StructuredError::RootNotObject { found })
}

/// Walks a schema, rewriting every subschema in place.
struct Walker<'d> {
    /// The root's definitions as generated, for inlining `$ref`s that carry siblings.
    defs: &'d Defs,
    /// Definitions being inlined right now, so recursion cannot inline forever.
    inlining: Vec<String>,
}

impl Walker<'_> {
    /// Rewrites one subschema (`true`/`false` schemas are errors).
    fn value(&mut self, schema: &mut Value, path: &str) -> Result<(), StructuredError> {
        match schema {
            Value::Object(map) => self.map(map, path),
            Value::Bool(true) => Err(StructuredError::AnyValue { path: path.to_owned() }),
            _ => Err(unsupported(path, "a schema that is not an object")),
        }
    }

    /// Rewrites one object subschema.
    fn map(&mut self, map: &mut Map<String, Value>, path: &str) -> Result<(), StructuredError> {
        merge_single_all_of(map);
        if let Some(keyword) = REJECTED_KEYWORDS.iter().find(|key| map.contains_key(**key)) {
            return Err(unsupported(path, keyword));
        }
        normalize(map, path)?;
        if map.contains_key("$ref") {
            return self.reference(map, path);
        }
        if map.contains_key("properties") && map.contains_key("anyOf") {
            self.distribute(map, path)?;
        }
        if !["type", "anyOf", "enum"].iter().any(|key| map.contains_key(*key)) {
            return Err(StructuredError::AnyValue { path: path.to_owned() });
        }
        if is_object(map) {
            self.object(map, path)?;
        }
        self.children(map, path)
    }

    /// Rewrites `items` and the `anyOf` branches.
    fn children(
        &mut self,
        map: &mut Map<String, Value>,
        path: &str,
    ) -> Result<(), StructuredError> {
        let is_array = has_type(map, "array");
        match map.get_mut("items") {
            Some(items) => self.value(items, &format!("{path}/items"))?,
            None if is_array => {
                return Err(StructuredError::AnyValue { path: format!("{path}/items") });
            }
            None => {}
        }
        if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
            for (index, branch) in branches.iter_mut().enumerate() {
                self.value(branch, &format!("{path}/anyOf/{index}"))?;
            }
        }
        Ok(())
    }

    /// Closes an object and lists every property in `required`.
    fn object(&mut self, map: &mut Map<String, Value>, path: &str) -> Result<(), StructuredError> {
        let closed = match map.get("additionalProperties") {
            None => false,
            Some(Value::Bool(false)) => true,
            Some(_) => return Err(StructuredError::OpenObject { path: path.to_owned() }),
        };
        // A bare `{"type": "object"}` is what a struct without fields derives; reading it as
        // "no properties" is the only strict meaning it can have.
        let mut properties = match map.shift_remove("properties") {
            Some(Value::Object(properties)) => properties,
            None if closed || !map.contains_key("additionalProperties") => Map::new(),
            _ => return Err(StructuredError::OpenObject { path: path.to_owned() }),
        };
        for (name, property) in properties.iter_mut() {
            self.value(property, &format!("{path}/properties/{}", escape(name)))?;
        }
        // Every property, in the order the properties come (the order a model writes them in).
        let required: Vec<String> = properties.keys().cloned().collect();
        map.entry("type").or_insert_with(|| Value::from("object"));
        map.insert("properties".to_owned(), Value::Object(properties));
        map.insert("required".to_owned(), Value::from(required));
        map.insert("additionalProperties".to_owned(), Value::Bool(false));
        Ok(())
    }

    /// Keeps a bare `$ref`; inlines a `$ref` that has sibling keywords (strict mode rejects
    /// siblings), or drops the siblings when the target is recursive or not a definition.
    fn reference(
        &mut self,
        map: &mut Map<String, Value>,
        path: &str,
    ) -> Result<(), StructuredError> {
        if map.len() == 1 {
            return Ok(());
        }
        let target = map.get("$ref").and_then(Value::as_str).and_then(|r| self.defs.name_of(r));
        let definition = target
            .filter(|name| !self.inlining.contains(name))
            .and_then(|name| Some((self.defs.raw.get(&name)?.as_object()?.clone(), name)));
        let Some((mut inlined, name)) = definition else {
            map.retain(|key, _| key == "$ref");
            return Ok(());
        };
        map.shift_remove("$ref");
        inlined.extend(std::mem::take(map));
        *map = inlined;
        self.inlining.push(name);
        let result = self.map(map, path);
        self.inlining.pop();
        result
    }

    /// Turns an object with both `properties` and `anyOf` (what `#[serde(flatten)]` of an
    /// enum generates) into an `anyOf` of objects, each with the shared properties merged in:
    /// closing the object and its branches separately would reject every value.
    fn distribute(&self, map: &mut Map<String, Value>, path: &str) -> Result<(), StructuredError> {
        let shared_properties = map.shift_remove("properties").unwrap_or_default();
        let shared_required = map.shift_remove("required").unwrap_or_default();
        let Some(Value::Array(branches)) = map.shift_remove("anyOf") else {
            return Err(unsupported(path, "anyOf"));
        };
        let mut merged = Vec::with_capacity(branches.len());
        for branch in branches {
            let mut branch = self.resolve(branch).ok_or_else(|| unsupported(path, "anyOf"))?;
            merge_into(&mut branch, "properties", &shared_properties);
            merge_into(&mut branch, "required", &shared_required);
            branch.insert("type".to_owned(), Value::from("object"));
            merged.push(Value::Object(branch));
        }
        map.retain(|key, _| key == "description");
        map.insert("anyOf".to_owned(), Value::Array(merged));
        Ok(())
    }

    /// An object schema, following a `$ref` to its definition.
    fn resolve(&self, schema: Value) -> Option<Map<String, Value>> {
        let Value::Object(map) = schema else { return None };
        let Some(reference) = map.get("$ref").and_then(Value::as_str) else { return Some(map) };
        let name = self.defs.name_of(reference)?;
        self.defs.raw.get(&name)?.as_object().cloned()
    }

    /// Rewrites the definitions reachable from `root`, following references transitively.
    fn reachable_defs(
        &mut self,
        root: &Map<String, Value>,
    ) -> Result<Map<String, Value>, StructuredError> {
        let defs = self.defs;
        let mut pending = Vec::new();
        root.values().for_each(|value| collect_refs(value, &mut pending));
        let mut done = Map::new();
        while let Some(reference) = pending.pop() {
            let Some(name) = defs.name_of(&reference) else { continue };
            let Some(raw) = defs.raw.get(&name).filter(|_| !done.contains_key(&name)) else {
                continue;
            };
            let mut definition = raw.clone();
            self.value(&mut definition, &defs.path_of(&name))?;
            collect_refs(&definition, &mut pending);
            done.insert(name, definition);
        }
        done.sort_keys();
        Ok(done)
    }
}

/// `oneOf` -> `anyOf`, `const` -> one-value `enum`, unknown formats and keywords removed.
fn normalize(map: &mut Map<String, Value>, path: &str) -> Result<(), StructuredError> {
    if let Some(one_of) = map.shift_remove("oneOf") {
        if map.contains_key("anyOf") {
            return Err(unsupported(path, "oneOf"));
        }
        map.insert("anyOf".to_owned(), one_of);
    }
    if let Some(value) = map.shift_remove("const") {
        map.entry("enum").or_insert_with(|| Value::Array(vec![value]));
    }
    let known_format =
        map.get("format").and_then(Value::as_str).is_some_and(|f| STRICT_FORMATS.contains(&f));
    if !known_format {
        map.shift_remove("format");
    }
    map.retain(|key, _| STRICT_KEYWORDS.contains(&key.as_str()));
    Ok(())
}

/// Folds `allOf: [one schema]` (a common way to put a description next to a `$ref`) into
/// the schema itself; keys already present win.
fn merge_single_all_of(map: &mut Map<String, Value>) {
    let single = matches!(map.get("allOf"), Some(Value::Array(all)) if all.len() == 1 && all.first().is_some_and(Value::is_object));
    if !single {
        return;
    }
    if let Some(Value::Array(mut all)) = map.shift_remove("allOf")
        && let Some(Value::Object(inner)) = all.pop()
    {
        for (key, value) in inner {
            map.entry(key).or_insert(value);
        }
    }
}

/// Adds the shared `properties` (an object) or `required` (an array) to a branch; the
/// branch's own entries come first and win.
fn merge_into(branch: &mut Map<String, Value>, key: &str, shared: &Value) {
    match (branch.entry(key).or_insert_with(|| shared.clone()), shared) {
        (Value::Object(own), Value::Object(shared)) => {
            for (name, schema) in shared {
                own.entry(name.clone()).or_insert_with(|| schema.clone());
            }
        }
        (Value::Array(own), Value::Array(shared)) => {
            own.extend(
                shared.iter().filter(|name| !own.contains(name)).cloned().collect::<Vec<_>>(),
            );
        }
        _ => {}
    }
}

/// Whether the schema describes an object (by `type`, or by `properties` alone).
fn is_object(map: &Map<String, Value>) -> bool {
    has_type(map, "object") || (!map.contains_key("type") && map.contains_key("properties"))
}

/// Whether `type` is `kind` or an array containing `kind`.
fn has_type(map: &Map<String, Value>, kind: &str) -> bool {
    match map.get("type") {
        Some(Value::String(single)) => single == kind,
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k.as_str() == Some(kind)),
        _ => false,
    }
}

/// Builds [`StructuredError::Unsupported`].
fn unsupported(path: &str, keyword: &str) -> StructuredError {
    StructuredError::Unsupported { path: path.to_owned(), keyword: keyword.to_owned() }
}
