//! The chat convenience methods against a canned loopback server.

mod common;

use common::{Server, json};
use naga_async::{Client, Config};
use naga_protocol::{ChatRequest, FinishReason, Message};

const COMPLETION: &str = r#"{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
  "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Tokyo is big.\nAnd old."}}],
  "usage":{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16}}"#;

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
