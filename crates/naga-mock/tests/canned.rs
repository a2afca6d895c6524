//! The canned server: scripted replies in order, the last repeating; requests recorded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use naga_mock::canned::{CannedServer, Reply, json, refused_url, sse};

/// Sends one raw request to `server` and reads the whole answer.
fn exchange(server: &CannedServer, request: &str) -> String {
    let addr = server.url.trim_start_matches("http://").trim_end_matches("/v1");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn replies_follow_the_script_and_the_last_repeats() {
    let server =
        CannedServer::start(vec![json(503, "retry-after: 0\r\n", "{}"), sse(&["data: a"])]);
    let post = "POST /v1/echo HTTP/1.1\r\ncontent-length: 4\r\n\r\nping";
    let first = exchange(&server, post);
    assert!(first.starts_with("HTTP/1.1 503 X\r\n") && first.contains("retry-after: 0\r\n"));
    assert!(first.ends_with("\r\n\r\n{}"), "{first}");
    for _ in 0..2 {
        let next = exchange(&server, "GET /v1/s HTTP/1.1\r\n\r\n");
        assert!(next.contains("text/event-stream") && next.ends_with("\r\n\r\ndata: a\n\n"));
    }
    assert_eq!(server.count(), 3);
    let received = server.received();
    assert_eq!(received[0], "POST /v1/echo HTTP/1.1\r\ncontent-length: 4\r\n\r\nping");
    assert!(received[2].starts_with("GET /v1/s "));
}

#[test]
fn slow_replies_pause_between_pieces() {
    let pieces = vec!["HTTP/1.1 200 OK\r\n".to_owned(), "connection: close\r\n\r\nok".to_owned()];
    let server = CannedServer::start(vec![Reply::Slow(pieces, Duration::from_millis(100))]);
    let started = Instant::now();
    let answer = exchange(&server, "GET / HTTP/1.1\r\n\r\n");
    assert!(answer.ends_with("\r\n\r\nok"));
    assert!(started.elapsed() >= Duration::from_millis(100));
}

#[test]
fn an_empty_script_closes_unanswered_and_refused_urls_refuse() {
    let server = CannedServer::start(Vec::new());
    let addr = server.url.trim_start_matches("http://").trim_end_matches("/v1");
    let mut stream = TcpStream::connect(addr).unwrap();
    // Closed unanswered: the write or the read may see a reset, but never an answer byte.
    let _ = stream.write_all(b"GET / HTTP/1.1\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(answer.is_empty(), "{answer:?}");
    let addr = refused_url().trim_start_matches("http://").trim_end_matches("/v1").to_owned();
    assert!(TcpStream::connect(addr).is_err());
}
