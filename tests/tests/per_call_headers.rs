//! Headers for some calls only (`Client::with_header`, as `extra_headers` in OpenAI's SDKs),
//! on both transports: the derived client sends the header once, with every other header as
//! before; the client it came from is unchanged; the SDK's own headers are refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_mock::canned::{CannedServer, json};
use naga_protocol::{ChatRequest, Config, Error, Message};

const ANSWER: &str = r#"{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Tokyo."},"finish_reason":"stop"}]}"#;

fn config(url: &str) -> Config {
    Config::new("ng-test-key").unwrap().with_base_url(url).unwrap()
}

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")])
}

/// How often `name:` starts a line of the request head `seen` (case-insensitive).
fn count(seen: &str, name: &str) -> usize {
    let head = seen.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
    head.lines().filter(|line| line.starts_with(&format!("{name}:"))).count()
}

/// The two requests' heads: one through the derived client, then one through the original.
fn check(transport: &str, seen: &[String]) {
    assert_eq!(seen.len(), 2, "{transport}");
    let (derived, original) = (&seen[0], &seen[1]);
    assert!(
        derived.to_ascii_lowercase().contains("\r\nx-trace: run-7\r\n"),
        "{transport}: {derived}"
    );
    assert_eq!(count(derived, "x-trace"), 1, "{transport}: {derived}");
    assert_eq!(count(original, "x-trace"), 0, "{transport}: {original}");
    for head in [derived, original] {
        for name in ["host", "authorization", "user-agent", "content-type"] {
            assert_eq!(count(head, name), 1, "{transport}: {name} in {head}");
        }
    }
}

#[test]
fn naga_blocking_sends_a_per_call_header_once_and_only_through_the_derived_client() {
    let server = CannedServer::start(vec![json(200, "", ANSWER), json(200, "", ANSWER)]);
    let client = naga_blocking::Client::new(config(&server.url)).unwrap();
    let traced = client.with_header("X-Trace", "run-7").unwrap();
    assert_eq!(traced.chat(&request()).unwrap().text(), Some("Tokyo."));
    assert_eq!(client.chat(&request()).unwrap().text(), Some("Tokyo."));
    check("naga-blocking", &server.bodies.lock().unwrap());
    let refused = client.with_header("Authorization", "Bearer other").unwrap_err();
    let naga_blocking::Error::Protocol(Error::InvalidRequest { field, .. }) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(field, "default_headers.authorization");
}

#[tokio::test]
async fn naga_async_sends_a_per_call_header_once_and_only_through_the_derived_client() {
    let server = CannedServer::start(vec![json(200, "", ANSWER), json(200, "", ANSWER)]);
    let client = naga_async::Client::new(config(&server.url)).unwrap();
    let traced = client.with_header("X-Trace", "run-7").unwrap();
    assert_eq!(traced.chat(&request()).await.unwrap().text(), Some("Tokyo."));
    assert_eq!(client.chat(&request()).await.unwrap().text(), Some("Tokyo."));
    check("naga-async", &server.bodies.lock().unwrap());
    let refused = client.with_header("User-Agent", "me/1").unwrap_err();
    let naga_async::Error::Protocol(Error::InvalidRequest { field, .. }) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(field, "default_headers.user-agent");
}
