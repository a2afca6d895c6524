//! Both transports over HTTPS against the emulator's TLS side, trusting its test CA:
//! naga-blocking on HTTP/1.1, naga-async on HTTP/2 chosen by ALPN (as against Naga itself).
//! The same outcomes, broken streams included.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers

use std::sync::Arc;

use naga_conformance::{Async, Blocking, Failure, Outcome, Setup, Transport, on_pair};
use naga_mock::MockServer;
use naga_protocol::{ApiErrorKind, ChatRequest, Message};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

const CA: &[u8] = include_bytes!("../../crates/naga-mock/tests/data/tls/ca.pem");
const CERT: &[u8] = include_bytes!("../../crates/naga-mock/tests/data/tls/server.pem");
const KEY: &[u8] = include_bytes!("../../crates/naga-mock/tests/data/tls/server.key");

fn tls_server() -> MockServer {
    let builder = MockServer::builder().tls_pem(CERT, KEY);
    let builder = builder.unwrap_or_else(|err| panic!("the test certificate: {err}"));
    builder.start_blocking().unwrap_or_else(|err| panic!("cannot start: {err}"))
}

/// naga-blocking on a ureq agent trusting the test CA.
fn blocking(setup: &Setup) -> Blocking {
    let ca = ureq::tls::Certificate::from_pem(CA).unwrap_or_else(|err| panic!("CA: {err}"));
    let roots = ureq::tls::RootCerts::new_with_certs(&[ca]);
    let tls = ureq::tls::TlsConfig::builder().root_certs(roots).build();
    let config = ureq::Agent::config_builder().tls_config(tls).http_status_as_error(false);
    Blocking::with_agent(setup, config.build().new_agent())
}

/// naga-async on a reqwest client trusting the test CA, offering h2 and http/1.1 by ALPN.
fn asynchronous(setup: &Setup) -> Async {
    let mut roots = rustls::RootCertStore::empty();
    let ca = CertificateDer::from_pem_slice(CA).unwrap_or_else(|err| panic!("CA: {err}"));
    roots.add(ca).unwrap_or_else(|err| panic!("CA: {err}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|err| panic!("{err}"));
    let mut tls = versions.with_root_certificates(roots).with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let http = reqwest::Client::builder()
        .no_proxy()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|err| panic!("{err}"));
    Async::with_http_client(setup, http, "async-tls")
}

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Describe the Shinkansen.")]).stream_with_usage()
}

#[test]
fn answers_and_streams_over_tls() {
    let server = tls_server();
    let setup = Setup::new(server.base_url()).header("x-mock-chunks", 8);
    let (first, second) = (blocking(&setup), asynchronous(&setup));
    let req = request();
    let whole = on_pair(&server, &first, &second, |t| t.chat(&req)).agreed_after(1);
    let streamed = on_pair(&server, &first, &second, |t| t.chat_stream(&req)).agreed_after(1);
    assert!(whole.completion().text().is_some_and(|text| text.starts_with("[naga-mock]")));
    assert_eq!(streamed.completion().text(), whole.completion().text());
    assert!(streamed.completion().usage.is_some());
}

/// A stream with the fault `header: value` through both transports over TLS: the agreed
/// outcome, after checking the POST went once.
fn broken_stream(server: &MockServer, (header, value): (&str, usize)) -> Outcome {
    let setup = Setup::new(server.base_url()).header("x-mock-chunks", 8).header(header, value);
    let req = request();
    let runs = on_pair(server, &blocking(&setup), &asynchronous(&setup), |t| t.chat_stream(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1, "{header}: the POST is sent exactly once");
    run.outcome.clone()
}

#[test]
fn broken_streams_over_tls_are_typed_failures_sent_once() {
    let server = tls_server();
    let dropped = broken_stream(&server, ("x-mock-drop-after-events", 4));
    assert_eq!(dropped.failure(), &Failure::Truncated { events: 4 });
    let errored = broken_stream(&server, ("x-mock-error-after-events", 3));
    assert!(
        matches!(errored.failure(), Failure::Api { kind: ApiErrorKind::Server, status: None, .. }),
        "{:?}",
        errored.failure()
    );
}

/// A certificate the client does not trust (the test CA is not among the default roots) is a
/// TLS failure on both transports alike, and is not retried: it fails the same way every time.
#[test]
fn an_untrusted_certificate_is_a_tls_failure_and_not_retried() {
    let server = tls_server();
    let setup = Setup::new(server.base_url());
    let transports: [Box<dyn Transport>; 2] =
        [Box::new(Blocking::new(&setup)), Box::new(Async::new(&setup))];
    for transport in transports {
        let outcome = transport.chat(&request());
        let shown = outcome.error_text.clone().unwrap_or_default();
        assert_eq!(outcome.failure(), &Failure::Tls, "{}: {shown}", transport.name());
    }
    assert_eq!(server.request_count("/v1/chat/completions"), 0);
}
