//! Structured outputs and tool arguments for the schemas the OpenAI SDKs derive from pydantic
//! models (`parse(response_format=Model)`, `pydantic_function_tool`): the generated JSON must
//! validate, or the SDK's own parsing fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::post_chat;
use naga_mock::MockServer;
use serde_json::json;

/// `openai.lib._pydantic.to_strict_json_schema` of a recursive pydantic model
/// (`boss: Optional["Person"]`, unions, enums, dates, nested lists), as the Python SDK's
/// `parse(response_format=Person)` and `pydantic_function_tool(Person)` send it.
const PERSON_SCHEMA: &str = include_str!("data/pydantic_person_schema.json");

#[tokio::test]
async fn recursive_pydantic_schemas_get_valid_json_at_every_depth() {
    let server = MockServer::start().await;
    let schema: serde_json::Value = serde_json::from_str(PERSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let tool = json!([{"type": "function", "function": {"name": "Person", "strict": true,
        "parameters": schema}}]);
    for i in 0..12 {
        let format = json!({"type": "json_schema",
            "json_schema": {"name": "Person", "strict": true, "schema": schema}});
        let body = json!({"model": "gpt-4o-mini", "response_format": format,
            "messages": [{"role": "user", "content": format!("person {i}")}]});
        let reply = post_chat(&server, &body, &[]).await.json();
        let content = reply["choices"][0]["message"]["content"].as_str().unwrap();
        let value: serde_json::Value = serde_json::from_str(content).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{value} invalid: {errors:?}");
        assert!(value["boss"].is_object(), "the recursion is taken at least once: {value}");
        let body = json!({"model": "gpt-4o-mini", "tools": tool, "tool_choice": "required",
            "messages": [{"role": "user", "content": format!("use Person {i}")}]});
        let reply = post_chat(&server, &body, &[]).await.json();
        let call = &reply["choices"][0]["message"]["tool_calls"][0]["function"];
        let arguments: serde_json::Value =
            serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
        assert!(validator.is_valid(&arguments), "{arguments}");
    }
}

#[tokio::test]
async fn string_patterns_are_honoured_in_structured_outputs_and_tool_arguments() {
    let server = MockServer::start().await;
    let schema = json!({"type": "object", "additionalProperties": false,
        "required": ["phone", "code", "day", "email"],
        "properties": {
            "phone": {"type": "string", "pattern": "^\\+?\\d{1,3}[- ]\\d{3}-\\d{4}$"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}(-[0-9]{2,4})?$"},
            "day": {"type": "string", "pattern": "^\\d{4}-(0[1-9]|1[0-2])-\\d{2}$"},
            "email": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$"}}});
    let format = json!({"type": "json_schema", "json_schema": {"name": "Contact", "strict": true,
        "schema": schema}});
    let body = json!({"model": "gpt-4o-mini", "response_format": format,
        "messages": [{"role": "user", "content": "a contact"}]});
    let reply = post_chat(&server, &body, &[]).await.json();
    let content = reply["choices"][0]["message"]["content"].as_str().unwrap();
    // In the schema's property order, as a model writes them.
    assert_eq!(
        content,
        r#"{"phone":"+0-000-0000","code":"AAA-00","day":"0000-01-00","email":"a@a.aa"}"#
    );
    let value: serde_json::Value = serde_json::from_str(content).unwrap();
    assert!(jsonschema::is_valid(&schema, &value), "{value}");
}

#[tokio::test]
async fn tuples_multiples_and_pydantic_formats_are_generated_validly() {
    let server = MockServer::start().await;
    // What pydantic emits for conint(multiple_of=5, ge=0, le=100), confloat(multiple_of=0.5),
    // Tuple[int, str, bool], timedelta, IPv4Address and IPv6Address.
    let schema = json!({"type": "object", "additionalProperties": false,
        "required": ["mult", "half", "tup", "td", "ip4", "ip6"],
        "properties": {
            "mult": {"type": "integer", "multipleOf": 5, "minimum": 0, "maximum": 100},
            "half": {"type": "number", "multipleOf": 0.5},
            "tup": {"type": "array", "minItems": 3, "maxItems": 3, "prefixItems": [
                {"type": "integer"}, {"type": "string"}, {"type": "boolean"}]},
            "td": {"type": "string", "format": "duration"},
            "ip4": {"type": "string", "format": "ipv4"},
            "ip6": {"type": "string", "format": "ipv6"}}});
    let format = json!({"type": "json_schema", "json_schema": {"name": "T", "schema": schema}});
    for i in 0..8 {
        let body = json!({"model": "gpt-4o-mini", "response_format": format,
            "messages": [{"role": "user", "content": format!("t {i}")}]});
        let reply = post_chat(&server, &body, &[]).await.json();
        let content = reply["choices"][0]["message"]["content"].as_str().unwrap();
        let value: serde_json::Value = serde_json::from_str(content).unwrap();
        assert!(jsonschema::is_valid(&schema, &value), "{value}");
        assert_eq!(value["mult"].as_i64().unwrap() % 5, 0, "{value}");
        assert_eq!((value["half"].as_f64().unwrap() * 2.0).fract(), 0.0, "{value}");
        let tup = value["tup"].as_array().unwrap();
        assert!(tup[0].is_i64() && tup[1].is_string() && tup[2].is_boolean(), "{value}");
        assert_eq!(
            (&value["td"], &value["ip4"], &value["ip6"]),
            (&json!("PT1H30M"), &json!("192.0.2.1"), &json!("2001:db8::1"))
        );
    }
}
