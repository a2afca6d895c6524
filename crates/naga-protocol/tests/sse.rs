//! The SSE fixture table, each stream run whole, byte by byte and split at every offset.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Feeding, Item, Run, run, run_reads, split_at};
use naga_protocol::{SseParser, StreamError};

/// One fixture: a stream and everything the parser must report for it.
struct Case {
    name: &'static str,
    input: &'static [u8],
    max: usize,
    items: Vec<Item>,
    discarded: bool,
}

fn case(name: &'static str, input: &'static [u8], items: Vec<Item>) -> Case {
    Case { name, input, max: SseParser::DEFAULT_MAX_EVENT_SIZE, items, discarded: false }
}

impl Case {
    fn discarded(mut self) -> Self {
        self.discarded = true;
        self
    }

    fn max(mut self, max: usize) -> Self {
        self.max = max;
        self
    }
}

/// A `message` event without id or retry.
fn msg(data: &str) -> Item {
    full("message", data, "", None)
}

fn full(event: &str, data: &str, id: &str, retry: Option<u64>) -> Item {
    Item::Event { event: event.into(), data: data.into(), id: id.into(), retry }
}

fn too_large(limit: usize) -> Item {
    Item::Error(StreamError::EventTooLarge { limit })
}

fn bad_utf8(offset: u64) -> Item {
    Item::Error(StreamError::InvalidUtf8 { offset })
}

fn line_end_cases() -> Vec<Case> {
    vec![
        case("lf", b"data: a\n\ndata: b\n\n", vec![msg("a"), msg("b")]),
        case("cr", b"data: a\r\rdata: b\r\r", vec![msg("a"), msg("b")]),
        case("crlf", b"data: a\r\n\r\ndata: b\r\n\r\n", vec![msg("a"), msg("b")]),
        case("crlf is one break", b"data: a\r\ndata: b\r\n\r\n", vec![msg("a\nb")]),
        case("mixed", b"data: a\r\n\ndata: b\r\r\ndata: c\n\r", vec![msg("a"), msg("b"), msg("c")]),
        case("lf cr is two breaks", b"data: a\n\rdata: b\n\n", vec![msg("a"), msg("b")]),
        case("trailing cr dispatches", b"data: x\r\r", vec![msg("x")]),
        case("trailing cr ends the line only", b"data: x\r", vec![]).discarded(),
        case("blank lines alone", b"\n\r\n\r\r\n", vec![]),
    ]
}

fn field_cases() -> Vec<Case> {
    vec![
        case("comments", b": hi\ndata: a\n: mid\ndata: b\n\n:\n\n", vec![msg("a\nb")]),
        case("one space dropped", b"data:a\n\ndata:  two\n\ndata:\tt\n\n", vec![
            msg("a"),
            msg(" two"),
            msg("\tt"),
        ]),
        case("multi-line data", b"data: one\ndata: two\ndata: three\n\n", vec![msg(
            "one\ntwo\nthree",
        )]),
        case("empty data lines", b"data\n\ndata:\n\ndata\ndata\n\n", vec![
            msg(""),
            msg(""),
            msg("\n"),
        ]),
        case("field without colon", b"event\ndata: x\n\n", vec![msg("x")]),
        case("colon in value", b"data: a: b:c\n\n", vec![msg("a: b:c")]),
        case("unknown fields ignored", b"foo: bar\nDATA: y\ndata: x\nretr: 5\n\n", vec![msg("x")]),
        case("last event and retry win", b"event: a\nevent: b\ndata: x\nretry: 10\nretry: 20\n\n", vec![
            full("b", "x", "", Some(20)),
        ]),
        case("empty event is message", b"event: a\nevent:\ndata: x\n\n", vec![msg("x")]),
        case("id persists", b"id: 1\ndata: a\n\ndata: b\n\nid: 2\nid: 3\ndata: c\n\n", vec![
            full("message", "a", "1", None),
            full("message", "b", "1", None),
            full("message", "c", "3", None),
        ]),
        case("id reset by empty id", b"id: 1\ndata: a\n\nid\ndata: b\n\n", vec![
            full("message", "a", "1", None),
            msg("b"),
        ]),
        case("id with nul ignored", b"id: 7\ndata: a\n\nid: 8\0\ndata: b\n\n", vec![
            full("message", "a", "7", None),
            full("message", "b", "7", None),
        ]),
        case("id without data still sets it", b"id: 5\n\ndata: a\n\n", vec![full("message", "a", "5", None)]),
        case(
            "invalid retry ignored",
            b"retry: 1a\ndata: a\n\nretry: -5\ndata: b\n\nretry:\ndata: c\n\nretry: 99999999999999999999\ndata: d\n\nretry: 3000\ndata: e\n\n",
            vec![msg("a"), msg("b"), msg("c"), msg("d"), full("message", "e", "", Some(3000))],
        ),
        case("event without data not dispatched", b"event: ping\n\ndata: x\n\n", vec![msg("x")]),
        case("done", b"data: {\"a\":1}\n\ndata: [DONE]\n\n", vec![msg("{\"a\":1}"), msg("[DONE]")]),
    ]
}

fn boundary_cases() -> Vec<Case> {
    vec![
        case("bom at start", b"\xEF\xBB\xBFdata: a\n\n", vec![msg("a")]),
        case("bom later kept", b"data: a\n\n\xEF\xBB\xBFdata: b\n\n", vec![msg("a")]),
        case("second bom kept", b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n", vec![msg("b")]),
        case("bom prefix only", b"\xEF\xBBdata: a\n\ndata: b\n\n", vec![msg("b")]),
        case("incomplete event discarded", b"data: a\n\ndata: b\n", vec![msg("a")]).discarded(),
        case("unterminated line discarded", b"data: a\n\ndata: b", vec![msg("a")]).discarded(),
        case("trailing comment is not an event", b"data: a\n\n: bye", vec![msg("a")]),
        case("trailing event line without data", b"data: a\n\nevent: x\n", vec![msg("a")]),
        case(
            "oversized event then recovery",
            b"data: short\n\ndata: 0123456789abcdef\ndata: more\n\ndata: after\n\n",
            vec![msg("short"), too_large(16), msg("after")],
        )
        .max(16),
        case(
            "oversized across lines",
            b"data: 01234\ndata: 01234\n\ndata: ok\n\n",
            vec![too_large(16), msg("ok")],
        )
        .max(16),
        case("event exactly at the limit", b"data: 0123456789\n\n", vec![msg("0123456789")])
            .max(16),
        case(
            "oversized comment",
            b": 0123456789abcdefgh\n\ndata: ok\n\n",
            vec![too_large(16), msg("ok")],
        )
        .max(16),
        case("oversized tail at eof", b"data: 0123456789abcdef", vec![too_large(16)]).max(16),
        case(
            "invalid utf-8 then recovery",
            b"data: a\n\ndata: \xFF\n\ndata: b\n\n",
            vec![msg("a"), bad_utf8(9), msg("b")],
        ),
        case(
            "invalid utf-8 in a later line",
            b"data: x\ndata: \xC3\n\ndata: ok\n\n",
            vec![bad_utf8(0), msg("ok")],
        ),
        case(
            "invalid utf-8 in event type",
            b"event: \xFF\ndata: x\n\ndata: ok\n\n",
            vec![bad_utf8(0), msg("ok")],
        ),
        case("invalid utf-8 offset after crlf", b"\r\ndata: \xFF\n\n", vec![bad_utf8(2)]),
        case("invalid utf-8 after bom", b"\xEF\xBB\xBFdata: \xFF\n\n", vec![bad_utf8(3)]),
        case("invalid utf-8 in a comment is fine", b": \xFF\ndata: ok\n\n", vec![msg("ok")]),
        case("utf-8 text", "data: héllo ✓\n\n".as_bytes(), vec![msg("héllo ✓")]),
    ]
}

fn all_cases() -> Vec<Case> {
    [line_end_cases(), field_cases(), boundary_cases()].into_iter().flatten().collect()
}

fn check(case: &Case, how: &str, chunks: Vec<&[u8]>) {
    let mut parser = SseParser::with_max_event_size(case.max);
    let got = run(&mut parser, chunks.iter().copied());
    let want = Run { items: case.items.clone(), discarded: case.discarded };
    assert_eq!(got, want, "case `{}` fed {how}", case.name);
    for feeding in [Feeding::Bytes, Feeding::Mixed, Feeding::Batched] {
        let mut reads = SseParser::with_max_event_size(case.max);
        let got = run_reads(&mut reads, chunks.iter().copied(), feeding);
        assert_eq!(got, want, "case `{}` fed {how} as {feeding:?}", case.name);
        assert_eq!(reads.bytes_scanned(), parser.bytes_scanned(), "`{}` {how}", case.name);
    }
}

#[test]
fn every_case_whole() {
    for case in all_cases() {
        check(&case, "whole", vec![case.input]);
    }
}

#[test]
fn every_case_byte_by_byte() {
    for case in all_cases() {
        check(&case, "byte by byte", case.input.chunks(1).collect());
    }
}

#[test]
fn every_case_at_every_split_point() {
    for case in all_cases() {
        for at in 0..=case.input.len() {
            check(&case, &format!("split at {at}"), split_at(case.input, &[at]));
        }
    }
}

#[test]
fn every_case_at_every_pair_of_split_points() {
    for case in all_cases() {
        for a in 0..=case.input.len() {
            for b in a..=case.input.len() {
                check(&case, &format!("split at {a} and {b}"), split_at(case.input, &[a, b]));
            }
        }
    }
}

#[test]
fn reconnection_time_keeps_the_last_valid_retry() {
    let mut parser = SseParser::new();
    let got = run(&mut parser, [&b"retry: 500\n\nretry: x\ndata: a\n\nretry: 70\n"[..]]);
    assert_eq!(got.items, vec![msg("a")]);
    assert_eq!(parser.reconnection_time(), Some(70));
    assert_eq!(SseParser::new().reconnection_time(), None);
}

#[test]
fn last_event_id_survives_events() {
    let mut parser = SseParser::default();
    parser.feed(b"id: abc\ndata: 1\n\ndata: 2\n\n");
    assert_eq!(
        parser.next_event(),
        Some(Ok(naga_protocol::Event { event: "message", data: "1", id: "abc", retry: None }))
    );
    assert_eq!(parser.next_event().unwrap().unwrap().id, "abc");
    assert_eq!(parser.last_event_id(), "abc");
}

#[test]
fn finish_after_undrained_events_still_yields_them() {
    let mut parser = SseParser::new();
    parser.feed(b"data: a\n\ndata: b\n\ndata: c");
    assert!(parser.finish());
    let mut items = Vec::new();
    common::drain(&mut parser, &mut items);
    assert_eq!(items, vec![msg("a"), msg("b")]);

    let mut parser = SseParser::new();
    parser.feed(b"data: a\n\n");
    assert!(!parser.finish());
    assert!(!parser.finish(), "a second finish reports nothing");
}

#[test]
fn data_after_finish_is_reported_once() {
    let mut parser = SseParser::new();
    parser.feed(b"data: a\n\n");
    assert!(!parser.finish());
    parser.feed(b"data: b\n\n");
    assert_eq!(parser.next_event().unwrap().unwrap().data, "a");
    assert_eq!(parser.next_event(), Some(Err(StreamError::DataAfterEnd)));
    assert_eq!(parser.next_event(), None);
}

#[test]
fn debug_shows_state_not_buffers() {
    let mut parser = SseParser::with_max_event_size(99);
    parser.feed(b"data: secret-ish");
    let text = format!("{parser:?}");
    assert!(text.contains("max_event_size: 99"), "{text}");
    assert!(!text.contains("secret-ish"), "{text}");
}
