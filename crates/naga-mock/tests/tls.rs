//! HTTPS (`MockServerBuilder::tls_pem`): the answers over TLS, HTTP/2 or HTTP/1.1 by ALPN.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use std::sync::Arc;

use common::reference;
use naga_mock::MockServer;
use reqwest::Version;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

const CA: &[u8] = include_bytes!("data/tls/ca.pem");
const CERT: &[u8] = include_bytes!("data/tls/server.pem");
const KEY: &[u8] = include_bytes!("data/tls/server.key");

/// A client trusting the test CA, offering `alpn`.
fn client(alpn: &[&[u8]]) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(CA).unwrap()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    reqwest::Client::builder().no_proxy().tls_backend_preconfigured(tls).build().unwrap()
}

async fn tls_server() -> MockServer {
    MockServer::builder().tls_pem(CERT, KEY).unwrap().start().await.unwrap()
}

#[tokio::test]
async fn answers_over_tls_with_http2_or_http1_by_alpn() {
    let server = tls_server().await;
    assert!(server.base_url().starts_with("https://127.0.0.1:"), "{}", server.base_url());
    let url = format!("{}/chat/completions", server.base_url());
    let mut streamed = reference();
    streamed["stream"] = true.into();
    for (alpn, version) in [
        (&[&b"h2"[..], b"http/1.1"][..], Version::HTTP_2),
        (&[&b"http/1.1"[..]][..], Version::HTTP_11),
    ] {
        let client = client(alpn);
        let reply =
            client.post(&url).bearer_auth("ng-test").json(&reference()).send().await.unwrap();
        assert_eq!((reply.version(), reply.status().as_u16()), (version, 200));
        let completion: serde_json::Value = reply.json().await.unwrap();
        assert!(
            completion["choices"][0]["message"]["content"]
                .as_str()
                .unwrap()
                .starts_with("[naga-mock]")
        );
        let reply = client.post(&url).bearer_auth("ng-test").json(&streamed).send().await.unwrap();
        assert_eq!(reply.version(), version);
        assert!(reply.text().await.unwrap().ends_with("data: [DONE]\n\n"));
    }
    assert_eq!(server.request_count("/v1/chat/completions"), 4);
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_certificate_gets_no_answer() {
    let server = tls_server().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let untrusting = reqwest::Client::builder().no_proxy().build().unwrap();
    let err = untrusting.get(format!("{}/models", server.base_url())).send().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    // Plain HTTP to the TLS port is not answered as HTTP either.
    let plain = format!("{}/models", server.base_url().replacen("https", "http", 1));
    assert!(common::client().get(plain).send().await.is_err());
    assert_eq!(server.request_count("/v1/models"), 0);
}

#[test]
fn pem_without_a_certificate_or_key_is_refused() {
    let no_cert = MockServer::builder().tls_pem(b"", KEY).unwrap_err();
    assert!(no_cert.to_string().contains("no certificate"), "{no_cert}");
    let no_key = MockServer::builder().tls_pem(CERT, b"").unwrap_err();
    assert!(no_key.to_string().contains("key PEM"), "{no_key}");
    let wrong_key = MockServer::builder().tls_pem(CA, KEY).unwrap_err();
    assert!(wrong_key.to_string().contains("certificate and key"), "{wrong_key}");
}
