//! A streaming request answered with one JSON document instead of server-sent events: an
//! error envelope becomes an API error, a completion becomes one chunk, anything else a
//! typed error; never a silent empty stream.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod streams;

use naga_protocol::{
    ApiErrorKind, ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatStream, Error,
    StreamError,
};
use streams::{fixture_lines, fixture_names, run, run_whole, sse_body};

const COMPLETION: &str = r#"{"id":"c1","object":"chat.completion","created":7,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#;

/// Feeds `body` in pieces of `size` bytes.
fn pieces(body: &[u8], size: usize) -> Vec<Result<ChatCompletionChunk, Error>> {
    run(&mut ChatStream::new(), body.chunks(size))
}

#[test]
fn a_completion_body_is_one_chunk_that_accumulates_to_it() {
    let expected = ChatCompletion::from_json(COMPLETION).unwrap();
    for size in [1, 2, 7, 64, COMPLETION.len()] {
        let items = pieces(COMPLETION.as_bytes(), size);
        assert_eq!(items.len(), 1, "piece size {size}: {items:?}");
        let chunk = items[0].as_ref().unwrap();
        assert_eq!(chunk.choices[0].delta.tool_calls()[0].index, Some(0));
        assert_eq!(ChatAccumulator::accumulate(items).unwrap(), expected, "piece size {size}");
    }
}

#[test]
fn whitespace_before_the_document_is_skipped_even_in_its_own_read() {
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [b"\r\n \t".as_slice(), b"\n ", COMPLETION.as_bytes(), b"\n"]);
    assert_eq!(ChatAccumulator::accumulate(items).unwrap().text(), Some("Hello"));
    assert!(stream.is_done());
}

#[test]
fn every_recorded_stream_survives_being_sent_as_one_document() {
    for name in fixture_names() {
        let streamed =
            ChatAccumulator::accumulate(run_whole(&sse_body(&fixture_lines(&name), true))).unwrap();
        let document = serde_json::to_vec(&streamed).unwrap();
        let items = run_whole(&document);
        assert_eq!(items.len(), 1, "{name}");
        assert_eq!(ChatAccumulator::accumulate(items).unwrap(), streamed, "{name}");
    }
}

#[test]
fn an_error_envelope_body_is_an_api_error() {
    let body = br#"{"error":{"type":"rate_limit_exceeded","message":"slow down"}}"#;
    for size in [1, 5, body.len()] {
        let mut stream = ChatStream::new();
        let items = run(&mut stream, body.chunks(size));
        let [Err(Error::Api(api))] = items.as_slice() else { panic!("{items:?}") };
        assert_eq!((api.kind, api.message.as_str()), (ApiErrorKind::RateLimited, "slow down"));
        assert_eq!(api.status, None);
        assert!(stream.is_done());
    }
}

#[test]
fn other_json_is_a_typed_error_with_the_document() {
    let items = run_whole(br#"{"detail":"Not Found"}"#);
    let [Err(Error::Stream(StreamError::UnexpectedDocument { snippet }))] = items.as_slice() else {
        panic!("{items:?}")
    };
    assert_eq!(snippet, r#"{"detail":"Not Found"}"#);
}

#[test]
fn a_broken_document_is_a_decode_error() {
    let items = run_whole(br#"{"id":"c1","choices":[{"index":0,"#);
    let [Err(Error::Decode { what, .. })] = items.as_slice() else { panic!("{items:?}") };
    assert_eq!(*what, "chat completion");
}

#[test]
fn a_document_over_the_event_limit_fails_at_once_and_ends_the_stream() {
    let mut stream = ChatStream::with_max_event_size(64);
    stream.feed(COMPLETION.as_bytes());
    let item = stream.next_chunk();
    assert_eq!(item, Some(Err(Error::Stream(StreamError::EventTooLarge { limit: 64 }))));
    assert!(stream.is_done());
    stream.feed(b"more");
    stream.finish();
    assert_eq!(stream.next_chunk(), None);
}

/// A byte order mark at the body's very start (split across reads or not) is skipped before
/// the document, as before events; anywhere else it is not a mark.
#[test]
fn a_byte_order_mark_before_the_document_is_skipped() {
    let body = b"\xEF\xBB\xBF{\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}";
    for size in [1, 2, 3, 4, body.len()] {
        let items = pieces(body, size);
        let [Err(Error::Api(api))] = items.as_slice() else { panic!("size {size}: {items:?}") };
        assert_eq!(api.message, "boom");
    }
    let with_bom = [&b"\xEF\xBB\xBF\n"[..], COMPLETION.as_bytes()].concat();
    assert_eq!(ChatAccumulator::accumulate(run_whole(&with_bom)).unwrap().text(), Some("Hello"));
    let events = sse_body(
        &[r#"{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}"#],
        true,
    );
    let with_bom = [&b"\xEF\xBB\xBF"[..], &events].concat();
    for size in [1, 2, 4, with_bom.len()] {
        assert_eq!(
            ChatAccumulator::accumulate(pieces(&with_bom, size)).unwrap().text(),
            Some("Hi")
        );
    }
    // After whitespace the same bytes are no mark: the body is not a document.
    let late = [&b" \xEF\xBB\xBF"[..], COMPLETION.as_bytes()].concat();
    assert!(run_whole(&late).iter().all(Result::is_err), "a late mark is not skipped");
}

#[test]
fn an_event_stream_after_blank_reads_is_still_events() {
    let body = sse_body(
        &[r#"{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}"#],
        true,
    );
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [b"\n".as_slice(), b"\r\n", &body]);
    assert_eq!(ChatAccumulator::accumulate(items).unwrap().text(), Some("Hi"));
}

#[test]
fn a_blank_start_longer_than_the_event_limit_is_judged_with_what_follows_it() {
    // 13 bytes of spaces and tabs, then a line end, with an event limit of 8: read whole, the
    // body is a document at once; read a byte at a time, the blank line over the limit must
    // not come out as an oversize event before the `{` shows what the body is.
    let blank = b" \t \t         \n".as_slice();
    let document = [blank, COMPLETION.as_bytes()].concat();
    let events = [
        blank,
        &sse_body(
            &[r#"{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}"#],
            true,
        ),
    ]
    .concat();
    let only_blank = [blank, blank].concat();
    for body in [&document, &events, &only_blank] {
        let whole = run(&mut ChatStream::with_max_event_size(8), [body.as_slice()]);
        for size in [1, 2, 5, 13] {
            let split = run(&mut ChatStream::with_max_event_size(8), body.chunks(size));
            assert_eq!(split, whole, "pieces of {size} of {}", String::from_utf8_lossy(body));
        }
    }
    let whole = run(&mut ChatStream::with_max_event_size(1024), [document.as_slice()]);
    assert!(matches!(whole.as_slice(), [Ok(_)]), "{whole:?}");
}

#[test]
fn a_truncated_document_is_not_a_success() {
    let cut = &COMPLETION.as_bytes()[..COMPLETION.len() - 1];
    let items = run_whole(cut);
    assert!(matches!(items.as_slice(), [Err(Error::Decode { .. })]), "{items:?}");
}

#[test]
fn any_split_gives_the_same_items_as_the_whole_body() {
    let bodies: [&[u8]; 5] = [
        b"\xEF\xBB\xBF {\"detail\":\"Not Found\"}\n",
        b" \n {\"detail\":\"Not Found\"}\n",
        b"\r\n{\"id\":\"c1\",\"choices\":[{\"index\":0,",
        b"  {\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}",
        COMPLETION.as_bytes(),
    ];
    for body in bodies {
        let whole = run_whole(body);
        for cut in 0..=body.len() {
            let (head, tail) = body.split_at(cut);
            let split = run(&mut ChatStream::new(), [head, tail]);
            assert_eq!(split, whole, "cut at {cut} of {}", String::from_utf8_lossy(body));
        }
    }
}

#[test]
fn an_html_page_is_a_typed_error_showing_the_page() {
    let page = b"\n<!DOCTYPE html><html><body>Welcome to nginx!</body></html>";
    for size in [1, 3, page.len()] {
        let mut stream = ChatStream::new();
        let items = run(&mut stream, page.chunks(size));
        let [Err(Error::Stream(StreamError::UnexpectedDocument { snippet }))] = items.as_slice()
        else {
            panic!("{items:?}")
        };
        assert!(snippet.starts_with("<!DOCTYPE html>") && snippet.contains("nginx"), "{snippet}");
        assert!(stream.is_done());
    }
}

#[test]
fn debug_output_shows_a_document_s_length_not_its_bytes() {
    let mut stream = ChatStream::new();
    let big = format!("{{\"id\":\"{}\"", "x".repeat(100_000));
    stream.feed(big.as_bytes());
    let debug = format!("{stream:?}");
    assert!(debug.contains(&format!("document_bytes: {}", big.len())), "{debug}");
    assert!(debug.len() < 1_000, "{} bytes of Debug output", debug.len());
}

#[test]
fn a_json_array_body_is_a_typed_error_showing_it() {
    let body = br#"[{"error":{"code":503,"message":"The model is overloaded."}}]"#;
    let items = run_whole(body);
    let [Err(Error::Stream(StreamError::UnexpectedDocument { snippet }))] = items.as_slice() else {
        panic!("{items:?}")
    };
    assert!(snippet.contains("The model is overloaded."), "{snippet}");
}

/// A connection lost before the body's end: a document (even a whole one) is a cut body,
/// while events are judged by their own end, as at `finish`.
#[test]
fn a_lost_connection_cuts_a_document_and_leaves_events_to_their_end() {
    for part in [&COMPLETION[..40], COMPLETION] {
        let mut stream = ChatStream::new();
        stream.feed(part.as_bytes());
        stream.finish_early();
        let items: Vec<_> = std::iter::from_fn(|| stream.next_chunk()).collect();
        let cut = StreamError::Cut { bytes: part.len() as u64 };
        assert_eq!(items, [Err(Error::Stream(cut))], "{} bytes", part.len());
    }
    let last =
        r#"{"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}"#;
    let more = r#"{"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#;
    for (body, clean) in [(sse_body(&[last], false), true), (sse_body(&[more], false), false)] {
        let mut stream = ChatStream::new();
        stream.feed(&body);
        let mut items: Vec<_> = std::iter::from_fn(|| stream.next_chunk()).collect();
        stream.finish_early();
        items.extend(std::iter::from_fn(|| stream.next_chunk()));
        let truncated = items
            .iter()
            .any(|item| matches!(item, Err(Error::Stream(StreamError::Truncated { events: 1 }))));
        assert_eq!(truncated, !clean, "{items:?}");
    }
}
