//! JSON Schemas generate for the public wire types and describe the wire names.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_protocol::{ChatCompletion, ChatCompletionChunk, ChatRequest};
use schemars::schema_for;
use serde_json::Value;

fn schema<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schema_for!(T)).unwrap()
}

#[test]
fn request_schema_requires_model_and_messages() {
    let schema = schema::<ChatRequest>();
    let required = schema["required"].as_array().unwrap();
    assert!(required.contains(&"model".into()) && required.contains(&"messages".into()));
    assert!(!required.contains(&"temperature".into()));
    assert!(schema["properties"]["reasoning_effort"].is_object());
    assert!(schema["properties"]["image_config"].is_object());
    let role = &schema["$defs"]["Role"]["anyOf"][0]["enum"];
    assert_eq!(role, &serde_json::json!(["system", "user", "assistant", "tool", "developer"]));
}

#[test]
fn response_schemas_describe_wire_names() {
    let completion = schema::<ChatCompletion>();
    assert!(completion["properties"]["choices"].is_object());
    let chunk = schema::<ChatCompletionChunk>();
    assert!(chunk["$defs"]["Delta"]["properties"]["reasoning_content"].is_object());
    assert!(chunk["$defs"]["ThinkingPart"]["properties"]["thinking"].is_object());
}
