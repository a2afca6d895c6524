//! `POST /v1/moderations` over plain HTTP: the documented body, verdicts, validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, send};
use naga_mock::MockServer;
use serde_json::{Value, json};

const MODEL: &str = "omni-moderation-latest";

async fn post(server: &MockServer, body: &Value) -> Reply {
    let url = format!("{}/moderations", server.base_url());
    send(client().post(url).bearer_auth("ng-test").json(body)).await.unwrap()
}

#[tokio::test]
async fn texts_get_one_result_each_in_the_documented_order() {
    let server = MockServer::start().await;
    let reply =
        post(&server, &json!({"model": MODEL, "input": ["a calm day", "I will kill it"]})).await;
    assert_eq!(reply.status, 200);
    let text = reply.text();
    assert!(text.starts_with(r#"{"id":"modr-mock-"#), "{text}");
    assert!(text.contains(r#","model":"omni-moderation-latest","results":[{"flagged":false,"categories":{"harassment":false,"harassment/threatening":false,"#), "{text}");
    let body = reply.json();
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["flagged"], true);
    assert_eq!(results[1]["categories"]["violence"], true);
    assert!(results[1]["category_scores"]["violence"].as_f64().unwrap() >= 0.9);
    assert_eq!(results[1]["categories"]["hate"], false);
    for result in results {
        let keys: Vec<&String> = result.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 4, "{result}");
        assert_eq!(result["categories"].as_object().unwrap().len(), 13);
        assert!(result["category_scores"]["hate"].as_f64().unwrap() < 0.01);
        assert_eq!(result["category_applied_input_types"]["violence"], json!(["text"]));
    }
    let again =
        post(&server, &json!({"model": MODEL, "input": ["a calm day", "I will kill it"]})).await;
    assert_eq!(again.body, reply.body, "deterministic");
}

#[tokio::test]
async fn parts_get_one_result_with_image_types_where_images_are_checked() {
    let server = MockServer::start().await;
    let input = json!([
        {"type": "text", "text": "a photo"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    ]);
    let body = post(&server, &json!({"model": MODEL, "input": input})).await.json();
    assert_eq!(body["results"].as_array().unwrap().len(), 1);
    let types = &body["results"][0]["category_applied_input_types"];
    assert_eq!(types["violence"], json!(["text", "image"]));
    assert_eq!(types["hate"], json!(["text"]));
    let flat = json!([{"type": "image_url", "url": "https://example.com/a.png"}]);
    assert_eq!(post(&server, &json!({"model": MODEL, "input": flat})).await.status, 200);
}

#[tokio::test]
async fn invalid_bodies_name_the_field() {
    let server = MockServer::start().await;
    let cases = [
        (json!({"input": "x"}), "`model` is required"),
        (json!({"model": MODEL}), "`input` is required"),
        (json!({"model": MODEL, "input": []}), "`input` must not be empty"),
        (json!({"model": MODEL, "input": 7}), "`input` must be a string or an array"),
        (json!({"model": MODEL, "input": ["a", 1]}), "`input[1]` must be a string like"),
        (json!({"model": MODEL, "input": [{"type": "audio"}]}), "`input[0].type` must be"),
        (
            json!({"model": MODEL, "input": [{"type": "image_url", "image_url": {}}]}),
            "`input[0].image_url.url`",
        ),
        (json!({"model": MODEL, "input": [{"type": "text"}]}), "`input[0].text` must be a string"),
    ];
    for (body, expected) in cases {
        let message = post(&server, &body).await.error(400, "invalid_request_error");
        assert!(message.contains(expected), "{body}: {message}");
    }
    let chat_model = post(&server, &json!({"model": "gpt-4o-mini", "input": "x"})).await;
    assert!(
        chat_model.error(400, "invalid_request_error").contains("does not support moderations")
    );
}
