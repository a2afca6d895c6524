//! Error statuses: the same typed API error through both transports, and exactly as many
//! requests as the retry rules allow.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_conformance::{Async, Blocking, Failure, Outcome, Runs, Setup, Transport, both};
use naga_mock::MockServer;
use naga_protocol::{ApiErrorKind, ChatRequest, Message};

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Which river runs through Tokyo?")])
}

/// Runs `chat` and `chat_stream` through both transports; returns both runs.
fn chat_and_stream(server: &MockServer, setup: &Setup, case: &str) -> [Runs<Outcome>; 2] {
    let req = request();
    let chat = both(Some(server), setup, &format!("{case}-chat"), |t: &dyn Transport| t.chat(&req));
    let stream = both(Some(server), setup, &format!("{case}-stream"), |t| t.chat_stream(&req));
    [chat, stream]
}

fn assert_api(failure: &Failure, kind: ApiErrorKind, status: u16) {
    match failure {
        Failure::Api { kind: k, status: s, message, .. } => {
            assert_eq!((*k, *s), (kind, Some(status)), "{failure:?}");
            assert!(!message.is_empty());
        }
        other => panic!("expected an API error {status}, got {other:?}"),
    }
}

#[test]
fn wrong_key_is_authentication_sent_once() {
    let server =
        MockServer::builder().required_api_key("ng-the-right-key").start_blocking().unwrap();
    for runs in chat_and_stream(&server, &Setup::new(server.base_url()), "auth") {
        let run = runs.agreed();
        assert_eq!(run.requests, 1, "401 is never retried");
        let failure = run.outcome.failure();
        assert_api(failure, ApiErrorKind::Authentication, 401);
        assert!(
            matches!(failure, Failure::Api { error_type: Some(t), .. } if t == "authentication_error")
        );
        assert_eq!(run.outcome.partial, None);
    }
}

#[test]
fn client_errors_are_typed_and_sent_once() {
    let server = MockServer::start_blocking();
    let table = [
        (400, ApiErrorKind::InvalidRequest),
        (402, ApiErrorKind::InsufficientQuota),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (422, ApiErrorKind::InvalidRequest),
    ];
    for (status, kind) in table {
        let setup = Setup::new(server.base_url()).header("x-mock-status", status);
        for runs in chat_and_stream(&server, &setup, &format!("status-{status}")) {
            let run = runs.agreed();
            assert_eq!(run.requests, 1, "{status} is never retried");
            assert_api(run.outcome.failure(), kind, status);
        }
    }
}

#[test]
fn html_error_page_gives_a_readable_api_error() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url()).header("x-mock-html-error", 502);
    for runs in chat_and_stream(&server, &setup, "html") {
        let run = runs.agreed();
        assert_eq!(run.requests, 3, "502 is retried until the attempts run out");
        let failure = run.outcome.failure();
        assert_eq!(failure.attempts(), 3);
        let Failure::Api { kind, status, error_type, message } = failure.last() else {
            panic!("expected an API error, got {failure:?}");
        };
        assert_eq!((*kind, *status, error_type), (ApiErrorKind::Server, Some(502), &None));
        assert!(message.starts_with("Bad Gateway: an HTML page titled “"), "{message}");
        assert!(message.contains("502 Bad Gateway"), "{message}");
        let text = run.outcome.error_text.as_deref().unwrap();
        assert!(text.contains("gave up after 3 attempts") && text.contains("502"), "{text}");
    }
}

#[test]
fn html_error_keeps_a_bounded_body_snippet_in_both_transports() {
    let server = MockServer::start_blocking();
    let mut setup = Setup::new(server.base_url()).header("x-mock-html-error", 502);
    setup.retry = naga_protocol::RetryPolicy::never();
    let blocking = Blocking::new(&setup).client.chat(&request()).unwrap_err();
    let transport = Async::new(&setup);
    let asynchronous = transport.runtime.block_on(transport.client.chat(&request())).unwrap_err();
    let snippets = [blocking.protocol(), asynchronous.protocol()]
        .map(|err| err.and_then(naga_protocol::Error::api).unwrap().body_snippet.clone());
    assert_eq!(snippets[0], snippets[1]);
    assert!(
        snippets[0].starts_with("<!DOCTYPE html>")
            && snippets[0].contains("<h1>502 Bad Gateway</h1>")
    );
    assert!(snippets[0].len() <= naga_protocol::MAX_SNIPPET_BYTES);
    assert_eq!(server.request_count(naga_conformance::CHAT_PATH), 2, "never retried: one each");
}

#[test]
fn a_body_over_the_servers_limit_gets_its_413_once() {
    // The emulator answers 413 as soon as the body passes its limit and closes the
    // connection while the client is still writing: the answer is read, not lost to the
    // failed write, and the request is not sent again.
    let server = MockServer::builder().max_body_bytes(1024).start_blocking().unwrap();
    let prompt = "Summarize the river. ".repeat(400_000); // 8 MB, past the socket buffers
    let req = ChatRequest::new("gpt-4o-mini", [Message::user(prompt)]);
    let setup = Setup::new(server.base_url());
    let chat = both(Some(&server), &setup, "too-large-chat", |t: &dyn Transport| t.chat(&req));
    let stream = both(Some(&server), &setup, "too-large-stream", |t| t.chat_stream(&req));
    for runs in [chat, stream] {
        let run = runs.agreed();
        assert_eq!(run.requests, 1, "413 is never retried");
        assert_api(run.outcome.failure(), ApiErrorKind::Other, 413);
    }
}
