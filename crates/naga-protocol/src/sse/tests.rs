//! Unit tests of buffer management; behaviour is tested in `tests/sse.rs`.

use super::SseParser;
use crate::error::StreamError;

#[test]
fn consumed_events_are_dropped_from_the_buffer() {
    let mut parser = SseParser::new();
    for _ in 0..1000 {
        parser.feed(b"data: {\"x\":1}\n\n");
        let event = parser.next_event().unwrap().unwrap();
        assert_eq!(event.data, "{\"x\":1}");
        assert!(parser.next_event().is_none());
    }
    parser.feed(b"");
    assert!(parser.buf.len() < 64, "buffer holds {} bytes", parser.buf.len());
    assert_eq!(parser.base, 15_000);
}

#[test]
fn an_oversized_line_is_skipped_without_buffering_it() {
    let mut parser = SseParser::with_max_event_size(1024);
    parser.feed(b"data: ");
    let chunk = vec![b'a'; 4096];
    let mut errors = 0;
    let mut peak = 0;
    for _ in 0..25_600 {
        // 100 MiB in total
        parser.feed(&chunk);
        peak = peak.max(parser.buf.len());
        while let Some(item) = parser.next_event() {
            assert_eq!(item, Err(StreamError::EventTooLarge { limit: 1024 }));
            errors += 1;
        }
    }
    parser.feed(b"\n\ndata: next\n\n");
    assert_eq!(parser.next_event().unwrap().unwrap().data, "next");
    assert_eq!(errors, 1);
    assert!(peak <= 2 * 4096 + 1024, "peak buffer {peak}");
}

#[test]
fn a_long_event_split_in_small_chunks_keeps_its_start() {
    let mut parser = SseParser::new();
    let line = format!("data: {}\n", "b".repeat(10_000));
    let stream = format!("event: big\n{line}{line}\n");
    for chunk in stream.as_bytes().chunks(7) {
        parser.feed(chunk);
        if let Some(item) = parser.next_event() {
            let event = item.unwrap();
            assert_eq!(event.event, "big");
            assert_eq!(event.data.len(), 2 * 10_000 + 1);
        }
    }
    assert_eq!(parser.offset_of(parser.scan), stream.len() as u64);
}

/// Found by the `sse` fuzz target (`fuzz/regressions/sse/cr-then-byte-in-next-feed`): a CR
/// at the end of one feed and a non-LF byte at the start of the next counted that byte twice.
#[test]
fn a_byte_after_a_split_cr_is_scanned_once() {
    let mut parser = SseParser::new();
    for chunk in [&b"data: a\r"[..], b"x\n", b"\r", b"\n"] {
        parser.feed(chunk);
        while parser.next_event().is_some() {}
    }
    assert_eq!(parser.bytes_scanned(), 12);
    let mut whole = SseParser::new();
    whole.feed(b"data: a\rx\n\r\n");
    let event = whole.next_event().unwrap().unwrap();
    assert_eq!(event.data, "a");
    assert_eq!(whole.bytes_scanned(), 12);
}
