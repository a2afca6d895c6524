//! What real OpenAI-compatible clients send and expect (found by driving the emulator with the
//! official `openai` Python and Node SDKs, `scripts/interop/`): `developer` messages, unknown
//! models, tool results answering earlier calls.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::post_chat;
use naga_mock::MockServer;
use serde_json::json;

#[tokio::test]
async fn developer_messages_are_accepted_like_system() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "messages": [
        {"role": "developer", "content": "Be terse."},
        {"role": "user", "content": "Say hello"}]});
    let reply = post_chat(&server, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let completion = reply.json();
    let content = completion["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(content.starts_with("[naga-mock]"), "{content}");
    // 4 tokens per message plus the words: 4 + 2 + 4 + 2.
    assert_eq!(completion["usage"]["prompt_tokens"], 12);
}

#[tokio::test]
async fn unknown_roles_are_still_rejected() {
    let server = MockServer::start().await;
    let body = json!({"model": "gpt-4o-mini", "messages": [{"role": "function", "content": "x"}]});
    let message = post_chat(&server, &body, &[]).await.error(400, "invalid_request_error");
    assert_eq!(
        message,
        "`messages[0].role` has unknown role `function`; expected one of system|developer|user|assistant|tool"
    );
}

#[tokio::test]
async fn an_unknown_model_is_a_404_with_naga_error_body() {
    let server = MockServer::start().await;
    for stream in [false, true] {
        let body = json!({"model": "no-such-model", "stream": stream,
            "messages": [{"role": "user", "content": "hi"}]});
        let reply = post_chat(&server, &body, &[]).await;
        assert_eq!(reply.status, 404);
        assert_eq!(reply.headers["content-type"], "application/json");
        assert_eq!(
            reply.text(),
            r#"{"error":{"type":"not_found_error","message":"model `no-such-model` does not exist; GET /v1/models lists the available model ids"}}"#
        );
    }
}

#[tokio::test]
async fn aliases_are_served_and_echoed() {
    let server = MockServer::start().await;
    let body = json!({"model": "claude-sonnet-4.5-20250929",
        "messages": [{"role": "user", "content": "hi"}]});
    let reply = post_chat(&server, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["model"], "claude-sonnet-4.5-20250929");
}

#[tokio::test]
async fn validation_comes_before_the_model_lookup() {
    let server = MockServer::start().await;
    let body = json!({"model": "no-such-model", "messages": [], "temperature": 1});
    let message = post_chat(&server, &body, &[]).await.error(400, "invalid_request_error");
    assert!(message.contains("`messages`"), "{message}");
}

#[tokio::test]
async fn a_custom_catalogue_decides_which_models_exist() {
    let models = vec![json!({"id": "only-one", "object": "model", "aliases": ["the-one"]})];
    let server = MockServer::builder().models(models).start().await.unwrap();
    for (model, status) in [("only-one", 200), ("the-one", 200), ("gpt-4o-mini", 404)] {
        let body = json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
        assert_eq!(post_chat(&server, &body, &[]).await.status, status, "{model}");
    }
}

#[tokio::test]
async fn tool_results_must_answer_an_earlier_call() {
    let server = MockServer::start().await;
    let call = json!({"role": "assistant", "content": null, "tool_calls": [{"id": "call_1",
        "type": "function", "function": {"name": "f", "arguments": "{}"}}]});
    let orphan = json!({"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": "hi"}, call,
        {"role": "tool", "tool_call_id": "call_2", "content": "r"}]});
    let message = post_chat(&server, &orphan, &[]).await.error(400, "invalid_request_error");
    assert_eq!(
        message,
        "`messages[2].tool_call_id` `call_2` does not match the `id` of any earlier assistant `tool_calls` entry"
    );
    let answered = json!({"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": "hi"}, call,
        {"role": "tool", "tool_call_id": "call_1", "content": "r"}]});
    assert_eq!(post_chat(&server, &answered, &[]).await.status, 200);
}

#[tokio::test]
async fn content_part_options_follow_the_documented_values() {
    let server = MockServer::start().await;
    let with_part = |part: serde_json::Value| {
        json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": [
            {"type": "text", "text": "look"}, part]}]})
    };
    let cases = [
        (
            json!({"type": "image_url", "image_url": {"url": "https://x/a.png", "detail": "ultra"}}),
            r#"`messages[0].content[1].image_url.detail` must be one of low|high|auto, got "ultra""#,
        ),
        (
            json!({"type": "input_audio", "input_audio": {"data": "data:audio/wav;base64,AA==", "format": "wav"}}),
            "`messages[0].content[1].input_audio.data` must be raw base64, not a data: URL",
        ),
        (
            json!({"type": "input_audio", "input_audio": {"data": "AA==", "format": "ogg"}}),
            r#"`messages[0].content[1].input_audio.format` must be one of wav|mp3, got "ogg""#,
        ),
        (
            json!({"type": "image_url", "image_url": {"url": "ftp://x/a.png"}}),
            "`messages[0].content[1].image_url.url` must be an http(s) URL or a data: URL",
        ),
        (
            json!({"type": "image_url", "image_url": {"url": "data:image/bmp;base64,Qk0="}}),
            "`messages[0].content[1].image_url.url` must be a data: URL of image/png, image/jpeg, image/jpg, image/webp, image/gif, not `image/bmp`",
        ),
        (
            json!({"type": "file", "file": {"file_data": "data:text/plain;base64,aGk="}}),
            "`messages[0].content[1].file.file_data` must be a data: URL of application/pdf, not `text/plain`",
        ),
    ];
    for (part, expected) in cases {
        let message =
            post_chat(&server, &with_part(part), &[]).await.error(400, "invalid_request_error");
        assert_eq!(message, expected);
    }
    for part in [
        json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,AA==", "detail": "low"}}),
        json!({"type": "input_audio", "input_audio": {"data": "AA==", "format": "mp3"}}),
        json!({"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,AA=="}}),
    ] {
        assert_eq!(post_chat(&server, &with_part(part), &[]).await.status, 200);
    }
}
