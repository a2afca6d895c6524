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
    ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatRequest, OutputPart, decode_json,
    parse_response,
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

#[test]
fn content_parts_keep_what_is_not_text_and_give_their_thinking_and_refusal() {
    let body = |content: &str, more: &str| {
        let message = format!(r#"{{"role":"assistant","content":{content}{more}}}"#);
        format!(
            r#"{{"id":"c","choices":[{{"index":0,"message":{message},"finish_reason":"stop"}}]}}"#
        )
    };
    let read = |content: &str, more: &str| {
        let completion = agrees(body(content, more).as_bytes()).unwrap();
        completion.choices[0].message.clone()
    };
    // Mistral's thinking parts, in its list form and as one string, as a stream gives them.
    for thinking in [
        r#"[{"type":"text","text":"Let me "},{"type":"text","text":"think."}]"#,
        r#""Let me think.""#,
    ] {
        let content = format!(
            r#"[{{"type":"thinking","thinking":{thinking}}},{{"type":"text","text":"A"}}]"#
        );
        let message = read(&content, "");
        assert_eq!(message.content.as_deref(), Some("A"));
        assert_eq!(message.reasoning_content.as_deref(), Some("Let me think."));
        assert_eq!(message.content_parts.as_ref().map(Vec::len), Some(2));
        // A reasoning_content sent beside them is kept.
        let own = read(&content, r#","reasoning_content":"own""#);
        assert_eq!(own.reasoning_content.as_deref(), Some("own"));
    }
    // Bare strings are text; a part this SDK does not know is kept whole.
    let message = read(
        r#"["a",{"type":"text","text":"b"},{"type":"image_url","image_url":{"url":"data:x"}}]"#,
        "",
    );
    assert_eq!(message.content.as_deref(), Some("ab"));
    let parts = message.content_parts.unwrap();
    assert!(matches!(&parts[2], OutputPart::Other(map) if map["image_url"]["url"] == "data:x"));
    // A refusal part is the refusal; without text there is no content.
    let message = read(r#"[{"type":"refusal","refusal":"no"}]"#, "");
    assert_eq!((message.content, message.refusal.as_deref()), (None, Some("no")));
    // Plain text, in any of its forms, keeps no parts.
    for content in [r#""hi""#, r#"[{"type":"text","text":"hi"}]"#, r#"{"type":"text","text":"hi"}"#]
    {
        let message = read(content, "");
        assert_eq!((message.content.as_deref(), message.content_parts), (Some("hi"), None));
    }
    assert_eq!(read(r#"{"a":1}"#, "").content.as_deref(), Some(r#"{"a":1}"#));
    assert_eq!(read("null", "").content, None);
}

#[test]
fn a_wrong_type_in_a_minor_field_costs_that_field_not_the_answer() {
    let body = r#"{"id":123,"object":["x"],"model":4,"system_fingerprint":5,"choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":7,"reasoning_content":{"a":1}},"finish_reason":1}]}"#;
    let completion = agrees(body.as_bytes())
        .unwrap_or_else(|| ChatCompletion::from_json(body).unwrap_or_else(|err| panic!("{err}")));
    assert_eq!((completion.id.as_str(), completion.model.as_str()), ("123", "4"));
    assert_eq!(completion.object, r#"["x"]"#);
    assert_eq!(completion.system_fingerprint.as_deref(), Some("5"));
    assert_eq!(completion.text(), Some("Hi"));
    let message = &completion.choices[0].message;
    assert_eq!(message.refusal.as_deref(), Some("7"));
    assert_eq!(message.reasoning_content.as_deref(), Some(r#"{"a":1}"#));
    assert_eq!(completion.finish_reason().map(ToString::to_string).as_deref(), Some("1"));
    // The same in a streamed chunk.
    let chunk = r#"{"id":9,"model":null,"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":{"type":"stop"}}]}"#;
    let chunk = ChatCompletionChunk::from_json(chunk).unwrap();
    assert_eq!((chunk.id.as_str(), chunk.model.as_str()), ("9", ""));
    assert!(chunk.choices[0].finish_reason.is_some());
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
