//! Broken streams: error frames, dropped connections, stalls, oversized and undecodable
//! events. A started stream is never sent again.

// The cases run under two pairings, so their bodies sit in helpers rather than in tests.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use naga_conformance::{Failure, Items, Pairing, Setup, Transport, both};
use naga_mock::MockServer;
use naga_protocol::{
    ApiErrorKind, ChatCompletion, ChatRequest, FinishReason, Message, SseParser, TimeoutKind,
};

fn request() -> ChatRequest {
    let req = ChatRequest::new("gpt-4o-mini", [Message::user("Describe the Shinkansen.")]);
    req.stream_with_usage()
}

/// The streamed answer without faults, split into 8 content chunks.
fn expected(server: &MockServer) -> ChatCompletion {
    let setup = Setup::new(server.base_url()).header("x-mock-chunks", 8);
    let req = request();
    let runs = both(Some(server), &setup, "expected", |t: &dyn Transport| t.chat_stream(&req));
    runs.agreed().outcome.completion().clone()
}

fn partial_text(partial: Option<&ChatCompletion>) -> &str {
    partial.and_then(ChatCompletion::text).unwrap_or_default()
}

#[test]
fn error_frame_mid_stream_is_a_server_api_error_with_the_partial() {
    error_frame_case(Pairing::Transports);
}

#[test]
fn error_frame_mid_stream_over_http2_too() {
    error_frame_case(Pairing::Http1AndHttp2);
}

#[test]
fn error_frame_mid_stream_read_in_place_too() {
    error_frame_case(Pairing::ReadAheadAndInPlace);
}

fn error_frame_case(pairing: Pairing) {
    let server = MockServer::start_blocking();
    let full = expected(&server);
    let setup = Setup::new(server.base_url())
        .header("x-mock-chunks", 8)
        .header("x-mock-error-after-events", 3);
    let req = request();
    let runs = pairing.run(&server, &setup, "error-frame", |t| t.chat_stream(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1);
    let Failure::Api { kind, status, error_type, .. } = run.outcome.failure() else {
        panic!("expected an API error, got {:?}", run.outcome.failure());
    };
    assert_eq!(
        (*kind, *status, error_type.as_deref()),
        (ApiErrorKind::Server, None, Some("server_error"))
    );
    let partial = partial_text(run.outcome.partial.as_ref());
    assert!(!partial.is_empty() && full.text().unwrap().starts_with(partial), "{partial:?}");
    assert!(run.outcome.error_text.as_deref().unwrap().starts_with("API error in stream"));
}

#[test]
fn dropped_connection_is_truncation_and_never_resent() {
    dropped_case(Pairing::Transports);
}

/// Over HTTP/2 the emulator resets the stream (`RST_STREAM`) instead of closing.
#[test]
fn reset_http2_stream_is_truncation_and_never_resent() {
    dropped_case(Pairing::Http1AndHttp2);
}

#[test]
fn dropped_stream_read_in_place_is_truncation_and_never_resent() {
    dropped_case(Pairing::ReadAheadAndInPlace);
}

fn dropped_case(pairing: Pairing) {
    let server = MockServer::start_blocking();
    let full = expected(&server);
    let setup = Setup::new(server.base_url())
        .header("x-mock-chunks", 8)
        .header("x-mock-drop-after-events", 4);
    let req = request();
    let runs = pairing.run(&server, &setup, "drop", |t| t.chat_stream(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1, "the POST is sent exactly once");
    assert_eq!(run.outcome.failure(), &Failure::Truncated { events: 4 });
    let partial = partial_text(run.outcome.partial.as_ref());
    assert!(!partial.is_empty() && full.text().unwrap().starts_with(partial), "{partial:?}");
    assert_eq!(run.outcome.partial.as_ref().unwrap().id, full.id);
}

/// A connection dropped after the finish chunk but before the usage trailer the request
/// asked for is a truncation (the usage is lost), with the whole text as the partial and the
/// POST sent once; the same drop without the trailer asked for ends the stream cleanly.
#[test]
fn dropped_before_the_asked_for_usage_trailer_is_truncation() {
    let server = MockServer::start_blocking();
    let full = expected(&server);
    // A role chunk, 8 content chunks, the finish chunk; the usage trailer would be the 11th.
    let setup = Setup::new(server.base_url())
        .header("x-mock-chunks", 8)
        .header("x-mock-drop-after-events", 10);
    let req = request();
    let runs =
        both(Some(&server), &setup, "drop-before-usage", |t: &dyn Transport| t.chat_stream(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1, "the POST is sent exactly once");
    assert_eq!(run.outcome.failure(), &Failure::Truncated { events: 10 });
    assert_eq!(partial_text(run.outcome.partial.as_ref()), full.text().unwrap());

    let plain =
        ChatRequest::new("gpt-4o-mini", [Message::user("Describe the Shinkansen.")]).stream(true);
    let runs =
        both(Some(&server), &setup, "drop-after-finish", |t: &dyn Transport| t.chat_stream(&plain));
    let completion = runs.agreed().outcome.completion();
    assert_eq!(completion.text(), full.text());
    assert_eq!(completion.choices[0].finish_reason, full.choices[0].finish_reason);
    assert_eq!(completion.usage, None);
}

#[test]
fn stall_mid_stream_is_an_idle_timeout() {
    stall_case(Pairing::Transports);
}

#[test]
fn stall_mid_stream_over_http2_is_an_idle_timeout() {
    stall_case(Pairing::Http1AndHttp2);
}

#[test]
fn stall_mid_stream_read_in_place_is_an_idle_timeout() {
    stall_case(Pairing::ReadAheadAndInPlace);
}

fn stall_case(pairing: Pairing) {
    let server = MockServer::start_blocking();
    let idle = Duration::from_millis(300);
    let setup = Setup::new(server.base_url())
        .idle(idle)
        .header("x-mock-chunks", 8)
        .header("x-mock-stall-after-events", 3)
        .header("x-mock-stall-ms", 5000);
    let req = request();
    let runs = pairing.run(&server, &setup, "stall", |t| t.chat_stream(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1);
    assert_eq!(run.outcome.failure(), &Failure::Timeout(TimeoutKind::StreamIdle));
    assert!(!partial_text(run.outcome.partial.as_ref()).is_empty());
    for run in runs.each() {
        let elapsed = run.outcome.elapsed;
        assert!(
            elapsed >= idle && elapsed < idle + Duration::from_millis(500),
            "{}: {elapsed:?}",
            run.transport
        );
    }
}

#[test]
fn stall_before_headers_is_a_timeout_too() {
    let server = MockServer::start_blocking();
    let limit = Duration::from_millis(300);
    let setup = Setup::new(server.base_url())
        .idle(limit)
        .request_timeout(limit)
        .header("x-mock-stall-ms", 5000);
    let req = request();
    let stream = both(Some(&server), &setup, "stall-head-stream", |t| t.chat_stream(&req));
    let chat = both(Some(&server), &setup, "stall-head-chat", |t| t.chat(&req));
    for (runs, kind) in [(stream, TimeoutKind::StreamIdle), (chat, TimeoutKind::Request)] {
        let run = runs.agreed();
        assert_eq!(run.requests, 1, "{kind}: a timeout after sending is not retried");
        assert_eq!(run.outcome.failure(), &Failure::Timeout(kind));
        assert_eq!(run.outcome.partial, None);
        for run in runs.each() {
            let elapsed = run.outcome.elapsed;
            assert!(
                elapsed >= limit && elapsed < limit + Duration::from_millis(500),
                "{} {kind}: {elapsed:?}",
                run.transport
            );
        }
    }
}

/// Raw items of a stream with `fault` through both transports, agreed, and the same from
/// naga-async over HTTP/2 and from naga-async reading in place; events limited to
/// `max_event_size`.
fn items_with(
    server: &MockServer,
    case: &str,
    fault: (&str, usize),
    max_event_size: usize,
) -> Items {
    let setup = Setup::new(server.base_url())
        .header("x-mock-chunks", 8)
        .header(fault.0, fault.1)
        .max_event_size(max_event_size);
    let req = request();
    let runs = both(Some(server), &setup, case, |t| t.stream_items(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1, "{case}");
    assert_eq!(run.outcome.open_error, None, "{case}");
    for run in runs.each() {
        assert!(
            run.outcome.elapsed < Duration::from_secs(2),
            "{case} {}: stalled {:?}",
            run.transport,
            run.outcome.elapsed
        );
    }
    let case_h2 = format!("{case}-h2");
    let h2 = Pairing::Http1AndHttp2.run(server, &setup, &case_h2, |t| t.stream_items(&req));
    assert_eq!(h2.agreed().outcome, run.outcome, "{case}: the same items over HTTP/2");
    let case_in_place = format!("{case}-in-place");
    let read =
        Pairing::ReadAheadAndInPlace.run(server, &setup, &case_in_place, |t| t.stream_items(&req));
    assert_eq!(read.agreed().outcome, run.outcome, "{case}: the same items read in place");
    run.outcome.clone()
}

#[test]
fn oversized_event_is_rejected_and_the_stream_goes_on() {
    let server = MockServer::start_blocking();
    let full = expected(&server);
    let items = items_with(&server, "oversized", ("x-mock-oversized-event-bytes", 64 * 1024), 4096);
    assert_eq!(items.failures(), [&Failure::EventTooLarge { limit: 4096 }]);
    assert!(items.chunks_after_first_failure() >= 2, "{items:?}");
    let got = items.accumulated();
    // The padded event's text is lost; everything else arrives, usage trailer included.
    assert_eq!(
        (got.finish_reason(), &got.usage, &got.id),
        (Some(&FinishReason::Stop), &full.usage, &full.id)
    );
    let text = got.text().unwrap();
    assert!(
        text.len() < full.text().unwrap().len()
            && full.text().unwrap().ends_with(&text[text.len() - 10..])
    );
}

#[test]
fn oversized_event_under_the_default_limit_is_accepted() {
    let server = MockServer::start_blocking();
    let full = expected(&server);
    let items = items_with(
        &server,
        "oversized-ok",
        ("x-mock-oversized-event-bytes", 64 * 1024),
        SseParser::DEFAULT_MAX_EVENT_SIZE,
    );
    assert!(items.failures().is_empty(), "{items:?}");
    assert_eq!(items.accumulated(), full);
}

#[test]
fn invalid_utf8_frame_is_one_error_then_the_stream_goes_on() {
    let server = MockServer::start_blocking();
    let full = expected(&server);
    let max = SseParser::DEFAULT_MAX_EVENT_SIZE;
    let items = items_with(&server, "utf8", ("x-mock-invalid-utf8-after-events", 2), max);
    assert_eq!(items.failures(), [&Failure::InvalidUtf8]);
    assert!(items.chunks_after_first_failure() >= 2, "{items:?}");
    assert_eq!(items.accumulated(), full, "the broken frame is extra; nothing else is lost");
}

#[test]
fn malformed_frame_is_a_decode_error_then_later_chunks_come() {
    let server = MockServer::start_blocking();
    let full = expected(&server);
    let max = SseParser::DEFAULT_MAX_EVENT_SIZE;
    let items = items_with(&server, "malformed", ("x-mock-malformed-after-events", 2), max);
    assert_eq!(items.failures(), [&Failure::Decode { what: "chat completion chunk" }]);
    assert!(items.chunks_after_first_failure() >= 2, "{items:?}");
    assert_eq!(items.accumulated(), full);
}
