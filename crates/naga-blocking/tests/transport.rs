//! The blocking client against a canned loopback server: values, error kinds, request counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use std::time::{Duration, Instant};

use common::{
    COMPLETION, Echo, KEY, Lines, Reply, Server, canned_settings, json, refused_url, sse_head,
    tokyo,
};
use naga_blocking::{Client, Config, Error, TimeoutKind};
use naga_protocol::{ApiErrorKind, ChatRequest, Message, RetryPolicy};

fn client(url: &str) -> Client {
    Client::builder().settings(canned_settings(url)).build().unwrap()
}

#[test]
fn success_returns_the_parsed_value_and_meta() {
    let server = Server::start(vec![json(200, "x-request-id: req-1\r\n", r#"{"pong":2}"#)]);
    let response = client(&server.url).send_with_meta(&Echo).unwrap();
    assert_eq!(response.value, serde_json::json!({"pong": 2}));
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some("req-1"));
    assert_eq!(server.count(), 1);
    let seen = server.bodies.lock().unwrap()[0].clone();
    assert!(seen.starts_with("POST /v1/echo HTTP/1.1"), "{seen}");
    assert!(seen.to_ascii_lowercase().contains(&format!("authorization: bearer {KEY}")));
    assert!(seen.ends_with(r#"{"ping":1}"#));
}

#[test]
fn unauthorized_is_sent_exactly_once() {
    let body = r#"{"error":{"type":"authentication_error","message":"bad key"}}"#;
    let server = Server::start(vec![json(401, "", body)]);
    let err = client(&server.url).send(&Echo).unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Authentication));
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), None);
    assert_eq!(server.count(), 1);
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[test]
fn rate_limit_with_retry_after_zero_then_success() {
    let limited = json(429, "retry-after: 0\r\n", r#"{"error":{"type":"rate_limit_exceeded"}}"#);
    let server = Server::start(vec![limited, json(200, "", "[1,2]")]);
    let value = client(&server.url).send(&Echo).unwrap();
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
#[test]
fn a_malformed_answer_is_an_io_error_and_not_resent() {
    let answers = [
        "HTTP/1.1 2x0 OK\r\ncontent-length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nx-a: 1\r\n  2\r\ncontent-length: 2\r\n\r\n{}",
        "hello there\r\n\r\n",
    ];
    for answer in answers {
        let server = Server::start(vec![Reply::Raw(answer.to_owned())]);
        let err = client(&server.url).send(&Echo).unwrap_err();
        assert!(matches!(err, Error::Io(_)), "{answer:?}: {err:?}");
        assert_eq!(server.count(), 1, "{answer:?} was answered by a resend");
    }
}

#[test]
fn redirects_are_errors_and_never_followed() {
    for status in [301, 302, 303, 307, 308] {
        let moved = json(status, "location: /v1/moved\r\n", "");
        let server = Server::start(vec![moved, json(200, "", "[1,2]")]);
        let err = client(&server.url).send(&Echo).unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.to_string().contains("redirected to /v1/moved"), "{err}");
        assert_eq!(server.count(), 1, "{status}: followed");
    }
}

#[test]
fn a_wait_in_the_error_body_is_honoured() {
    let policy = RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .with_max_retry_after(Duration::from_secs(5));
    let client = |url: &str| {
        Client::builder().settings(canned_settings(url).retry_policy(policy)).build().unwrap()
    };
    let hinted =
        r#"{"error":{"type":"rate_limit_exceeded","metadata":{"retry_after_seconds":10}}}"#;
    let server = Server::start(vec![json(429, "", hinted), json(200, "", "[1,2]")]);
    let err = client(&server.url).send(&Echo).unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(err.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.attempts(), None, "the server's own answer, not a spent budget");

    let plain = r#"{"error":{"type":"rate_limit_exceeded"}}"#;
    let server = Server::start(vec![json(429, "", plain), json(200, "", "[1,2]")]);
    assert_eq!(client(&server.url).send(&Echo).unwrap(), serde_json::json!([1, 2]));
    assert_eq!(server.count(), 2);
}

#[test]
fn a_retry_sends_the_same_request_again() {
    let unavailable = json(503, "retry-after-ms: 1\r\n", "{}");
    let server = Server::start(vec![unavailable, json(200, "", COMPLETION)]);
    let answer = client(&server.url).chat(&tokyo()).unwrap();
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

#[test]
fn service_unavailable_exhausts_retries() {
    let server = Server::start(vec![json(503, "", r#"{"error":{"message":"no provider"}}"#)]);
    let err = client(&server.url).send(&Echo).unwrap_err();
    assert_eq!(server.count(), 3);
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Server));
    assert!(err.to_string().starts_with("gave up after 3 attempts: API error 503"), "{err}");
}

#[test]
fn connection_refused_is_a_retried_connect_error() {
    let started = Instant::now();
    let err = client(&refused_url()).send(&Echo).unwrap_err();
    assert_eq!(err.attempts(), Some(3));
    let Error::GaveUp { last, .. } = &err else { panic!("{err:?}") };
    assert!(matches!(**last, Error::Connect(_)), "{last:?}");
    assert!(err.is_retryable());
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(11), "backoff was slept: {elapsed:?}");
}

#[test]
fn a_refused_connection_is_reachable_through_the_error_chain() {
    let err = client(&refused_url()).with_retry_policy(RetryPolicy::never()).send(&Echo);
    let err = err.unwrap_err();
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    let mut kinds = Vec::new();
    while let Some(current) = source {
        kinds.extend(current.downcast_ref::<std::io::Error>().map(std::io::Error::kind));
        source = current.source();
    }
    assert_eq!(kinds, [std::io::ErrorKind::ConnectionRefused], "{err:?}");
}

#[test]
fn a_stream_whose_request_the_server_never_reads_times_out() {
    // A server (or a dead pooled connection) that takes none of a large body.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let held = listener.accept();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    let request = ChatRequest::new("gpt-4o-mini", [Message::user("x".repeat(32 << 20))]);
    let started = Instant::now();
    let err = client(&url).chat_stream(&request).unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::StreamIdle), "{err:?}");
    // The 300 ms idle limit, not the server's 30 s (building the 32 MiB body in a debug
    // build on a loaded machine took 3 s once).
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
}

#[test]
fn a_413_sent_while_the_body_is_written_is_the_error_not_a_broken_pipe() {
    // A server that refuses a body by its head: it answers 413, then closes without reading
    // the rest (no lingering close), so the client's write fails with the answer waiting.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n")
                && std::io::Read::read(&mut stream, &mut byte).unwrap_or(0) == 1
            {
                head.push(byte[0]);
            }
            let body = r#"{"error":{"type":"request_too_large","message":"body over 1 KiB"}}"#;
            let answer = format!(
                "HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = std::io::Write::write_all(&mut stream, answer.as_bytes());
        }
    });
    let request = ChatRequest::new("gpt-4o-mini", [Message::user("x".repeat(8 << 20))]);
    let err = client(&url).chat(&request).unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::PAYLOAD_TOO_LARGE), "{err:?}");
    assert!(err.to_string().contains("body over 1 KiB"), "{err}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1, "413 is not retried");
}

#[test]
fn a_body_cut_by_a_close_says_the_server_closed_before_the_answer_ended() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
    let server = Server::start(vec![Reply::Raw(format!("{head}{{\"pong\":"))]);
    let err = client(&server.url).send(&Echo).unwrap_err();
    assert_eq!(
        err.to_string(),
        "I/O error: the server closed the connection before the answer ended"
    );
    assert_eq!(server.count(), 1, "the answer began: not sent again");
}

#[test]
fn stream_yields_items_and_meta() {
    let body = format!("{}data: a\n\ndata: b\n\ndata: END\n\n", sse_head());
    let server = Server::start(vec![Reply::Raw(body)]);
    let response = client(&server.url).stream_with_meta(&Lines).unwrap();
    assert_eq!(response.request_id.as_deref(), Some("req-s"));
    let items: Vec<String> = response.value.map(Result::unwrap).collect();
    assert_eq!(items, ["a", "b"]);
    assert_eq!(server.count(), 1);
    let seen = server.bodies.lock().unwrap()[0].to_ascii_lowercase();
    assert!(seen.contains("accept: text/event-stream"), "{seen}");
}

#[test]
fn stalled_stream_hits_the_idle_timeout() {
    let head = format!("{}data: a\n\n", sse_head());
    let server = Server::start(vec![Reply::Stall(head, Duration::from_secs(5))]);
    let started = Instant::now();
    let mut items = client(&server.url).stream(&Lines).unwrap();
    assert_eq!(items.next().unwrap().unwrap(), "a");
    let err = items.next().unwrap().unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::StreamIdle), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(300 + 1500), "{:?}", started.elapsed());
    assert!(items.next().is_none());
    assert_eq!(server.count(), 1);
}

#[test]
fn stalled_stream_headers_hit_the_idle_timeout_without_retry() {
    let server = Server::start(vec![Reply::Stall(String::new(), Duration::from_secs(5))]);
    let err = client(&server.url).stream(&Lines).unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::StreamIdle), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[test]
fn dropped_stream_is_an_error_and_never_resent() {
    let server = Server::start(vec![Reply::Raw(sse_head())]);
    let mut items = client(&server.url).stream(&Lines).unwrap();
    let err = items.next().unwrap().unwrap_err();
    assert!(matches!(err, Error::Protocol(naga_protocol::Error::Stream(_))), "{err:?}");
    assert!(items.next().is_none());
    assert_eq!(server.count(), 1);
}

#[test]
fn stream_error_status_is_retried_before_any_byte_of_success() {
    let ok = format!("{}data: x\n\ndata: END\n\n", sse_head());
    let server = Server::start(vec![json(500, "retry-after-ms: 1\r\n", "{}"), Reply::Raw(ok)]);
    let items: Vec<_> = client(&server.url).stream(&Lines).unwrap().collect();
    assert_eq!(items.len(), 1);
    assert_eq!(server.count(), 2);
}

#[test]
fn request_timeout_is_typed_and_not_retried() {
    let server = Server::start(vec![Reply::Stall(String::new(), Duration::from_secs(5))]);
    let client = Client::builder()
        .config(Config::new(KEY).unwrap().with_base_url(&server.url).unwrap())
        .request_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let err = client.send(&Echo).unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Request), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[test]
fn clients_are_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Client>();
    fn assert_send<T: Send + 'static>() {}
    assert_send::<naga_blocking::ItemStream<common::LineDecoder>>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
}

#[test]
fn total_deadline_bounds_a_non_streaming_attempt() {
    let server = Server::start(vec![Reply::Stall(String::new(), Duration::from_secs(5))]);
    let client = Client::builder()
        .config(Config::new(KEY).unwrap().with_base_url(&server.url).unwrap())
        .total_deadline(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(&Echo).unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Deadline), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(server.count(), 1);
}

#[test]
fn total_deadline_stops_retries_that_would_pass_it() {
    let slow = json(503, "retry-after: 30\r\n", "{}");
    let server = Server::start(vec![slow]);
    let client = Client::builder()
        .config(Config::new(KEY).unwrap().with_base_url(&server.url).unwrap())
        .total_deadline(Some(Duration::from_secs(10)))
        .build()
        .unwrap();
    let err = client.send(&Echo).unwrap_err();
    // The only attempt's error, not wrapped: nothing was sent again.
    assert_eq!(err.attempts(), None, "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.count(), 1);
}

#[test]
fn a_started_stream_is_not_cut_by_the_total_deadline() {
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
    let items: Vec<String> = client.stream(&Lines).unwrap().map(Result::unwrap).collect();
    assert_eq!(items, ["a", "b"]);
}
