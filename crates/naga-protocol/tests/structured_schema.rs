//! Strict-mode schemas generated from Rust types.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::borrow::Cow;
use std::collections::HashMap;

use naga_protocol::{
    STRICT_KEYWORDS, StructuredError, schema_name, strict_schema, strict_schema_for,
};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde_json::{Value, json};

/// An order extracted from a customer's email.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Order {
    /// The customer's full name.
    customer: String,
    /// Delivery notes, if the email has any.
    notes: Option<String>,
    lines: Vec<OrderLine>,
    priority: Priority,
    payment: Payment,
    #[serde(default)]
    tags: Vec<String>,
    shipping: Option<Address>,
    /// Where to send the invoice.
    billing: Address,
}

/// One product line.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct OrderLine {
    sku: String,
    quantity: u32,
    unit_price: Option<f64>,
}

/// How soon the order ships.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Priority {
    Low,
    Normal,
    Urgent,
}

/// How the customer pays.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
#[allow(dead_code)]
enum Payment {
    Card { last4: String },
    Invoice { due_days: u16 },
    Cash,
}

/// A postal address.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Address {
    street: String,
    city: String,
    #[serde(flatten)]
    geo: Geo,
}

/// Coordinates.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Geo {
    lat: f64,
    lon: f64,
}

/// Checks the strict-mode invariants on every subschema, following the schema structure
/// (so a property named like a keyword is not mistaken for one).
fn assert_strict(schema: &Value, path: &str) {
    let map = schema.as_object().unwrap_or_else(|| panic!("{path}: not an object"));
    for key in map.keys() {
        let at_root = path == "#" && key == "$defs";
        assert!(STRICT_KEYWORDS.contains(&key.as_str()) || at_root, "{path}: keyword {key}");
    }
    assert!(
        ["type", "anyOf", "enum", "$ref"].iter().any(|k| map.contains_key(*k)),
        "{path}: untyped"
    );
    if let Some(properties) = map.get("properties").and_then(Value::as_object) {
        assert_eq!(map["additionalProperties"], false, "{path}: open object");
        let required: Vec<&str> =
            map["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
        let mut sorted = required.clone();
        names.sort_unstable();
        sorted.sort_unstable();
        assert_eq!(sorted, names, "{path}: not every property is required");
        for (name, property) in properties {
            assert_strict(property, &format!("{path}/properties/{name}"));
        }
    }
    if let Some(items) = map.get("items") {
        assert_strict(items, &format!("{path}/items"));
    }
    for (index, branch) in
        map.get("anyOf").and_then(Value::as_array).into_iter().flatten().enumerate()
    {
        assert_strict(branch, &format!("{path}/anyOf/{index}"));
    }
    for (name, def) in map.get("$defs").and_then(Value::as_object).into_iter().flatten() {
        assert_strict(def, &format!("#/$defs/{name}"));
    }
}

#[test]
fn nested_type_snapshot() {
    let schema = strict_schema::<Order>().unwrap();
    insta::assert_json_snapshot!(schema);
}

#[test]
fn every_object_is_closed_and_fully_required() {
    let schema = strict_schema::<Order>().unwrap();
    assert_strict(&schema, "#");
    assert_eq!(schema["type"], "object");
    assert!(schema.get("$schema").is_none() && schema.get("title").is_none());
}

#[test]
fn descriptions_survive_and_ref_siblings_are_inlined() {
    let schema = strict_schema::<Order>().unwrap();
    let properties = &schema["properties"];
    assert_eq!(properties["customer"]["description"], "The customer's full name.");
    assert_eq!(schema["description"], "An order extracted from a customer's email.");
    // `billing` had `$ref` + `description`: inlined, the field's doc wins over the type's.
    let billing = &properties["billing"];
    assert_eq!(billing["description"], "Where to send the invoice.");
    assert!(billing.get("$ref").is_none());
    assert_eq!(billing["required"], json!(["street", "city", "lat", "lon"]));
    // `shipping` is `anyOf: [$ref, null]` and keeps the shared definition.
    assert_eq!(properties["shipping"]["anyOf"][0]["$ref"], "#/$defs/Address");
    assert_eq!(properties["shipping"]["anyOf"][1]["type"], "null");
}

#[test]
fn optional_fields_are_required_and_nullable() {
    let schema = strict_schema::<Order>().unwrap();
    assert_eq!(schema["properties"]["notes"]["type"], json!(["string", "null"]));
    // A `#[serde(default)]` Vec becomes required without `null` (serde rejects null there).
    assert_eq!(schema["properties"]["tags"]["type"], "array");
    assert!(schema["properties"]["tags"].get("default").is_none());
    let line = &schema["$defs"]["OrderLine"];
    assert_eq!(line["properties"]["unit_price"]["type"], json!(["number", "null"]));
    assert_eq!(line["required"], json!(["sku", "quantity", "unit_price"]));
    // Numeric formats such as `uint32` are dropped; `minimum` is kept.
    assert_eq!(line["properties"]["quantity"], json!({"type": "integer", "minimum": 0}));
}

#[test]
fn enums_become_enum_and_any_of() {
    let schema = strict_schema::<Order>().unwrap();
    let priority = &schema["$defs"]["Priority"];
    assert_eq!(priority["enum"], json!(["low", "normal", "urgent"]));
    let payment = &schema["$defs"]["Payment"];
    assert!(payment.get("oneOf").is_none());
    let card = &payment["anyOf"][0];
    assert_eq!(card["properties"]["method"], json!({"type": "string", "enum": ["card"]}));
    assert_eq!(card["required"], json!(["method", "last4"]));
    assert_eq!(payment["anyOf"][2]["additionalProperties"], false);
}

/// A map field.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithMap {
    labels: HashMap<String, String>,
}

/// A JSON object field.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithJsonMap {
    meta: serde_json::Map<String, Value>,
}

/// Arguments of a tool that takes none.
#[derive(Debug, Deserialize, JsonSchema)]
struct NoArgs {}

#[test]
fn a_struct_without_fields_is_a_closed_empty_object() {
    let schema = strict_schema::<NoArgs>().unwrap();
    let expected = json!({
        "type": "object",
        "description": "Arguments of a tool that takes none.",
        "properties": {},
        "required": [],
        "additionalProperties": false
    });
    assert_eq!(schema, expected);
}

/// An any-value field.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithAny {
    extra: Value,
}

/// A tuple field.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithTuple {
    point: (i32, i32),
}

#[test]
fn unrepresentable_shapes_are_typed_errors() {
    let path = "#/properties/labels".to_owned();
    assert_eq!(strict_schema::<WithMap>(), Err(StructuredError::OpenObject { path }));
    let path = "#/properties/meta".to_owned();
    assert_eq!(strict_schema::<WithJsonMap>(), Err(StructuredError::OpenObject { path }));
    let path = "#/properties/extra".to_owned();
    assert_eq!(strict_schema::<WithAny>(), Err(StructuredError::AnyValue { path }));
    let err = strict_schema::<WithTuple>().unwrap_err();
    let keyword = "prefixItems".to_owned();
    assert_eq!(err, StructuredError::Unsupported { path: "#/properties/point".into(), keyword });
}

#[test]
fn non_object_roots_are_rejected() {
    let err = strict_schema::<Vec<OrderLine>>().unwrap_err();
    assert_eq!(err, StructuredError::RootNotObject { found: "type \"array\"".into() });
    let err = strict_schema::<Priority>().unwrap_err();
    assert_eq!(err, StructuredError::RootNotObject { found: "type \"string\"".into() });
    let err = strict_schema::<Payment>().unwrap_err();
    assert_eq!(err, StructuredError::RootNotObject { found: "oneOf".into() });
    let err = strict_schema::<Option<OrderLine>>().unwrap_err();
    assert!(matches!(err, StructuredError::RootNotObject { .. }), "{err:?}");
}

/// A flattened enum.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Sale {
    /// The sale.
    detail: SaleDetail,
}

/// Shared fields plus a flattened payment.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct SaleDetail {
    amount: f64,
    #[serde(flatten)]
    payment: Payment,
}

#[test]
fn flattened_enum_is_distributed_over_its_variants() {
    let schema = strict_schema::<Sale>().unwrap();
    assert_strict(&schema, "#");
    let detail = &schema["properties"]["detail"];
    assert_eq!(detail["description"], "The sale.");
    assert!(detail.get("properties").is_none());
    let cash = &detail["anyOf"][2];
    assert_eq!(cash["required"], json!(["method", "amount"]));
    assert_eq!(cash["properties"]["amount"]["type"], "number");
    let err = strict_schema::<SaleDetail>().unwrap_err();
    let found = "an object with `oneOf` (a flattened enum)".to_owned();
    assert_eq!(err, StructuredError::RootNotObject { found });
}

/// A recursive type.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Tree {
    value: i32,
    children: Vec<Tree>,
}

#[test]
fn root_recursion_keeps_hash_ref() {
    let schema = strict_schema::<Tree>().unwrap();
    assert_eq!(schema["properties"]["children"]["items"], json!({"$ref": "#"}));
    assert!(schema.get("$defs").is_none());
}

fn schema_of(value: Value) -> Schema {
    Schema::try_from(value).unwrap()
}

#[test]
fn recursive_ref_with_siblings_is_inlined_once() {
    let schema = schema_of(json!({
        "type": "object",
        "properties": { "first": { "$ref": "#/$defs/Node", "description": "The head." } },
        "required": ["first"],
        "$defs": {
            "Node": { "type": "object", "properties": {
                "value": { "type": "integer" },
                "next": { "$ref": "#/$defs/Node", "description": "Dropped: recursive." } } },
            "Unused": { "type": "object", "additionalProperties": { "type": "string" } }
        }
    }));
    let strict = strict_schema_for(schema).unwrap();
    let first = &strict["properties"]["first"];
    assert_eq!(first["description"], "The head.");
    assert_eq!(first["properties"]["next"], json!({"$ref": "#/$defs/Node"}));
    // `Node` is still referenced; `Unused` (which would be an error) is dropped.
    assert_eq!(strict["$defs"].as_object().unwrap().keys().collect::<Vec<_>>(), ["Node"]);
    assert_strict(&strict, "#");
}

#[test]
fn hand_written_draft7_schema_with_all_of_and_const() {
    let schema = schema_of(json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Reply",
        "type": "object",
        "properties": {
            "kind": { "const": "reply", "type": "string" },
            "when": { "type": "string", "format": "date-time", "minLength": 1 },
            "author": { "allOf": [{ "$ref": "#/definitions/Person" }], "description": "Who." }
        },
        "definitions": { "Person": { "type": "object", "properties": { "name": { "type": "string" } } } }
    }));
    let strict = strict_schema_for(schema).unwrap();
    assert_eq!(strict["properties"]["kind"], json!({"type": "string", "enum": ["reply"]}));
    assert_eq!(strict["properties"]["when"], json!({"type": "string", "format": "date-time"}));
    let author = &strict["properties"]["author"];
    assert_eq!(author["description"], "Who.");
    assert_eq!(author["required"], json!(["name"]));
    assert!(strict.get("definitions").is_none(), "Person was inlined, so not kept");
    assert!(strict.get("title").is_none() && strict.get("$schema").is_none());
}

#[test]
fn rejected_keywords_are_errors() {
    let schema = schema_of(json!({
        "type": "object",
        "properties": { "n": { "type": "integer", "not": { "const": 3 } } }
    }));
    let keyword = "not".to_owned();
    let err = strict_schema_for(schema).unwrap_err();
    assert_eq!(err, StructuredError::Unsupported { path: "#/properties/n".into(), keyword });
}

/// A type with a name that is not a valid schema name.
#[derive(Deserialize)]
struct Odd;

impl JsonSchema for Odd {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("odd name/with spaces{}", "x".repeat(80)))
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object", "properties": {} })
    }
}

#[test]
fn schema_names_are_sanitised() {
    assert_eq!(schema_name::<Order>(), "Order");
    assert_eq!(schema_name::<Vec<Order>>(), "Array_of_Order");
    let odd = schema_name::<Odd>();
    assert_eq!(odd.len(), 64);
    assert!(odd.starts_with("odd_name_with_spaces"));
    assert!(odd.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
}

/// Untagged: a number or an object.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Amount {
    Plain(i32),
    Detailed { value: i32, unit: String },
}

/// Adjacently tagged.
#[derive(Deserialize, JsonSchema)]
#[serde(tag = "t", content = "c")]
#[allow(dead_code)]
enum Step {
    Wait(u32),
    Say { text: String },
    Stop,
}

/// Every enum representation in one place.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Plan {
    amount: Amount,
    steps: Vec<Step>,
    fallback: Option<Step>,
}

#[test]
fn untagged_and_adjacently_tagged_enums_are_strict() {
    let schema = strict_schema::<Plan>().unwrap();
    assert_strict(&schema, "#");
    assert_eq!(schema["$defs"]["Amount"]["anyOf"][0], json!({"type": "integer"}));
    let say = &schema["$defs"]["Step"]["anyOf"][1];
    assert_eq!(say["properties"]["t"], json!({"type": "string", "enum": ["Say"]}));
    assert_eq!(say["properties"]["c"]["required"], json!(["text"]));
    assert_eq!(schema["required"], json!(["amount", "steps", "fallback"]));
}

/// Fields declared out of alphabetical order.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Event {
    zeta_title: String,
    alpha_date: String,
    middle: Option<u32>,
}

#[test]
fn properties_go_out_in_the_order_they_were_declared_or_written() {
    use naga_protocol::{ChatRequest, Message, Operation, ResponseFormat};
    // A model writes its answer's keys in the schema's property order: declaration order for
    // a type, the caller's order for a hand-written schema; `required` follows it.
    let schema = strict_schema::<Event>().unwrap();
    let keys: Vec<&str> = schema["properties"].as_object().unwrap().keys().map(|k| &**k).collect();
    assert_eq!(keys, ["zeta_title", "alpha_date", "middle"]);
    assert_eq!(schema["required"], json!(["zeta_title", "alpha_date", "middle"]));
    let written = json!({"type": "object", "properties": {"z": {"type": "string"},
        "a": {"type": "string"}}, "required": ["z", "a"], "additionalProperties": false});
    for (format, expected) in [
        (ResponseFormat::json_schema::<Event>().unwrap(), r#""properties":{"zeta_title":"#),
        (
            ResponseFormat::json_schema_value("w", written),
            r#""properties":{"z":{"type":"string"},"a":"#,
        ),
    ] {
        let request = ChatRequest::new("m", [Message::user("hi")]).response_format(format);
        let body = request.body().unwrap().unwrap();
        let text = std::str::from_utf8(&body).unwrap();
        assert!(text.contains(expected), "{text}");
    }
}
