//! Retries: what is retried, how often, how long it waits, and what is reported at the end.

use std::time::Duration;

use naga_conformance::{Failure, Setup, Transport, both, refused_url};
use naga_mock::MockServer;
use naga_protocol::{ApiErrorKind, ChatCompletion, ChatRequest, Message, TimeoutKind};

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("How tall is Tokyo Tower?")])
}

/// The answer without faults, for comparison.
fn expected(server: &MockServer, stream: bool) -> ChatCompletion {
    let setup = Setup::new(server.base_url());
    let req = request();
    let runs = both(Some(server), &setup, "expected", |t: &dyn Transport| {
        if stream { t.chat_stream(&req) } else { t.chat(&req) }
    });
    runs.agreed().outcome.completion().clone()
}

/// A 429 waits as long as the server asks: `Retry-After: 1`, or the same wait in the error
/// body (`error.metadata.retry_after_seconds`) when no header names one; the backoff would be
/// 10 ms.
#[test]
fn rate_limit_waits_for_the_server_named_wait_then_succeeds() {
    let server = MockServer::start_blocking();
    for fault in ["x-mock-retry-after", "x-mock-retry-after-body"] {
        let setup = Setup::new(server.base_url())
            .header("x-mock-fail-times", 1)
            .header("x-mock-fail-status", 429)
            .header(fault, 1);
        for stream in [false, true] {
            let req = request();
            let case = format!("429-{fault}-{stream}");
            let runs = both(Some(&server), &setup, &case, |t| {
                if stream { t.chat_stream(&req) } else { t.chat(&req) }
            });
            let run = runs.agreed();
            assert_eq!(run.requests, 2, "{fault}: one 429, one success");
            assert_eq!(run.outcome.completion(), &expected(&server, stream));
            for run in runs.each() {
                let elapsed = run.outcome.elapsed;
                assert!(elapsed >= Duration::from_secs(1), "{}: {fault} ignored", run.transport);
                assert!(elapsed < Duration::from_secs(3), "{}: {elapsed:?}", run.transport);
            }
        }
    }
}

#[test]
fn server_errors_are_retried_with_backoff_then_succeed() {
    let server = MockServer::start_blocking();
    for status in [500, 502, 503, 504, 520, 522, 524] {
        for stream in [false, true] {
            let setup = Setup::new(server.base_url())
                .header("x-mock-fail-times", 1)
                .header("x-mock-fail-status", status);
            let req = request();
            let case = format!("{status}-{stream}");
            let runs = both(Some(&server), &setup, &case, |t| {
                if stream { t.chat_stream(&req) } else { t.chat(&req) }
            });
            let run = runs.agreed();
            assert_eq!(run.requests, 2, "{status}: one failure, one success");
            assert_eq!(run.outcome.completion(), &expected(&server, stream), "{status}");
            for run in runs.each() {
                // Backoff is 10 ms shortened by at most 25% jitter.
                let elapsed = run.outcome.elapsed;
                assert!(elapsed >= Duration::from_millis(7), "{}: no backoff", run.transport);
                assert!(elapsed < Duration::from_secs(2), "{}: {elapsed:?}", run.transport);
            }
        }
    }
}

#[test]
fn exhausted_retries_name_the_attempts() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url()).header("x-mock-status", 503);
    for stream in [false, true] {
        let req = request();
        let runs = both(Some(&server), &setup, &format!("503-{stream}"), |t| {
            if stream { t.chat_stream(&req) } else { t.chat(&req) }
        });
        let run = runs.agreed();
        assert_eq!(run.requests, 3, "1 attempt + 2 retries by default");
        let failure = run.outcome.failure();
        assert_eq!(failure.attempts(), 3);
        assert!(matches!(
            failure.last(),
            Failure::Api { kind: ApiErrorKind::Server, status: Some(503), .. }
        ));
        let text = run.outcome.error_text.as_deref().unwrap();
        assert!(text.starts_with("gave up after 3 attempts: API error 503"), "{text}");
    }
}

#[test]
fn connection_refused_is_retried_then_a_connect_error() {
    let setup = Setup::new(refused_url());
    for stream in [false, true] {
        let req = request();
        let runs =
            both(
                None,
                &setup,
                "refused",
                |t| {
                    if stream { t.chat_stream(&req) } else { t.chat(&req) }
                },
            );
        let run = runs.agreed();
        assert_eq!(
            run.outcome.failure(),
            &Failure::GaveUp { attempts: 3, last: Box::new(Failure::Connect) }
        );
        let text = run.outcome.error_text.as_deref().unwrap();
        assert!(text.starts_with("gave up after 3 attempts: could not connect"), "{text}");
        for run in runs.each() {
            // Each names the cause, not only the URL it tried.
            let text = run.outcome.error_text.as_deref().unwrap_or_default();
            assert!(text.to_ascii_lowercase().contains("refused"), "{}: {text}", run.transport);
            assert!(
                run.outcome.elapsed < Duration::from_secs(2),
                "{}: {:?}",
                run.transport,
                run.outcome.elapsed
            );
        }
    }
}

#[test]
fn total_deadline_stops_retrying_in_time() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url())
        .header("x-mock-status", 503)
        .header("x-mock-retry-after", 1)
        .deadline(Duration::from_millis(1200));
    for stream in [false, true] {
        let req = request();
        let runs = both(Some(&server), &setup, &format!("deadline-{stream}"), |t| {
            if stream { t.chat_stream(&req) } else { t.chat(&req) }
        });
        let run = runs.agreed();
        // Attempt 1 at 0 s, attempt 2 after Retry-After at 1 s; a third at 2 s would pass 1.2 s.
        assert_eq!(run.requests, 2);
        let failure = run.outcome.failure();
        assert_eq!(failure.attempts(), 2);
        assert!(matches!(failure.last(), Failure::Api { status: Some(503), .. }), "{failure:?}");
        for run in runs.each() {
            let elapsed = run.outcome.elapsed;
            assert!(elapsed >= Duration::from_secs(1), "{}: {elapsed:?}", run.transport);
            assert!(elapsed < Duration::from_millis(1500), "{}: {elapsed:?}", run.transport);
        }
    }
}

#[test]
fn total_deadline_ends_a_slow_attempt() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url())
        .header("x-mock-stall-ms", 3000)
        .deadline(Duration::from_millis(400));
    let req = request();
    let runs = both(Some(&server), &setup, "deadline-stall", |t| t.chat(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1);
    assert_eq!(run.outcome.failure().last(), &Failure::Timeout(TimeoutKind::Deadline));
    for run in runs.each() {
        let elapsed = run.outcome.elapsed;
        assert!(
            elapsed >= Duration::from_millis(400) && elapsed < Duration::from_millis(900),
            "{}: {elapsed:?}",
            run.transport
        );
    }
}

/// An error answer's `x-should-retry` header (OpenAI's) decides over its status, on both
/// transports: a 503 the server says not to retry is returned after one request, and a 400
/// it says to retry is sent again.
#[test]
fn the_servers_should_retry_header_decides_over_the_status() {
    use naga_mock::canned::{CannedServer, json};
    let error = r#"{"error":{"message":"no","type":"server_error"}}"#;
    let answer = r#"{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#;
    let refused = json(503, "x-should-retry: false\r\n", error);
    let server = CannedServer::start(vec![refused.clone(), refused]);
    let req = request();
    let setup = Setup::new(server.url.clone());
    let runs = both(None, &setup, "should-retry-false", |t: &dyn Transport| t.chat(&req));
    let failure = runs.agreed().outcome.failure();
    assert_eq!(failure.attempts(), 1, "{failure:?}");
    assert!(matches!(failure, Failure::Api { status: Some(503), .. }), "{failure:?}");
    assert_eq!(server.count(), 2, "one request per transport");

    let again = json(400, "x-should-retry: true\r\n", error);
    let ok = json(200, "", answer);
    let server = CannedServer::start(vec![again.clone(), ok.clone(), again, ok]);
    let setup = Setup::new(server.url.clone());
    let runs = both(None, &setup, "should-retry-true", |t: &dyn Transport| t.chat(&req));
    assert_eq!(runs.agreed().outcome.completion().text(), Some("hi"));
    assert_eq!(server.count(), 4, "two requests per transport");
}

#[test]
fn a_streamed_calls_error_body_that_stalls_ends_at_the_idle_limit_and_is_retried() {
    use naga_mock::canned::{CannedServer, Reply, sse};
    let head = "HTTP/1.1 503 X\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n";
    let stalled = Reply::Stall(format!("{head}{{\"error\":"), Duration::from_secs(30));
    let chunk = r#"data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#;
    let ok = sse(&[chunk, "data: [DONE]"]);
    let server = CannedServer::start(vec![stalled.clone(), ok.clone(), stalled, ok]);
    let setup = Setup::new(server.url.clone()).idle(Duration::from_millis(300));
    let req = request();
    let start = std::time::Instant::now();
    let runs = both(None, &setup, "stalled-error-body", |t: &dyn Transport| t.chat_stream(&req));
    assert_eq!(runs.agreed().outcome.completion().text(), Some("hi"));
    assert_eq!(server.count(), 4, "two requests per transport");
    // Each transport waited one idle limit and a backoff, not the 30 s stall.
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
}
