//! `n` choices and `logprobs`: each streamed answer adds up (through the SDK's accumulator)
//! to exactly the non-streaming one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{post_chat, reference, sse_chunks};
use naga_mock::MockServer;
use naga_protocol::{ChatAccumulator, ChatCompletion, ChatStream};
use serde_json::{Value, json};

/// The non-streaming answer to `body` and the SDK's accumulation of the streamed one (with
/// the usage trailer), plus the streamed chunks as JSON.
async fn plain_and_streamed(
    server: &MockServer,
    body: &Value,
) -> (ChatCompletion, ChatCompletion, Vec<Value>) {
    plain_and_streamed_with(server, body, &[]).await
}

/// [`plain_and_streamed`] with these request headers.
async fn plain_and_streamed_with(
    server: &MockServer,
    body: &Value,
    headers: &[(&str, &str)],
) -> (ChatCompletion, ChatCompletion, Vec<Value>) {
    let plain = post_chat(server, body, headers).await;
    assert_eq!(plain.status, 200, "{}", plain.text());
    common::assert_fast_completion(&plain.body);
    let plain = ChatCompletion::from_json(&plain.body).unwrap();
    let mut streamed_body = body.clone();
    streamed_body["stream"] = json!(true);
    streamed_body["stream_options"] = json!({"include_usage": true});
    let streamed = post_chat(server, &streamed_body, headers).await;
    assert_eq!(streamed.status, 200, "{}", streamed.text());
    let mut stream = ChatStream::new();
    stream.feed(&streamed.body);
    stream.finish();
    let mut accumulator = ChatAccumulator::new();
    while let Some(chunk) = stream.next_chunk() {
        accumulator.push(&chunk.unwrap());
    }
    (plain, accumulator.finish(), sse_chunks(&streamed.text()))
}

fn with(extra: Value) -> Value {
    let mut body = reference();
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

#[tokio::test]
async fn n_gives_that_many_choices_and_the_stream_adds_up_to_them() {
    let server = MockServer::start().await;
    let (one, _, _) = plain_and_streamed(&server, &reference()).await;
    let (plain, streamed, chunks) = plain_and_streamed(&server, &with(json!({"n": 3}))).await;
    assert_eq!(plain, streamed);
    let indexes: Vec<u32> = plain.choices.iter().map(|c| c.index).collect();
    assert_eq!(indexes, [0, 1, 2]);
    // The first choice is the one-choice answer; the others differ from it and each other.
    assert_eq!(plain.choices[0].message, one.choices[0].message);
    let texts: Vec<&str> =
        plain.choices.iter().map(|c| c.message.content.as_deref().unwrap()).collect();
    assert!(texts[1].contains("(choice 1)") && texts[2].contains("(choice 2)"), "{texts:?}");
    assert_eq!(plain.id, one.id);
    // Completion tokens add up over the choices (a token is a word); the prompt counts once.
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let usage = plain.usage.as_ref().unwrap();
    assert_eq!(usage.completion_tokens, words as u64);
    assert_eq!(usage.prompt_tokens, one.usage.as_ref().unwrap().prompt_tokens);
    // The choices take turns: the first three chunks are the three roles, in index order.
    let firsts: Vec<(u64, &Value)> = chunks[..3]
        .iter()
        .map(|c| (c["choices"][0]["index"].as_u64().unwrap(), &c["choices"][0]["delta"]["role"]))
        .collect();
    assert_eq!(
        firsts,
        [(0, &json!("assistant")), (1, &json!("assistant")), (2, &json!("assistant"))]
    );
    let finishes = chunks.iter().filter(|c| c["choices"][0]["finish_reason"] == "stop").count();
    assert_eq!(finishes, 3);
}

#[tokio::test]
async fn each_choice_makes_its_own_tool_calls() {
    let server = MockServer::start().await;
    let tools = json!([{"type": "function", "function": {"name": "get_time",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}}}]);
    let body = json!({"model": "gpt-4o-mini", "n": 2, "tools": tools, "tool_choice": "required",
        "messages": [{"role": "user", "content": "What time is it?"}]});
    let (plain, streamed, _) = plain_and_streamed(&server, &body).await;
    assert_eq!(plain, streamed);
    let ids: Vec<&str> = plain
        .choices
        .iter()
        .map(|c| c.message.tool_calls.as_ref().unwrap()[0].id.as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn logprobs_cover_every_token_of_the_content() {
    let server = MockServer::start().await;
    let body = with(json!({"logprobs": true, "top_logprobs": 3, "n": 2}));
    let (plain, streamed, chunks) = plain_and_streamed(&server, &body).await;
    assert_eq!(plain, streamed);
    for choice in &plain.choices {
        let logprobs = choice.logprobs.as_ref().unwrap();
        assert_eq!(logprobs["refusal"], Value::Null);
        let tokens = logprobs["content"].as_array().unwrap();
        let joined: String = tokens.iter().map(|t| t["token"].as_str().unwrap()).collect();
        assert_eq!(Some(joined.as_str()), choice.message.content.as_deref());
        for token in tokens {
            let text = token["token"].as_str().unwrap();
            let bytes: Vec<u8> = token["bytes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_u64().unwrap() as u8)
                .collect();
            assert_eq!(bytes, text.as_bytes());
            let top = token["top_logprobs"].as_array().unwrap();
            assert_eq!(top.len(), 3);
            assert_eq!(top[0]["token"], token["token"]);
            assert!(token["logprob"].as_f64().unwrap() < 0.0);
        }
    }
    // Chunks without content carry `"logprobs": null`.
    let role = &chunks[0]["choices"][0];
    assert_eq!(role["delta"]["role"], "assistant");
    assert_eq!(role.get("logprobs"), Some(&Value::Null));
    // Not asked for: no `logprobs` key at all, as before.
    let plain = post_chat(&server, &reference(), &[]).await.json();
    assert_eq!(plain["choices"][0].get("logprobs"), None);
}

/// As in OpenAI's API, a choice has one logprob entry per token its content counts in
/// `completion_tokens`, however its chunks cut the words (`x-mock-chunks` cuts inside them).
#[tokio::test]
async fn logprob_entries_are_the_tokens_usage_counts() {
    let server = MockServer::start().await;
    let body = with(json!({"logprobs": true}));
    for chunks in [None, Some("7"), Some("40")] {
        let headers: Vec<(&str, &str)> = chunks.map(|c| ("x-mock-chunks", c)).into_iter().collect();
        let (plain, streamed, _) = plain_and_streamed_with(&server, &body, &headers).await;
        assert_eq!(plain, streamed, "{chunks:?}");
        let entries =
            plain.choices[0].logprobs.as_ref().unwrap()["content"].as_array().unwrap().len();
        assert_eq!(entries as u64, plain.usage.as_ref().unwrap().completion_tokens, "{chunks:?}");
    }
}

/// `n` times `x-mock-chunks` (times the entries per token with `logprobs`) is held to what
/// `x-mock-chunks` may ask for alone: a 400 saying so, not an answer too large to build.
#[tokio::test]
async fn an_answer_too_large_to_build_is_refused() {
    let server = MockServer::start().await;
    let headers = [("x-mock-chunks", "1000000")];
    let reply = post_chat(&server, &with(json!({"n": 2})), &headers).await;
    let message = reply.error(400, "invalid_request_error");
    assert!(message.contains("x-mock-chunks") && message.contains("2000000"), "{message}");
    let reply = post_chat(
        &server,
        &with(json!({"logprobs": true, "top_logprobs": 20})),
        &[("x-mock-chunks", "50000")],
    )
    .await;
    reply.error(400, "invalid_request_error");
    let reply = post_chat(&server, &with(json!({"n": 1})), &[("x-mock-chunks", "1000")]).await;
    assert_eq!(reply.status, 200);
}
