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
    assert!(parser.own.len() < 64, "buffer holds {} bytes", parser.own.len());
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
        peak = peak.max(parser.own.len());
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

/// `feed_bytes` hands out data straight from the read, copies only the part of an event
/// that spans reads, and lets go of a read once drained.
#[test]
fn reads_are_scanned_in_place_and_released_when_drained() {
    let stream = bytes::Bytes::from_static(b"data: one\n\ndata: two\n\ndata: thr");
    let mut parser = SseParser::new();
    parser.feed_bytes(stream.clone());
    let range = stream.as_ptr_range();
    let one = parser.next_event().unwrap().unwrap();
    assert_eq!(one.data, "one");
    assert!(range.contains(&one.data.as_ptr()), "`one` is borrowed from the read");
    assert_eq!(parser.next_event().unwrap().unwrap().data, "two");
    assert!(parser.next_event().is_none());
    assert!(!parser.in_read && parser.read.is_empty(), "the drained read is released");
    assert_eq!(parser.own, b"data: thr", "only the unfinished tail was copied");

    // Larger than a small read (which would be copied), with a comment line as padding.
    let mut second = b"ee\n\ndata: four\n\n: ".to_vec();
    second.extend_from_slice(&[b'x'; 300]);
    second.push(b'\n');
    let shared = bytes::Bytes::from(second);
    parser.feed_bytes(shared.slice(..));
    assert_eq!(parser.next_event().unwrap().unwrap().data, "three");
    let four = parser.next_event().unwrap().unwrap();
    assert_eq!(four.data, "four");
    assert!(shared.as_ptr_range().contains(&four.data.as_ptr()), "`four` is not copied");
    assert_eq!(parser.own, b"", "the read became the window once the tail was done");
    assert!(parser.next_event().is_none());
    assert!(shared.is_unique(), "the parser holds no reference to a drained read");
    assert_eq!(parser.bytes_scanned(), 31 + 16 + 303);
}

/// A small read in the middle of a line is appended (the fast path) and scanned once.
#[test]
fn small_reads_mid_line_are_appended() {
    let mut parser = SseParser::new();
    let input = b"data: abc\r\n\r\n";
    for byte in input.chunks(1) {
        parser.feed_bytes(bytes::Bytes::copy_from_slice(byte));
        if let Some(event) = parser.next_event() {
            assert_eq!(event.unwrap().data, "abc");
        }
    }
    assert_eq!(parser.bytes_scanned(), input.len() as u64);
    assert_eq!(parser.offset_of(parser.scan), input.len() as u64);
}

/// Field names are told apart within their first 6 bytes; longer names are unknown fields.
#[test]
fn names_longer_than_the_known_fields_are_ignored() {
    let mut parser = SseParser::new();
    parser.feed(b"retryx: 5\nevents: x\ndataa: y\nidx: 3\nretryretry\neventevent: z\n");
    parser.feed(b"retry:7\nevent:message\ndata:z\n\nevent: messages\ndata\n\n");
    let first = parser.next_event().unwrap().unwrap();
    assert_eq!((first.event, first.data, first.id, first.retry), ("message", "z", "", Some(7)));
    let second = parser.next_event().unwrap().unwrap();
    assert_eq!((second.event, second.data, second.retry), ("messages", "", None));
    assert!(parser.next_event().is_none());
}

/// Joined data lines are validated once, as a whole: a character split across two lines
/// is invalid, whole characters on several lines are kept.
#[test]
fn joined_data_lines_are_validated_as_a_whole() {
    let mut parser = SseParser::new();
    parser.feed(b"data: \xC3\ndata: \xA9\n\n");
    parser.feed("data: é\ndata: ✓\ndata: 🙂\n\n".as_bytes());
    parser.feed(b"data: a\ndata: b\xFF\n\n");
    assert_eq!(parser.next_event().unwrap(), Err(StreamError::InvalidUtf8 { offset: 0 }));
    assert_eq!(parser.next_event().unwrap().unwrap().data, "é\n✓\n🙂");
    assert_eq!(parser.next_event().unwrap(), Err(StreamError::InvalidUtf8 { offset: 48 }));
    assert!(parser.next_event().is_none());
}

/// An event that ends exactly at the end of its read: the next call only releases the read;
/// a feed instead of that call drops the event and goes on (a split CRLF included).
#[test]
fn a_read_used_up_by_an_event_is_released_by_the_next_call() {
    let mut parser = SseParser::new();
    let read = bytes::Bytes::from(b"data: a\n\n".to_vec());
    parser.feed_bytes(read.clone());
    assert_eq!(parser.next_event().unwrap().unwrap().data, "a");
    assert!(parser.next_event().is_none());
    assert!(read.is_unique(), "the parser holds no reference to a drained read");
    parser.feed_bytes(bytes::Bytes::from_static(b"data: b\r\r"));
    assert_eq!(parser.next_event().unwrap().unwrap().data, "b");
    parser.feed_bytes(bytes::Bytes::from_static(b"\ndata: c\n\n"));
    assert_eq!(parser.next_event().unwrap().unwrap().data, "c");
    assert!(parser.next_event().is_none());
    assert_eq!(parser.bytes_scanned(), 9 + 9 + 10);
    assert_eq!(parser.offset_of(parser.scan), 28);
}

/// A data line may be validated together with the bytes after it (whole 64-byte blocks);
/// what follows never changes the result, and invalid data stays invalid.
#[test]
fn what_follows_a_data_line_does_not_change_its_validation() {
    let data = "é".repeat(40);
    let block = [b"data: ", data.as_bytes(), b"\n\ndata: \xFF\n\n"].concat();
    let mut read = block.repeat(2);
    read[6] = 0xA9; // the first data now starts with a lone continuation byte
    read.extend_from_slice(format!(": {}\n", "x".repeat(80)).as_bytes());
    let mut parser = SseParser::new();
    parser.feed_bytes(bytes::Bytes::from(read));
    let invalid = |offset| Some(Err(StreamError::InvalidUtf8 { offset }));
    assert_eq!(parser.next_event(), invalid(0));
    assert_eq!(parser.next_event(), invalid(88));
    assert_eq!(parser.next_event().unwrap().unwrap().data, data);
    assert_eq!(parser.next_event(), invalid(97 + 88));
    assert!(parser.next_event().is_none());
}

/// Everything a parser shows after a whole feed: events and errors, then the bytes scanned.
fn observed(parser: &mut SseParser, reads: &[&[u8]]) -> (Vec<String>, u64) {
    let mut seen = Vec::new();
    for read in reads {
        parser.feed_bytes(bytes::Bytes::copy_from_slice(read));
        while let Some(item) = parser.next_event() {
            seen.push(match item {
                Ok(event) => {
                    format!("{}|{}|{}|{:?}", event.event, event.data, event.id, event.retry)
                }
                Err(err) => format!("{err:?}"),
            });
        }
    }
    parser.finish();
    while let Some(item) = parser.next_event() {
        seen.push(format!("{item:?}"));
    }
    (seen, parser.bytes_scanned())
}

/// The common event (one `data` line, then its blank line, each ended by LF, CRLF or CR,
/// optionally after one `event` line) is taken in one step when it is whole in the window;
/// every other shape is left to the line-by-line path (after the `event` line, which is
/// taken either way). Either way the events, errors (with offsets) and bytes scanned are those of a
/// one-byte-at-a-time feed, which never takes the shortcut.
#[test]
fn the_single_line_shortcut_agrees_with_the_line_by_line_path() {
    let cases: [(&[u8], bool); 39] = [
        (b"data: a\n\n", true),
        (b"data:a\r\n\r\n", true),
        (b"data:\n\n", true),
        (b"data:  two spaces\n\n", true),
        (b"data: \xFF\n\n", true),
        (b"data: a\r\n\n", true),
        (b"data: a\n\r\n", true),
        (b"data: a\r\rdata: b\r\r", true),
        (b"data: a\r\r\ndata: b\n\n", true),
        (b"data: a\n\rx", true),
        (b"data: a\r\n\r", true),
        (b"data: a\r\r", true),
        (b"data: a\n\r", true),
        (b"data: a\r", false),
        (b"data: a\rdata: b\n\n", false),
        (b"data: a\ndata: b\n\n", false),
        (b"data: a\nid: 1\n\n", false),
        (b"data: a", false),
        (b"data: a\n", false),
        (b"event: e\ndata: a\n\n", true),
        (b"event:e\r\ndata:a\r\n\r\n", true),
        (b"event: e\rdata: a\r\r", true),
        (b"event: e\r\rdata: a\n\n", false),
        (b"event: \ndata: a\n\n", true),
        (b"event: message\ndata: a\n\n", true),
        (b"event: \xFF\ndata: a\n\n", true),
        (b"event: \xFF\ndata: \xFF\n\n", true),
        (b"event: e\nid: 1\ndata: a\n\n", false),
        (b"event: e\n\ndata: a\n\n", false),
        (b"event: e\nevent: f\ndata: a\n\n", false),
        (b"event: e\ndata: a\ndata: b\n\n", false),
        (b"event: e\ndata: a\n", false),
        (b"event: e\ndata: a", false),
        (b"event: e\r", false),
        (b"event: e", false),
        (b"events: e\ndata: a\n\n", false),
        (b": c\n\ndata: a\n\n", false),
        (b"dat: a\n\n", false),
        (b"\xEF\xBB\xBFdata: a\n\n", false),
    ];
    for (input, shortcut) in cases {
        let mut probe = SseParser::new();
        probe.feed_bytes(bytes::Bytes::copy_from_slice(input));
        probe.bom_done = true; // as after the first read of a stream
        assert_eq!(probe.single_line_event().is_some(), shortcut, "{:?}", input.escape_ascii());

        let whole = observed(&mut SseParser::new(), &[b"data: x\n\n", input]);
        let mut bytes: Vec<&[u8]> = vec![b"data: x\n\n"];
        bytes.extend(input.chunks(1));
        let by_byte = observed(&mut SseParser::new(), &bytes);
        assert_eq!(whole, by_byte, "{:?}", input.escape_ascii());
        assert_eq!(whole.1, 9 + input.len() as u64, "{:?}", input.escape_ascii());
    }
    // Too long for the limit (the event counted from its `event` line): the line-by-line
    // path reports it and skips the event.
    for stream in [
        &b"data: x\n\ndata: 12345\n\ndata: ok\n\n"[..],
        b"data: x\n\nevent: e\ndata: 1\n\ndata: ok\n\n",
        b"data: x\n\nevent: 1234567\ndata: 1\n\ndata: ok\n\n",
    ] {
        let (head, rest) = stream.split_at(9);
        let whole = observed(&mut SseParser::with_max_event_size(8), &[head, rest]);
        let bytes = stream.chunks(1).collect::<Vec<_>>();
        let by_byte = observed(&mut SseParser::with_max_event_size(8), &bytes);
        assert_eq!(whole, by_byte, "{:?}", stream.escape_ascii());
        assert_eq!(whole.0[1], "EventTooLarge { limit: 8 }", "{:?}", stream.escape_ascii());
    }
}

/// An event whose blank line is a CR at the very end of a read is taken by the shortcut;
/// an LF starting the next read still belongs to that CR, and the event after it is taken
/// by the shortcut too. Events, errors with offsets and bytes scanned are those of a
/// one-byte-at-a-time feed.
#[test]
fn a_blank_line_cr_at_the_end_of_a_read_keeps_the_shortcut() {
    let mut parser = SseParser::new();
    parser.feed_bytes(bytes::Bytes::from_static(b"data: a\r\r"));
    parser.bom_done = true;
    assert_eq!(parser.single_line_event(), Some(6..7));
    assert!(parser.skip_lf, "the LF may still arrive");
    assert_eq!(parser.next_event(), None);
    parser.feed_bytes(bytes::Bytes::from_static(b"\ndata: b\n\n"));
    assert_eq!(parser.single_line_event(), Some(7..8), "the LF is skipped first");
    assert_eq!(parser.bytes_scanned(), 9 + 10);

    let splits: [&[&[u8]]; 4] = [
        &[b"data: a\r\r", b"\ndata: b\n\n"],
        &[b"data: a\r\r", b"\n", b"\ndata: b\r\r", b"x: 1\n\xFF\n\n"],
        &[b"data: a\n\r", b"\r\ndata: \xFF\r\n\r", b"\n"],
        &[b"data: a\r\n\r", b"data: b\r\r", b"\r\ndata: c\n\n"],
    ];
    for reads in splits {
        let whole = observed(&mut SseParser::new(), reads);
        let bytes = reads.concat();
        let by_byte = observed(&mut SseParser::new(), &bytes.chunks(1).collect::<Vec<_>>());
        assert_eq!(whole, by_byte, "{:?}", bytes.escape_ascii().to_string());
        assert_eq!(whole.1, bytes.len() as u64);
    }
}

/// The line-end search agrees with a plain byte loop at every length around the cut-offs
/// between its strategies (inline, two words, SSE2, `memchr2`), for CR, LF, both, bytes
/// that differ from them in one bit, and no line end at all.
#[test]
fn the_line_end_search_finds_the_first_cr_or_lf() {
    let naive = |bytes: &[u8]| bytes.iter().position(|&b| b == b'\n' || b == b'\r');
    for len in 0..80 {
        for first in 0..=len {
            for (a, b) in [(b'\n', b'\r'), (b'\r', b'\n'), (b'\n', b'\n'), (0x8A, 0x0C)] {
                let mut bytes = vec![b'x'; len];
                bytes
                    .iter_mut()
                    .enumerate()
                    .filter(|(i, _)| i % 3 == 0)
                    .for_each(|(_, b)| *b = 0x0B);
                if let Some(at) = bytes.get_mut(first) {
                    *at = a;
                }
                if let Some(after) = bytes.get_mut(first + 2) {
                    *after = b;
                }
                assert_eq!(super::scan::find_eol(&bytes), naive(&bytes), "{len} {first} {a} {b}");
            }
        }
    }
}
