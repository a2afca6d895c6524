//! The blocking client against the naga-mock emulator's faults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::time::Duration;

use naga_blocking::{Client, Config, Error, RetryPolicy, TimeoutKind};
use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Message};

fn client(server: &MockServer, faults: &[(&str, &str)]) -> Client {
    let mut config = Config::new("ng-test").unwrap().with_base_url(&server.base_url()).unwrap();
    for (name, value) in faults {
        config = config.with_header(name, value).unwrap();
    }
    Client::builder()
        .config(config)
        .retry_policy(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(5), Duration::from_millis(10)),
        )
        .stream_idle_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap()
}

fn tokyo() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")])
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
