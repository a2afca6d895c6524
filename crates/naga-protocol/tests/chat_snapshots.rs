//! Snapshots of the reference page's example: the built HTTP request and the parsed response.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use http::{HeaderMap, StatusCode};
use naga_protocol::{
    ChatCompletion, ChatRequest, Config, FinishReason, Message, Role, build_request, parse_response,
};

const KEY: &str = "ng-secret-test-key";

/// Method, URL, headers (authorization redacted), the body as sent and pretty-printed.
fn render(request: &http::Request<bytes::Bytes>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        let value = if name == http::header::AUTHORIZATION {
            "Bearer [redacted]".to_owned()
        } else {
            value.to_str().unwrap().replace(env!("CARGO_PKG_VERSION"), "[version]")
        };
        out.push_str(&format!("{name}: {value}\n"));
    }
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    out.push('\n');
    out.push_str(std::str::from_utf8(request.body()).unwrap());
    out.push_str("\n\n");
    out.push_str(&serde_json::to_string_pretty(&body).unwrap());
    out
}

#[test]
fn reference_example_request() {
    let config = Config::new(KEY).unwrap();
    let request =
        ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")]);
    let http = build_request(&config, &request).unwrap();
    let auth = http.headers()[http::header::AUTHORIZATION].to_str().unwrap();
    assert_eq!(auth, format!("Bearer {KEY}"));
    let rendered = render(&http);
    assert!(!rendered.contains(KEY), "the key leaked into the snapshot");
    assert!(!format!("{http:?}").contains(KEY), "the key leaked into Debug output");
    insta::assert_snapshot!(rendered);
}

/// The example response of the reference page, placeholders included.
const REFERENCE_RESPONSE: &str = r#"{
  "id": "<string>",
  "created": 123,
  "model": "<string>",
  "choices": [
    {
      "message": {
        "role": "<string>",
        "content": "<string>",
        "refusal": "<string>",
        "tool_calls": [
          {
            "function": {
              "name": "<string>",
              "arguments": ""
            },
            "id": "<string>",
            "type": "function"
          }
        ],
        "annotations": [
          {}
        ],
        "reasoning_content": "<string>",
        "reasoning_details": [
          {}
        ],
        "images": [
          {}
        ],
        "name": "<string>",
        "tool_call_id": "<string>"
      },
      "index": 0,
      "finish_reason": "<string>",
      "logprobs": {}
    }
  ],
  "object": "chat.completion",
  "usage": {
    "prompt_tokens": 123,
    "completion_tokens": 123,
    "total_tokens": 123,
    "prompt_tokens_details": {
      "cached_tokens": 123
    },
    "completion_tokens_details": {
      "image_tokens": 123
    }
  }
}"#;

#[test]
fn reference_example_response() {
    let completion: ChatCompletion = parse_response::<ChatRequest>(
        StatusCode::OK,
        &HeaderMap::new(),
        REFERENCE_RESPONSE.as_bytes(),
    )
    .unwrap();
    assert_eq!(completion.text(), Some("<string>"));
    assert_eq!(completion.created, Some(123));
    let choice = completion.first_choice().unwrap();
    assert_eq!(choice.finish_reason, Some(FinishReason::Other("<string>".into())));
    assert_eq!(choice.message.role, Some(Role::Other("<string>".into())));
    assert_eq!(choice.message.tool_calls()[0].function.name, "<string>");
    assert_eq!(choice.logprobs, Some(serde_json::json!({})));
    let usage = completion.usage.as_ref().unwrap();
    assert_eq!(usage.prompt_tokens_details.as_ref().unwrap().cached_tokens, Some(123));
    assert_eq!(usage.completion_tokens_details.as_ref().unwrap().image_tokens, Some(123));
    insta::assert_json_snapshot!(completion);
}
