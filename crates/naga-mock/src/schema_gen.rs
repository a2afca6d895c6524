//! Generates a JSON value that is valid against a JSON Schema (the practical subset used by
//! tools and structured outputs): `type` (or a list of types), `object` with `properties`,
//! `required` and `additionalProperties`, `string` (with `minLength`/`maxLength`, common
//! `format`s), `number`/`integer` (with `minimum`/`maximum` and their exclusive forms),
//! `multipleOf`, `boolean`, `null`, `array` (with `prefixItems`, `items`, `minItems`/
//! `maxItems`), `enum`, `const`, `anyOf`/`oneOf` (picks a non-null branch), `allOf` (merged
//! objects), `$ref` to `#/$defs/...` or `#/definitions/...`, and string `pattern`s (see
//! [`crate::pattern`]).
//!
//! Recursive schemas (a `Person` whose `boss` is `Person | null`, as pydantic and the OpenAI
//! SDKs emit them) wind down past [`SOFT_DEPTH`]: the `null` branch of a union or type list,
//! the fewest array items, and only required properties, so the value stays valid instead of
//! being cut off with `null`s at the hard limit.

use serde_json::{Map, Number, Value, json};

use crate::seed::Rng;

/// Depth after which the generator takes the smallest valid choices.
const SOFT_DEPTH: usize = 6;
/// Depth at which generation stops (`null`, possibly invalid: only for schemas that cannot end).
const MAX_DEPTH: usize = 24;
/// Most values generated for one schema (self-referencing schemas would otherwise explode).
const MAX_NODES: usize = 5_000;
const MAX_MIN_LENGTH: usize = 256;
const WORDS: [&str; 8] =
    ["Tōkyō", "東京", "harbour", "lantern", "maple", "river", "🗼 tower", "north"];

/// A value valid against `schema`, chosen deterministically from `seed`.
pub(crate) fn generate(schema: &Value, seed: u64) -> Value {
    let mut generator = Generator { root: schema, rng: Rng::new(seed), budget: MAX_NODES };
    generator.value(schema, 0)
}

struct Generator<'a> {
    root: &'a Value,
    rng: Rng,
    budget: usize,
}

impl<'a> Generator<'a> {
    fn value(&mut self, schema: &'a Value, depth: usize) -> Value {
        let Value::Object(s) = schema else {
            return if schema == &Value::Bool(false) { Value::Null } else { json!("naga-mock") };
        };
        if depth > MAX_DEPTH || self.budget == 0 {
            return Value::Null;
        }
        self.budget -= 1;
        if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
            return self.value(target, depth + 1);
        }
        if let Some(c) = s.get("const") {
            return c.clone();
        }
        if let Some(Value::Array(options)) = s.get("enum") {
            return self.rng.pick(options).cloned().unwrap_or(Value::Null);
        }
        if let Some(branch) = branch(s, depth > SOFT_DEPTH) {
            return self.value(branch, depth + 1);
        }
        if let Some(Value::Array(parts)) = s.get("allOf") {
            return self.all_of(parts, depth);
        }
        match schema_type(s, depth > SOFT_DEPTH) {
            "object" => self.object(s, depth),
            "array" => self.array(s, depth),
            "string" => self.string(s),
            "integer" => self.integer(s),
            "number" => self.number(s),
            "boolean" => Value::Bool(self.rng.below(2) == 1),
            "null" => Value::Null,
            _ => json!("naga-mock"),
        }
    }

    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    fn all_of(&mut self, parts: &'a [Value], depth: usize) -> Value {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(obj) = self.value(part, depth + 1) {
                merged.extend(obj);
            }
        }
        Value::Object(merged)
    }

    fn object(&mut self, s: &'a Map<String, Value>, depth: usize) -> Value {
        let mut out = Map::new();
        let required: Vec<&str> = match s.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if let Some(Value::Object(props)) = s.get("properties") {
            for (name, prop) in props {
                if depth <= SOFT_DEPTH || required.contains(&name.as_str()) {
                    out.insert(name.clone(), self.value(prop, depth + 1));
                }
            }
        }
        for name in required {
            if !out.contains_key(name) {
                let extra = s.get("additionalProperties").filter(|v| v.is_object());
                let value = extra.map_or_else(|| json!("naga-mock"), |e| self.value(e, depth + 1));
                out.insert(name.to_owned(), value);
            }
        }
        Value::Object(out)
    }

    /// Items from `prefixItems` (tuples) first, then from `items`.
    fn array(&mut self, s: &'a Map<String, Value>, depth: usize) -> Value {
        let min = bound(s, "minItems").unwrap_or(0);
        let max = bound(s, "maxItems").unwrap_or(u64::MAX);
        let prefix = s.get("prefixItems").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        let wanted = if depth > SOFT_DEPTH { 0 } else { 2u64.max(prefix.len() as u64) };
        let len = wanted.clamp(min, max.max(min)).min(64);
        let items = s.get("items").unwrap_or(&Value::Bool(true));
        (0..len)
            .map(|i| {
                let schema = usize::try_from(i).ok().and_then(|i| prefix.get(i)).unwrap_or(items);
                self.value(schema, depth + 1)
            })
            .collect()
    }

    fn string(&mut self, s: &Map<String, Value>) -> Value {
        let pattern = s.get("pattern").and_then(Value::as_str);
        if let Some(text) = pattern.and_then(crate::pattern::matching) {
            return Value::String(text);
        }
        let text = match s.get("format").and_then(Value::as_str) {
            Some("date-time") => "2026-01-02T03:04:05Z".to_owned(),
            Some("date") => "2026-01-02".to_owned(),
            Some("time") => "03:04:05Z".to_owned(),
            Some("email") => "mock@example.com".to_owned(),
            Some("uri" | "url") => "https://example.com/naga-mock".to_owned(),
            Some("uuid") => "123e4567-e89b-42d3-a456-426614174000".to_owned(),
            Some("duration") => "PT1H30M".to_owned(),
            Some("ipv4") => "192.0.2.1".to_owned(),
            Some("ipv6") => "2001:db8::1".to_owned(),
            Some("hostname" | "idn-hostname") => "example.com".to_owned(),
            Some("idn-email") => "mock@example.com".to_owned(),
            Some("uri-reference" | "iri" | "iri-reference") => {
                "https://example.com/naga-mock".to_owned()
            }
            _ => self.rng.pick(&WORDS).copied().unwrap_or("naga-mock").to_owned(),
        };
        let min =
            usize::try_from(bound(s, "minLength").unwrap_or(0)).unwrap_or(0).min(MAX_MIN_LENGTH);
        let max = usize::try_from(bound(s, "maxLength").unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
        let mut chars: Vec<char> = text.chars().take(max).collect();
        while chars.len() < min {
            chars.push('x');
        }
        Value::String(chars.into_iter().collect())
    }

    fn integer(&mut self, s: &Map<String, Value>) -> Value {
        let (lo, hi) = range(s, 0.0, 100.0);
        let lo = (lo.ceil() as i64).saturating_add(i64::from(excl(s, "exclusiveMinimum", lo)));
        let hi = (hi.floor() as i64).saturating_sub(i64::from(excl(s, "exclusiveMaximum", hi)));
        let step = multiple_of(s).filter(|m| m.fract() == 0.0);
        if let Some(x) = step.and_then(|m| self.multiple(lo as f64, hi as f64, m)) {
            return json!(x as i64);
        }
        let span = u64::try_from(hi.saturating_sub(lo)).unwrap_or(0).saturating_add(1);
        let offset = i64::try_from(self.rng.next_u64() % span.max(1)).unwrap_or(0);
        json!(lo.saturating_add(offset))
    }

    /// A multiple of `step` in `[lo, hi]`, if there is one.
    fn multiple(&mut self, lo: f64, hi: f64, step: f64) -> Option<f64> {
        let (first, last) = ((lo / step).ceil(), (hi / step).floor());
        if !(first <= last && last - first < 1e15) {
            return None;
        }
        let k = first + (self.rng.next_u64() % (last - first + 1.0) as u64) as f64;
        Some(k * step)
    }

    fn number(&mut self, s: &Map<String, Value>) -> Value {
        let (lo, hi) = range(s, 0.0, 100.0);
        let strict = |x: f64| !(excl(s, "exclusiveMinimum", x) || excl(s, "exclusiveMaximum", x));
        let step = multiple_of(s);
        if let Some(x) = step.and_then(|m| self.multiple(lo, hi, m)).filter(|x| strict(*x)) {
            return Number::from_f64(x).map_or(json!(0), Value::Number);
        }
        let unit = (self.rng.next_u64() % 1000) as f64 / 1000.0;
        let x = lo + (hi - lo) * (0.25 + unit / 2.0);
        let x = if x >= lo && x <= hi { x } else { lo };
        Number::from_f64(x).map_or(json!(0), Value::Number)
    }
}

/// An `anyOf`/`oneOf` branch: the first non-null one, or when `winding_down` a null one.
fn branch(s: &Map<String, Value>, winding_down: bool) -> Option<&Value> {
    let options = s.get("anyOf").or_else(|| s.get("oneOf"))?.as_array()?;
    let is_null = |v: &&Value| v.get("type").and_then(Value::as_str) == Some("null");
    let null = options.iter().find(is_null).filter(|_| winding_down);
    null.or_else(|| options.iter().find(|v| !is_null(v))).or_else(|| options.first())
}

/// The type to generate: the first non-null entry of `type` (`null` when `winding_down` and
/// allowed), or inferred from keywords.
fn schema_type(s: &Map<String, Value>, winding_down: bool) -> &str {
    match s.get("type") {
        Some(Value::String(t)) => t,
        Some(Value::Array(types)) => {
            let mut names = types.iter().filter_map(Value::as_str);
            if winding_down && names.clone().any(|t| t == "null") {
                return "null";
            }
            let first_non_null = names.clone().find(|t| *t != "null");
            first_non_null.or_else(|| names.next()).unwrap_or("string")
        }
        _ if s.contains_key("properties") => "object",
        _ if s.contains_key("items") => "array",
        _ => "string",
    }
}

/// A positive `multipleOf`.
fn multiple_of(s: &Map<String, Value>) -> Option<f64> {
    s.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0 && m.is_finite())
}

fn bound(s: &Map<String, Value>, key: &str) -> Option<u64> {
    s.get(key).and_then(Value::as_u64)
}

/// `[minimum, maximum]` from the inclusive and numeric exclusive keywords, with defaults.
fn range(s: &Map<String, Value>, lo: f64, hi: f64) -> (f64, f64) {
    let num = |k: &str| s.get(k).and_then(Value::as_f64);
    let min = num("minimum").or_else(|| num("exclusiveMinimum"));
    let max = num("maximum").or_else(|| num("exclusiveMaximum"));
    let (lo, hi) = match (min, max) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) => (a, a + (hi - lo)),
        (None, Some(b)) => (b - (hi - lo), b),
        (None, None) => (lo, hi),
    };
    if hi < lo { (lo, lo) } else { (lo, hi) }
}

/// Whether `key` is an exclusive bound equal to `at` (so the integer must step inside it).
fn excl(s: &Map<String, Value>, key: &str, at: f64) -> bool {
    s.get(key).and_then(Value::as_f64).is_some_and(|v| v == at && v.fract() == 0.0)
}
