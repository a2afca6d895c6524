//! `POST /v1/embeddings` over plain HTTP: the documented body, validation, auth and methods.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, send};
use naga_mock::MockServer;
use serde_json::{Value, json};

async fn post(server: &MockServer, body: &Value) -> Reply {
    let url = format!("{}/embeddings", server.base_url());
    let request = client().post(url).bearer_auth("ng-test").json(body);
    send(request).await.unwrap()
}

#[tokio::test]
async fn answer_has_the_documented_shape_and_key_order() {
    let server = MockServer::start().await;
    let body = json!({"model": "text-embedding-3-small", "input": "Tokyo Tower", "dimensions": 3});
    let reply = post(&server, &body).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    let text = reply.text();
    let head = r#"{"object":"list","model":"text-embedding-3-small","data":[{"object":"embedding","index":0,"embedding":["#;
    assert!(text.starts_with(head), "{text}");
    assert!(text.ends_with(r#"]}],"usage":{"prompt_tokens":2,"total_tokens":2}}"#), "{text}");
    let vector: Vec<f64> =
        serde_json::from_value(reply.json()["data"][0]["embedding"].clone()).unwrap();
    assert_eq!(vector.len(), 3);
    let norm = vector.iter().map(|x| x * x).sum::<f64>().sqrt();
    assert!((norm - 1.0).abs() < 1e-6, "{norm}");
    assert_eq!(post(&server, &body).await.body, reply.body, "deterministic");
}

#[tokio::test]
async fn base64_vectors_are_the_float_vectors_as_le_f32() {
    let server = MockServer::start().await;
    let floats = json!({"model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 5});
    let mut base64 = floats.clone();
    base64["encoding_format"] = json!("base64");
    let floats = post(&server, &floats).await.json();
    let base64 = post(&server, &base64).await.json();
    for index in 0..2 {
        use base64::Engine as _;
        let text = base64["data"][index]["embedding"].as_str().unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(text).unwrap();
        let decoded: Vec<f64> = bytes
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap())))
            .collect();
        let expected: Vec<f64> =
            serde_json::from_value(floats["data"][index]["embedding"].clone()).unwrap();
        let as_f32: Vec<f64> = expected.iter().map(|x| f64::from(*x as f32)).collect();
        assert_eq!(decoded, as_f32, "item {index}");
    }
}

#[tokio::test]
async fn invalid_bodies_name_the_field() {
    let server = MockServer::start().await;
    let model = "text-embedding-3-small";
    let cases = [
        (json!({"input": "x"}), "`model` is required"),
        (json!({"model": model}), "`input` is required"),
        (json!({"model": model, "input": ""}), "`input` must not be empty"),
        (json!({"model": model, "input": []}), "`input` must not be empty"),
        (json!({"model": model, "input": ["a", ""]}), "`input[1]` must not be empty"),
        (json!({"model": model, "input": [[1], []]}), "`input[1]` must not be empty"),
        (json!({"model": model, "input": [1, -2]}), "`input[1]` must be a non-negative integer"),
        (json!({"model": model, "input": {"a": 1}}), "must be a string or an array"),
        (json!({"model": model, "input": "x", "dimensions": 0}), "`dimensions` must be"),
        (json!({"model": model, "input": "x", "encoding_format": "int8"}), "`encoding_format`"),
    ];
    let too_many = json!({"model": model, "input": vec!["a"; 1024], "dimensions": 8192});
    let cases = cases.into_iter().chain([(too_many, "at most 4194304 numbers")]);
    for (body, expected) in cases {
        let message = post(&server, &body).await.error(400, "invalid_request_error");
        assert!(message.contains(expected), "{body}: {message}");
    }
}

#[tokio::test]
async fn models_and_auth_are_checked_like_chat() {
    let server = MockServer::start().await;
    let unknown = post(&server, &json!({"model": "nope", "input": "x"})).await;
    assert!(unknown.error(404, "not_found_error").contains("`nope`"));
    let chat = post(&server, &json!({"model": "gpt-4o-mini", "input": "x"})).await;
    assert!(chat.error(400, "invalid_request_error").contains("does not support embeddings"));
    let url = format!("{}/embeddings", server.base_url());
    let no_key = send(client().post(&url).json(&json!({"model": "m", "input": "x"}))).await;
    no_key.unwrap().error(401, "authentication_error");
    let get = send(client().get(&url).bearer_auth("ng-test")).await.unwrap();
    assert_eq!(get.status, 405);
    assert_eq!(get.headers["allow"], "POST");
    let to_chat =
        json!({"model": "text-embedding-3-small", "messages": [{"role": "user", "content": "hi"}]});
    let url = format!("{}/chat/completions", server.base_url());
    let reply = send(client().post(url).bearer_auth("ng-test").json(&to_chat)).await.unwrap();
    assert!(
        reply.error(400, "invalid_request_error").contains("does not support chat.completions")
    );
    assert_eq!(server.request_count("/v1/embeddings"), 4);
}
