//! The chat convenience methods against a canned loopback server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{CHUNK_1, CHUNK_2, COMPLETION, Server, json, plain_settings, sse, tokyo};
use naga_async::{Client, Config};
use naga_protocol::{ChatCompletion, ChatRequest, FinishReason, Message};

#[tokio::test]
async fn chat_sends_a_non_streaming_request_and_parses_the_completion() {
    let server = Server::start(vec![json(200, "", COMPLETION)]);
    let config = Config::new("ng-key").unwrap().with_base_url(&server.url).unwrap();
    let client = Client::new(config).unwrap();
    let request =
        ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")])
            .stream_with_usage();
    let completion = client.chat(&request).await.unwrap();
    assert_eq!(completion.text(), Some("Tokyo is big.\nAnd old."));
    assert_eq!(completion.choices[0].finish_reason, Some(FinishReason::Stop));
    let seen = server.bodies.lock().unwrap()[0].clone();
    assert!(seen.starts_with("POST /v1/chat/completions "), "{seen}");
    assert!(seen.to_ascii_lowercase().contains("accept: application/json"), "{seen}");
    let body = seen.split("\r\n\r\n").nth(1).unwrap();
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["model"], "gpt-4o-mini");
    assert!(body.get("stream").is_none() && body.get("stream_options").is_none(), "{body}");
}

fn stream_server(events: &[&str]) -> Server {
    Server::start(vec![sse(events)])
}

fn chat_client(server: &Server) -> Client {
    Client::builder().settings(plain_settings(&server.url)).build().unwrap()
}

/// Streams the Tokyo request with `client`: each chunk's text as it came, and the completion.
async fn stream_tokyo(client: &Client) -> (Vec<String>, ChatCompletion) {
    let mut seen = Vec::new();
    let completion = client
        .chat_stream(&tokyo())
        .await
        .unwrap()
        .into_completion_with(|chunk| {
            seen.push(chunk.choices[0].delta.text().unwrap().into_owned())
        })
        .await
        .unwrap();
    (seen, completion)
}

#[tokio::test]
async fn chat_stream_adds_up_to_the_completion() {
    let server = stream_server(&[CHUNK_1, CHUNK_2, "data: [DONE]"]);
    let (seen, completion) = stream_tokyo(&chat_client(&server)).await;
    assert_eq!(seen, ["Tokyo ", "is big."]);
    assert_eq!(completion.text(), Some("Tokyo is big."));
    assert_eq!(completion.choices[0].finish_reason, Some(FinishReason::Stop));
    let sent = server.bodies.lock().unwrap()[0].clone();
    let body: serde_json::Value =
        serde_json::from_str(sent.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["stream"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_without_read_ahead_gives_the_same_chunks() {
    let server = Server::start(vec![sse(&[CHUNK_1, CHUNK_2, "data: [DONE]"]); 2]);
    for read_ahead in [true, false] {
        let settings = plain_settings(&server.url);
        let client = Client::builder().settings(settings).read_ahead(read_ahead).build().unwrap();
        let (seen, completion) = stream_tokyo(&client).await;
        assert_eq!(seen, ["Tokyo ", "is big."], "read_ahead {read_ahead}");
        assert_eq!(completion.text(), Some("Tokyo is big."), "read_ahead {read_ahead}");
    }
    assert_eq!(server.bodies.lock().unwrap().len(), 2, "one request each");
}

#[tokio::test]
async fn a_cut_chat_stream_keeps_the_partial_completion() {
    let server = stream_server(&[CHUNK_1]);
    let failure = chat_client(&server)
        .chat_stream(&tokyo())
        .await
        .unwrap()
        .into_completion()
        .await
        .unwrap_err();
    assert!(
        matches!(failure.error, naga_async::Error::Protocol(naga_protocol::Error::Stream(_))),
        "{:?}",
        failure.error
    );
    assert_eq!(failure.partial.text(), Some("Tokyo "));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn an_error_frame_is_a_typed_api_error_with_the_partial_completion() {
    let frame = r#"data: {"error":{"type":"server_error","message":"Upstream provider failed"}}"#;
    let server = stream_server(&[CHUNK_1, frame]);
    let failure = chat_client(&server)
        .chat_stream(&tokyo())
        .await
        .unwrap()
        .into_completion()
        .await
        .unwrap_err();
    assert_eq!(failure.error.api_kind(), Some(naga_protocol::ApiErrorKind::Server));
    assert_eq!(failure.error.status(), None);
    assert!(failure.to_string().contains("Upstream provider failed"), "{failure}");
    assert_eq!(failure.partial.text(), Some("Tokyo "));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_json_error_body_with_200_to_a_stream_request_is_the_api_error() {
    let body = r#"{"error":{"type":"server_error","message":"Upstream provider failed"}}"#;
    let server = Server::start(vec![json(200, "", body)]);
    let failure = chat_client(&server)
        .chat_stream(&tokyo())
        .await
        .unwrap()
        .into_completion()
        .await
        .unwrap_err();
    assert_eq!(failure.error.api_kind(), Some(naga_protocol::ApiErrorKind::Server));
    assert!(failure.to_string().contains("Upstream provider failed"), "{failure}");
    assert_eq!(server.count(), 1);
}
