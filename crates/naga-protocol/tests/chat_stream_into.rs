//! `ChatStream::next_chunk_into`: the same items as `next_chunk`, with one chunk reused for
//! every stream shape (recorded provider streams, fields that come and go, errors, the
//! serde fallback, a document instead of events).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/checks.rs"]
mod checks;
mod streams;

use naga_protocol::{ChatCompletionChunk, Error, SseParser};
use streams::{fixture_lines, fixture_names, random_pieces, sse_body};

/// `next_chunk` over `pieces` (then `finish`) against `next_chunk_into` with one chunk,
/// starting from a default chunk and from one with every field set.
fn assert_same(pieces: &[&[u8]], what: &str) {
    let limit = SseParser::DEFAULT_MAX_EVENT_SIZE;
    let owned = checks::run_chat(limit, pieces).items;
    assert!(!owned.is_empty(), "{what}: no items");
    let busy = serde_json::from_str(BUSY).unwrap();
    for start in [ChatCompletionChunk::default(), busy] {
        let reused = checks::run_chat_into(limit, pieces, start);
        assert_eq!(reused.len(), owned.len(), "{what}: item count");
        for (i, (a, b)) in reused.iter().zip(&owned).enumerate() {
            assert_eq!(a, b, "{what}: item {i}");
        }
    }
}

/// A chunk with every field the fast path fills, set.
const BUSY: &str = r#"{"id":"busy","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":"text","reasoning_content":"why","refusal":"no","reasoning":"r","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}],"annotations":[],"x":1},"logprobs":null,"finish_reason":"stop","y":2},{"index":1,"delta":{"content":"second"}}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"z":3}"#;

#[test]
fn every_recorded_stream_gives_the_same_chunks_into_one_chunk() {
    let names = fixture_names();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let lines = fixture_lines(&name);
        for with_done in [true, false] {
            let body = sse_body(&lines, with_done);
            assert_same(&[&body], &format!("{name} whole"));
            assert_same(&random_pieces(&body, 7, 97), &format!("{name} in pieces"));
        }
    }
}

#[test]
fn fields_that_come_and_go_are_reset() {
    let frames = [
        BUSY,
        r#"{"id":"a","object":"chat.completion.chunk","created":2,"model":"m","choices":[{"index":0,"delta":{"content":"Hi \"there\"\nnext"}}]}"#,
        r#"{"id":"b","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}},{"index":1,"id":"call_2","function":{"name":"g","arguments":""}}]}}]}"#,
        r#"{"id":"c","choices":[]}"#,
        BUSY,
        r#"{"id":"d","choices":[{"index":0,"delta":{"content":null,"tool_calls":null},"finish_reason":null}],"usage":null}"#,
        // The serde fallback: typed content parts, a float count.
        r#"{"id":"e","created":1.5e0,"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"part"}]}}]}"#,
        r#"{"id":"f","choices":[{"index":0,"delta":{"content":"after the fallback"}}]}"#,
        // Not a chunk (a decode error), then an error frame, which ends the stream.
        r#"{"id":"h","choices":7}"#,
        r#"{"id":"g","choices":[{"index":0,"delta":{"content":"é 東京 😀"}}]}"#,
        r#"{"error":{"message":"overloaded","type":"server_error","code":"overloaded"}}"#,
        r#"{"id":"never","choices":[]}"#,
    ];
    let body = sse_body(&frames, true);
    assert_same(&[&body], "mixed whole");
    for max in [1, 5, 64] {
        assert_same(&random_pieces(&body, 11, max), &format!("mixed in pieces of 1..={max}"));
    }
    let owned = checks::run_chat(SseParser::DEFAULT_MAX_EVENT_SIZE, &[&body]).items;
    assert!(matches!(&owned[8], Err(Error::Decode { .. })), "{:?}", owned[8]);
    assert!(matches!(owned.last(), Some(Err(err)) if err.to_string().contains("overloaded")));
}

#[test]
fn a_document_instead_of_events_is_the_same_chunk() {
    let completion = r#"{"id":"cmpl","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}]}"#;
    let error = r#"{"error":{"message":"bad key","type":"invalid_request_error"}}"#;
    for body in [completion, error, "<html>gateway</html>"] {
        assert_same(&[body.as_bytes()], body);
    }
}
