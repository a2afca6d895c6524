//! The completion decoder's fast path against serde: every non-streaming body the repository
//! has (the reference example, the mock's answer, every recorded provider stream accumulated
//! into the completion a non-streaming request would get) is read by the fast path and
//! equals serde's value; generated variations never disagree with serde.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod json_gen;
mod streams;

use http::{HeaderMap, StatusCode};
use json_gen::{
    any_value, array, choice, field, frame, function, object, paths_taken, response, string_lit,
    text, unknown,
};
use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatRequest, decode_json, parse_response,
};
use proptest::prelude::*;
use streams::{fixture_lines, fixture_names};

/// The fast path is `None`, or equals serde's `Ok` value; a serde error means `None`;
/// `from_json` and `parse_response` give exactly what `decode_json` gives, value or error.
fn agrees(body: &[u8]) -> Option<ChatCompletion> {
    let fast = ChatCompletion::from_json_fast_path(body);
    let serde = serde_json::from_slice::<ChatCompletion>(body);
    let text = String::from_utf8_lossy(body);
    match (&fast, &serde) {
        (Some(fast), Ok(serde)) => assert_eq!(fast, serde, "{text}"),
        (Some(fast), Err(err)) => panic!("fast read {fast:?}, serde failed ({err}): {text}"),
        (None, _) => {}
    }
    let expected = decode_json::<ChatCompletion>("chat completion", body);
    assert_eq!(ChatCompletion::from_json(body), expected, "{text}");
    let parsed = parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), body);
    assert_eq!(parsed, expected, "parse_response: {text}");
    fast
}

/// The body of an insta snapshot file (what follows its header).
fn snapshot(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&path).unwrap();
    text.splitn(3, "---\n").nth(2).unwrap().to_owned()
}

#[test]
fn the_reference_example_and_the_mock_answer_take_the_fast_path() {
    for path in [
        "tests/snapshots/chat_snapshots__reference_example_response.snap",
        "../naga-mock/tests/snapshots/answers__reference_completion.snap",
    ] {
        let body = snapshot(path);
        let completion = agrees(body.as_bytes()).unwrap_or_else(|| panic!("{path} fell back"));
        assert!(completion.usage.is_some() && !completion.choices.is_empty(), "{path}");
        let compact =
            serde_json::to_vec(&serde_json::from_str::<serde_json::Value>(&body).unwrap());
        assert_eq!(agrees(&compact.unwrap()), Some(completion), "{path}");
    }
}

#[test]
fn every_recorded_stream_as_one_completion_takes_the_fast_path() {
    let mut bodies = 0;
    for name in fixture_names() {
        let mut accumulator = ChatAccumulator::new();
        for line in fixture_lines(&name) {
            accumulator.push(&serde_json::from_str::<ChatCompletionChunk>(&line).unwrap());
        }
        let completion = accumulator.finish();
        for body in [
            serde_json::to_vec(&completion).unwrap(),
            serde_json::to_vec_pretty(&completion).unwrap(),
        ] {
            assert_eq!(agrees(&body).as_ref(), Some(&completion), "{name} fell back");
            bodies += 1;
        }
    }
    assert!(bodies >= 20, "{bodies} bodies");
}

#[test]
fn bodies_that_are_not_json_or_not_utf8_fail_as_decode_json_fails() {
    for body in [&b"{"[..], b"", b"<html>hi</html>", b"{\"id\":\"\xff\"}", b"\xef\xbb\xbf{}", b"[]"]
    {
        assert_eq!(ChatCompletion::from_json_fast_path(body), None);
        let err = ChatCompletion::from_json(body).unwrap_err();
        assert_eq!(Err(err), decode_json::<ChatCompletion>("chat completion", body));
    }
}

fn tool_call() -> BoxedStrategy<String> {
    object(vec![
        field("id", text(&["call_1"])),
        field("type", text(&["function", "other"])),
        field("function", function()),
        unknown(),
    ])
}

fn message() -> BoxedStrategy<String> {
    let parts = r#"[{"type":"text","text":"a"},{"type":"thinking","thinking":[]}]"#;
    object(vec![
        field("role", text(&["assistant", "tool", "x-new"])),
        field("content", prop_oneof![text(&["Hello", ""]), Just(parts.to_owned())].boxed()),
        field("refusal", string_lit()),
        field("tool_calls", array(tool_call())),
        field("reasoning_content", string_lit()),
        field("reasoning_details", array(any_value())),
        field("annotations", array(any_value())),
        field("images", array(any_value())),
        field("name", string_lit()),
        field("tool_call_id", string_lit()),
        unknown(),
    ])
}

fn completion_json() -> BoxedStrategy<String> {
    response(&["chat.completion"], choice("message", message()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn the_fast_path_never_disagrees_with_serde(json in frame(completion_json())) {
        agrees(json.as_bytes());
    }
}

#[test]
fn the_generator_reaches_both_paths() {
    let (fast, slow) = paths_taken(completion_json, |json| agrees(json.as_bytes()).is_some());
    eprintln!("fast {fast}, slow {slow}");
    assert!(fast > 500 && slow > 200, "fast {fast}, slow {slow}");
}
