//! Replays `fuzz/regressions/mock_request/` through the `mock_request` fuzz target's check
//! (`fuzz/src/mock_checks.rs`, included by path), and runs that check on typical requests:
//! every answer reads back with the SDK, and a streamed answer accumulates to the
//! non-streaming completion of the same request.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/mock_checks.rs"]
mod mock_checks;

use std::path::PathBuf;

#[test]
fn kept_fuzz_inputs_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/mock_request");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
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
