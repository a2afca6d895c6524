//! Each fault header, and faults set as server defaults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use std::time::{Duration, Instant};

use common::{accumulate, post_chat, raw_http_bytes, reference, sse_chunks, sse_data};
use naga_mock::{Faults, MockServer};
use serde_json::{Value, json};

fn streaming() -> Value {
    let mut body = reference();
    body["stream"] = json!(true);
    body
}

/// A raw HTTP/1.1 streaming request for `body` with extra header lines.
fn raw_request(body: &Value, extra: &str) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn status_fault_with_retry_headers() {
    let server = MockServer::start().await;
    let headers =
        [("x-mock-status", "503"), ("x-mock-retry-after", "1"), ("x-mock-retry-after-ms", "250")];
    let reply = post_chat(&server, &reference(), &headers).await;
    assert!(reply.error(503, "server_error").contains("naga-mock"));
    assert_eq!(reply.headers["retry-after"], "1");
    assert_eq!(reply.headers["retry-after-ms"], "250");
    let reply = post_chat(&server, &reference(), &[("x-mock-status", "429")]).await;
    reply.error(429, "rate_limit_exceeded");
    assert!(reply.headers.get("retry-after").is_none());
    assert!(reply.json()["error"].get("metadata").is_none());
    let in_body = [("x-mock-status", "429"), ("x-mock-retry-after-body", "2")];
    let reply = post_chat(&server, &reference(), &in_body).await;
    reply.error(429, "rate_limit_exceeded");
    assert_eq!(reply.json()["error"]["metadata"], serde_json::json!({"retry_after_seconds": 2}));
    assert!(reply.headers.get("retry-after").is_none());
    let reply = post_chat(&server, &reference(), &[("x-mock-status", "abc")]).await;
    assert!(reply.error(400, "invalid_request_error").contains("x-mock-status"));
}

#[tokio::test]
async fn fail_times_counts_per_body_or_key() {
    let server = MockServer::start().await;
    let headers = [("x-mock-fail-times", "2"), ("x-mock-fail-status", "500")];
    let statuses: Vec<u16> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(post_chat(&server, &reference(), &headers).await.status.as_u16());
        }
        out
    };
    assert_eq!(statuses, [500, 500, 200]);
    // A different body has its own count; the default failure status is 503.
    let other = json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "other"}]});
    let reply = post_chat(&server, &other, &[("x-mock-fail-times", "1")]).await;
    reply.error(503, "server_error");
    assert_eq!(post_chat(&server, &other, &[("x-mock-fail-times", "1")]).await.status, 200);
    // A key groups different bodies.
    let keyed = [("x-mock-fail-times", "1"), ("x-mock-fail-key", "k1")];
    assert_eq!(post_chat(&server, &other, &keyed).await.status, 503);
    assert_eq!(post_chat(&server, &reference(), &keyed).await.status, 200);
    server.reset();
    assert_eq!(post_chat(&server, &other, &keyed).await.status, 503);
    assert_eq!(server.request_count("/v1/chat/completions"), 1);
}

#[tokio::test]
async fn drop_after_events_cuts_the_connection() {
    let server = MockServer::start().await;
    let raw = raw_http_bytes(
        server.addr(),
        &raw_request(&streaming(), "x-mock-drop-after-events: 3\r\n"),
    )
    .await;
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert_eq!(text.matches("data: ").count(), 3, "{text}");
    assert!(!text.ends_with("0\r\n\r\n"), "terminating chunk was sent: {text}");
    assert!(!text.contains("[DONE]"));
    // A normal stream ends with the terminating chunk.
    let raw = raw_http_bytes(server.addr(), &raw_request(&streaming(), "")).await;
    assert!(String::from_utf8_lossy(&raw).ends_with("0\r\n\r\n"));
    // reqwest sees a body error.
    let url = format!("{}/chat/completions", server.base_url());
    let req = common::client()
        .post(url)
        .header("authorization", "Bearer k")
        .header("x-mock-drop-after-events", "2")
        .json(&streaming());
    assert!(common::send(req).await.is_err());
}

#[tokio::test]
async fn stall_before_headers_and_mid_stream() {
    let server = MockServer::start().await;
    let started = Instant::now();
    let reply = post_chat(&server, &reference(), &[("x-mock-stall-ms", "300")]).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let url = format!("{}/chat/completions", server.base_url());
    let req = common::client()
        .post(url)
        .header("authorization", "Bearer k")
        .header("x-mock-stall-ms", "400")
        .header("x-mock-stall-after-events", "2")
        .json(&streaming());
    let started = Instant::now();
    let mut response = req.send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300), "headers were stalled");
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
    }
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(sse_chunks(&String::from_utf8(body).unwrap()).len() > 3);
}

#[tokio::test]
async fn error_after_events_sends_an_error_frame_and_closes() {
    let server = MockServer::start().await;
    let reply = post_chat(&server, &streaming(), &[("x-mock-error-after-events", "2")]).await;
    assert_eq!(reply.status, 200);
    let data = sse_data(&reply.text());
    assert_eq!(data.len(), 3);
    let error: Value = serde_json::from_str(&data[2]).unwrap();
    assert_eq!(error["error"]["type"], "server_error");
    assert!(error.get("choices").is_none());
}

#[tokio::test]
async fn malformed_and_invalid_utf8_frames_then_the_rest() {
    let server = MockServer::start().await;
    let reply = post_chat(&server, &streaming(), &[("x-mock-malformed-after-events", "1")]).await;
    let data = sse_data(&reply.text());
    assert!(serde_json::from_str::<Value>(&data[1]).is_err(), "{}", data[1]);
    assert_eq!(data.last().unwrap(), "[DONE]");
    let reply =
        post_chat(&server, &streaming(), &[("x-mock-invalid-utf8-after-events", "2")]).await;
    assert!(std::str::from_utf8(&reply.body).is_err());
    assert!(reply.body.windows(2).any(|w| w == b"\xff\xfe"));
}

#[tokio::test]
async fn html_error_page() {
    let server = MockServer::start().await;
    let reply = post_chat(&server, &reference(), &[("x-mock-html-error", "502")]).await;
    assert_eq!(reply.status, 502);
    assert!(reply.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(reply.text().contains("<h1>502 Bad Gateway</h1>"));
}

#[tokio::test]
async fn oversized_event_and_no_done() {
    let server = MockServer::start().await;
    let headers = [("x-mock-oversized-event-bytes", "100000"), ("x-mock-no-done", "1")];
    let reply = post_chat(&server, &streaming(), &headers).await;
    let text = reply.text();
    let data = sse_data(&text);
    assert_eq!(data[1].len(), 100000);
    assert!(data.iter().all(|d| d != "[DONE]"));
    let chunks: Vec<Value> = data.iter().map(|d| serde_json::from_str(d).unwrap()).collect();
    let mut plain_body = reference();
    plain_body["stream"] = json!(false);
    let mut plain = post_chat(&server, &plain_body, &[]).await.json();
    plain.as_object_mut().unwrap().remove("usage");
    assert_eq!(accumulate(&chunks), plain);
}

#[tokio::test]
async fn server_default_faults_apply_and_headers_override() {
    let faults = Faults { no_done: true, error_after_events: Some(1), ..Faults::default() };
    let server = MockServer::builder().faults(faults).start().await.unwrap();
    let data = sse_data(&post_chat(&server, &streaming(), &[]).await.text());
    assert_eq!(data.len(), 2);
    assert!(data[1].contains("server_error"));
    let data = sse_data(
        &post_chat(
            &server,
            &streaming(),
            &[("x-mock-no-done", "0"), ("x-mock-error-after-events", "100000")],
        )
        .await
        .text(),
    );
    assert_eq!(data.last().unwrap(), "[DONE]");
    let status = Faults { status: Some(503), ..Faults::default() };
    let server = MockServer::builder().faults(status).start().await.unwrap();
    let reply = post_chat(&server, &reference(), &[]).await;
    reply.error(503, "server_error");
    let url = format!("{}/models", server.base_url());
    let reply = common::send(common::client().get(url)).await.unwrap();
    reply.error(503, "server_error");
}

#[tokio::test]
async fn events_are_the_same_with_and_without_a_fault_armed() {
    // No mid-stream fault: hyper pulls the frames from the body. A fault that never comes
    // due (after event 100,000) sends the same frames through the producer task.
    let server = MockServer::start().await;
    let shape = [("x-mock-chunks", "40"), ("x-mock-oversized-event-bytes", "500")];
    let events = |reply: &str| -> Vec<Value> {
        let data = sse_data(reply);
        assert_eq!(data.last().unwrap(), "[DONE]");
        let chunks = &data[..data.len() - 1];
        assert_eq!(chunks[1].len(), 500);
        let mut values: Vec<Value> =
            chunks.iter().map(|d| serde_json::from_str(d).unwrap()).collect();
        for v in &mut values {
            let object = v.as_object_mut().unwrap();
            object.remove("id");
            object.remove("created");
        }
        values
    };
    let pulled = events(&post_chat(&server, &streaming(), &shape).await.text());
    let mut armed = shape.to_vec();
    armed.push(("x-mock-drop-after-events", "100000"));
    let pushed = events(&post_chat(&server, &streaming(), &armed).await.text());
    assert_eq!(pulled.len(), 42, "a role chunk, 40 content chunks, the finish chunk");
    assert_eq!(pulled, pushed);
}
