//! The free tier's budget (§1.7), when enforced: 429 past the limit, shared by every `:free`
//! model and endpoint, per API key; other models and refused or invalid requests don't count.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, post_raw, send};
use naga_mock::{FreeTierLimits, MockServer};
use serde_json::{Value, json};

const FREE: &str = "llama-3.3-70b-instruct:free";

fn chat(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "Hi"}]})
}

async fn chat_as(server: &MockServer, key: &str, body: &Value) -> Reply {
    let auth = format!("Bearer {key}");
    post_raw(server, body.to_string().into_bytes(), &[("authorization", &auth)], &[]).await
}

async fn response_as(server: &MockServer, key: &str, model: &str) -> Reply {
    let url = format!("{}/responses", server.base_url());
    let body = json!({"model": model, "input": "Hi"});
    send(client().post(url).bearer_auth(key).json(&body)).await.unwrap()
}

#[tokio::test]
async fn the_documented_budget_is_ten_a_minute_across_free_models_and_endpoints() {
    let limits = FreeTierLimits::DOCUMENTED;
    assert_eq!((limits.per_minute, limits.per_day), (10, 100));
    let server = MockServer::builder().free_tier_limits(limits).start().await.unwrap();
    for i in 0..5 {
        assert_eq!(chat_as(&server, "ng-a", &chat(FREE)).await.status, 200, "chat {i}");
        assert_eq!(response_as(&server, "ng-a", FREE).await.status, 200, "responses {i}");
    }
    let refused = chat_as(&server, "ng-a", &chat(FREE)).await;
    let message = refused.error(429, "rate_limit_exceeded");
    assert!(message.contains("10 requests per minute"), "{message}");
    assert!(message.contains("try again in "), "{message}");
    assert!(refused.headers.get("retry-after").is_none(), "Naga documents no rate-limit headers");
    response_as(&server, "ng-a", FREE).await.error(429, "rate_limit_exceeded");
    // Paid models and other keys are not limited.
    for _ in 0..12 {
        assert_eq!(chat_as(&server, "ng-a", &chat("gpt-4o-mini")).await.status, 200);
    }
    assert_eq!(chat_as(&server, "ng-b", &chat(FREE)).await.status, 200);
    // `reset` forgets the counts.
    server.reset();
    assert_eq!(chat_as(&server, "ng-a", &chat(FREE)).await.status, 200);
}

#[tokio::test]
async fn only_requests_that_would_be_answered_count() {
    let limits = FreeTierLimits { per_minute: 2, per_day: 100 };
    let server = MockServer::builder().free_tier_limits(limits).start().await.unwrap();
    let invalid = json!({"model": FREE, "messages": []});
    for _ in 0..3 {
        chat_as(&server, "ng-a", &invalid).await.error(400, "invalid_request_error");
    }
    assert_eq!(chat_as(&server, "ng-a", &chat(FREE)).await.status, 200);
    assert_eq!(chat_as(&server, "ng-a", &chat(FREE)).await.status, 200);
    for _ in 0..3 {
        chat_as(&server, "ng-a", &chat(FREE)).await.error(429, "rate_limit_exceeded");
    }
    // A refusal comes after validation: an invalid request is still a 400.
    chat_as(&server, "ng-a", &invalid).await.error(400, "invalid_request_error");
}

#[tokio::test]
async fn the_daily_budget_refuses_with_its_own_message() {
    let limits = FreeTierLimits { per_minute: 10, per_day: 1 };
    let server = MockServer::builder().free_tier_limits(limits).start().await.unwrap();
    assert_eq!(chat_as(&server, "ng-a", &chat(FREE)).await.status, 200);
    let message = chat_as(&server, "ng-a", &chat(FREE)).await.error(429, "rate_limit_exceeded");
    assert!(message.contains("1 request per day"), "{message}");
}

#[tokio::test]
async fn without_the_option_free_models_are_not_limited() {
    let server = MockServer::start().await;
    for _ in 0..12 {
        assert_eq!(chat_as(&server, "ng-a", &chat(FREE)).await.status, 200);
    }
}
