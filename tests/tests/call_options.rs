//! Per-call overrides (`with_retry_policy`, `with_request_timeout`,
//! `with_stream_idle_timeout`): they change the calls made through the derived client only,
//! the same way in both transports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::time::Duration;

use naga_conformance::{Async, Blocking, CHAT_PATH, Failure, Setup};
use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Message, RetryPolicy, TimeoutKind};

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("How tall is Tokyo Tower?")])
}

#[test]
fn a_derived_retry_policy_applies_to_its_calls_only() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url()).header("x-mock-status", 503);
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    let never = RetryPolicy::never();
    let counted = |call: &dyn Fn()| {
        server.reset();
        call();
        server.request_count(CHAT_PATH)
    };
    assert_eq!(counted(&|| drop(blocking.client.chat(&request()))), 3, "the client's policy");
    let once = blocking.client.with_retry_policy(never);
    assert_eq!(counted(&|| drop(once.chat(&request()))), 1, "the derived policy");
    assert_eq!(counted(&|| drop(blocking.client.chat(&request()))), 3, "the client unchanged");
    let run = |client: &naga_async::Client| {
        drop(asynchronous.runtime.block_on(client.chat(&request())));
    };
    assert_eq!(counted(&|| run(&asynchronous.client)), 3);
    let once = asynchronous.client.with_retry_policy(never);
    assert_eq!(counted(&|| run(&once)), 1);
    assert_eq!(counted(&|| run(&asynchronous.client)), 3);
}

#[test]
fn derived_time_limits_apply_to_their_calls_only() {
    let server = MockServer::start_blocking();
    // Every answer waits 400 ms before its head; the clients allow 10 s and 5 s of silence.
    let mut setup = Setup::new(server.base_url()).header("x-mock-stall-ms", 400);
    setup.retry = RetryPolicy::never();
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    let short = Some(Duration::from_millis(100));

    let err = blocking.client.with_request_timeout(short).chat(&request()).unwrap_err();
    assert_eq!(Failure::of(&err), Failure::Timeout(TimeoutKind::Request), "{err}");
    let err = blocking.client.with_stream_idle_timeout(short).chat_stream(&request()).unwrap_err();
    assert_eq!(Failure::of(&err), Failure::Timeout(TimeoutKind::StreamIdle), "{err}");
    assert!(blocking.client.chat(&request()).is_ok(), "the client's own limits are unchanged");

    asynchronous.runtime.block_on(async {
        let client = &asynchronous.client;
        let err = client.with_request_timeout(short).chat(&request()).await.unwrap_err();
        assert_eq!(Failure::of(&err), Failure::Timeout(TimeoutKind::Request), "{err}");
        let idle = client.with_stream_idle_timeout(short);
        let err = idle.chat_stream(&request()).await.unwrap_err();
        assert_eq!(Failure::of(&err), Failure::Timeout(TimeoutKind::StreamIdle), "{err}");
        assert!(client.chat(&request()).await.is_ok(), "the client's own limits are unchanged");
    });
}
