//! JSON text generators for the fast-path tests: strings with every escape (and some that
//! serde_json refuses), numbers at the integer limits, whitespace, nested values, objects of
//! known fields in their usual shape or any other, unknown keys; and the check that the
//! generator reaches both the fast path and the fallback.
// Each test binary uses a subset of these helpers.
#![allow(dead_code)]

use proptest::prelude::*;

/// Pieces of string bodies: plain, non-ASCII, every escape, surrogate pairs, brackets.
pub(crate) const PIECES: &[&str] = &[
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
pub(crate) const BAD_PIECES: &[&str] =
    &[r"\ud800", r"\udc00x", r"\ud83d\u0041", r"\x", r"\u12", "\t", "\u{1}"];
pub(crate) const NUMBERS: &[&str] = &[
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
pub(crate) const WHITESPACE: &[&str] = &["", "", "", " ", "\n  ", "\t", "\r\n"];

/// Whitespace between tokens; rarely some that JSON does not allow.
pub(crate) fn ws() -> impl Strategy<Value = &'static str> {
    prop_oneof![30 => prop::sample::select(WHITESPACE), 1 => prop::sample::select(&["\u{c}", "\u{a0}"][..])]
}

pub(crate) fn string_lit() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        40 => prop::sample::select(PIECES),
        1 => prop::sample::select(BAD_PIECES)
    ];
    prop::collection::vec(piece, 0..4).prop_map(|pieces| format!("\"{}\"", pieces.concat())).boxed()
}

pub(crate) fn text(words: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![prop::sample::select(words).prop_map(|w| format!("\"{w}\"")), string_lit()].boxed()
}

pub(crate) fn scalar() -> BoxedStrategy<String> {
    prop_oneof![
        string_lit(),
        prop::sample::select(NUMBERS).prop_map(String::from),
        prop::sample::select(&["null", "true", "false", "nul", "tru"][..]).prop_map(String::from),
    ]
    .boxed()
}

/// Any JSON-like value, nested a few levels.
pub(crate) fn any_value() -> BoxedStrategy<String> {
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
pub(crate) fn key(name: &'static str) -> BoxedStrategy<String> {
    let escaped = name.chars().next().map_or(String::new(), |c| format!("\\u{:04x}", c as u32));
    let escaped = format!("\"{escaped}{}\"", name.get(1..).unwrap_or(""));
    prop_oneof![4 => Just(format!("\"{name}\"")), 1 => Just(escaped)].boxed()
}

/// A field: mostly its usual shape, sometimes `null`, sometimes anything.
pub(crate) fn field(
    name: &'static str,
    usual: BoxedStrategy<String>,
) -> BoxedStrategy<(String, String)> {
    let value = prop_oneof![12 => usual, 2 => Just("null".to_owned()), 1 => any_value()];
    (key(name), value).boxed()
}

pub(crate) fn unknown() -> BoxedStrategy<(String, String)> {
    (
        prop::sample::select(&["\"x_groq\"", "\"obfuscation\"", "\"p\\u0072ovider\"", "\"\""][..]),
        any_value(),
    )
        .prop_map(|(k, v)| (k.to_owned(), v))
        .boxed()
}

/// An object of 0..6 entries drawn from `fields` (repeats possible), with whitespace.
pub(crate) fn object(fields: Vec<BoxedStrategy<(String, String)>>) -> BoxedStrategy<String> {
    let entry = prop::strategy::Union::new(fields);
    (prop::collection::vec(entry, 0..6), ws())
        .prop_map(|(entries, ws)| {
            let entries: Vec<String> =
                entries.into_iter().map(|(k, v)| format!("{ws}{k}{ws}:{ws}{v}{ws}")).collect();
            format!("{{{}}}", entries.join(","))
        })
        .boxed()
}

pub(crate) fn array(item: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop::collection::vec(item, 0..3).prop_map(|items| format!("[{}]", items.join(", "))).boxed()
}

pub(crate) fn count() -> BoxedStrategy<String> {
    prop::sample::select(NUMBERS).prop_map(String::from).boxed()
}

/// A tool call's `function`, in a chunk or a completion.
pub(crate) fn function() -> BoxedStrategy<String> {
    object(vec![
        field("name", text(&["get_weather", ""])),
        field("arguments", prop_oneof![text(&["{\\\"a\\\":", "1}"]), any_value()].boxed()),
        unknown(),
    ])
}

/// A `usage` object with its token breakdowns.
pub(crate) fn usage() -> BoxedStrategy<String> {
    let prompt =
        object(vec![field("cached_tokens", count()), field("audio_tokens", count()), unknown()]);
    let completion = object(vec![
        field("reasoning_tokens", count()),
        field("image_tokens", count()),
        field("audio_tokens", count()),
        field("accepted_prediction_tokens", count()),
        field("rejected_prediction_tokens", count()),
        unknown(),
    ]);
    object(vec![
        field("prompt_tokens", count()),
        field("completion_tokens", count()),
        field("total_tokens", count()),
        field("prompt_tokens_details", prompt),
        field("completion_tokens_details", completion),
        unknown(),
    ])
}

/// A choice whose message (`delta` or `message`) is `body`.
pub(crate) fn choice(
    body_name: &'static str,
    body: BoxedStrategy<String>,
) -> BoxedStrategy<String> {
    object(vec![
        field("index", count()),
        field(body_name, body),
        field("finish_reason", text(&["stop", "tool_calls", "eos"])),
        field("logprobs", any_value()),
        unknown(),
    ])
}

/// A completion or a chunk (`object` names which) with `choice`s.
pub(crate) fn response(
    object_name: &'static [&'static str],
    choice: BoxedStrategy<String>,
) -> BoxedStrategy<String> {
    object(vec![
        field("id", text(&["chatcmpl-1"])),
        field("object", text(object_name)),
        field("created", count()),
        field("model", text(&["m"])),
        field("choices", array(choice)),
        field("usage", usage()),
        field("system_fingerprint", text(&["fp_1"])),
        unknown(),
    ])
}

/// `body`, sometimes cut short or followed by more text.
pub(crate) fn frame(body: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    let tail = prop_oneof![20 => Just(""), 1 => prop::sample::select(&["x", "}", "{}"][..])];
    (body, ws(), tail, any::<u16>(), prop::bool::weighted(0.1)).prop_map(
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

/// How many of 2000 generated frames the fast path reads (`fast` says whether it did), and
/// how many it leaves to serde.
pub(crate) fn paths_taken(
    body: impl Fn() -> BoxedStrategy<String>,
    fast: impl Fn(&str) -> bool,
) -> (usize, usize) {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut read, mut left) = (0, 0);
    for _ in 0..2000 {
        let json = frame(body()).new_tree(&mut runner).unwrap().current();
        if fast(&json) {
            read += 1;
        } else {
            left += 1;
        }
    }
    (read, left)
}
