//! Wire bytes real clients see (found with the `openai` SDKs, curl and raw sockets,
//! `scripts/interop/`): the documented key order, SSE headers, keep-alive, HEAD, 413.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{post_chat, reference};
use naga_mock::MockServer;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Reads one response (head and body, by content-length or chunked) from `reader`.
async fn read_response<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> (String, Vec<u8>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        head.push_str(&line);
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let lower = head.to_ascii_lowercase();
    let mut body = Vec::new();
    if let Some(len) = lower.split("content-length: ").nth(1) {
        let len: usize = len.split("\r\n").next().unwrap().parse().unwrap();
        body.resize(len, 0);
        reader.read_exact(&mut body).await.unwrap();
        return (head, body);
    }
    assert!(lower.contains("transfer-encoding: chunked"), "{head}");
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).await.unwrap();
        let size = usize::from_str_radix(size.trim_end(), 16).unwrap();
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).await.unwrap();
        if size == 0 {
            return (head, body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

/// A raw connection to `server`: its buffered reading half and its writing half.
async fn connect(
    server: &MockServer,
) -> (BufReader<tokio::net::tcp::OwnedReadHalf>, tokio::net::tcp::OwnedWriteHalf) {
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let (read, write) = stream.into_split();
    (BufReader::new(read), write)
}

fn request(body: &serde_json::Value) -> Vec<u8> {
    let body = body.to_string();
    let head = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    [head.into_bytes(), body.into_bytes()].concat()
}

#[tokio::test]
async fn one_connection_serves_json_stream_and_error_in_turn() {
    let server = MockServer::start().await;
    let (mut reader, mut write) = connect(&server).await;
    let mut streamed = reference();
    streamed["stream"] = json!(true);
    let unknown = json!({"model": "nope", "messages": [{"role": "user", "content": "hi"}]});
    for (body, status) in
        [(reference(), "200"), (streamed, "200"), (unknown, "404"), (reference(), "200")]
    {
        write.write_all(&request(&body)).await.unwrap();
        let (head, bytes) = read_response(&mut reader).await;
        assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{head}");
        assert!(!head.to_ascii_lowercase().contains("connection: close"), "{head}");
        if body["stream"] == true {
            let lower = head.to_ascii_lowercase();
            assert!(lower.contains("content-type: text/event-stream\r\n"), "{head}");
            assert!(lower.contains("cache-control: no-cache\r\n"), "{head}");
            assert!(!lower.contains("content-length"), "{head}");
            assert!(bytes.starts_with(b"data: {") && bytes.ends_with(b"\n\ndata: [DONE]\n\n"));
        }
    }
}

#[tokio::test]
async fn completion_bytes_follow_the_documented_key_order() {
    let server = MockServer::start().await;
    let text = post_chat(&server, &reference(), &[]).await.text();
    let head = r#"{"id":"chatcmpl-mock-bcc05aa7ec0e3295","object":"chat.completion","created":1767301713,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"[naga-mock] Emulated reply"#;
    assert!(text.starts_with(head), "{text}");
    let tail = r#"answer."},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":31,"total_tokens":41,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"image_tokens":0}}}"#;
    assert!(text.ends_with(tail), "{text}");
}

#[tokio::test]
async fn tool_call_and_reasoning_bytes_follow_the_documented_key_order() {
    let server = MockServer::start().await;
    let tools = json!([{"type": "function", "function": {"name": "get_time",
        "parameters": {"type": "object", "properties": {}, "additionalProperties": false}}}]);
    let body = json!({"model": "gpt-4o-mini", "tools": tools, "tool_choice": "required",
        "reasoning_effort": "low", "messages": [{"role": "user", "content": "now?"}]});
    let text = post_chat(&server, &body, &[]).await.text();
    let message = r#""message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_"#;
    assert!(text.contains(message), "{text}");
    let call = r#"","type":"function","function":{"name":"get_time","arguments":"{}"}}],"reasoning_content":"[naga-mock] Reasoning"#;
    assert!(text.contains(call), "{text}");
    assert!(text.contains(r#""reasoning_details":[{"type":"reasoning.summary","summary":"#));
    let mut streamed = body.clone();
    streamed["stream"] = json!(true);
    let sse = post_chat(&server, &streamed, &[]).await.text();
    let head = r#"{"tool_calls":[{"index":0,"id":"call_"#;
    assert!(sse.contains(head), "{sse}");
    let rest = r#"","type":"function","function":{"name":"get_time","arguments":""}}]}"#;
    assert!(sse.contains(rest), "{sse}");
    // `{}` streams as two fragments.
    assert!(sse.contains(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}"#));
    assert!(sse.contains(r#"{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]}"#));
}

#[tokio::test]
async fn error_frames_and_bodies_put_type_before_message() {
    let server = MockServer::start().await;
    let mut body = reference();
    body["stream"] = json!(true);
    let sse = post_chat(&server, &body, &[("x-mock-error-after-events", "1")]).await.text();
    let frames: Vec<&str> = sse.split_terminator("\n\n").collect();
    assert_eq!(frames.len(), 2, "{sse}");
    assert_eq!(
        frames[1],
        r#"data: {"error":{"type":"server_error","message":"naga-mock: emulated upstream provider failure"}}"#
    );
    let forced = post_chat(&server, &reference(), &[("x-mock-status", "429")]).await.text();
    assert_eq!(
        forced,
        r#"{"error":{"type":"rate_limit_exceeded","message":"naga-mock: injected failure (x-mock-status)"}}"#
    );
}

#[tokio::test]
async fn head_of_models_is_the_get_head_without_body() {
    let server = MockServer::start().await;
    let get = common::raw_http(
        server.addr(),
        b"GET /v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    let head = common::raw_http(
        server.addr(),
        b"HEAD /v1/models HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    let (get_head, get_body) = get.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains(&format!("content-length: {}\r\n", get_body.len())), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "a HEAD answer has no body: {head}");
    assert!(get_head.contains("content-type: application/json"));
    let post = common::raw_http(
        server.addr(),
        b"HEAD /v1/chat/completions HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
}

/// RFC 9112 §3.2: an HTTP/1.1 request without exactly one `Host` is a 400; §6.1: a body
/// in a transfer coding the server does not know is a 501. Both close the connection.
#[tokio::test]
async fn requests_framed_out_of_the_rules_are_refused_and_close() {
    let server = MockServer::start().await;
    let cases: [(&[u8], &str, &str); 4] = [
        (b"GET /v1/models HTTP/1.1\r\n\r\n", "400", "needs a Host header"),
        (b"GET /v1/models HTTP/1.1\r\nhost: x\r\nhost: y\r\n\r\n", "400", "not 2"),
        (
            b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            "501",
            "unsupported Transfer-Encoding `gzip`",
        ),
        // HTTP/1.0 has no Host requirement.
        (b"GET /v1/models HTTP/1.0\r\n\r\n", "200", "\"object\":\"list\""),
    ];
    for (request, status, text) in cases {
        let answer = common::raw_http(server.addr(), request).await;
        let shown = String::from_utf8_lossy(request);
        assert!(answer.starts_with("HTTP/1."), "{shown}: {answer}");
        assert_eq!(answer.get(9..12), Some(status), "{shown}: {answer}");
        assert!(answer.contains(text), "{shown}: {answer}");
        if status != "200" {
            assert!(answer.contains("connection: close\r\n"), "{shown}: {answer}");
        }
    }
}

/// A 404 is answered after its body is read, so the connection carries the next request;
/// a stream that fails with an error frame ends its connection, as Naga closes it then.
#[tokio::test]
async fn a_404_keeps_the_connection_and_an_error_frame_ends_it() {
    let server = MockServer::start().await;
    let (mut reader, mut write) = connect(&server).await;
    let body = "x".repeat(100_000);
    let head =
        format!("POST /v1/nope HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n", body.len());
    write.write_all(head.as_bytes()).await.unwrap();
    write.write_all(body.as_bytes()).await.unwrap();
    let (head, _) = read_response(&mut reader).await;
    assert!(head.starts_with("HTTP/1.1 404 "), "{head}");
    assert!(!head.contains("connection: close"), "{head}");
    let mut failing = reference();
    failing["stream"] = json!(true);
    let mut request = request(&failing);
    let at = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    request.splice(at + 2..at + 2, b"x-mock-error-after-events: 1\r\n".iter().copied());
    write.write_all(&request).await.unwrap();
    let (head, body) = read_response(&mut reader).await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert!(head.contains("connection: close\r\n"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains(r#"data: {"error":"#));
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "the server closed after the error frame");
}

#[tokio::test]
async fn a_413_says_connection_close_since_the_body_is_left_unread() {
    let server = MockServer::builder().max_body_bytes(64).start().await.unwrap();
    let (mut reader, mut write) = connect(&server).await;
    let head = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
    write.write_all(head.as_bytes()).await.unwrap();
    let (head, body) = read_response(&mut reader).await;
    assert!(head.starts_with("HTTP/1.1 413 "), "{head}");
    assert!(head.to_ascii_lowercase().contains("connection: close\r\n"), "{head}");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"error":{"type":"request_too_large","message":"request body exceeds the limit of 64 bytes"}}"#
    );
    // The client sends no more (as curl does, after a final answer to its `Expect`): the
    // server stops waiting for the rest of the body and closes.
    write.shutdown().await.unwrap();
    let mut rest = Vec::new();
    let read = reader.read_to_end(&mut rest);
    tokio::time::timeout(std::time::Duration::from_secs(2), read).await.unwrap().unwrap();
    assert!(rest.is_empty(), "the server closed after the 413");
}

#[tokio::test]
async fn an_http10_stream_says_the_connection_closes_and_a_sized_answer_keeps_it() {
    let server = MockServer::start().await;
    for (stream, closes) in [(true, true), (false, false)] {
        let body = json!({"model": "gpt-4o-mini", "stream": stream,
            "messages": [{"role": "user", "content": "Tokyo?"}]})
        .to_string();
        let head = format!(
            "POST /v1/chat/completions HTTP/1.0\r\nconnection: keep-alive\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let (mut reader, mut write) = connect(&server).await;
        write.write_all(format!("{head}{body}").as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let read = reader.read_to_end(&mut answer);
        let read = tokio::time::timeout(std::time::Duration::from_millis(500), read).await;
        let answer = String::from_utf8(answer).unwrap();
        let head = answer.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
        assert!(head.starts_with("http/1.0 200 ok"), "{head}");
        assert_eq!(head.contains("connection: close"), closes, "stream: {stream}: {head}");
        assert_eq!(head.contains("connection: keep-alive"), !closes, "stream: {stream}: {head}");
        assert_eq!(read.is_ok(), closes, "stream: {stream}: closed after the answer");
    }
}

#[tokio::test]
async fn the_model_list_follows_the_documented_key_order() {
    let server = MockServer::start().await;
    let reply =
        common::send(common::client().get(format!("{}/models", server.base_url()))).await.unwrap();
    let text = reply.text();
    let head = r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1735689600,"owned_by":"openai","display_name":"GPT-4o mini","description":"#;
    assert!(text.starts_with(head), "{text}");
    let pricing = r#""pricing":{"per_input_token":1.5e-7,"per_cached_input_token":1.5e-8,"per_output_token":6e-7,"per_audio_token":null,"#;
    assert!(text.contains(pricing), "{text}");
    let tail = r#""architecture":{"input_modalities":["text","image","file"],"output_modalities":["text"]},"aliases":["gpt-4o-mini-2024-07-18"],"deprecates_at":null,"supported_parameters":["#;
    assert!(text.contains(tail), "{text}");
}
