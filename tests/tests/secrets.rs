//! The API and provisioning keys never show: not in `Debug`/`Display` of the config, the
//! clients, errors or built requests, and not in anything logged through `tracing` (or
//! `log`) at any level, nor when a server echoes a key back. A base URL's password does not
//! show either.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::io::Write;
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;

use naga_conformance::{
    Async, Blocking, Failure, PROVISIONING_KEY, Sender, Setup, TEST_KEY, Transport, refused_url,
};
use naga_mock::MockServer;
use naga_mock::canned::{self, CannedServer, Reply};
use naga_protocol::{ChatRequest, GetBalance, Message, build_request};

/// Logged wire dumps split text into 16-byte rows, so every 8-byte piece of each key is
/// looked for: a 34-byte key cut into rows always leaves a piece of 8 bytes or more in one row.
#[track_caller]
fn assert_no_key(what: &str, text: &str) {
    for key in [TEST_KEY, PROVISIONING_KEY] {
        for piece in key.as_bytes().windows(8) {
            let piece = std::str::from_utf8(piece).unwrap();
            let line = text.lines().find(|line| line.contains(piece));
            assert!(line.is_none(), "{what} shows a piece of a key ({piece}): {line:?}");
        }
    }
}

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Is the key safe?")])
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[test]
fn debug_and_display_never_show_the_key() {
    let server = MockServer::builder().required_api_key("ng-another-key").start_blocking().unwrap();
    let setup = Setup::new(server.base_url());
    let config = setup.config();
    assert_eq!(config.api_key().unwrap().expose(), TEST_KEY, "the key is really set");
    assert_eq!(config.provisioning_key().unwrap().expose(), PROVISIONING_KEY, "and this one");
    assert_no_key("Config", &format!("{config:?}"));
    let secret = config.api_key().unwrap();
    assert_no_key("Secret", &format!("{secret:?} {secret}"));
    let built = build_request(&config, &request()).unwrap();
    assert_no_key("built request", &format!("{built:?}"));
    let account = build_request(&config, &GetBalance).unwrap();
    assert_no_key("built account request", &format!("{account:?}"));
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    assert_no_key("blocking client", &format!("{:?}", blocking.client));
    assert_no_key("async client", &format!("{:?}", asynchronous.client));

    let unauthorized = blocking.client.chat(&request()).unwrap_err();
    assert_eq!(unauthorized.status().map(|s| s.as_u16()), Some(401));
    assert_no_key("blocking 401", &format!("{unauthorized} {unauthorized:?}"));
    let unauthorized =
        asynchronous.runtime.block_on(asynchronous.client.chat(&request())).unwrap_err();
    assert_eq!(unauthorized.status().map(|s| s.as_u16()), Some(401));
    assert_no_key("async 401", &format!("{unauthorized} {unauthorized:?}"));

    let refused = Setup::new(refused_url());
    let connect = Blocking::new(&refused).client.chat(&request()).unwrap_err();
    assert!(connect.is_retryable() && connect.attempts() == Some(3), "{connect:?}");
    assert_no_key("blocking connect error", &format!("{connect} {connect:?}"));
    let transport = Async::new(&refused);
    let connect = transport.runtime.block_on(transport.client.chat(&request())).unwrap_err();
    assert!(connect.is_retryable() && connect.attempts() == Some(3), "{connect:?}");
    assert_no_key("async connect error", &format!("{connect} {connect:?}"));
}

/// A server that echoes a key back (a 401's message, a proxy's page showing the request's
/// headers, an error envelope under a success status, an error frame, an account answer)
/// does not get it into an error: both transports show `[redacted key]` in its place.
#[test]
fn a_key_the_server_echoes_back_is_redacted() {
    let envelope = |key: &str| {
        let message = format!("Incorrect API key provided: {key}");
        serde_json::json!({"error": {"type": "authentication_error", "message": message}})
            .to_string()
    };
    let page = format!(
        "<html><head><title>Bad request</title></head><body>Authorization: Bearer {TEST_KEY}</body></html>"
    );
    let frame = format!("data: {}\n\n", envelope(TEST_KEY));
    let replies = [
        ("401", canned::json(401, "", &envelope(TEST_KEY)), false),
        ("HTML page", canned::json(400, "", &page), false),
        ("200 envelope", canned::json(200, "", &envelope(TEST_KEY)), false),
        ("error frame", Reply::Raw(format!("{}{frame}", canned::sse_head())), true),
    ];
    for (case, reply, streamed) in replies {
        let server = CannedServer::start(vec![reply]);
        let setup = Setup::new(server.url.clone());
        for (transport, shown) in [
            ("blocking", blocking_error(&setup, streamed)),
            ("async", async_error(&setup, streamed)),
        ] {
            assert!(shown.contains("[redacted key]"), "{transport}, {case}: {shown}");
            assert_no_key(&format!("{transport}, {case}"), &shown);
        }
    }
    let server = CannedServer::start(vec![canned::json(401, "", &envelope(PROVISIONING_KEY))]);
    let setup = Setup::new(server.url.clone());
    for failure in [Blocking::new(&setup).send(&GetBalance), Async::new(&setup).send(&GetBalance)] {
        let Err(Failure::Api { message, .. }) = &failure else { panic!("{failure:?}") };
        assert_eq!(message, "Incorrect API key provided: [redacted key]");
    }
}

/// The `Display` and `Debug` of naga-blocking's first error for a chat, streamed or not.
fn blocking_error(setup: &Setup, streamed: bool) -> String {
    let client = Blocking::new(setup).client;
    let err = if streamed {
        client.chat_stream(&request()).unwrap().find_map(Result::err).unwrap()
    } else {
        client.chat(&request()).unwrap_err()
    };
    format!("{err} {err:?}")
}

/// [`blocking_error`] for naga-async.
fn async_error(setup: &Setup, streamed: bool) -> String {
    let transport = Async::new(setup);
    let client = &transport.client;
    let err = transport.runtime.block_on(async {
        if !streamed {
            return client.chat(&request()).await.unwrap_err();
        }
        let mut stream = client.chat_stream(&request()).await.unwrap();
        while let Some(item) = stream.next().await {
            if let Err(err) = item {
                return err;
            }
        }
        panic!("the stream ended without its error")
    });
    format!("{err} {err:?}")
}

/// A base URL's user name and password (a gateway behind basic auth) are shown as `***`.
#[track_caller]
fn assert_no_password(what: &str, text: &str) {
    assert!(
        !text.contains("hunter2") && !text.contains("alice"),
        "{what} shows the password: {text}"
    );
}

#[test]
fn a_password_in_the_base_url_never_shows() {
    let with_password = |url: String| url.replacen("http://", "http://alice:hunter2@", 1);
    let server = MockServer::start_blocking();
    let setup = Setup::new(with_password(server.base_url()));
    assert_no_password("Config", &format!("{:?}", setup.config()));
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    assert_no_password("blocking client", &format!("{:?}", blocking.client));
    assert_no_password("async client", &format!("{:?}", asynchronous.client));
    // The credentials do not stop the requests: both are answered.
    assert!(blocking.client.chat(&request()).is_ok());
    assert!(asynchronous.runtime.block_on(asynchronous.client.chat(&request())).is_ok());
    assert_eq!(server.requests().len(), 2);

    let refused = Setup::new(with_password(refused_url()));
    let connect = Blocking::new(&refused).client.chat(&request()).unwrap_err();
    assert_no_password("blocking connect error", &format!("{connect} {connect:?}"));
    let transport = Async::new(&refused);
    let connect = transport.runtime.block_on(transport.client.chat(&request())).unwrap_err();
    let shown = format!("{connect} {connect:?}");
    assert!(shown.contains("http://***@127.0.0.1:"), "the URL is still named: {shown}");
    assert_no_password("async connect error", &shown);
}

#[test]
fn trace_output_never_shows_the_key() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();
    let server = MockServer::start_blocking();
    // One retry (503 then success) and a 401, through both transports, plain and streamed.
    let setup = Setup::new(server.base_url()).header("x-mock-fail-times", 1);
    let keyed = |name: &str| setup.clone().header("x-mock-fail-key", name);
    let transports: [Box<dyn Transport>; 2] =
        [Box::new(Blocking::new(&keyed("blocking"))), Box::new(Async::new(&keyed("async")))];
    let (blocking, asynchronous) = (Blocking::new(&keyed("b-acct")), Async::new(&keyed("a-acct")));
    assert!(blocking.send(&GetBalance).is_ok() && asynchronous.send(&GetBalance).is_ok());
    for transport in &transports {
        let req = request();
        assert!(transport.chat(&req).result.is_ok());
        assert!(transport.chat_stream(&req.clone().stream_with_usage()).result.is_ok());
        let denied = Setup::new(server.base_url()).header("x-mock-status", 401);
        let outcome = match transport.name() {
            "blocking" => Blocking::new(&denied).chat(&req),
            _ => Async::new(&denied).chat(&req),
        };
        assert_no_key("401 outcome", outcome.error_text.as_deref().unwrap());
    }
    let logged = capture.text();
    assert!(logged.contains("naga request") && logged.contains("naga retry"), "{logged}");
    assert!(logged.contains(" TRACE ") && logged.contains("naga stream ended"), "{logged}");
    // ureq-proto hex-dumps the bytes ureq writes at `log` TRACE; naga-blocking's default
    // `redact-wire-trace` feature compiles that level out, so the dump never carries the key.
    assert!(!logged.contains(" ureq_proto::util: "), "ureq's wire dump is compiled out");
    assert_no_key("tracing output", &logged);
}
