//! Routing, auth, content type, body limit, recording, and start/stop.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{client, post_chat, post_raw, raw_http, reference, send};
use naga_mock::MockServer;
use serde_json::json;

#[tokio::test]
async fn unknown_path_is_404_and_wrong_method_405() {
    let server = MockServer::start().await;
    let reply = send(client().get(format!("{}/completions", server.base_url()))).await.unwrap();
    let message = reply.error(404, "not_found_error");
    assert!(message.contains("/v1/completions"), "{message}");
    assert!(!message.contains("did you mean"), "{message}");
    // A base URL without its /v1: the answer says where the API is.
    let root = server.base_url().trim_end_matches("/v1").to_owned();
    let reply = send(client().post(format!("{root}/chat/completions"))).await.unwrap();
    let message = reply.error(404, "not_found_error");
    assert!(message.ends_with("(did you mean /v1/chat/completions?)"), "{message}");
    let reply =
        send(client().get(format!("{}/chat/completions", server.base_url()))).await.unwrap();
    let message = reply.error(405, "method_not_allowed");
    assert!(message.contains("POST"), "{message}");
    assert_eq!(reply.headers["allow"], "POST");
    let reply = send(client().delete(format!("{}/models", server.base_url()))).await.unwrap();
    reply.error(405, "method_not_allowed");
}

#[tokio::test]
async fn missing_or_malformed_keys_are_401() {
    let server = MockServer::start().await;
    let body = reference().to_string().into_bytes();
    let cases: [&[(&str, &str)]; 6] = [
        &[],
        &[("authorization", "Bearer")],
        &[("authorization", "Bearer   ")],
        &[("authorization", "Basic abc")],
        &[("authorization", "ng-key")],
        &[("x-api-key", "")],
    ];
    for auth in cases {
        let reply = post_raw(&server, body.clone(), auth, &[]).await;
        let message = reply.error(401, "authentication_error");
        assert!(!message.is_empty(), "{auth:?}");
    }
}

#[tokio::test]
async fn any_key_works_in_either_header() {
    let server = MockServer::start().await;
    let body = reference().to_string().into_bytes();
    for auth in [
        ("authorization", "Bearer ng-anything"),
        ("x-api-key", "ng-other"),
        ("authorization", "bearer k"),
    ] {
        let reply = post_raw(&server, body.clone(), &[auth], &[]).await;
        assert_eq!(reply.status, 200, "{auth:?}: {}", reply.text());
    }
}

#[tokio::test]
async fn required_key_rejects_others() {
    let server = MockServer::builder().required_api_key("ng-right").start().await.unwrap();
    let body = reference().to_string().into_bytes();
    let wrong = post_raw(&server, body.clone(), &[("authorization", "Bearer ng-wrong")], &[]).await;
    assert!(wrong.error(401, "authentication_error").contains("invalid API key"));
    let right = post_raw(&server, body.clone(), &[("x-api-key", "ng-right")], &[]).await;
    assert_eq!(right.status, 200);
    let models = client().get(format!("{}/models", server.base_url()));
    let reply = send(models.header("authorization", "Bearer ng-wrong")).await.unwrap();
    reply.error(401, "authentication_error");
}

#[tokio::test]
async fn models_need_no_auth_and_list_a_free_model() {
    let server = MockServer::start().await;
    let reply = send(client().get(format!("{}/models", server.base_url()))).await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    let body = reply.json();
    assert_eq!(body["object"], "list");
    let data = body["data"].as_array().unwrap();
    assert!(data.len() >= 4);
    assert!(data.iter().any(|m| m["id"].as_str().unwrap().ends_with(":free")));
    let first = &data[0];
    for field in [
        "id",
        "object",
        "created",
        "owned_by",
        "display_name",
        "description",
        "context_window",
        "max_output_images",
        "supported_endpoints",
        "pricing",
        "architecture",
        "aliases",
        "deprecates_at",
        "supported_parameters",
        "supported_parameters_by_endpoint",
    ] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    assert!(first["pricing"]["per_input_token"].is_f64());
    assert_eq!(first["architecture"]["output_modalities"], json!(["text"]));
}

#[tokio::test]
async fn custom_models_replace_the_catalogue() {
    let models = vec![json!({"id": "only-one", "object": "model"})];
    let server = MockServer::builder().models(models).start().await.unwrap();
    let reply = send(client().get(format!("{}/models", server.base_url()))).await.unwrap();
    assert_eq!(reply.json()["data"], json!([{"id": "only-one", "object": "model"}]));
}

#[tokio::test]
async fn unsupported_content_type_is_415() {
    let server = MockServer::start().await;
    let url = format!("{}/chat/completions", server.base_url());
    let req = client()
        .post(url)
        .header("authorization", "Bearer k")
        .header("content-type", "text/plain")
        .body(reference().to_string());
    let reply = send(req).await.unwrap();
    assert!(reply.error(415, "unsupported_media_type").contains("text/plain"));
}

#[tokio::test]
async fn a_compressed_body_is_415_naming_its_coding() {
    let server = MockServer::start().await;
    let url = format!("{}/chat/completions", server.base_url());
    let post = |coding: &str, body: &[u8]| {
        client()
            .post(&url)
            .header("authorization", "Bearer k")
            .header("content-type", "application/json")
            .header("content-encoding", coding)
            .body(body.to_vec())
    };
    let gzipped = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03";
    let reply = send(post("gzip", gzipped)).await.unwrap();
    assert!(reply.error(415, "unsupported_media_type").contains("`gzip`"));
    assert_eq!(reply.headers["accept-encoding"], "identity");
    let reply = send(post("identity, br", gzipped)).await.unwrap();
    assert!(reply.error(415, "unsupported_media_type").contains("`br`"));
    // `identity` is no coding at all: the body is read as JSON.
    let reply = send(post("Identity", reference().to_string().as_bytes())).await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn oversized_bodies_are_413_declared_or_chunked() {
    let server = MockServer::builder().max_body_bytes(1024).start().await.unwrap();
    let big = json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x".repeat(2000)}]});
    let reply = post_chat(&server, &big, &[]).await;
    assert!(reply.error(413, "request_too_large").contains("1024"));
    // A chunked body (no Content-Length) is cut off by the streaming limit.
    let chunk = format!("320\r\n{}\r\n", " ".repeat(800));
    let request = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{chunk}{chunk}0\r\n\r\n"
    );
    let raw = raw_http(server.addr(), request.as_bytes()).await;
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(raw.contains("request_too_large"), "{raw}");
    let small = post_chat(&server, &reference(), &[]).await;
    assert_eq!(small.status, 200);
}

#[tokio::test]
async fn requests_are_recorded_without_credentials() {
    let server = MockServer::start().await;
    post_chat(&server, &reference(), &[("x-trace", "t1")]).await;
    post_chat(&server, &reference(), &[]).await;
    send(client().get(format!("{}/models", server.base_url()))).await.unwrap();
    send(client().get(format!("{}/nope", server.base_url()))).await.unwrap();
    assert_eq!(server.request_count("/v1/chat/completions"), 2);
    assert_eq!(server.request_count("/v1/models"), 1);
    assert_eq!(server.request_count("/v1/nope"), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let first = &requests[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.path, "/v1/chat/completions");
    assert_eq!(first.headers["x-trace"], "t1");
    assert!(first.headers.get("authorization").is_none());
    assert_eq!(first.json(), Some(reference()));
    server.reset();
    assert!(server.requests().is_empty());
    assert_eq!(server.request_count("/v1/chat/completions"), 0);
}

#[test]
fn blocking_server_serves_and_stops_on_drop() {
    let server = MockServer::start_blocking();
    let addr = server.addr();
    assert_eq!(server.base_url(), format!("http://{addr}/v1"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let reply = runtime.block_on(post_chat(&server, &reference(), &[]));
    assert_eq!(reply.status, 200);
    drop(server);
    assert!(std::net::TcpStream::connect(addr).is_err(), "listener still open after drop");
}

#[tokio::test]
async fn async_server_stops_on_drop() {
    let server = MockServer::start().await;
    let addr = server.addr();
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn catalogue_decodes_with_the_sdk_model_types() {
    use naga_protocol::{ListModels, parse_response};
    let server = MockServer::start().await;
    let reply = send(client().get(format!("{}/models", server.base_url()))).await.unwrap();
    let status = http::StatusCode::from_u16(reply.status.as_u16()).unwrap();
    let list = parse_response::<ListModels>(status, &http::HeaderMap::new(), &reply.body).unwrap();
    assert_eq!(list.data.len(), naga_mock::default_models().len());
    let free = list.iter().find(|m| m.is_free()).unwrap();
    assert_eq!(free.pricing.as_ref().unwrap().per_input_token, Some(0.0));
    assert!(list.data.iter().all(|m| m.extra.is_empty()), "mock sends fields the SDK lacks");
}

#[test]
fn drop_cuts_stalled_requests_quickly() {
    let server = MockServer::start_blocking();
    let base = server.base_url();
    let client_thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let req = client()
                .post(format!("{base}/chat/completions"))
                .header("authorization", "Bearer k")
                .header("x-mock-stall-ms", "60000")
                .json(&reference());
            send(req).await.is_err()
        })
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    drop(server);
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(client_thread.join().unwrap(), "the stalled request should fail, not succeed");
}

#[tokio::test]
async fn startups_are_public_and_fixed() {
    let server = MockServer::builder().required_api_key("ng-right").start().await.unwrap();
    let url = format!("{}/startups", server.base_url());
    let plain = send(client().get(&url)).await.unwrap();
    assert_eq!(plain.status, 200);
    assert_eq!(plain.headers["content-type"], "application/json");
    let head = r#"{"object":"list","data":[{"id":"startup-naga-mock-1","name":"Tōkyō Tower Labs","description":"Emulated entry: an assistant for city guides (naga-mock).","url":"https://example.com/tokyo-tower-labs","created":1735689600},"#;
    assert!(plain.text().starts_with(head), "{}", plain.text());
    let data = plain.json()["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 3);
    for entry in &data {
        let keys: Vec<&str> = entry.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "name", "description", "url", "created"]);
    }
    // A key is not looked at: a wrong or malformed one changes nothing.
    for auth in ["Bearer ng-wrong", "Basic abc", "Bearer"] {
        let reply = send(client().get(&url).header("authorization", auth)).await.unwrap();
        assert_eq!((reply.status.as_u16(), &reply.body), (200, &plain.body), "{auth}");
    }
    let head = send(client().head(&url)).await.unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let reply = send(client().post(&url).body("{}")).await.unwrap();
    reply.error(405, "method_not_allowed");
    assert_eq!(reply.headers["allow"], "GET, HEAD");
    assert_eq!(server.request_count("/v1/startups"), 6);
}

#[tokio::test]
async fn browsers_get_preflights_answered_and_answers_they_may_read() {
    let server = MockServer::start().await;
    let url = format!("{}/chat/completions", server.base_url());
    let preflight = client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type,x-stainless-os");
    let reply = send(preflight).await.unwrap();
    assert_eq!(reply.status, 204, "{}", reply.text());
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    assert_eq!(reply.headers["access-control-allow-methods"], "POST");
    assert_eq!(
        reply.headers["access-control-allow-headers"],
        "authorization,content-type,x-stainless-os"
    );
    assert!(reply.body.is_empty());
    assert_eq!(server.request_count("/v1/chat/completions"), 0, "a preflight is not recorded");

    let from_page = |req: reqwest::RequestBuilder| req.header("origin", "http://localhost:5173");
    let body = reference().to_string();
    let post =
        client().post(&url).bearer_auth("ng-test").header("content-type", "application/json");
    let reply = send(from_page(post.body(body.clone()))).await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    assert_eq!(reply.headers["access-control-expose-headers"], "retry-after, retry-after-ms");
    // Errors too, so the page can read Naga's error body.
    let reply = send(from_page(client().post(&url).body(body.clone()))).await.unwrap();
    reply.error(401, "authentication_error");
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    let reply = send(from_page(client().get(format!("{}/nowhere", server.base_url()))));
    assert_eq!(reply.await.unwrap().headers["access-control-allow-origin"], "*");
    assert_eq!(server.request_count("/v1/chat/completions"), 2);

    // Without an Origin nothing changes: no CORS headers, and OPTIONS is a 405.
    let reply = send(client().post(&url).bearer_auth("ng-test").body(body)).await.unwrap();
    assert!(reply.headers.get("access-control-allow-origin").is_none());
    let reply = send(client().request(reqwest::Method::OPTIONS, &url)).await.unwrap();
    reply.error(405, "method_not_allowed");
}

#[tokio::test]
async fn debug_output_shows_no_key() {
    let builder = MockServer::builder()
        .required_api_key("ng-required-secret")
        .free_tier_limits(naga_mock::FreeTierLimits::DOCUMENTED);
    assert!(!format!("{builder:?}").contains("secret"), "{builder:?}");
    let server = builder.start().await.unwrap();
    let free = json!({"model": "llama-3.3-70b-instruct:free", "messages": [{"role": "user", "content": "Hi"}]});
    let auth = [("authorization", "Bearer ng-required-secret")];
    let reply = post_raw(&server, free.to_string().into_bytes(), &auth, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let shown = format!("{server:?}");
    assert!(shown.contains("required_api_key: Some(\"***\")"), "{shown}");
    assert!(!shown.contains("secret"), "{shown}");
}
