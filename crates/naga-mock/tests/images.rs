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
    assert!(
        text.starts_with(
            r#"{"created":1767225600,"data":[{"url":"https://api.naga.ac/outputs/naga-mock-"#
        ),
        "{text}"
    );
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

#[tokio::test]
async fn b64_json_is_a_valid_png() {
    let server = MockServer::start().await;
    let body =
        json!({"model": MODEL, "prompt": "x", "response_format": "b64_json", "size": "1024x1024"});
    let answer = post(&server, &body).await.json();
    assert_eq!(answer["data"][0]["url"], Value::Null);
    let text = answer["data"][0]["b64_json"].as_str().unwrap();
    let png = base64::engine::general_purpose::STANDARD.decode(text).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"), "{png:?}");
    assert!(png.ends_with(b"IEND\xae\x42\x60\x82"), "{png:?}");
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
