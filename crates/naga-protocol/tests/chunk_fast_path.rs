//! The chunk decoder's fast path against serde: every recorded provider frame is read by the
//! fast path and equals serde's value; generated variations never disagree with serde.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod streams;

use naga_protocol::ChatCompletionChunk;
use proptest::prelude::*;
use streams::{fixture_lines, fixture_names};

/// The fast path is `None`, or equals serde's `Ok` value; a serde error means `None`;
/// `from_json` gives exactly serde's answer.
fn agrees(json: &str) -> Option<ChatCompletionChunk> {
    let fast = ChatCompletionChunk::from_json_fast_path(json);
    let serde = serde_json::from_str::<ChatCompletionChunk>(json);
    match (&fast, &serde) {
        (Some(fast), Ok(serde)) => assert_eq!(fast, serde, "{json}"),
        (Some(fast), Err(err)) => panic!("fast read {fast:?}, serde failed ({err}): {json}"),
        (None, _) => {}
    }
    let public = ChatCompletionChunk::from_json(json);
    assert_eq!(public.as_ref().ok(), serde.as_ref().ok(), "{json}");
    assert_eq!(public.is_err(), serde.is_err(), "{json}");
    fast
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

/// Pieces of string bodies: plain, non-ASCII, every escape, surrogate pairs, brackets.
const PIECES: &[&str] = &[
    "a",
    "Hi there",
    "é",
    "東京",
    "😀",
    r#"\""#,
    r"\\",
    r"\/",
    r"\n",
    r"\t",
    r"\b\f\r",
    r"\u0041",
    r"\u00e9",
    r"\uD83D\uDE00",
    r"\ud83d\ude00",
    "}",
    "]",
    "{[",
    ",:",
];
/// Pieces serde_json refuses: lone surrogates, invalid escapes, raw control characters.
const BAD_PIECES: &[&str] =
    &[r"\ud800", r"\udc00x", r"\ud83d\u0041", r"\x", r"\u12", "\t", "\u{1}"];
const NUMBERS: &[&str] = &[
    "0",
    "7",
    "42",
    "-1",
    "-0",
    "1.5",
    "1e3",
    "2E-2",
    "01",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "1786782779",
];
const WHITESPACE: &[&str] = &["", "", "", " ", "\n  ", "\t", "\r\n"];

/// Whitespace between tokens; rarely some that JSON does not allow.
fn ws() -> impl Strategy<Value = &'static str> {
    prop_oneof![30 => prop::sample::select(WHITESPACE), 1 => prop::sample::select(&["\u{c}", "\u{a0}"][..])]
}

fn string_lit() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        40 => prop::sample::select(PIECES),
        1 => prop::sample::select(BAD_PIECES)
    ];
    prop::collection::vec(piece, 0..4).prop_map(|pieces| format!("\"{}\"", pieces.concat())).boxed()
}

fn text(words: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![prop::sample::select(words).prop_map(|w| format!("\"{w}\"")), string_lit()].boxed()
}

fn scalar() -> BoxedStrategy<String> {
    prop_oneof![
        string_lit(),
        prop::sample::select(NUMBERS).prop_map(String::from),
        prop::sample::select(&["null", "true", "false", "nul", "tru"][..]).prop_map(String::from),
    ]
    .boxed()
}

/// Any JSON-like value, nested a few levels.
fn any_value() -> BoxedStrategy<String> {
    scalar()
        .prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec((string_lit(), inner), 0..4).prop_map(|entries| {
                    let entries: Vec<String> =
                        entries.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
                    format!("{{{}}}", entries.join(","))
                }),
            ]
        })
        .boxed()
}

/// A key: the name, sometimes with its first letter as a `\u` escape.
fn key(name: &'static str) -> BoxedStrategy<String> {
    let escaped = name.chars().next().map_or(String::new(), |c| format!("\\u{:04x}", c as u32));
    let escaped = format!("\"{escaped}{}\"", name.get(1..).unwrap_or(""));
    prop_oneof![4 => Just(format!("\"{name}\"")), 1 => Just(escaped)].boxed()
}

/// A field: mostly its usual shape, sometimes `null`, sometimes anything.
fn field(name: &'static str, usual: BoxedStrategy<String>) -> BoxedStrategy<(String, String)> {
    let value = prop_oneof![12 => usual, 2 => Just("null".to_owned()), 1 => any_value()];
    (key(name), value).boxed()
}

fn unknown() -> BoxedStrategy<(String, String)> {
    (
        prop::sample::select(&["\"x_groq\"", "\"obfuscation\"", "\"p\\u0072ovider\"", "\"\""][..]),
        any_value(),
    )
        .prop_map(|(k, v)| (k.to_owned(), v))
        .boxed()
}

/// An object of 0..6 entries drawn from `fields` (repeats possible), with whitespace.
fn object(fields: Vec<BoxedStrategy<(String, String)>>) -> BoxedStrategy<String> {
    let entry = prop::strategy::Union::new(fields);
    (prop::collection::vec(entry, 0..6), ws())
        .prop_map(|(entries, ws)| {
            let entries: Vec<String> =
                entries.into_iter().map(|(k, v)| format!("{ws}{k}{ws}:{ws}{v}{ws}")).collect();
            format!("{{{}}}", entries.join(","))
        })
        .boxed()
}

fn array(item: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop::collection::vec(item, 0..3).prop_map(|items| format!("[{}]", items.join(", "))).boxed()
}

fn count() -> BoxedStrategy<String> {
    prop::sample::select(NUMBERS).prop_map(String::from).boxed()
}

fn tool_call() -> BoxedStrategy<String> {
    let function = object(vec![
        field("name", text(&["get_weather", ""])),
        field("arguments", prop_oneof![text(&["{\\\"a\\\":", "1}"]), any_value()].boxed()),
        unknown(),
    ]);
    object(vec![
        field("index", count()),
        field("id", text(&["call_1"])),
        field("type", text(&["function", "other"])),
        field("function", function),
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

fn choice() -> BoxedStrategy<String> {
    object(vec![
        field("index", count()),
        field("delta", delta()),
        field("finish_reason", text(&["stop", "tool_calls", "eos"])),
        field("logprobs", any_value()),
        unknown(),
    ])
}

fn chunk_json() -> BoxedStrategy<String> {
    let usage = r#"{"prompt_tokens":1,"completion_tokens":2.5,"total_tokens":"3"}"#;
    object(vec![
        field("id", text(&["chatcmpl-1"])),
        field("object", text(&["chat.completion.chunk"])),
        field("created", count()),
        field("model", text(&["m"])),
        field("choices", array(choice())),
        field("usage", Just(usage.to_owned()).boxed()),
        field("system_fingerprint", text(&["fp_1"])),
        unknown(),
    ])
}

/// A chunk, sometimes cut short or followed by more text.
fn frame() -> impl Strategy<Value = String> {
    let tail = prop_oneof![20 => Just(""), 1 => prop::sample::select(&["x", "}", "{}"][..])];
    (chunk_json(), ws(), tail, any::<u16>(), prop::bool::weighted(0.1)).prop_map(
        |(json, ws, tail, cut, truncate)| {
            let mut frame = format!("{ws}{json}{ws}{tail}");
            if truncate {
                let mut at = usize::from(cut) % (frame.len() + 1);
                while !frame.is_char_boundary(at) {
                    at -= 1;
                }
                frame.truncate(at);
            }
            frame
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn the_fast_path_never_disagrees_with_serde(json in frame()) {
        agrees(&json);
    }
}

#[test]
fn the_generator_reaches_both_paths() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut fast, mut slow) = (0, 0);
    for _ in 0..2000 {
        let json = frame().new_tree(&mut runner).unwrap().current();
        match agrees(&json) {
            Some(_) => fast += 1,
            None => slow += 1,
        }
    }
    eprintln!("fast {fast}, slow {slow}");
    assert!(fast > 500 && slow > 200, "fast {fast}, slow {slow}");
}
