//! `POST /v1/images/generations` over plain HTTP: the documented body, both formats,
//! validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use base64::Engine as _;
use common::{Reply, client, send};
use naga_mock::MockServer;
use serde_json::{Value, json};

const MODEL: &str = "gpt-image-1";

async fn post(server: &MockServer, body: &Value) -> Reply {
    let url = format!("{}/images/generations", server.base_url());
    send(client().post(url).bearer_auth("ng-test").json(body)).await.unwrap()
}

#[tokio::test]
async fn urls_by_default_in_the_documented_order() {
    let server = MockServer::start().await;
    let reply = post(&server, &json!({"model": MODEL, "prompt": "a red lighthouse", "n": 2})).await;
    assert_eq!(reply.status, 200);
    let text = reply.text();
    let origin = format!("http://{}", server.addr());
    let start = format!(r#"{{"created":1767225600,"data":[{{"url":"{origin}/outputs/naga-mock-"#);
    assert!(text.starts_with(&start), "{text}");
    assert!(
        text.ends_with(
            r#""usage":{"input_tokens":3,"output_tokens":512,"total_tokens":515,"input_tokens_details":{"text_tokens":3,"image_tokens":0}}}"#
        ),
        "{text}"
    );
    let body = reply.json();
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_ne!(data[0]["url"], data[1]["url"]);
    assert_eq!(data[0]["b64_json"], Value::Null);
    assert_eq!(
        post(&server, &json!({"model": MODEL, "prompt": "a red lighthouse", "n": 2})).await.body,
        reply.body
    );
}

/// Asserts `png` is a whole PNG file.
fn assert_png(png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"), "{png:?}");
    assert!(png.ends_with(b"IEND\xae\x42\x60\x82"), "{png:?}");
}

#[tokio::test]
async fn image_urls_are_served_by_the_emulator_without_a_key() {
    let server = MockServer::start().await;
    let answer =
        post(&server, &json!({"model": MODEL, "prompt": "a red lighthouse", "n": 3})).await;
    for image in answer.json()["data"].as_array().unwrap() {
        let url = image["url"].as_str().unwrap();
        let got = send(client().get(url)).await.unwrap();
        assert_eq!(got.status, 200, "{url}: {}", got.text());
        assert_eq!(got.headers["content-type"], "image/png");
        assert_png(&got.body);
        let head = send(client().head(url)).await.unwrap();
        assert_eq!((head.status.as_u16(), head.body.len()), (200, 0));
        assert_eq!(head.headers["content-length"], got.body.len().to_string().as_str());
    }
    let origin = format!("http://{}", server.addr());
    let names = [
        "naga-mock-0123456789abcdef-10.png", // past the most images an answer holds
        "naga-mock-0123456789ABCDEF-0.png",  // not as the emulator writes it
        "naga-mock-0123456789abcdef-01.png",
        "naga-mock-0123456789abcde-0.png",
        "naga-mock-0123456789abcdef-0.jpg",
        "other.png",
    ];
    for name in names {
        let got = send(client().get(format!("{origin}/outputs/{name}"))).await.unwrap();
        assert_eq!(got.status, 404, "{name}");
    }
    let url = format!("{origin}/outputs/naga-mock-0123456789abcdef-9.png");
    assert_eq!(send(client().get(&url)).await.unwrap().status, 200);
    assert_eq!(send(client().post(&url)).await.unwrap().status, 405);
}

#[tokio::test]
async fn image_urls_name_the_host_the_client_named() {
    let server = MockServer::start().await;
    let port = server.addr().port();
    let url = format!("http://localhost:{port}/v1/images/generations");
    let body = json!({"model": MODEL, "prompt": "a red lighthouse"});
    let answer = send(client().post(url).bearer_auth("ng-test").json(&body)).await.unwrap();
    let image_url = answer.json()["data"][0]["url"].as_str().unwrap().to_owned();
    assert!(image_url.starts_with(&format!("http://localhost:{port}/outputs/")), "{image_url}");
}

#[tokio::test]
async fn b64_json_is_a_valid_png() {
    let server = MockServer::start().await;
    let body =
        json!({"model": MODEL, "prompt": "x", "response_format": "b64_json", "size": "1024x1024"});
    let answer = post(&server, &body).await.json();
    assert_eq!(answer["data"][0]["url"], Value::Null);
    let text = answer["data"][0]["b64_json"].as_str().unwrap();
    assert_png(&base64::engine::general_purpose::STANDARD.decode(text).unwrap());
}

#[tokio::test]
async fn invalid_bodies_name_the_field() {
    let server = MockServer::start().await;
    let long = "é".repeat(8193);
    let cases = [
        (json!({"prompt": "x"}), "`model` is required"),
        (json!({"model": MODEL}), "`prompt` is required"),
        (json!({"model": MODEL, "prompt": " "}), "`prompt` must not be empty"),
        (json!({"model": MODEL, "prompt": long}), "at most 8192 characters"),
        (json!({"model": MODEL, "prompt": 3}), "`prompt` must be a string"),
        (json!({"model": MODEL, "prompt": "x", "n": 0}), "`n` must be an integer in 1..=10"),
        (json!({"model": MODEL, "prompt": "x", "n": 11}), "`n` must be an integer in 1..=10"),
        (json!({"model": MODEL, "prompt": "x", "size": " "}), "`size` must be"),
        (json!({"model": MODEL, "prompt": "x", "size": 1024}), "`size` must be"),
        (json!({"model": MODEL, "prompt": "x", "response_format": "png"}), "`response_format`"),
    ];
    for (body, expected) in cases {
        let message = post(&server, &body).await.error(400, "invalid_request_error");
        assert!(message.contains(expected), "{body}: {message}");
    }
    let chat_model = post(&server, &json!({"model": "gpt-4o-mini", "prompt": "x"})).await;
    assert!(
        chat_model
            .error(400, "invalid_request_error")
            .contains("does not support images.generations")
    );
}
