//! The async client against a canned loopback server: values, error kinds, request counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use std::time::{Duration, Instant};

use common::{
    COMPLETION, Echo, KEY, Lines, Reply, Server, canned_settings, json, refused_url, sse_head,
    tokyo,
};
use futures_util::StreamExt;
use naga_async::{Client, Config, Error, TimeoutKind};
use naga_protocol::{ApiErrorKind, RetryPolicy};

/// Runs a stream check as the test's own future (`block_on`: the frames come through a
/// relay task) and in a task spawned on the same current-thread runtime (read in place).
async fn both_ways<F: Future<Output = ()> + Send + 'static>(check: fn() -> F) {
    check().await;
    tokio::spawn(check()).await.unwrap();
}

fn client(url: &str) -> Client {
    Client::builder().settings(canned_settings(url)).build().unwrap()
}

#[tokio::test]
async fn success_returns_the_parsed_value_and_meta() {
    let server = Server::start(vec![json(200, "x-request-id: req-1\r\n", r#"{"pong":2}"#)]);
    let response = client(&server.url).send_with_meta(&Echo).await.unwrap();
    assert_eq!(response.value, serde_json::json!({"pong": 2}));
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some("req-1"));
    assert_eq!(server.count(), 1);
    let seen = server.bodies.lock().unwrap()[0].clone();
    assert!(seen.starts_with("POST /v1/echo HTTP/1.1"), "{seen}");
    assert!(seen.to_ascii_lowercase().contains(&format!("authorization: bearer {KEY}")));
    assert!(seen.ends_with(r#"{"ping":1}"#));
}

#[tokio::test]
async fn unauthorized_is_sent_exactly_once() {
    let body = r#"{"error":{"type":"authentication_error","message":"bad key"}}"#;
    let server = Server::start(vec![json(401, "", body)]);
    let err = client(&server.url).send(&Echo).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Authentication));
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), None);
    assert_eq!(server.count(), 1);
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[tokio::test]
async fn rate_limit_with_retry_after_zero_then_success() {
    let limited = json(429, "retry-after: 0\r\n", r#"{"error":{"type":"rate_limit_exceeded"}}"#);
    let server = Server::start(vec![limited, json(200, "", "[1,2]")]);
    let value = client(&server.url).send(&Echo).await.unwrap();
    assert_eq!(value, serde_json::json!([1, 2]));
    assert_eq!(server.count(), 2);
}

/// A wait that a provider put in the error body counts when no header names one: the body's
/// 10 s, past the policy's longest honoured wait (5 s), ends the retries after one request;
/// without it the same policy retries after its backoff.
/// A redirect is answered as an error naming its target: nothing is sent again (no bodiless
/// GET in place of the POST, no key to another place), whatever the status.
/// Bytes that are not an HTTP answer (a bad status line, a folded header, no HTTP at all)
/// mean the request reached the server: an I/O error, and the POST is not sent again.
#[tokio::test]
async fn a_malformed_answer_is_an_io_error_and_not_resent() {
    let answers = [
        "HTTP/1.1 2x0 OK\r\ncontent-length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nx-a: 1\r\n  2\r\ncontent-length: 2\r\n\r\n{}",
        "hello there\r\n\r\n",
    ];
    for answer in answers {
        let server = Server::start(vec![Reply::Raw(answer.to_owned())]);
        let err = client(&server.url).send(&Echo).await.unwrap_err();
        assert!(matches!(err, Error::Io(_)), "{answer:?}: {err:?}");
        // Named by what is wrong with it, not by where the request went.
        assert!(err.to_string().starts_with("I/O error: the answer is not valid HTTP: "), "{err}");
        assert!(!err.to_string().contains("error sending request"), "{err}");
        assert_eq!(server.count(), 1, "{answer:?} was answered by a resend");
    }
}

#[tokio::test]
async fn redirects_are_errors_and_never_followed() {
    for status in [301, 302, 303, 307, 308] {
        let moved = json(status, "location: /v1/moved\r\n", "");
        let server = Server::start(vec![moved, json(200, "", "[1,2]")]);
        let err = client(&server.url).send(&Echo).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.to_string().contains("redirected to /v1/moved"), "{err}");
        assert_eq!(server.count(), 1, "{status}: followed");
    }
}

#[tokio::test]
async fn a_wait_in_the_error_body_is_honoured() {
    let policy = RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .with_max_retry_after(Duration::from_secs(5));
    let client = |url: &str| {
        Client::builder().settings(canned_settings(url).retry_policy(policy)).build().unwrap()
    };
    let hinted =
        r#"{"error":{"type":"rate_limit_exceeded","metadata":{"retry_after_seconds":10}}}"#;
    let server = Server::start(vec![json(429, "", hinted), json(200, "", "[1,2]")]);
    let err = client(&server.url).send(&Echo).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(err.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.attempts(), None, "the server's own answer, not a spent budget");

    let plain = r#"{"error":{"type":"rate_limit_exceeded"}}"#;
    let server = Server::start(vec![json(429, "", plain), json(200, "", "[1,2]")]);
    assert_eq!(client(&server.url).send(&Echo).await.unwrap(), serde_json::json!([1, 2]));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_retry_sends_the_same_request_again() {
    let unavailable = json(503, "retry-after-ms: 1\r\n", "{}");
    let server = Server::start(vec![unavailable, json(200, "", COMPLETION)]);
    let answer = client(&server.url).chat(&tokyo()).await.unwrap();
    assert_eq!(answer.text(), Some("Tokyo is big.\nAnd old."));
    let seen = server.received();
    assert_eq!(seen.len(), 2, "one failure, one success");
    assert!(
        seen[0].ends_with(r#""content":"Write a two-line summary of Tokyo."}]}"#),
        "{}",
        seen[0]
    );
    assert_eq!(seen[0], seen[1], "the retry's head and body");
}

#[tokio::test]
async fn service_unavailable_exhausts_retries() {
    let server = Server::start(vec![json(503, "", r#"{"error":{"message":"no provider"}}"#)]);
    let err = client(&server.url).send(&Echo).await.unwrap_err();
    assert_eq!(server.count(), 3);
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Server));
    assert!(err.to_string().starts_with("gave up after 3 attempts: API error 503"), "{err}");
}

#[tokio::test]
async fn connection_refused_is_a_retried_connect_error() {
    let started = Instant::now();
    let err = client(&refused_url()).send(&Echo).await.unwrap_err();
    assert_eq!(err.attempts(), Some(3));
    let Error::GaveUp { last, .. } = &err else { panic!("{err:?}") };
    assert!(matches!(**last, Error::Connect(_)), "{last:?}");
    assert!(err.is_retryable());
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(11), "backoff was slept: {elapsed:?}");
}

#[tokio::test]
async fn stream_yields_items_and_meta() {
    both_ways(stream_yields_items_and_meta_check).await;
}

async fn stream_yields_items_and_meta_check() {
    let body = format!("{}data: a\n\ndata: b\n\ndata: END\n\n", sse_head());
    let server = Server::start(vec![Reply::Raw(body)]);
    let response = client(&server.url).stream_with_meta(&Lines).await.unwrap();
    assert_eq!(response.request_id.as_deref(), Some("req-s"));
    let items: Vec<String> = response.value.map(Result::unwrap).collect().await;
    assert_eq!(items, ["a", "b"]);
    assert_eq!(server.count(), 1);
    let seen = server.bodies.lock().unwrap()[0].to_ascii_lowercase();
    assert!(seen.contains("accept: text/event-stream"), "{seen}");
}

#[tokio::test]
async fn stalled_stream_hits_the_idle_timeout() {
    both_ways(stalled_stream_hits_the_idle_timeout_check).await;
}

async fn stalled_stream_hits_the_idle_timeout_check() {
    let head = format!("{}data: a\n\n", sse_head());
    let server = Server::start(vec![Reply::Stall(head, Duration::from_secs(5))]);
    let started = Instant::now();
    let mut items = client(&server.url).stream(&Lines).await.unwrap();
    assert_eq!(items.next().await.unwrap().unwrap(), "a");
    let err = items.next().await.unwrap().unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::StreamIdle), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(300 + 1500), "{:?}", started.elapsed());
    assert!(items.next().await.is_none());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_stream_first_polled_after_its_idle_limit_gives_what_was_sent() {
    both_ways(a_stream_first_polled_after_its_idle_limit_gives_what_was_sent_check).await;
}

/// The consumer comes to the stream three idle limits after its head arrived: the events
/// sent meanwhile are there (a relay started by the first poll has not read yet; its silence
/// counts from then), and the server's silence after them still ends the stream.
async fn a_stream_first_polled_after_its_idle_limit_gives_what_was_sent_check() {
    let head = format!("{}data: a\n\ndata: b\n\n", sse_head());
    let server = Server::start(vec![Reply::Stall(head, Duration::from_secs(5))]);
    let mut items = client(&server.url).stream(&Lines).await.unwrap();
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(items.next().await.unwrap().unwrap(), "a");
    assert_eq!(items.next().await.unwrap().unwrap(), "b");
    let started = Instant::now();
    let err = items.next().await.unwrap().unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::StreamIdle), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(250), "{:?}", started.elapsed());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn stalled_stream_headers_hit_the_idle_timeout_without_retry() {
    let server = Server::start(vec![Reply::Stall(String::new(), Duration::from_secs(5))]);
    let err = client(&server.url).stream(&Lines).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::StreamIdle), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn dropped_stream_is_an_error_and_never_resent() {
    both_ways(dropped_stream_is_an_error_and_never_resent_check).await;
}

async fn dropped_stream_is_an_error_and_never_resent_check() {
    let server = Server::start(vec![Reply::Raw(sse_head())]);
    let mut items = client(&server.url).stream(&Lines).await.unwrap();
    let err = items.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Protocol(naga_protocol::Error::Stream(_))), "{err:?}");
    assert!(items.next().await.is_none());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn stream_error_status_is_retried_before_any_byte_of_success() {
    let ok = format!("{}data: x\n\ndata: END\n\n", sse_head());
    let server = Server::start(vec![json(500, "retry-after-ms: 1\r\n", "{}"), Reply::Raw(ok)]);
    let items: Vec<_> = client(&server.url).stream(&Lines).await.unwrap().collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn request_timeout_is_typed_and_not_retried() {
    let server = Server::start(vec![Reply::Stall(String::new(), Duration::from_secs(5))]);
    let client = Client::builder()
        .config(Config::new(KEY).unwrap().with_base_url(&server.url).unwrap())
        .request_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let err = client.send(&Echo).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Request), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[test]
fn clients_and_streams_are_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    fn assert_send<T: Send + 'static>() {}
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_traits::<Client>();
    assert_send::<naga_async::ItemStream<common::LineDecoder>>();
    assert_error::<Error>();
}

#[tokio::test]
async fn total_deadline_bounds_a_non_streaming_attempt() {
    let server = Server::start(vec![Reply::Stall(String::new(), Duration::from_secs(5))]);
    let client = Client::builder()
        .config(Config::new(KEY).unwrap().with_base_url(&server.url).unwrap())
        .total_deadline(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(&Echo).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Deadline), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn total_deadline_stops_retries_that_would_pass_it() {
    let slow = json(503, "retry-after: 30\r\n", "{}");
    let server = Server::start(vec![slow]);
    let client = Client::builder()
        .config(Config::new(KEY).unwrap().with_base_url(&server.url).unwrap())
        .total_deadline(Some(Duration::from_secs(10)))
        .build()
        .unwrap();
    let err = client.send(&Echo).await.unwrap_err();
    // The only attempt's error, not wrapped: nothing was sent again.
    assert_eq!(err.attempts(), None, "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_started_stream_is_not_cut_by_the_total_deadline() {
    both_ways(a_started_stream_is_not_cut_by_the_total_deadline_check).await;
}

async fn a_started_stream_is_not_cut_by_the_total_deadline_check() {
    let events = "data: a\n\n";
    let head = format!("{}{events}", sse_head());
    let pieces = [head, "data: b\n\n".into(), "data: END\n\n".into()];
    let server = Server::start(vec![Reply::Slow(pieces.to_vec(), Duration::from_millis(150))]);
    let client = Client::builder()
        .config(Config::new(KEY).unwrap().with_base_url(&server.url).unwrap())
        .total_deadline(Some(Duration::from_millis(200)))
        .stream_idle_timeout(Some(Duration::from_secs(2)))
        .build()
        .unwrap();
    let items: Vec<String> =
        client.stream(&Lines).await.unwrap().map(Result::unwrap).collect().await;
    assert_eq!(items, ["a", "b"]);
}

/// Polls `future` to its end on this thread, with no runtime: another executor's view.
fn block_on_plain<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::sync::Arc::new(Unpark(std::thread::current())).into();
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

/// A stream opened on a runtime and read by another executor: its end, with the body still
/// open, needs no tokio timer (the grace wait for the body's close is skipped there).
#[test]
fn a_stream_read_outside_tokio_ends_at_its_last_event_without_a_panic() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let body = format!("{}data: a\n\ndata: END\n\n", sse_head());
    let server = Server::start(vec![Reply::Stall(body, Duration::from_secs(5))]);
    let client = client(&server.url);
    let items = runtime.block_on(client.stream(&Lines)).unwrap();
    let started = Instant::now();
    let read = std::thread::spawn(move || block_on_plain(items.collect::<Vec<_>>())).join();
    let read = read.expect("reading outside tokio panicked");
    assert_eq!(read.into_iter().map(Result::unwrap).collect::<Vec<_>>(), ["a"]);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(server.count(), 1);
}
