//! naga-async over HTTP/2 (prior knowledge, against the emulator's HTTP/2 side): the same
//! outcomes as over HTTP/1.1 for answers, streams and retries. (Broken streams over HTTP/2,
//! where a lost stream is a reset instead of a closed connection, are in `streams.rs`.)

use naga_conformance::{Failure, Setup, over_http1_and_http2};
use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Message};

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Describe the Shinkansen.")]).stream_with_usage()
}

#[test]
fn answers_and_streams_are_the_same_over_http2() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url()).header("x-mock-chunks", 8);
    let req = request();
    let whole = over_http1_and_http2(&server, &setup, "whole", |t| t.chat(&req));
    let whole = whole.agreed_after(1);
    let streamed = over_http1_and_http2(&server, &setup, "streamed", |t| t.chat_stream(&req));
    let streamed = streamed.agreed_after(1);
    assert_eq!(streamed.completion().text(), whole.completion().text());
    assert!(streamed.completion().usage.is_some());
    // Without `[DONE]` the finish chunk and the usage trailer end the stream just as well.
    let setup = setup.header("x-mock-no-done", 1);
    let no_done = over_http1_and_http2(&server, &setup, "no-done", |t| t.chat_stream(&req));
    assert_eq!(no_done.agreed_after(1).completion(), streamed.completion());
}

#[test]
fn server_errors_are_retried_then_answered() {
    let server = MockServer::start_blocking();
    let failing = |times: u32| {
        Setup::new(server.base_url())
            .header("x-mock-fail-times", times)
            .header("x-mock-fail-status", 503)
            .header("x-mock-retry-after-ms", 10)
    };
    let req = request();
    let runs = over_http1_and_http2(&server, &failing(2), "retried", |t| t.chat_stream(&req));
    let outcome = runs.agreed_after(3);
    assert!(outcome.completion().text().is_some_and(|text| text.starts_with("[naga-mock]")));
    let setup = failing(5);
    let runs = over_http1_and_http2(&server, &setup, "exhausted", |t| t.chat(&req));
    let outcome = runs.agreed_after(3);
    let Failure::GaveUp { attempts: 3, last } = outcome.failure() else {
        panic!("expected retries to give up, got {:?}", outcome.failure());
    };
    assert!(matches!(**last, Failure::Api { status: Some(503), .. }), "{last:?}");
}
