//! `/v1/account/*` over plain HTTP: shapes, the key store's life cycle, methods, validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, send};
use naga_mock::MockServer;
use reqwest::Method;
use serde_json::{Value, json};

async fn call(server: &MockServer, method: Method, path: &str, body: Option<Value>) -> Reply {
    let url = format!("{}/account/{path}", server.base_url());
    let mut request = client().request(method, url).bearer_auth("ng-prov");
    if let Some(body) = body {
        request = request.json(&body);
    }
    send(request).await.unwrap()
}

#[tokio::test]
async fn balance_and_activity_have_the_documented_shape() {
    let server = MockServer::start().await;
    assert_eq!(call(&server, Method::GET, "balance", None).await.text(), r#"{"balance":"125.50"}"#);
    let activity = call(&server, Method::GET, "activity?days=2", None).await;
    let text = activity.text();
    assert!(text.starts_with(r#"{"period_days":2,"total_stats":{"total_requests":"#), "{text}");
    let body = activity.json();
    assert_eq!(body["daily_stats"].as_array().unwrap().len(), 2);
    assert!(body["total_stats"]["total_cost"].is_string(), "costs are strings");
    assert_eq!(body["api_key_usage"][0]["api_key_id"], 1);
    let default = call(&server, Method::GET, "activity", None).await.json();
    assert_eq!(default["period_days"], 30);
    for bad in ["activity?days=0", "activity?days=31", "activity?days=x"] {
        let message =
            call(&server, Method::GET, bad, None).await.error(400, "invalid_request_error");
        assert!(message.contains("`days`"), "{bad}: {message}");
    }
}

#[tokio::test]
async fn keys_live_and_die_in_the_store() {
    let server = MockServer::start().await;
    let created =
        call(&server, Method::POST, "keys", Some(json!({"name": "ci", "credit_limit": 5}))).await;
    assert_eq!(created.status, 200);
    let text = created.text();
    assert!(text.starts_with(r#"{"id":2,"name":"ci","created_at":""#), "{text}");
    assert!(
        text.contains(r#","expires_at":null,"is_enabled":true,"credit_limit":5.0,"key":"ng-mock-"#),
        "{text}"
    );
    let listed = call(&server, Method::GET, "keys", None).await.json();
    assert_eq!(listed["keys"].as_array().unwrap().len(), 2);
    let patch =
        json!({"is_enabled": false, "credit_limit": null, "expires_at": "2099-12-31T23:59:59Z"});
    let patched = call(&server, Method::PATCH, "keys/2", Some(patch)).await.json();
    assert_eq!(
        (patched["is_enabled"].clone(), patched["credit_limit"].clone()),
        (json!(false), Value::Null)
    );
    assert_eq!(patched["expires_at"], "2099-12-31T23:59:59Z");
    assert_eq!(patched["name"], "ci", "left as it was");
    assert!(patched.get("key").is_none(), "the plaintext is shown only at creation");
    let deleted = call(&server, Method::DELETE, "keys/2", None).await;
    assert_eq!((deleted.status.as_u16(), deleted.body.len()), (204, 0));
    call(&server, Method::GET, "keys/2", None).await.error(404, "not_found_error");
    call(&server, Method::DELETE, "keys/2", None).await.error(404, "not_found_error");
}

#[tokio::test]
async fn bad_key_requests_name_the_field_or_method() {
    let server = MockServer::start().await;
    let cases = [
        (Method::POST, "keys", json!({}), "`name` is required"),
        (Method::POST, "keys", json!({"name": ""}), "`name` must be"),
        (Method::POST, "keys", json!({"name": "k".repeat(256)}), "`name` must be"),
        (Method::POST, "keys", json!({"name": "k", "credit_limit": -1}), "`credit_limit`"),
        (
            Method::POST,
            "keys",
            json!({"name": "k", "expires_at": "2001-01-01T00:00:00Z"}),
            "in the future",
        ),
        (Method::POST, "keys", json!({"name": "k", "expires_at": "tomorrow"}), "date-time"),
        (Method::PATCH, "keys/1", json!({"is_enabled": "no"}), "`is_enabled` must be a boolean"),
        (Method::PATCH, "keys/x", json!({}), "key_id must be an integer"),
    ];
    for (method, path, body, expected) in cases {
        let message = call(&server, method, path, Some(body.clone()))
            .await
            .error(400, "invalid_request_error");
        assert!(message.contains(expected), "{body}: {message}");
    }
    let wrong = call(&server, Method::POST, "keys/1", Some(json!({}))).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.headers["allow"], "GET, HEAD, PATCH, DELETE");
    let url = format!("{}/account/balance", server.base_url());
    let refused = send(client().get(&url)).await.unwrap();
    assert_eq!(refused.headers["www-authenticate"], "Bearer", "RFC 9110 §15.5.2: a challenge");
    refused.error(401, "authentication_error");
    // Provisioning keys go as bearer tokens only (API digest §1.2).
    let other_header = send(client().get(&url).header("x-api-key", "ng-prov")).await.unwrap();
    assert!(other_header.error(401, "authentication_error").contains("Bearer"));
}
