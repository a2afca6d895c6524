//! The property the `mock_request` fuzz target asserts: the emulator's request validation
//! and answer code (`naga_mock::answer_chat`, the server's code path without I/O) answers
//! any body with a 400 error or a 200 answer that the SDK reads back without error, and a
//! streamed answer accumulates to the non-streaming completion of the same request.
//!
//! Also run by `crates/naga-mock/tests/fuzz_regressions.rs` on `fuzz/regressions/mock_request/`.

use http::{HeaderMap, StatusCode};
use naga_protocol::{
    ApiErrorKind, ChatAccumulator, ChatCompletion, ChatRequest, ChatStream, Error, parse_api_error,
    parse_response,
};
use serde_json::{Map, Value};

/// Target `mock_request`.
pub fn mock_request(data: &[u8]) {
    let answer = naga_mock::answer_chat(data);
    match (answer.status, answer.streaming) {
        (StatusCode::BAD_REQUEST, false) => check_rejection(&answer.body),
        (StatusCode::OK, false) => {
            let completion = read_completion(&answer.body);
            assert!(!completion.choices.is_empty(), "a completion without choices");
        }
        (StatusCode::OK, true) => {
            let streamed = read_stream(&answer.body);
            let Some((request, include_usage)) = without_stream(data) else { return };
            let plain = naga_mock::answer_chat(&request);
            assert_eq!((plain.status, plain.streaming), (StatusCode::OK, false), "same body");
            let mut expected = read_completion(&plain.body);
            if !include_usage {
                expected.usage = None;
            }
            // The accumulator's documented rule: text that never got a non-empty fragment
            // stays `None` (so a tool-only stream with `"content": ""` deltas equals its
            // `null`-content completion); an empty answer therefore reads as `None`.
            for choice in &mut expected.choices {
                if choice.message.content.as_deref() == Some("") {
                    choice.message.content = None;
                }
            }
            assert_eq!(streamed, expected, "stream and completion of one answer differ");
        }
        (status, streaming) => panic!("answered {status} (streaming: {streaming})"),
    }
}

/// A 400 is Naga's error JSON with type `invalid_request_error` and a message.
fn check_rejection(body: &[u8]) {
    let err = parse_api_error(Some(StatusCode::BAD_REQUEST), &HeaderMap::new(), body);
    let Error::Api(api) = &err else { panic!("not an API error: {err:?}") };
    assert_eq!(api.kind, ApiErrorKind::InvalidRequest);
    assert_eq!(api.error_type.as_deref(), Some("invalid_request_error"));
    assert!(!api.message.is_empty());
}

fn read_completion(body: &[u8]) -> ChatCompletion {
    match parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), body) {
        Ok(completion) => completion,
        Err(err) => panic!("the SDK cannot read the mock's completion: {err}"),
    }
}

/// Decodes the SSE body with the SDK and accumulates it; any error fails.
fn read_stream(body: &[u8]) -> ChatCompletion {
    let mut stream = ChatStream::new();
    stream.feed(body);
    stream.finish();
    match ChatAccumulator::accumulate(std::iter::from_fn(|| stream.next_chunk())) {
        Ok(completion) => completion,
        Err(err) => panic!("the SDK cannot read the mock's stream: {err}"),
    }
}

/// The request (valid JSON object, as it was accepted) without `stream`/`stream_options`,
/// and whether the usage trailer was asked for. `None` when re-encoding changes what the
/// emulator reads: its answer is seeded by the text of the parsed `messages`. (A number such
/// as `3333333333333333333333333333333333333330` once did not survive it; the workspace now
/// reads floats correctly rounded, and this stays a guard.)
fn without_stream(data: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mut request: Map<String, Value> = serde_json::from_slice(data).ok()?;
    request.remove("stream");
    let options = request.remove("stream_options");
    let include_usage = options.and_then(|o| o.get("include_usage")?.as_bool()).unwrap_or(false);
    let bytes = serde_json::to_vec(&request).ok()?;
    let reread: Map<String, Value> = serde_json::from_slice(&bytes).ok()?;
    (reread == request).then_some((bytes, include_usage))
}
