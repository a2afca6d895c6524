//! Random bytes and random JSON never make the mock answer 5xx or drop the connection.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use naga_mock::MockServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|x| json!(x)),
        prop_oneof![
            Just("user".to_owned()),
            Just("tool".to_owned()),
            Just("object".to_owned()),
            Just("string".to_owned()),
            Just("#".to_owned()),
            Just("#/$defs/a".to_owned()),
            Just("function".to_owned()),
            Just("json_schema".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("type".to_owned()),
            Just("properties".to_owned()),
            Just("required".to_owned()),
            Just("$ref".to_owned()),
            Just("items".to_owned()),
            Just("anyOf".to_owned()),
            Just("enum".to_owned()),
            Just("minItems".to_owned()),
            Just("maxLength".to_owned()),
            Just("minimum".to_owned()),
            Just("a".to_owned()),
            Just("content".to_owned()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A plausible value for a chat field (`pick` chooses among a few).
fn plausible(key: &str, pick: u8) -> Value {
    match (key, pick % 3) {
        ("max_completion_tokens", p) => json!(1 + u64::from(p) * 7),
        ("stop", 0) => json!("e"),
        ("stop", _) => json!(["a", "東"]),
        ("reasoning_effort", p) => json!(["low", "none", "xhigh"][usize::from(p)]),
        ("stream", _) => json!(true),
        ("stream_options", _) => json!({"include_usage": true}),
        ("tool_choice", p) => json!(["auto", "required", "none"][usize::from(p)]),
        ("parallel_tool_calls", p) => json!(p == 0),
        ("logit_bias", _) => json!({"50256": -100}),
        (_, p) => json!(f64::from(p) / 2.0),
    }
}

/// Chat-shaped bodies, mostly valid, whose fields sometimes take random values, with random
/// schemas for tools and structured outputs.
fn arb_chat() -> impl Strategy<Value = Value> {
    let role = prop_oneof![4 => Just("user"), 1 => Just("assistant"), 1 => Just("tool"), 1 => Just("system"), 1 => Just("x")];
    let content = prop_oneof![4 => ".{0,24}".prop_map(Value::String), 1 => arb_json()];
    let message =
        (role, content, proptest::option::weighted(0.1, arb_json())).prop_map(|(r, c, extra)| {
            let mut m = json!({"role": r, "content": c, "tool_call_id": "call_1"});
            if let Some(extra) = extra {
                m["tool_calls"] = extra;
            }
            m
        });
    let key = prop_oneof![
        Just("temperature"),
        Just("top_p"),
        Just("max_completion_tokens"),
        Just("stop"),
        Just("reasoning_effort"),
        Just("stream"),
        Just("stream_options"),
        Just("tool_choice"),
        Just("presence_penalty"),
        Just("parallel_tool_calls"),
        Just("logit_bias"),
    ];
    let field = (key, any::<u8>(), proptest::option::weighted(0.15, arb_json()));
    let schema_object = prop::collection::btree_map("[a-z$]{1,8}", arb_json(), 0..5)
        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()));
    let schema = prop_oneof![4 => schema_object, 1 => arb_json()];
    let messages = prop::collection::vec(message, 1..4);
    (messages, prop::collection::vec(field, 0..5), schema, any::<u8>()).prop_map(
        |(messages, fields, schema, pick)| {
            let mut body = json!({"model": "gpt-4o-mini", "messages": messages});
            for (k, p, random) in fields {
                body[k] = random.unwrap_or_else(|| plausible(k, p));
            }
            let tool = json!([{"type": "function", "function": {"name": "f", "parameters": schema}}]);
            match pick % 3 {
                0 => body["tools"] = tool,
                1 => body["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "n", "schema": schema}}),
                _ => {}
            }
            if pick % 5 == 0 {
                body["messages"][0] = json!({"role": "user", "content": "call f"});
            }
            body
        },
    )
}

static OK_ANSWERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn check(
    runtime: &tokio::runtime::Runtime,
    server: &MockServer,
    body: Vec<u8>,
) -> Result<(), TestCaseError> {
    for stream in [false, true] {
        let mut bytes = body.clone();
        if stream {
            let Ok(Value::Object(mut m)) = serde_json::from_slice::<Value>(&body) else { continue };
            m.insert("stream".into(), json!(true));
            bytes = Value::Object(m).to_string().into_bytes();
        }
        let auth = [("authorization", "Bearer k")];
        let reply = runtime.block_on(common::post_raw(server, bytes, &auth, &[]));
        let status = reply.status.as_u16();
        prop_assert!(
            status == 200 || (400..500).contains(&status),
            "status {status}: {}",
            reply.text()
        );
        if status == 200 {
            OK_ANSWERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        } else {
            let body: Value = serde_json::from_slice(&reply.body).expect("error JSON");
            prop_assert!(body["error"]["type"].is_string());
            prop_assert!(body["error"]["message"].is_string());
        }
    }
    Ok(())
}

#[test]
fn random_bytes_and_json_get_200_or_4xx() {
    let server = MockServer::start_blocking();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let runner =
        || TestRunner::new(Config { cases: 96, failure_persistence: None, ..Config::default() });
    runner()
        .run(&prop::collection::vec(any::<u8>(), 0..256), |bytes| check(&runtime, &server, bytes))
        .unwrap();
    let json_bytes = |value: Value| check(&runtime, &server, value.to_string().into_bytes());
    runner().run(&arb_json(), json_bytes).unwrap();
    runner().run(&arb_chat(), json_bytes).unwrap();
    let answered = OK_ANSWERS.load(std::sync::atomic::Ordering::Relaxed);
    assert!(answered >= 20, "only {answered} random requests reached the answer path");
    let total: usize = server.request_counts().values().sum();
    assert!(total >= 3 * 96, "{total}");
}

#[test]
fn self_referencing_schemas_stay_bounded() {
    let server = MockServer::start_blocking();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let schema = json!({"type": "object", "required": ["a", "b", "c", "d"],
        "properties": {"a": {"$ref": "#"}, "b": {"$ref": "#"}, "c": {"$ref": "#"}, "d": {"type": "array", "minItems": 64, "items": {"$ref": "#"}}}});
    let body = json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": schema}}});
    let reply = runtime.block_on(common::post_chat(&server, &body, &[]));
    assert_eq!(reply.status, 200);
    assert!(reply.body.len() < 2_000_000, "{}", reply.body.len());
}
