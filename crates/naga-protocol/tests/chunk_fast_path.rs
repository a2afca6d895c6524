//! The chunk decoder's fast path against serde: every recorded provider frame is read by the
//! fast path and equals serde's value; generated variations never disagree with serde.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod json_gen;
mod streams;

use json_gen::{
    any_value, array, choice, count, field, frame, function, object, paths_taken, response,
    string_lit, text, unknown,
};
use naga_protocol::ChatCompletionChunk;
use proptest::prelude::*;
use streams::{fixture_lines, fixture_names};

/// The fast path is `None`, or equals serde's `Ok` value; a serde error means `None`;
/// `from_json` gives exactly serde's answer, but where serde refuses a lone surrogate escape
/// (which `from_json` reads as U+FFFD).
fn agrees(json: &str) -> Option<ChatCompletionChunk> {
    let fast = ChatCompletionChunk::from_json_fast_path(json);
    let serde = serde_json::from_str::<ChatCompletionChunk>(json);
    match (&fast, &serde) {
        (Some(fast), Ok(serde)) => assert_eq!(fast, serde, "{json}"),
        (Some(fast), Err(err)) if !has_surrogate_escape(json) => {
            panic!("fast read {fast:?}, serde failed ({err}): {json}")
        }
        _ => {}
    }
    let public = ChatCompletionChunk::from_json(json);
    if let (Ok(public), Err(_)) = (&public, &serde) {
        assert!(has_surrogate_escape(json), "{public:?}: {json}");
        return fast;
    }
    assert_eq!(public.as_ref().ok(), serde.as_ref().ok(), "{json}");
    assert_eq!(public.is_err(), serde.is_err(), "{json}");
    fast
}

/// Whether `json` holds a surrogate escape (`\ud800` to `\udfff`, either case).
fn has_surrogate_escape(json: &str) -> bool {
    let lower = json.to_ascii_lowercase();
    ["\\ud8", "\\ud9", "\\uda", "\\udb", "\\udc", "\\udd", "\\ude", "\\udf"]
        .iter()
        .any(|half| lower.contains(half))
}

#[test]
fn every_recorded_frame_takes_the_fast_path_and_equals_serde() {
    let mut frames = 0;
    for name in fixture_names() {
        for line in fixture_lines(&name) {
            assert!(agrees(&line).is_some(), "{name}: fell back: {line}");
            frames += 1;
        }
    }
    assert!(frames > 500, "{frames} frames");
}

fn tool_call() -> BoxedStrategy<String> {
    object(vec![
        field("index", count()),
        field("id", text(&["call_1"])),
        field("type", text(&["function", "other"])),
        field("function", function()),
        unknown(),
    ])
}

fn delta() -> BoxedStrategy<String> {
    let parts = r#"[{"type":"text","text":"a"},{"type":"thinking","thinking":[]}]"#;
    object(vec![
        field("role", text(&["assistant", "tool", "x-new"])),
        field("content", prop_oneof![text(&["Hello", ""]), Just(parts.to_owned())].boxed()),
        field("refusal", string_lit()),
        field("tool_calls", array(tool_call())),
        field("reasoning_content", string_lit()),
        field("reasoning", string_lit()),
        field("reasoning_details", array(any_value())),
        field("annotations", array(any_value())),
        field("images", array(any_value())),
        unknown(),
    ])
}

fn chunk_json() -> BoxedStrategy<String> {
    response(&["chat.completion.chunk"], choice("delta", delta()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn the_fast_path_never_disagrees_with_serde(json in frame(chunk_json())) {
        agrees(&json);
    }
}

#[test]
fn the_generator_reaches_both_paths() {
    let (fast, slow) = paths_taken(chunk_json, |json| agrees(json).is_some());
    eprintln!("fast {fast}, slow {slow}");
    assert!(fast > 500 && slow > 200, "fast {fast}, slow {slow}");
}
