//! The async client against the naga-mock emulator's faults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{mock_settings, tokyo};
use naga_async::{Client, Error, TimeoutKind};
use naga_mock::MockServer;

fn client(server: &MockServer, faults: &[(&str, &str)]) -> Client {
    Client::builder().settings(mock_settings(&server.base_url(), faults)).build().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_first_attempt_is_retried_to_the_same_answer() {
    let server = MockServer::start().await;
    let plain = client(&server, &[]).chat(&tokyo()).await.unwrap();
    let faults =
        [("x-mock-fail-times", "1"), ("x-mock-fail-status", "429"), ("x-mock-retry-after-ms", "1")];
    let retried = client(&server, &faults).chat(&tokyo()).await.unwrap();
    assert_eq!(retried.text(), plain.text());
    assert_eq!(server.request_count("/v1/chat/completions"), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn streamed_and_plain_answers_agree() {
    let server = MockServer::start().await;
    let client = client(&server, &[]);
    let plain = client.chat(&tokyo()).await.unwrap();
    let streamed = client.chat_stream(&tokyo()).await.unwrap().into_completion().await.unwrap();
    assert_eq!(streamed.text(), plain.text());
    assert!(streamed.text().is_some_and(|text| text.contains("Tokyo")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_stream_keeps_its_partial_answer_and_is_not_resent() {
    let server = MockServer::start().await;
    let client = client(&server, &[("x-mock-drop-after-events", "3")]);
    let failure = client.chat_stream(&tokyo()).await.unwrap().into_completion().await.unwrap_err();
    assert!(!matches!(failure.error, Error::GaveUp { .. }), "{:?}", failure.error);
    assert!(failure.partial.text().is_some_and(|text| !text.is_empty()));
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_stream_times_out() {
    let server = MockServer::start().await;
    let faults = [("x-mock-stall-ms", "3000"), ("x-mock-stall-after-events", "2")];
    let failure = client(&server, &faults)
        .chat_stream(&tokyo())
        .await
        .unwrap()
        .into_completion()
        .await
        .unwrap_err();
    assert_eq!(failure.error.timeout_kind(), Some(TimeoutKind::StreamIdle));
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
}
