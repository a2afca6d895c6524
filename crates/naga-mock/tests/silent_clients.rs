//! Clients that keep the server waiting (`MockServerBuilder::client_timeout`): a connection
//! that says nothing, half a request head or preface, an idle keep-alive connection, a body
//! that stops, an HTTP/2 peer that stops answering pings. Each is closed after the limit;
//! a prompt client, or a slow answer, is not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use std::time::{Duration, Instant};

use common::reference;
use naga_mock::MockServer;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const LIMIT: Duration = Duration::from_millis(300);

async fn server() -> MockServer {
    MockServer::builder().client_timeout(LIMIT).start().await.unwrap()
}

/// Reads until the server closes the connection: what it sent, and when it closed.
async fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await;
        match read.expect("the server kept the connection open") {
            Ok(0) | Err(_) => return (got, start.elapsed()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one answer with a `content-length` off `stream`: its status line.
async fn read_answer(stream: &mut BufReader<&mut TcpStream>) -> String {
    let (mut status, mut len) = (String::new(), 0);
    stream.read_line(&mut status).await.unwrap();
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length: ") {
            len = value.trim_end().parse().unwrap();
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.unwrap();
    status
}

fn chat_head(len: usize) -> String {
    format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\n\
         content-type: application/json\r\ncontent-length: {len}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_connection_that_sends_nothing_or_part_of_a_start_is_closed() {
    let server = server().await;
    let starts: [&[u8]; 3] =
        [b"", b"POST /v1/chat/completions HTTP/1.1\r\nhost:", b"PRI * HTTP/2.0\r\n"];
    for start in starts {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(start).await.unwrap();
        let (got, after) = read_until_closed(&mut stream).await;
        let shown = String::from_utf8_lossy(start);
        assert!(got.is_empty() || got.starts_with(b"HTTP/1.1 408"), "{shown:?}: {got:?}");
        assert!(after >= LIMIT - Duration::from_millis(50), "{shown:?}: closed after {after:?}");
    }
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_and_a_prompt_one_is_served() {
    let server = server().await;
    let body = reference().to_string();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    for _ in 0..2 {
        stream.write_all(chat_head(body.len()).as_bytes()).await.unwrap();
        stream.write_all(body.as_bytes()).await.unwrap();
        let status = read_answer(&mut BufReader::new(&mut stream)).await;
        assert_eq!(status, "HTTP/1.1 200 OK\r\n");
        // Within the limit, the same connection takes the next request.
        tokio::time::sleep(LIMIT / 3).await;
    }
    let (_, after) = read_until_closed(&mut stream).await;
    assert!(after < Duration::from_secs(5), "idle connection closed after {after:?}");
    assert_eq!(server.request_count("/v1/chat/completions"), 2);
}

#[tokio::test]
async fn a_body_that_stops_coming_is_a_408_and_the_connection_closes() {
    let server = server().await;
    let body = reference().to_string();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(chat_head(body.len()).as_bytes()).await.unwrap();
    stream.write_all(&body.as_bytes()[..10]).await.unwrap();
    let (got, after) = read_until_closed(&mut stream).await;
    let got = String::from_utf8(got).unwrap();
    assert!(got.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{got}");
    assert!(got.contains("connection: close\r\n"), "{got}");
    assert!(got.contains("the request body stopped arriving"), "{got}");
    assert!(after >= LIMIT - Duration::from_millis(50), "answered after {after:?}");
}

#[tokio::test]
async fn an_http2_peer_that_stops_answering_pings_is_closed() {
    let server = server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    // The preface and an empty SETTINGS frame; then silence: no SETTINGS ack, no PING ack.
    stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
    stream.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).await.unwrap();
    let (got, after) = read_until_closed(&mut stream).await;
    // Frames are 9-byte headers (type at offset 3): the server's SETTINGS, then a PING.
    let mut types = Vec::new();
    let mut at = 0;
    while at + 9 <= got.len() {
        let len =
            usize::from(got[at]) << 16 | usize::from(got[at + 1]) << 8 | usize::from(got[at + 2]);
        types.push(got[at + 3]);
        at += 9 + len;
    }
    assert!(types.contains(&6), "no PING before the close: frame types {types:?}");
    assert!(after >= LIMIT, "closed after {after:?}");
}

#[tokio::test]
async fn an_answer_slower_than_the_limit_is_not_cut() {
    let server = server().await;
    let mut streamed = reference();
    streamed["stream"] = true.into();
    let client = common::client();
    let chat = format!("{}/chat/completions", server.base_url());
    let h2 = reqwest::Client::builder().no_proxy().http2_prior_knowledge().build().unwrap();
    for client in [client, h2] {
        let reply = client
            .post(&chat)
            .bearer_auth("k")
            .header("x-mock-stall-after-events", "2")
            .header("x-mock-stall-ms", "1000")
            .json(&streamed)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        let body = reply.text().await.unwrap();
        assert!(body.ends_with("data: [DONE]\n\n"), "{body}");
    }
}
