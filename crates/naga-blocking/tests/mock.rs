//! The blocking client against the naga-mock emulator's faults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{mock_settings, tokyo};
use naga_blocking::{Client, Error, TimeoutKind};
use naga_mock::MockServer;

fn client(server: &MockServer, faults: &[(&str, &str)]) -> Client {
    Client::builder().settings(mock_settings(&server.base_url(), faults)).build().unwrap()
}

#[test]
fn a_failed_first_attempt_is_retried_to_the_same_answer() {
    let server = MockServer::start_blocking();
    let plain = client(&server, &[]).chat(&tokyo()).unwrap();
    let faults =
        [("x-mock-fail-times", "1"), ("x-mock-fail-status", "429"), ("x-mock-retry-after-ms", "1")];
    let retried = client(&server, &faults).chat(&tokyo()).unwrap();
    assert_eq!(retried.text(), plain.text());
    assert_eq!(server.request_count("/v1/chat/completions"), 3);
}

#[test]
fn streamed_and_plain_answers_agree() {
    let server = MockServer::start_blocking();
    let client = client(&server, &[]);
    let plain = client.chat(&tokyo()).unwrap();
    let streamed = client.chat_stream(&tokyo()).unwrap().into_completion().unwrap();
    assert_eq!(streamed.text(), plain.text());
    assert!(streamed.text().is_some_and(|text| text.contains("Tokyo")));
}

#[test]
fn a_dropped_stream_keeps_its_partial_answer_and_is_not_resent() {
    let server = MockServer::start_blocking();
    let client = client(&server, &[("x-mock-drop-after-events", "3")]);
    let failure = client.chat_stream(&tokyo()).unwrap().into_completion().unwrap_err();
    assert!(!matches!(failure.error, Error::GaveUp { .. }), "{:?}", failure.error);
    assert!(failure.partial.text().is_some_and(|text| !text.is_empty()));
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
}

#[test]
fn a_stalled_stream_times_out() {
    let server = MockServer::start_blocking();
    let faults = [("x-mock-stall-ms", "3000"), ("x-mock-stall-after-events", "2")];
    let failure =
        client(&server, &faults).chat_stream(&tokyo()).unwrap().into_completion().unwrap_err();
    assert_eq!(failure.error.timeout_kind(), Some(TimeoutKind::StreamIdle));
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
}

/// The client keeps a socket time limit across requests while it is close to what is asked
/// (no `setsockopt` per request): on a reused connection a slow answer inside the limit still
/// arrives, and one past it still fails no earlier than the limit.
#[test]
fn time_limits_hold_on_a_reused_connection() {
    use std::time::{Duration, Instant};
    let server = MockServer::start_blocking();
    let limited = |stall: &str, limit: u64| {
        let settings = mock_settings(&server.base_url(), &[("x-mock-stall-ms", stall)]);
        let settings = settings.request_timeout(Some(Duration::from_millis(limit)));
        Client::builder().settings(settings).build().unwrap()
    };
    let inside = limited("150", 600);
    for _ in 0..3 {
        let started = Instant::now();
        assert!(inside.chat(&tokyo()).unwrap().text().is_some_and(|t| t.contains("Tokyo")));
        assert!(started.elapsed() >= Duration::from_millis(150));
    }
    let past = limited("600", 200);
    let started = Instant::now();
    let err = past.chat(&tokyo()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Request), "{err:?}");
    assert!(
        elapsed >= Duration::from_millis(200) && elapsed < Duration::from_millis(550),
        "{elapsed:?}"
    );
    assert_eq!(server.request_count("/v1/chat/completions"), 4);
}
