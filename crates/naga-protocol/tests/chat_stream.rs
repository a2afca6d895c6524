//! `ChatStream` termination and recovery rules: `[DONE]`, end of body, error frames, broken
//! frames.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod streams;

use naga_protocol::{
    ApiErrorKind, ChatAccumulator, ChatCompletionChunk, ChatRequest, ChatStream, Error, Message,
    StreamDecoder, StreamError, StreamingOperation,
};
use streams::{run, run_whole, sse_body};

const CONTENT: &str =
    r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#;
const CONTENT2: &str =
    r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"lo"}}]}"#;
const FINISH: &str =
    r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#;
const TRAILER: &str = r#"{"id":"c1","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#;

fn texts(items: &[Result<ChatCompletionChunk, Error>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(chunk) => chunk.choices.iter().filter_map(|c| c.delta.text()).collect(),
            Err(err) => format!("ERR {err}"),
        })
        .collect()
}

#[test]
fn done_ends_the_stream_cleanly() {
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT], true).as_slice()]);
    assert_eq!(texts(&items), ["Hel"]);
    assert!(stream.is_done());
    assert_eq!(stream.events_seen(), 2);
}

#[test]
fn eof_after_a_finish_chunk_is_clean() {
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT, FINISH], false).as_slice()]);
    assert_eq!(texts(&items), ["Hel", ""]);
    assert!(items.iter().all(Result::is_ok));
    assert!(stream.is_done());
}

#[test]
fn eof_after_a_usage_trailer_is_clean() {
    let items = run_whole(&sse_body(&[CONTENT, CONTENT2, TRAILER], false));
    assert!(items.iter().all(Result::is_ok));
    let completion = ChatAccumulator::accumulate(items).unwrap();
    assert_eq!(completion.text(), Some("Hello"));
    assert_eq!(completion.usage.unwrap().total_tokens, 5);
}

#[test]
fn usage_on_every_chunk_does_not_end_the_stream() {
    // vLLM's continuous usage stats: running totals on content chunks are not the trailer.
    let running = |content: &str, tokens: u32| {
        format!(
            r#"{{"id":"c1","model":"m","choices":[{{"index":0,"delta":{{"content":"{content}"}}}}],"usage":{{"prompt_tokens":3,"completion_tokens":{tokens},"total_tokens":{}}}}}"#,
            3 + tokens
        )
    };
    let (one, two) = (running("Hel", 1), running("lo", 2));
    let items = run_whole(&sse_body(&[&one, &two], false));
    assert_eq!(
        texts(&items),
        [
            "Hel",
            "lo",
            "ERR stream ended early after 2 events: without a terminal event after an answer, or partway through an event"
        ]
    );
    let items = run_whole(&sse_body(&[&one, &two, FINISH], false));
    assert!(items.iter().all(Result::is_ok), "{items:?}");
}

#[test]
fn a_surrogate_pair_split_across_chunks_costs_two_characters_not_the_answer() {
    // A provider cut the stream between the halves of 😀: each half reads as U+FFFD.
    let half = |text: &str| {
        format!(
            r#"{{"id":"c1","model":"m","choices":[{{"index":0,"delta":{{"content":"{text}"}}}}]}}"#
        )
    };
    let (high, low) = (half(r"hi \ud83d"), half(r"\ude00 there"));
    let items = run_whole(&sse_body(&[&high, &low, FINISH], false));
    let completion = ChatAccumulator::accumulate(items).unwrap();
    assert_eq!(completion.text(), Some("hi \u{FFFD}\u{FFFD} there"));
    let whole = r#"{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"A\ud800B \ud83d\ude00"}}]}"#;
    let answer = naga_protocol::parse_response::<ChatRequest>(
        http::StatusCode::OK,
        &http::HeaderMap::new(),
        whole.as_bytes(),
    )
    .unwrap();
    assert_eq!(answer.text(), Some("A\u{FFFD}B 😀"));
}

#[test]
fn eof_mid_stream_is_one_truncation_error_and_keeps_the_partial_text() {
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT, CONTENT2], false).as_slice()]);
    assert_eq!(items.len(), 3);
    assert_eq!(items[2], Err(Error::Stream(StreamError::Truncated { events: 2 })));
    assert_eq!(stream.next_chunk(), None);
    assert!(stream.is_done());
    let mut acc = ChatAccumulator::new();
    for item in items.iter().take(2) {
        acc.push(item.as_ref().unwrap());
    }
    assert_eq!(acc.snapshot().text(), Some("Hello"));
    let failed = ChatAccumulator::accumulate(items).unwrap_err();
    assert_eq!(failed.partial.text(), Some("Hello"));
    assert_eq!(
        failed.to_string(),
        "stream ended early after 2 events: without a terminal event after an answer, or partway through an event"
    );
}

#[test]
fn eof_inside_an_event_is_truncation() {
    let mut body = sse_body(&[CONTENT], false);
    body.extend_from_slice(br#"data: {"choices":[{"index":0,"delta":{"content":"lo"#);
    let items = run_whole(&body);
    assert_eq!(
        texts(&items),
        [
            "Hel",
            "ERR stream ended early after 1 event: without a terminal event after an answer, or partway through an event"
        ]
    );
}

#[test]
fn an_event_cut_after_the_finish_chunk_is_still_truncation() {
    // The cut event may be the usage trailer: its loss is reported, not hidden.
    let mut body = sse_body(&[CONTENT, FINISH], false);
    body.extend_from_slice(b"data: {\"choices\":[],\"usage\":{\"prompt_");
    let items = run_whole(&body);
    assert_eq!(items.len(), 3);
    assert_eq!(items[2], Err(Error::Stream(StreamError::Truncated { events: 2 })));
    // The message does not claim the finish chunk was missing.
    let shown = items[2].as_ref().unwrap_err().to_string();
    assert_eq!(
        shown,
        "stream ended early after 2 events: without a terminal event after an answer, or partway through an event"
    );
}

#[test]
fn done_before_any_chunk_is_truncation_not_an_empty_answer() {
    for body in [&b"data: [DONE]\n\n"[..], b": keep-alive\n\ndata:\n\ndata: [DONE]\n\ndata: {}\n\n"]
    {
        let mut stream = ChatStream::new();
        let items = run(&mut stream, [body]);
        let events = if body.len() > 20 { 2 } else { 1 };
        assert_eq!(texts(&items), [format!("ERR {}", StreamError::Truncated { events })]);
        assert!(matches!(items[0], Err(Error::Stream(StreamError::Truncated { .. }))));
        assert!(stream.is_done());
        let accumulated = ChatAccumulator::accumulate(items);
        assert!(accumulated.is_err(), "{accumulated:?}");
    }
    // A chunk that failed to decode was an answer: `[DONE]` after it ends the stream.
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [&b"data: {\"choices\":7}\n\ndata: [DONE]\n\n"[..]]);
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], Err(Error::Decode { .. })), "{items:?}");
}

#[test]
fn a_done_line_without_its_blank_line_still_ends_the_stream() {
    // What every other client takes: `[DONE]` written without its blank line, or even its
    // line end, before the body ends. Fed whole and byte by byte.
    // Whitespace around the marker is trimmed, as in a whole event.
    let ends: [&[u8]; 8] = [
        b"data: [DONE]\n",
        b"data: [DONE]",
        b"data: [DONE]\r\n",
        b"data:[DONE]\r",
        b"data: [DONE]\n\n",
        b"data: [DONE] ",
        b"data:  [DONE]\t\n",
        b"data: [DONE] \r\n",
    ];
    for end in ends {
        for with_finish in [true, false] {
            let lines: &[&str] =
                if with_finish { &[CONTENT, CONTENT2, FINISH] } else { &[CONTENT, CONTENT2] };
            let mut body = sse_body(lines, false);
            body.extend_from_slice(end);
            let whole = run_whole(&body);
            let case = format!("{:?}, finish: {with_finish}", String::from_utf8_lossy(end));
            assert!(whole.iter().all(Result::is_ok), "{case}: {whole:?}");
            let mut stream = ChatStream::new();
            let split = run(&mut stream, body.chunks(1));
            assert_eq!(split, whole, "{case}");
            assert!(stream.is_done(), "{case}");
            assert_eq!(stream.events_seen(), lines.len() + 1, "{case}");
            let completion = ChatAccumulator::accumulate(whole).unwrap();
            assert_eq!(completion.text(), Some("Hello"), "{case}");
        }
    }
    // Before any answer it ends nothing cleanly, as a whole `[DONE]` event does not.
    let items = run_whole(b"data: [DONE]\n");
    assert_eq!(items, [Err(Error::Stream(StreamError::Truncated { events: 1 }))]);
    // A line that only starts like it, or more after it, is a cut event as before.
    for end in [
        &b"data: [DONE"[..],
        b"data: [DONE]\nid: 4",
        b"data: [DONE]\ndata: x\n",
        b"event: error\ndata: [DONE]\n",
    ] {
        let mut body = sse_body(&[CONTENT], false);
        body.extend_from_slice(end);
        let items = run_whole(&body);
        let last = items.last().unwrap();
        assert!(
            matches!(last, Err(Error::Stream(StreamError::Truncated { .. }))),
            "{end:?}: {items:?}"
        );
    }
}

#[test]
fn an_empty_body_is_truncation() {
    let items = run_whole(b"");
    assert_eq!(items, [Err(Error::Stream(StreamError::Truncated { events: 0 }))]);
}

#[test]
fn an_error_frame_becomes_an_api_error_and_ends_the_stream() {
    let frame = r#"{"error":{"type":"server_error","message":"Upstream provider failed"}}"#;
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT, frame, CONTENT2, FINISH], false).as_slice()]);
    assert_eq!(items.len(), 2);
    let err = items[1].as_ref().unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.message, "Upstream provider failed");
    assert_eq!(api.error_type.as_deref(), Some("server_error"));
    assert_eq!(err.status(), None);
    assert_eq!(err.to_string(), "API error in stream (server_error): Upstream provider failed");
    assert!(stream.is_done());
    stream.feed(b"data: [DONE]\n\n");
    assert_eq!(stream.next_chunk(), None);
    let failed = ChatAccumulator::accumulate(items).unwrap_err();
    assert_eq!(failed.partial.text(), Some("Hel"));
}

#[test]
fn an_error_event_fails_the_stream_whatever_its_data() {
    // The event type says it: data that is not Naga's envelope is not a chunk to hand on.
    for (data, message) in [
        (r#"{"message":"overloaded","code":529}"#, "overloaded"),
        (r#"{"error":{"type":"server_error","message":"down"}}"#, "down"),
        ("upstream went away", "upstream went away"),
    ] {
        let mut body = sse_body(&[CONTENT], false);
        body.extend_from_slice(format!("event: error\ndata: {data}\n\n").as_bytes());
        body.extend_from_slice(&sse_body(&[CONTENT2, FINISH], false));
        let items = run_whole(&body);
        assert_eq!(items.len(), 2, "{data}: {items:?}");
        let api = items[1].as_ref().unwrap_err().api().unwrap();
        assert_eq!(api.message, message, "{data}");
        assert_eq!(api.status, None);
    }
}

#[test]
fn error_frames_with_other_fields_are_still_errors() {
    for frame in [
        r#"{"id":"x","choices":[],"error":{"type":"rate_limit_exceeded","message":"slow"}}"#,
        r#"{"choices":"not a list","error":{"type":"rate_limit_exceeded","message":"slow"}}"#,
    ] {
        let items = run_whole(&sse_body(&[frame, CONTENT], false));
        assert_eq!(items.len(), 1, "{frame}");
        assert_eq!(items[0].as_ref().unwrap_err().api_kind(), Some(ApiErrorKind::RateLimited));
    }
}

#[test]
fn a_bare_string_error_is_an_error_frame() {
    let items = run_whole(&sse_body(&[CONTENT, r#"{"error":"upstream timed out"}"#], false));
    assert_eq!(items.len(), 2);
    let api = items[1].as_ref().unwrap_err().api().unwrap();
    assert_eq!((api.status, api.kind), (None, ApiErrorKind::Other));
    assert!(api.message.contains("upstream timed out"), "{}", api.message);
}

#[test]
fn a_null_or_empty_error_field_is_not_an_error_frame() {
    for error in ["null", "{}", r#""""#, r#"" ""#] {
        let frame = format!(
            r#"{{"error":{error},"choices":[{{"index":0,"delta":{{"content":"Hel"}},"finish_reason":"stop"}}]}}"#
        );
        assert_eq!(texts(&run_whole(&sse_body(&[frame], false))), ["Hel"], "{error}");
    }
}

#[test]
fn a_malformed_frame_is_a_decode_error_and_the_stream_goes_on() {
    let items = run_whole(&sse_body(&[CONTENT, "{not json", CONTENT2, FINISH], false));
    assert_eq!(items.len(), 4);
    assert!(matches!(
        &items[1],
        Err(Error::Decode { what: "chat completion chunk", offset: 1, .. })
    ));
    assert_eq!(texts(&items)[2..], ["lo", ""]);
}

#[test]
fn an_invalid_utf8_frame_is_a_stream_error_and_the_stream_goes_on() {
    let mut body = sse_body(&[CONTENT], false);
    let offset = body.len() as u64;
    body.extend_from_slice(b"data: {\"x\":\"\xff\xfe\"}\n\n");
    body.extend_from_slice(&sse_body(&[CONTENT2, FINISH], false));
    let items = run_whole(&body);
    assert_eq!(items[1], Err(Error::Stream(StreamError::InvalidUtf8 { offset })));
    assert_eq!(texts(&items), ["Hel", texts(&items)[1].as_str(), "lo", ""]);
    assert_eq!(items.len(), 4);
}

#[test]
fn an_oversized_event_is_reported_and_the_stream_recovers() {
    let big =
        format!(r#"{{"choices":[{{"index":0,"delta":{{"content":"{}"}}}}]}}"#, "x".repeat(500));
    let mut stream = ChatStream::with_max_event_size(256);
    let items =
        run(&mut stream, [sse_body(&[CONTENT, big.as_str(), CONTENT2, FINISH], false).as_slice()]);
    assert_eq!(items.len(), 4);
    assert_eq!(items[1], Err(Error::Stream(StreamError::EventTooLarge { limit: 256 })));
    assert_eq!(texts(&items)[2..], ["lo", ""]);
}

#[test]
fn bytes_after_done_are_ignored() {
    let mut stream = ChatStream::new();
    let mut body = sse_body(&[CONTENT], true);
    body.extend_from_slice(b"data: {broken\n\ndata: cut mid-ev");
    let items = run(&mut stream, [body.as_slice()]);
    assert_eq!(texts(&items), ["Hel"]);
    stream.feed(b"data: more\n\n");
    assert_eq!(stream.next_chunk(), None);
    assert!(stream.is_done());
}

#[test]
fn comments_and_empty_data_events_are_skipped() {
    let mut body = b": keep-alive\n\ndata:\n\ndata: \n\n".to_vec();
    body.extend_from_slice(&sse_body(&[CONTENT, FINISH], false));
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [body.as_slice()]);
    assert_eq!(texts(&items), ["Hel", ""]);
    assert_eq!(stream.events_seen(), 4, "two empty data events, two chunks");
}

#[test]
fn data_without_a_space_and_crlf_framing_decode() {
    let body = format!("data:{CONTENT}\r\n\r\ndata:{FINISH}\r\n\r\n");
    assert_eq!(texts(&run_whole(body.as_bytes())), ["Hel", ""]);
}

#[test]
fn an_empty_finish_reason_is_no_finish() {
    // Some servers send `"finish_reason": ""` on every chunk: a cut there is still a cut.
    let empty = r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":""}]}"#;
    let items = run_whole(&sse_body(&[empty], false));
    assert_eq!(
        texts(&items),
        [
            "Hel",
            "ERR stream ended early after 1 event: without a terminal event after an answer, or partway through an event"
        ]
    );
    // Nor does it overwrite a real one in the accumulated completion.
    let trailer = r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":""}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
    let items = run_whole(&sse_body(&[empty, FINISH, trailer], false));
    let completion = ChatAccumulator::accumulate(items).unwrap();
    assert_eq!(completion.finish_reason().map(|reason| reason.as_str()), Some("stop"));
}

#[test]
fn whitespace_around_frames_is_ignored() {
    // Only a frame that opens with `{` skips the trim: these take the other way.
    let error = r#"{"error":{"type":"server_error","message":"boom"}}"#;
    let body = format!(
        "data:  {CONTENT}\n\ndata: \t{FINISH} \n\ndata:   \n\ndata:  [DONE]\t\n\ndata: x\n\n"
    );
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [body.as_bytes()]);
    assert_eq!(texts(&items), ["Hel", ""]);
    assert!(stream.is_done(), "a padded [DONE] still ends the stream");
    assert_eq!(stream.events_seen(), 4, "two chunks, an empty event, [DONE]; nothing after it");

    let mut stream = ChatStream::new();
    let items = run(&mut stream, [format!("data: \ndata: {error}\n\n").as_bytes()]);
    assert!(matches!(items.as_slice(), [Err(Error::Api(_))]), "{items:?}");
    assert!(stream.is_done());
}

#[test]
fn chat_request_streams_through_the_generic_decoder() {
    fn drive<D: StreamDecoder>(mut decoder: D, body: &[u8]) -> Vec<Result<D::Item, Error>> {
        decoder.feed(body);
        let mut items: Vec<_> = std::iter::from_fn(|| decoder.next_item()).collect();
        decoder.finish();
        items.extend(std::iter::from_fn(|| decoder.next_item()));
        assert!(decoder.is_done());
        items
    }
    let request = ChatRequest::new("m", [Message::user("hi")]).stream(true);
    let items = drive(request.decoder(), &sse_body(&[CONTENT, CONTENT2, FINISH], true));
    assert_eq!(ChatAccumulator::accumulate(items).unwrap().text(), Some("Hello"));
    let cut = drive(request.decoder(), &sse_body(&[CONTENT], false));
    assert_eq!(cut.last(), Some(&Err(Error::Stream(StreamError::Truncated { events: 1 }))));
}

/// With the usage trailer asked for, a connection lost after the finish chunk but before
/// the trailer is a truncation (the usage is gone), whether the finish chunk was taken
/// before the loss or is still buffered; a clean end there, the trailer or `[DONE]` end the
/// stream cleanly, and without the trailer asked for the finish chunk does.
#[test]
fn a_connection_lost_before_an_asked_for_usage_trailer_is_a_truncation() {
    let cases: [(bool, &[&str], bool, bool, bool); 6] = [
        // (trailer asked for, events, `[DONE]`, connection lost, truncated)
        (true, &[CONTENT, FINISH], false, true, true),
        (true, &[CONTENT, FINISH], false, false, false),
        (true, &[CONTENT, FINISH, TRAILER], false, true, false),
        (true, &[CONTENT, FINISH], true, true, false),
        (false, &[CONTENT, FINISH], false, true, false),
        (true, &[CONTENT], false, false, true),
    ];
    for (asked, events, done, lost, truncated) in cases {
        for drained_before_the_end in [true, false] {
            let case = format!("{asked} {} {done} {lost} {drained_before_the_end}", events.len());
            let mut stream = ChatStream::new().expect_usage(asked);
            stream.feed(&sse_body(events, done));
            let mut items = Vec::new();
            if drained_before_the_end {
                items.extend(std::iter::from_fn(|| stream.next_chunk()));
            }
            if lost {
                stream.finish_early();
            } else {
                stream.finish();
            }
            items.extend(std::iter::from_fn(|| stream.next_chunk()));
            let chunks = items.iter().filter(|item| item.is_ok()).count();
            assert_eq!(chunks, events.len(), "{case}: {items:?}");
            let cut = Err(Error::Stream(StreamError::Truncated { events: events.len() }));
            assert_eq!(items.last() == Some(&cut), truncated, "{case}: {items:?}");
            assert_eq!(items.len(), events.len() + usize::from(truncated), "{case}: {items:?}");
            assert!(stream.is_done(), "{case}");
        }
    }
}

/// `ChatRequest`'s decoder expects the usage trailer exactly when the request asks for it.
#[test]
fn the_request_tells_its_decoder_whether_the_usage_trailer_comes() {
    let request = ChatRequest::new("m", [Message::user("hi")]).stream(true);
    for (request, truncated) in [(request.clone().stream_with_usage(), true), (request, false)] {
        let mut decoder = request.decoder_with_max_event_size(1024);
        decoder.feed(&sse_body(&[CONTENT, FINISH], false));
        decoder.finish_early();
        let items: Vec<_> = std::iter::from_fn(|| decoder.next_item()).collect();
        let cut = Err(Error::Stream(StreamError::Truncated { events: 2 }));
        assert_eq!(items.last() == Some(&cut), truncated, "{items:?}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// A body mixing every kind of frame: chunks, a malformed frame, invalid UTF-8, a
    /// comment, an empty event, an oversized event, then `[DONE]` and bytes after it.
    fn mixed_body() -> Vec<u8> {
        let mut body = b": hi\r\n\r\n".to_vec();
        body.extend_from_slice(&sse_body(&[CONTENT, "{nope", CONTENT2], false));
        body.extend_from_slice(b"data: \xff\n\ndata:\n\n");
        body.extend_from_slice(format!("data: {}\n\n", "y".repeat(300)).as_bytes());
        body.extend_from_slice(&sse_body(&[FINISH], true));
        body.extend_from_slice(b"data: ignored\n\n");
        body
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_same_items(cuts in proptest::collection::vec(0usize..700, 0..40)) {
            let body = mixed_body();
            let whole = run(&mut ChatStream::with_max_event_size(256), [body.as_slice()]);
            let mut sorted = cuts;
            sorted.sort_unstable();
            let mut pieces = Vec::new();
            let mut start = 0;
            for cut in sorted.into_iter().map(|cut| cut.min(body.len())) {
                pieces.push(&body[start..cut]);
                start = cut;
            }
            pieces.push(&body[start..]);
            let split = run(&mut ChatStream::with_max_event_size(256), pieces);
            prop_assert_eq!(split, whole);
        }
    }

    #[test]
    fn the_mixed_body_yields_what_it_holds() {
        let items = run(&mut ChatStream::with_max_event_size(256), [mixed_body().as_slice()]);
        let kinds: Vec<&str> = items
            .iter()
            .map(|item| match item {
                Ok(_) => "chunk",
                Err(Error::Decode { .. }) => "decode",
                Err(Error::Stream(StreamError::InvalidUtf8 { .. })) => "utf8",
                Err(Error::Stream(StreamError::EventTooLarge { .. })) => "too large",
                Err(_) => "other",
            })
            .collect();
        assert_eq!(kinds, ["chunk", "decode", "chunk", "utf8", "too large", "chunk"]);
    }
}

/// A chunk of choice `index` with `delta` and `finish` as `finish_reason` (JSON text).
fn choice_chunk(index: u64, delta: &str, finish: &str) -> String {
    format!(
        r#"{{"id":"c1","model":"m","choices":[{{"index":{index},"delta":{delta},"finish_reason":{finish}}}]}}"#
    )
}

const BOTH: &str = r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"A"}},{"index":1,"delta":{"content":"B"}}]}"#;

/// Whether a body ends as a truncation, through `next_chunk`, `next_chunk_into` and
/// `decode_output` alike.
fn is_cut(body: &[u8]) -> bool {
    let items = run_whole(body);
    let cut = matches!(items.last(), Some(Err(Error::Stream(StreamError::Truncated { .. }))));
    let others = items.iter().rev().skip(1).all(Result::is_ok);
    assert!(others, "{items:?}");
    let mut stream = ChatStream::new();
    stream.feed(body);
    stream.finish();
    let mut chunk = ChatCompletionChunk::default();
    let mut into = Vec::new();
    while let Some(item) = stream.next_chunk_into(&mut chunk) {
        into.push(item.map(|()| chunk.clone()));
    }
    assert_eq!(into, items, "next_chunk_into agrees with next_chunk");
    let decoded = <ChatRequest as naga_protocol::Operation>::decode_output(body);
    assert_eq!(
        matches!(decoded, Err(Error::Stream(StreamError::Truncated { .. }))),
        cut,
        "{decoded:?}"
    );
    cut
}

#[test]
fn a_stream_cut_while_another_choice_streams_is_truncation() {
    // n = 2: choice 0 finished, choice 1 was still streaming when the body ended.
    let finish0 = choice_chunk(0, "{}", r#""stop""#);
    let more1 = choice_chunk(1, r#"{"content":"more"}"#, "null");
    let body = sse_body(&[BOTH, &finish0, &more1], false);
    let items = run_whole(&body);
    assert_eq!(
        texts(&items),
        [
            "AB",
            "",
            "more",
            "ERR stream ended early after 3 events: without a terminal event after an answer, or partway through an event"
        ]
    );
    let failed = ChatAccumulator::accumulate(items).unwrap_err();
    assert_eq!(failed.error, Error::Stream(StreamError::Truncated { events: 3 }));
    let reasons: Vec<_> = failed.partial.choices.iter().map(|c| c.finish_reason.clone()).collect();
    assert_eq!(reasons, [Some(naga_protocol::FinishReason::Stop), None]);
    assert!(is_cut(&body));
    // Cut right after choice 0's finish, too.
    assert!(is_cut(&sse_body(&[BOTH, &finish0], false)));
}

#[test]
fn a_stream_ends_cleanly_once_every_choice_finished() {
    let finish0 = choice_chunk(0, "{}", r#""stop""#);
    let finish1 = choice_chunk(1, r#"{"content":"!"}"#, r#""length""#);
    let late0 = choice_chunk(0, r#"{"content":""}"#, "null");
    let body = sse_body(&[BOTH, &finish0, &finish1], false);
    assert!(!is_cut(&body));
    let completion = ChatAccumulator::accumulate(run_whole(&body)).unwrap();
    let reasons: Vec<_> =
        completion.choices.iter().map(|c| c.finish_reason.as_ref().unwrap().as_str()).collect();
    assert_eq!(reasons, ["stop", "length"]);
    // In either order, in one chunk, and a late chunk of a finished choice reopens nothing.
    assert!(!is_cut(&sse_body(&[BOTH, &finish1, &late0, &finish0, &late0], false)));
    let together = r#"{"choices":[{"index":1,"delta":{},"finish_reason":"stop"},{"index":0,"delta":{},"finish_reason":"stop"}]}"#;
    assert!(!is_cut(&sse_body(&[BOTH, together], false)));
    // A choice that opens after the others finished must finish too.
    let late2 = choice_chunk(2, r#"{"content":"C"}"#, "null");
    assert!(is_cut(&sse_body(&[BOTH, together, &late2], false)));
    // The usage trailer and `[DONE]` end the stream whatever the choices say.
    assert!(!is_cut(&sse_body(&[BOTH, &finish0, TRAILER], false)));
    assert!(!is_cut(&sse_body(&[BOTH, &finish0], true)));
    // Usage on a chunk with choices is no trailer.
    let running = r#"{"choices":[{"index":1,"delta":{"content":"x"}}],"usage":{"total_tokens":3}}"#;
    assert!(is_cut(&sse_body(&[BOTH, &finish0, running], false)));
}

#[test]
fn huge_choice_indices_neither_panic_nor_end_the_stream() {
    // Indices past what the open-choice bit set tells apart (128) and up to u32::MAX.
    for index in [127, 128, 1_000, u64::from(u32::MAX)] {
        let open = choice_chunk(index, r#"{"content":"x"}"#, "null");
        let finish = choice_chunk(index, "{}", r#""stop""#);
        let finish0 = choice_chunk(0, r#"{"content":"y"}"#, r#""stop""#);
        assert!(is_cut(&sse_body(&[&open, &finish0], false)), "{index}");
        assert!(!is_cut(&sse_body(&[&open, &finish0], true)), "{index}");
        assert!(!is_cut(&sse_body(&[&open, &finish0, TRAILER], false)), "{index}");
        // A choice that arrives finished never opened.
        assert!(!is_cut(&sse_body(&[&finish, &finish0], false)), "{index}");
        // Told apart below 128: its own finish closes it.
        assert_eq!(is_cut(&sse_body(&[&open, &finish0, &finish], false)), index >= 128, "{index}");
    }
}
