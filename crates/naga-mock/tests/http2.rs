//! HTTP/2 with prior knowledge (what `curl --http2-prior-knowledge` and reqwest's
//! `http2_prior_knowledge` send): the same answers as over HTTP/1.1, in HTTP/2's framing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{reference, sse_chunks};
use naga_mock::MockServer;
use reqwest::Version;

fn h2_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().http2_prior_knowledge().build().unwrap()
}

#[tokio::test]
async fn documents_streams_and_heads_over_http2() {
    let server = MockServer::start().await;
    let client = h2_client();
    let chat = format!("{}/chat/completions", server.base_url());
    let reply = client.post(&chat).bearer_auth("ng-test").json(&reference()).send().await.unwrap();
    assert_eq!((reply.version(), reply.status().as_u16()), (Version::HTTP_2, 200));
    let completion: serde_json::Value = reply.json().await.unwrap();
    let text = completion["choices"][0]["message"]["content"].as_str().unwrap().to_owned();

    let mut streamed = reference();
    streamed["stream"] = true.into();
    let reply = client.post(&chat).bearer_auth("ng-test").json(&streamed).send().await.unwrap();
    assert_eq!(reply.version(), Version::HTTP_2);
    assert_eq!(reply.headers()["content-type"], "text/event-stream");
    let body = reply.text().await.unwrap();
    assert!(body.ends_with("data: [DONE]\n\n"), "{body}");
    let deltas: String = sse_chunks(&body)
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(deltas, text);

    // HEAD: the head alone (HTTP/2 does not drop a body by itself; sending one is a reset).
    let models = format!("{}/models", server.base_url());
    let whole = client.get(&models).send().await.unwrap().bytes().await.unwrap();
    let head = client.head(&models).send().await.unwrap();
    assert_eq!((head.version(), head.status().as_u16()), (Version::HTTP_2, 200));
    assert_eq!(head.headers()["content-length"], whole.len().to_string().as_str());
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_dropped_stream_is_a_reset_not_a_clean_end() {
    let server = MockServer::start().await;
    let mut streamed = reference();
    streamed["stream"] = true.into();
    let reply = h2_client()
        .post(format!("{}/chat/completions", server.base_url()))
        .bearer_auth("ng-test")
        .header("x-mock-drop-after-events", "2")
        .json(&streamed)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let err = reply.text().await.expect_err("a reset stream must not read as complete");
    assert!(err.is_body() || err.is_decode(), "{err:?}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_over_http2_too() {
    let server = MockServer::builder().max_body_bytes(1024).start().await.unwrap();
    // Small, and larger than the stream's flow-control window (64 KiB), so the client is
    // still sending when the answer is ready.
    for size in [4096, 1024 * 1024] {
        let reply = h2_client()
            .post(format!("{}/chat/completions", server.base_url()))
            .bearer_auth("ng-test")
            .header("content-type", "application/json")
            .body(vec![b' '; size])
            .send()
            .await
            .unwrap_or_else(|err| panic!("{size} bytes: {err:?}"));
        assert_eq!((reply.version(), reply.status().as_u16()), (Version::HTTP_2, 413));
        assert!(reply.headers().get("connection").is_none(), "no connection headers in HTTP/2");
        let body: serde_json::Value = reply.json().await.unwrap();
        assert_eq!(body["error"]["type"], "request_too_large", "{body}");
    }
}

/// Sends `size` bytes to the chat route over a bare HTTP/2 connection, as fast as the flow
/// control lets it (as curl and httpx do); the status, and whether all of the body went out
/// without the stream being reset.
async fn send_all(server: &MockServer, size: usize) -> (u16, bool) {
    let authority =
        server.base_url().trim_start_matches("http://").trim_end_matches("/v1").to_owned();
    let tcp = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let mut client = client.ready().await.unwrap();
    let request = http::Request::post(format!("http://{authority}/v1/chat/completions"))
        .header("authorization", "Bearer ng-test")
        .header("content-type", "application/json")
        .body(())
        .unwrap();
    let (response, mut body) = client.send_request(request, false).unwrap();
    let response = tokio::spawn(response);
    let mut sent_all = true;
    let mut left = size;
    while left > 0 {
        body.reserve_capacity(left.min(16 * 1024));
        let Some(Ok(granted)) = std::future::poll_fn(|cx| body.poll_capacity(cx)).await else {
            sent_all = false;
            break;
        };
        let chunk = granted.min(left);
        left -= chunk;
        if body.send_data(vec![b' '; chunk].into(), left == 0).is_err() {
            sent_all = false;
            break;
        }
    }
    let status = response.await.unwrap().unwrap().status().as_u16();
    // A reset that came after the last byte was queued still shows here.
    let reset = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        std::future::poll_fn(|cx| body.poll_reset(cx)),
    );
    (status, sent_all && reset.await.is_err())
}

#[tokio::test]
async fn the_rest_of_a_body_over_the_limit_is_read_so_curl_and_httpx_see_the_413() {
    let server = MockServer::builder().max_body_bytes(1024).start().await.unwrap();
    // Far beyond the stream's flow-control window (64 KiB): the server must keep reading.
    assert_eq!(send_all(&server, 2 * 1024 * 1024).await, (413, true));
}
