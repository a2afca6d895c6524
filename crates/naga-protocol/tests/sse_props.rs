//! SSE properties: any chunking gives the same events, and no byte is scanned twice.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Feeding, Item, run, run_reads, split_at};
use naga_protocol::{SseParser, StreamError};
use proptest::prelude::*;

/// Pieces that stress the line and field logic when concatenated in any order.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"data: hello",
        b"data:x",
        b"data",
        b"event: update",
        b"event:",
        b"id: 7",
        b"id: a\0b",
        b"retry: 250",
        b"retry: 2x",
        b": comment",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\xC3\xA9",
        b"[DONE]",
        b"\n",
        b"\r",
        b"\r\n",
        b"\n\n",
        b"\r\n\r\n",
        b"\r\r",
        // Long enough that reads holding it are not "small" (`feed_bytes` pulls those).
        &[b'x'; 300],
    ];
    prop_oneof![
        4 => proptest::sample::select(fixed).prop_map(<[u8]>::to_vec),
        1 => proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(piece(), 0..60).prop_map(|pieces| pieces.concat())
}

fn runs_alike(input: &[u8], cuts: &[usize], max: usize) -> Result<(), TestCaseError> {
    let whole = run(&mut SseParser::with_max_event_size(max), [input]);
    let mut parser = SseParser::with_max_event_size(max);
    let chunked = run(&mut parser, split_at(input, cuts));
    prop_assert_eq!(&chunked, &whole);
    let bytes = run(&mut SseParser::with_max_event_size(max), input.chunks(1));
    prop_assert_eq!(&bytes, &whole);
    prop_assert!(parser.bytes_scanned() <= 2 * input.len() as u64 + 64);
    for how in [Feeding::Bytes, Feeding::Mixed, Feeding::Batched] {
        for chunks in [split_at(input, cuts), input.chunks(1).collect()] {
            let mut reads = SseParser::with_max_event_size(max);
            let got = run_reads(&mut reads, chunks.iter().copied(), how);
            prop_assert_eq!(&got, &whole, "{:?}", how);
            let mut copied = SseParser::with_max_event_size(max);
            run(&mut copied, chunks.iter().copied());
            prop_assert_eq!(reads.bytes_scanned(), copied.bytes_scanned(), "{:?}", how);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_split_gives_the_same_events(
        input in stream(),
        cuts in proptest::collection::vec(0usize..4000, 0..8),
    ) {
        runs_alike(&input, &cuts, SseParser::DEFAULT_MAX_EVENT_SIZE)?;
    }

    #[test]
    fn any_split_gives_the_same_events_with_a_small_limit(
        input in stream(),
        cuts in proptest::collection::vec(0usize..400, 0..8),
        max in 0usize..40,
    ) {
        runs_alike(&input, &cuts, max)?;
    }

    #[test]
    fn arbitrary_bytes_never_stall(input in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut parser = SseParser::with_max_event_size(32);
        run(&mut parser, input.chunks(7));
        // After anything at all, a fresh well-formed event still parses.
        let mut parser = SseParser::with_max_event_size(32);
        let mut tail = input.clone();
        tail.extend_from_slice(b"\n\ndata: ok\n\n");
        let got = run(&mut parser, [&tail[..]]);
        prop_assert_eq!(got.items.last(), Some(&Item::Event {
            event: "message".into(),
            data: "ok".into(),
            id: parser.last_event_id().into(),
            retry: None,
        }));
    }
}

/// Valid UTF-8 streams built from field lines, comments, BOMs and every kind of line break.
fn text_stream() -> impl Strategy<Value = String> {
    let fixed = vec![
        "data: hello",
        "data:x",
        "data",
        "data:  é",
        "event: update",
        "event:",
        "id: 7",
        "id: a\0b",
        "id",
        "retry: 250",
        "retry: 2x",
        "retry:",
        ": comment",
        "\u{FEFF}",
        "[DONE]",
        "\n",
        "\r",
        "\r\n",
        "\n\n",
        "\r\n\r\n",
        "\r\r",
    ];
    let piece = prop_oneof![
        4 => proptest::sample::select(fixed).prop_map(str::to_owned),
        1 => "[a-z: \r\n]{0,12}",
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// The WHATWG algorithm written as plainly as possible, for whole, valid UTF-8 input.
fn reference(input: &str) -> common::Run {
    let mut rest = input.strip_prefix('\u{FEFF}').unwrap_or(input);
    let (mut items, mut data, mut event, mut id, mut retry) =
        (Vec::new(), String::new(), String::new(), String::new(), None);
    while let Some(i) = rest.find(['\r', '\n']) {
        let line = &rest[..i];
        rest = rest[i..].strip_prefix("\r\n").unwrap_or(&rest[i + 1..]);
        if line.is_empty() {
            if data.pop().is_some() {
                let event = if event.is_empty() { "message".into() } else { event.clone() };
                items.push(Item::Event { event, data: data.clone(), id: id.clone(), retry });
            }
            (data, event, retry) = (String::new(), String::new(), None);
            continue;
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match name {
            "data" => data = format!("{data}{value}\n"),
            "event" => event = value.to_owned(),
            "id" if !value.contains('\0') => id = value.to_owned(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                retry = value.parse().ok().or(retry);
            }
            _ => {}
        }
    }
    let discarded = !data.is_empty() || !(rest.is_empty() || rest.starts_with(':'));
    common::Run { items, discarded }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matches_the_plain_reference_algorithm(
        input in text_stream(),
        cuts in proptest::collection::vec(0usize..400, 0..8),
    ) {
        let want = reference(&input);
        let got = run(&mut SseParser::new(), split_at(input.as_bytes(), &cuts));
        prop_assert_eq!(&got, &want);
        let chunks = split_at(input.as_bytes(), &cuts);
        let reads = run_reads(&mut SseParser::new(), chunks, Feeding::Bytes);
        prop_assert_eq!(reads, want);
    }
}

/// A deterministic xorshift, so chunk sizes vary without a random-number dependency.
fn chunk_sizes(seed: u64, max: u64) -> impl Iterator<Item = usize> {
    let mut state = seed;
    std::iter::from_fn(move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        Some((state % max + 1) as usize)
    })
}

fn random_chunks(input: &[u8], seed: u64, max: u64) -> Vec<&[u8]> {
    let mut chunks = Vec::new();
    let mut rest = input;
    for size in chunk_sizes(seed, max) {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

fn many_events() -> Vec<u8> {
    let mut input = Vec::new();
    for i in 0..10_000 {
        let ending: &[u8] = [&b"\n"[..], b"\r", b"\r\n"][i % 3];
        input.extend_from_slice(format!("id: {i}").as_bytes());
        input.extend_from_slice(ending);
        input.extend_from_slice(format!("data: {{\"n\":{i},\"text\":\"chunk\"}}").as_bytes());
        input.extend_from_slice(ending);
        input.extend_from_slice(ending);
    }
    input
}

fn assert_linear(input: &[u8], chunks: Vec<&[u8]>, events: usize, how: &str) {
    let mut parser = SseParser::new();
    let got = run(&mut parser, chunks);
    assert_eq!(got.items.len(), events, "{how}");
    let limit = 2 * input.len() as u64 + 64;
    assert!(parser.bytes_scanned() <= limit, "{how}: scanned {} > {limit}", parser.bytes_scanned());
    assert!(parser.bytes_scanned() >= input.len() as u64, "{how}: every byte is examined");
}

#[test]
fn ten_thousand_events_are_scanned_once_for_any_chunking() {
    let input = many_events();
    assert_linear(&input, vec![&input], 10_000, "whole");
    assert_linear(&input, input.chunks(1).collect(), 10_000, "1-byte chunks");
    for seed in [1, 7, 42] {
        assert_linear(&input, random_chunks(&input, seed, 200), 10_000, "random chunks");
    }
}

#[test]
fn a_one_mebibyte_line_is_scanned_once() {
    let mut input = b"data: ".to_vec();
    input.resize(1024 * 1024, b'z');
    input.extend_from_slice(b"\n\n");
    let (prefix, rest) = input.split_at(64 * 1024);
    let mut small: Vec<&[u8]> = prefix.chunks(1).collect();
    small.push(rest);
    assert_linear(&input, small, 1, "1-byte chunks for a prefix");
    assert_linear(&input, input.chunks(64).collect(), 1, "64-byte chunks");
    let mut parser = SseParser::new();
    let got = run(&mut parser, input.chunks(64));
    assert!(matches!(&got.items[0], Item::Event { data, .. } if data.len() == 1024 * 1024 - 6));
}

#[test]
fn an_oversized_line_fed_bytewise_errors_once() {
    let mut input = b"data: ".to_vec();
    input.resize(100_000, b'q');
    input.extend_from_slice(b"\r\n\r\ndata: after\r\n\r\n");
    let mut parser = SseParser::with_max_event_size(1000);
    let got = run(&mut parser, input.chunks(1));
    assert_eq!(
        got.items,
        vec![
            Item::Error(StreamError::EventTooLarge { limit: 1000 }),
            Item::Event {
                event: "message".into(),
                data: "after".into(),
                id: String::new(),
                retry: None
            },
        ]
    );
    assert!(parser.bytes_scanned() <= 2 * input.len() as u64 + 64);
}

/// Bytes of a data line (no CR or LF): text of 1- to 4-byte characters with, sometimes,
/// a broken sequence (a cut character, a lone continuation byte, an overlong form, a
/// surrogate, a code point past U+10FFFF, a byte UTF-8 never uses).
fn data_line() -> impl Strategy<Value = Vec<u8>> {
    let broken: Vec<&'static [u8]> = vec![
        b"\xC3",
        b"\xE2\x9C",
        b"\xF0\x9F\x98",
        b"\x80",
        b"\xBF\xBF",
        b"\xC0\xAF",
        b"\xE0\x80\xAF",
        b"\xED\xA0\x80",
        b"\xF4\x90\x80\x80",
        b"\xFF",
        b"\xF8\x88\x80\x80\x80",
    ];
    let piece = prop_oneof![
        16 => "[a-z0-9 {}\":,]{1,40}".prop_map(String::into_bytes),
        4 => "[\u{e9}\u{2713}\u{1F600}\u{10FFFF}\u{7FF}\u{800}\u{FFFF}]{1,6}"
            .prop_map(String::into_bytes),
        1 => proptest::sample::select(broken).prop_map(<[u8]>::to_vec),
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The SIMD validation (and its widening of the checked range to whole 64-byte blocks
    /// when bytes follow the line) gives `std::str::from_utf8`'s verdict at every length,
    /// whatever follows the event.
    #[test]
    fn a_data_line_is_text_exactly_when_std_says_so(
        line in data_line(),
        after in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let mut input = b"data: ".to_vec();
        input.extend_from_slice(&line);
        input.extend_from_slice(b"\n\n");
        input.extend_from_slice(&after);
        let want = match std::str::from_utf8(&line) {
            Ok(text) => Item::Event {
                event: "message".into(),
                data: text.into(),
                id: String::new(),
                retry: None,
            },
            Err(_) => Item::Error(StreamError::InvalidUtf8 { offset: 0 }),
        };
        let copied = run(&mut SseParser::new(), [&input[..]]);
        prop_assert_eq!(copied.items.first(), Some(&want));
        let reads = run_reads(&mut SseParser::new(), [&input[..]], Feeding::Bytes);
        prop_assert_eq!(reads.items.first(), Some(&want));
    }
}
