//! Helpers shared by the integration tests: a plain HTTP client, an SSE splitter and a
//! test-local chunk accumulator (independent of the SDK).
#![allow(dead_code, unreachable_pub)]

use naga_mock::MockServer;
use reqwest::StatusCode;
use serde_json::{Map, Value, json};

/// One answer: status, headers, body bytes.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts a Naga error answer and returns its message.
    pub fn error(&self, status: u16, kind: &str) -> String {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        let body = self.json();
        assert_eq!(body["error"]["type"], kind, "body: {body}");
        body["error"]["message"].as_str().expect("message").to_owned()
    }
}

pub fn client() -> reqwest::Client {
    // naga-async turns on reqwest's `rustls-no-provider` for the whole workspace build, so a
    // plain reqwest client needs a process-wide crypto provider (ring, as everywhere else).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().expect("client")
}

/// POSTs `body` to /v1/chat/completions with a key and `headers`.
pub async fn post_chat(server: &MockServer, body: &Value, headers: &[(&str, &str)]) -> Reply {
    post_raw(server, body.to_string().into_bytes(), &[("authorization", "Bearer ng-test")], headers)
        .await
}

pub async fn post_raw(
    server: &MockServer,
    body: Vec<u8>,
    auth: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Reply {
    let url = format!("{}/chat/completions", server.base_url());
    let mut req = client().post(url).header("content-type", "application/json").body(body);
    for (name, value) in auth.iter().chain(headers) {
        req = req.header(*name, *value);
    }
    send(req).await.expect("complete response")
}

pub async fn send(req: reqwest::RequestBuilder) -> Result<Reply, reqwest::Error> {
    let mut response = req.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(Reply { status, headers, body })
}

/// Sends `req` and reads the body until the server aborts the connection: the bytes received
/// before that (panics when the body ends cleanly instead).
pub async fn body_until_abort(req: reqwest::RequestBuilder) -> Vec<u8> {
    let mut response = req.send().await.expect("response head");
    let mut received = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            Ok(None) => panic!("the connection was not aborted"),
            Err(_) => return received,
        }
    }
}

/// Asserts that `names` are `head`, more than three `delta`s, then `tail`; returns how many
/// `delta`s.
pub fn assert_delta_run(names: &[&str], head: &[&str], delta: &str, tail: &[&str]) -> usize {
    let deltas = names.iter().filter(|n| **n == delta).count();
    assert!(deltas > 3, "{names:?}");
    let mut expected = head.to_vec();
    expected.extend(std::iter::repeat_n(delta, deltas));
    expected.extend(tail);
    assert_eq!(names, expected);
    deltas
}

/// The reference request of the snapshot tests.
pub fn reference() -> Value {
    json!({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Write a two-line summary of Tokyo."}]})
}

/// Splits an SSE body into data payloads (this mock emits only `data:` lines).
pub fn sse_data(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter(|e| !e.is_empty())
        .map(|e| e.strip_prefix("data: ").expect("data frame").to_owned())
        .collect()
}

/// The chunk objects of an SSE body, checking that it ends with `[DONE]`.
pub fn sse_chunks(body: &str) -> Vec<Value> {
    let data = sse_data(body);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "body: {body}");
    data[..data.len() - 1].iter().map(|d| serde_json::from_str(d).expect("chunk JSON")).collect()
}

/// Accumulates chunks into the completion a non-streaming call returns.
pub fn accumulate(chunks: &[Value]) -> Value {
    let first = &chunks[0];
    let mut message = Map::new();
    let mut content: Option<String> = None;
    let mut reasoning: Option<String> = None;
    let mut details: Vec<Value> = Vec::new();
    let mut calls: Vec<Value> = Vec::new();
    let mut finish = Value::Null;
    let mut usage = Value::Null;
    for chunk in chunks {
        assert_eq!(chunk["id"], first["id"]);
        assert_eq!(chunk["created"], first["created"]);
        assert_eq!(chunk["object"], "chat.completion.chunk");
        if !chunk["usage"].is_null() {
            usage = chunk["usage"].clone();
        }
        for choice in chunk["choices"].as_array().unwrap() {
            let delta = &choice["delta"];
            if let Some(role) = delta.get("role") {
                message.insert("role".into(), role.clone());
            }
            if let Some(text) = delta.get("content").and_then(Value::as_str) {
                content.get_or_insert_default().push_str(text);
            }
            if let Some(text) = delta.get("reasoning_content").and_then(Value::as_str) {
                reasoning.get_or_insert_default().push_str(text);
            }
            if let Some(items) = delta.get("reasoning_details").and_then(Value::as_array) {
                details.extend(items.iter().cloned());
            }
            for call in delta.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
                merge_call(&mut calls, call);
            }
            if !choice["finish_reason"].is_null() {
                finish = choice["finish_reason"].clone();
            }
        }
    }
    message.insert("content".into(), content.map_or(Value::Null, Value::String));
    if let Some(reasoning) = reasoning {
        message.insert("reasoning_content".into(), Value::String(reasoning));
        message.insert("reasoning_details".into(), Value::Array(details));
    }
    if !calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    let mut out = json!({
        "id": first["id"], "object": "chat.completion", "created": first["created"],
        "model": first["model"],
        "choices": [{ "index": 0, "message": message, "finish_reason": finish }],
    });
    if !usage.is_null() {
        out["usage"] = usage;
    }
    out
}

fn merge_call(calls: &mut Vec<Value>, delta: &Value) {
    let index = delta["index"].as_u64().expect("index") as usize;
    if calls.len() <= index {
        calls.resize(index + 1, json!({"function": {"arguments": ""}}));
    }
    let call = &mut calls[index];
    for key in ["id", "type"] {
        if let Some(v) = delta.get(key) {
            call[key] = v.clone();
        }
    }
    if let Some(name) = delta.pointer("/function/name") {
        call["function"]["name"] = name.clone();
    }
    if let Some(args) = delta.pointer("/function/arguments").and_then(Value::as_str) {
        let joined = format!("{}{args}", call["function"]["arguments"].as_str().unwrap());
        call["function"]["arguments"] = Value::String(joined);
    }
}

/// Non-streaming and streaming (with usage) answers to the same request.
pub async fn both(server: &MockServer, body: &Value, headers: &[(&str, &str)]) -> (Value, Value) {
    let plain = post_chat(server, body, headers).await;
    assert_eq!(plain.status, 200, "{}", plain.text());
    assert_fast_completion(&plain.body);
    let mut streamed_body = body.clone();
    streamed_body["stream"] = json!(true);
    streamed_body["stream_options"] = json!({"include_usage": true});
    let streamed = post_chat(server, &streamed_body, headers).await;
    assert_eq!(streamed.status, 200, "{}", streamed.text());
    assert_eq!(streamed.headers["content-type"], "text/event-stream");
    (plain.json(), accumulate(&sse_chunks(&streamed.text())))
}

/// The SDK reads a completion body on its fast path, to the value serde reads (the
/// benchmarks time the SDK on these bodies).
pub fn assert_fast_completion(body: &[u8]) {
    let fast = naga_protocol::ChatCompletion::from_json_fast_path(body);
    let serde: naga_protocol::ChatCompletion = serde_json::from_slice(body).unwrap();
    assert_eq!(fast.as_ref(), Some(&serde), "{}", String::from_utf8_lossy(body));
}

/// Writes `request` on a fresh TCP connection and reads until EOF (5 s at most).
pub async fn raw_http(addr: std::net::SocketAddr, request: &[u8]) -> String {
    String::from_utf8_lossy(&raw_http_bytes(addr, request).await).into_owned()
}

pub async fn raw_http_bytes(addr: std::net::SocketAddr, request: &[u8]) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let read = stream.read_to_end(&mut out);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), read).await;
    out
}
