//! Replays `fuzz/regressions/mock_request/` through the `mock_request` fuzz target's check
//! (`fuzz/src/mock_checks.rs`, included by path), and runs that check on typical requests:
//! every answer reads back with the SDK, and a streamed answer accumulates to the
//! non-streaming completion of the same request.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/mock_checks.rs"]
mod mock_checks;

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::{Value, json};

#[test]
fn kept_fuzz_inputs_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/mock_request");
    let entries = std::fs::read_dir(&dir).unwrap();
    for path in entries.map(|entry| entry.unwrap().path()) {
        eprintln!("replaying {}", path.display());
        mock_checks::mock_request(&std::fs::read(&path).unwrap());
    }
}

#[test]
fn typical_requests_stream_to_their_completion() {
    let tool = r#"{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}"#;
    let bodies = [
        r#"{"model":"m","messages":[{"role":"user","content":"Hi"}]}"#.to_owned(),
        r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"Hi there"}]}"#.to_owned(),
        r#"{"model":"m","stream":true,"stream_options":{"include_usage":true},"reasoning_effort":"low","max_completion_tokens":3,"messages":[{"role":"user","content":"Tell me a long story"}]}"#.to_owned(),
        format!(r#"{{"model":"m","stream":true,"tools":[{tool}],"messages":[{{"role":"user","content":"get_weather in Paris"}}]}}"#),
        r#"{"model":"m","stream":true,"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"JSON please"}]}"#.to_owned(),
        r#"{"model":"","messages":[]}"#.to_owned(),
        "not json".to_owned(),
    ];
    for body in &bodies {
        mock_checks::mock_request(body.as_bytes());
    }
    assert!(naga_mock::answer_chat(bodies[1].as_bytes()).streaming);
    assert_eq!(naga_mock::answer_chat(b"not json").status, 400);
}

/// A valid chat request built from independent choices of the features the mock answers.
fn request() -> impl Strategy<Value = Value> {
    let text = "[a-zA-Z ,.東京é]{1,40}";
    let features = (
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(1u32..12),
        proptest::option::of(prop_oneof![Just("none"), Just("low"), Just("high")]),
        0u8..4,
        0u8..3,
        proptest::option::of(prop_oneof![Just(json!("e")), Just(json!(["a", "東"]))]),
    );
    (text, features).prop_map(|(text, (stream, usage, max, effort, tools, pick, stop))| {
        let tool = json!({"type": "function", "function": {"name": "get_weather", "parameters":
            {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}});
        let mut request = json!({"model": "m", "messages": [{"role": "user",
            "content": format!("{text} get_weather")}]});
        let fields = request.as_object_mut().unwrap();
        fields.insert("stream".into(), json!(stream));
        if stream && usage {
            fields.insert("stream_options".into(), json!({"include_usage": true}));
        }
        max.map(|max| fields.insert("max_completion_tokens".into(), json!(max)));
        effort.map(|effort| fields.insert("reasoning_effort".into(), json!(effort)));
        stop.map(|stop| fields.insert("stop".into(), stop));
        if tools > 0 {
            fields.insert("tools".into(), json!([tool]));
            let choice = [json!("auto"), json!("required"), json!("none")][usize::from(tools - 1)].clone();
            fields.insert("tool_choice".into(), choice);
        }
        let format = [json!({"type": "text"}), json!({"type": "json_object"}), json!({"type": "json_schema",
            "json_schema": {"name": "w", "schema": {"type": "object", "properties": {"t": {"type": "integer"}}}}})];
        fields.insert("response_format".into(), format[usize::from(pick)].clone());
        request
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// accumulate(stream) equals the non-streaming completion for the same emulator answer,
    /// and every answer to a valid request is a 200 the SDK reads.
    #[test]
    fn every_valid_request_streams_to_its_completion(request in request()) {
        let body = serde_json::to_vec(&request).unwrap();
        prop_assert_eq!(naga_mock::answer_chat(&body).status, 200);
        mock_checks::mock_request(&body);
    }
}
