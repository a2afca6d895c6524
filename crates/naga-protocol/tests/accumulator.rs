//! `ChatAccumulator`: chunks add up to the completion a non-streaming call returns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod streams;

use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatCompletionChunk, Error, FinishReason, Role,
    StreamAccumulator, StreamError, ToolCall, ToolType,
};
use serde_json::json;
use streams::{chunk, run_whole, sse_body};

/// A chunk of completion `c1` with the given choices.
fn with_choices(choices: serde_json::Value) -> ChatCompletionChunk {
    chunk(&json!({"id": "c1", "model": "m", "created": 7, "choices": choices}).to_string())
}

/// A chunk with one choice 0 and this delta.
fn delta(delta: serde_json::Value) -> ChatCompletionChunk {
    with_choices(json!([{"index": 0, "delta": delta}]))
}

fn accumulate(chunks: impl IntoIterator<Item = ChatCompletionChunk>) -> ChatCompletion {
    ChatAccumulator::accumulate(chunks.into_iter().map(Ok)).unwrap()
}

fn calls(completion: &ChatCompletion) -> Vec<(&str, &str, &str)> {
    completion
        .tool_calls()
        .iter()
        .map(|c| (c.id.as_str(), c.function.name.as_str(), c.function.arguments.as_str()))
        .collect()
}

#[test]
fn content_is_concatenated_and_the_header_filled() {
    let completion = accumulate([
        delta(json!({"role": "assistant", "content": ""})),
        delta(json!({"content": "Hel"})),
        delta(json!({"content": null})),
        delta(json!({"content": "lo"})),
    ]);
    assert_eq!(completion.text(), Some("Hello"));
    assert_eq!(
        (completion.id.as_str(), completion.object.as_str(), completion.model.as_str()),
        ("c1", "chat.completion", "m")
    );
    assert_eq!(completion.created, Some(7));
    assert_eq!(completion.choices[0].message.role, Some(Role::Assistant));
    assert_eq!(completion.choices[0].message.tool_calls, None);
}

#[test]
fn only_empty_fragments_leave_content_null_like_a_non_streaming_answer() {
    let completion = accumulate([delta(json!({"content": ""})), delta(json!({"content": ""}))]);
    assert_eq!(completion.text(), None);
    assert_eq!(completion.choices[0].message.role, Some(Role::Assistant), "role defaults");
    assert_eq!(completion.choices[0].message.reasoning_content, None);
}

#[test]
fn refusal_is_concatenated() {
    let completion = accumulate([
        delta(json!({"refusal": "I can't "})),
        delta(json!({"refusal": null})),
        delta(json!({"refusal": "help."})),
    ]);
    assert_eq!(completion.choices[0].message.refusal.as_deref(), Some("I can't help."));
    assert_eq!(completion.text(), None);
}

#[test]
fn indexed_tool_call_fragments_merge_in_order_of_first_appearance() {
    let completion = accumulate([
        delta(json!({"tool_calls": [{"index": 1, "id": "b", "type": "function",
            "function": {"name": "second", "arguments": ""}}]})),
        delta(
            json!({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "first", "arguments": "{\"x\""}}]}),
        ),
        delta(json!({"tool_calls": [{"index": 1, "function": {"arguments": "{}"}}]})),
        delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": ":1}"}}]})),
    ]);
    assert_eq!(calls(&completion), [("b", "second", "{}"), ("a", "first", "{\"x\":1}")]);
    assert!(completion.tool_calls().iter().all(|call| call.kind == ToolType::Function));
}

#[test]
fn complete_calls_without_index_are_separate_calls() {
    // Naga's own example: one complete call per delta, with ids and no index.
    let call = |id: &str, name: &str| json!({"id": id, "type": "function", "function": {"name": name, "arguments": "{\"q\":1}"}});
    let completion = accumulate([
        delta(json!({"tool_calls": [call("a", "f")]})),
        delta(json!({"tool_calls": [call("b", "g"), call("c", "h")]})),
    ]);
    assert_eq!(
        calls(&completion),
        [("a", "f", "{\"q\":1}"), ("b", "g", "{\"q\":1}"), ("c", "h", "{\"q\":1}")]
    );
}

#[test]
fn id_less_fragments_without_index_extend_the_last_call_or_the_call_with_their_id() {
    let completion = accumulate([
        delta(
            json!({"tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "{\"x\""}}]}),
        ),
        delta(json!({"tool_calls": [{"function": {"arguments": ":1}"}}]})),
        delta(json!({"tool_calls": [{"id": "b", "function": {"name": "g", "arguments": "["}}]})),
        delta(json!({"tool_calls": [{"id": "a", "function": {"arguments": " "}}]})),
        delta(json!({"tool_calls": [{"function": {"arguments": "]"}}]})),
    ]);
    assert_eq!(calls(&completion), [("a", "f", "{\"x\":1} "), ("b", "g", "[]")]);
}

#[test]
fn a_call_begun_without_index_is_continued_by_fragments_that_carry_one() {
    // The first fragment lacks `index` (as in Naga's example), the rest carry it.
    let completion = accumulate([
        delta(json!({"tool_calls": [{"id": "a", "type": "function",
            "function": {"name": "weather", "arguments": "{\"city\":"}}]})),
        delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]})),
        delta(json!({"tool_calls": [{"id": "b", "function": {"name": "time", "arguments": "{"}}]})),
        delta(json!({"tool_calls": [{"index": 1, "id": "b", "function": {"arguments": "}"}}]})),
        // Index 0 is call `a`'s now; index 2, new and with no id, continues the last call
        // only while that has no index: `b` has one, so this is a third call.
        delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": " "}}]})),
        delta(
            json!({"tool_calls": [{"index": 2, "function": {"name": "third", "arguments": "[]"}}]}),
        ),
    ]);
    assert_eq!(
        calls(&completion),
        [("a", "weather", "{\"city\":\"Paris\"} "), ("b", "time", "{}"), ("", "third", "[]")]
    );
}

#[test]
fn a_fragment_without_index_or_id_starts_the_first_call() {
    let completion = accumulate([delta(
        json!({"tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}),
    )]);
    assert_eq!(calls(&completion), [("", "f", "{}")]);
    assert_eq!(completion.tool_calls()[0].kind, ToolType::Function, "type defaults to function");
}

#[test]
fn an_index_reused_with_a_new_id_starts_a_new_call() {
    let completion = accumulate([
        delta(
            json!({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}}]}),
        ),
        delta(json!({"tool_calls": [{"index": 0, "id": "a", "function": {"arguments": ""}}]})),
        delta(
            json!({"tool_calls": [{"index": 0, "id": "b", "function": {"name": "g", "arguments": "{\"y\""}}]}),
        ),
        delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": ":2}"}}]})),
    ]);
    assert_eq!(calls(&completion), [("a", "f", "{}"), ("b", "g", "{\"y\":2}")]);
}

#[test]
fn an_empty_name_never_overwrites_the_known_name() {
    let completion = accumulate([
        delta(
            json!({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "webSearch", "arguments": ""}}]}),
        ),
        delta(
            json!({"tool_calls": [{"index": 0, "function": {"name": "", "arguments": "{\"q\":\"x\"}"}}]}),
        ),
        delta(json!({"tool_calls": [{"index": 0, "function": {"name": "other"}}]})),
    ]);
    assert_eq!(calls(&completion), [("a", "webSearch", "{\"q\":\"x\"}")]);
}

#[test]
fn empty_tool_call_arrays_create_no_calls() {
    let completion = accumulate([delta(json!({"content": "Hi", "tool_calls": []}))]);
    assert_eq!(completion.choices[0].message.tool_calls, None);
}

#[test]
fn reasoning_comes_from_all_three_sources() {
    let thinking = json!([
        {"type": "thinking", "thinking": [{"type": "text", "text": "three "}]},
        {"type": "text", "text": "Answer"}
    ]);
    let completion = accumulate([
        delta(json!({"reasoning_content": "one "})),
        delta(json!({"reasoning": "two "})),
        delta(json!({"content": thinking})),
        delta(json!({"reasoning_content": ""})),
    ]);
    let message = &completion.choices[0].message;
    assert_eq!(message.reasoning_content.as_deref(), Some("one two three "));
    assert_eq!(completion.text(), Some("Answer"));
}

#[test]
fn reasoning_details_annotations_and_images_are_appended_in_order() {
    let completion = accumulate([
        delta(json!({"reasoning_details": [{"type": "reasoning.text", "text": "a"}],
            "annotations": [{"type": "url_citation", "url": "u1"}]})),
        delta(json!({"reasoning_details": [{"type": "reasoning.encrypted", "data": "b"}],
            "images": [{"type": "image_url", "image_url": {"url": "data:x"}}]})),
        delta(json!({"annotations": [{"type": "url_citation", "url": "u2"}]})),
    ]);
    let message = &completion.choices[0].message;
    assert_eq!(
        message.reasoning_details,
        Some(vec![
            json!({"type": "reasoning.text", "text": "a"}),
            json!({"type": "reasoning.encrypted", "data": "b"})
        ])
    );
    let urls: Vec<_> = message.annotations.iter().flatten().map(|a| a["url"].clone()).collect();
    assert_eq!(urls, [json!("u1"), json!("u2")]);
    assert_eq!(message.image_urls().collect::<Vec<_>>(), ["data:x"]);
}

#[test]
fn finish_reason_and_usage_keep_the_latest_non_null() {
    let usage =
        |total: u64| json!({"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": total});
    let completion = accumulate([
        with_choices(json!([{"index": 0, "delta": {"content": "a"}, "finish_reason": "length"}])),
        with_choices(json!([{"index": 0, "delta": {}, "finish_reason": "stop"}])),
        with_choices(json!([{"index": 0, "delta": {}, "finish_reason": null}])),
        chunk(&json!({"choices": [], "usage": usage(9)}).to_string()),
        chunk(&json!({"choices": [], "usage": usage(10)}).to_string()),
        chunk(&json!({"choices": [], "usage": null}).to_string()),
    ]);
    assert_eq!(completion.finish_reason(), Some(&FinishReason::Stop));
    assert_eq!(completion.usage.unwrap().total_tokens, 10);
}

#[test]
fn logprob_arrays_are_extended() {
    let lp = |token: &str| json!({"token": token, "logprob": -0.5, "top_logprobs": []});
    let completion = accumulate([
        with_choices(json!([{"index": 0, "delta": {"reasoning_content": "r"},
            "logprobs": {"reasoning_content": [lp("r")], "content": null}}])),
        with_choices(
            json!([{"index": 0, "delta": {"content": "a"}, "logprobs": {"content": [lp("a")]}}]),
        ),
        with_choices(
            json!([{"index": 0, "delta": {"content": "b"}, "logprobs": {"content": [lp("b")]}}]),
        ),
        with_choices(json!([{"index": 0, "delta": {}, "logprobs": null, "finish_reason": "stop"}])),
    ]);
    assert_eq!(
        completion.choices[0].logprobs,
        Some(json!({"reasoning_content": [lp("r")], "content": [lp("a"), lp("b")]}))
    );
}

#[test]
fn a_placeholder_first_chunk_does_not_set_the_header() {
    let completion = accumulate([
        chunk(
            r#"{"choices":[],"created":0,"id":"","model":"","object":"","system_fingerprint":""}"#,
        ),
        chunk(
            r#"{"id":"real","model":"actual","created":5,"system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#,
        ),
        chunk(
            r#"{"id":"other","model":"else","created":6,"system_fingerprint":"fp2","choices":[]}"#,
        ),
    ]);
    assert_eq!((completion.id.as_str(), completion.model.as_str()), ("real", "actual"));
    assert_eq!(
        (completion.created, completion.system_fingerprint.as_deref()),
        (Some(5), Some("fp"))
    );
    assert_eq!(completion.text(), Some("Hi"));
}

#[test]
fn two_choices_accumulate_separately_and_come_out_by_index() {
    let mut acc = ChatAccumulator::new();
    acc.push(&with_choices(json!([{"index": 1, "delta": {"content": "B"}}])));
    acc.push(&with_choices(
        json!([{"index": 0, "delta": {"content": "A"}}, {"index": 1, "delta": {"content": "b"}}]),
    ));
    acc.push(&with_choices(
        json!([{"index": 0, "delta": {"content": "a"}, "finish_reason": "stop"}]),
    ));
    assert_eq!(acc.text(), Some("Aa"));
    let completion = acc.finish();
    let got: Vec<_> = completion
        .choices
        .iter()
        .map(|c| (c.index, c.message.content.as_deref(), c.finish_reason.clone()))
        .collect();
    assert_eq!(got, [(0, Some("Aa"), Some(FinishReason::Stop)), (1, Some("Bb"), None)]);
}

#[test]
fn a_huge_server_supplied_index_allocates_nothing_for_it() {
    let completion = accumulate([with_choices(
        json!([{"index": 4_000_000_000u32, "delta": {"tool_calls": [
            {"index": 4_000_000_000u32, "id": "a", "function": {"name": "f", "arguments": "{}"}}]}}]),
    )]);
    assert_eq!(completion.choices.len(), 1);
    assert_eq!(completion.choices[0].index, 4_000_000_000);
    assert_eq!(completion.choices[0].message.tool_calls().len(), 1);
}

#[test]
fn snapshot_shows_the_partial_result_and_keeps_accumulating() {
    let mut acc = ChatAccumulator::default();
    assert_eq!(acc.snapshot().choices, []);
    acc.push(&delta(json!({"content": "Hel"})));
    let partial = acc.snapshot();
    acc.push(&delta(json!({"content": "lo"})));
    assert_eq!(partial.text(), Some("Hel"));
    assert_eq!(acc.snapshot().text(), Some("Hello"));
    assert_eq!(acc.finish().text(), Some("Hello"));
}

#[test]
fn accumulate_stops_at_the_first_error_and_returns_the_partial_completion() {
    let items = vec![
        Ok(delta(json!({"content": "Hel"}))),
        Err(Error::Stream(StreamError::Truncated { events: 1 })),
        Ok(delta(json!({"content": "lo"}))),
    ];
    let failed = ChatAccumulator::accumulate(items).unwrap_err();
    assert_eq!(failed.error, Error::Stream(StreamError::Truncated { events: 1 }));
    assert_eq!(failed.partial.text(), Some("Hel"));
    assert_eq!(failed.to_string(), failed.error.to_string());
}

/// A non-streaming completion, and the chunk stream of the same answer.
const COMPLETION: &str = r#"{
  "id": "resp_1", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini",
  "system_fingerprint": "fp_1",
  "choices": [{
    "index": 0, "finish_reason": "tool_calls",
    "message": {
      "role": "assistant", "content": "Checking the weather.",
      "reasoning_content": "Need the tool.",
      "reasoning_details": [{"type": "reasoning.summary", "summary": "Need the tool."}],
      "annotations": [{"type": "url_citation", "url": "https://example.com"}],
      "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}},
        {"id": "call_2", "type": "function", "function": {"name": "time", "arguments": "{}"}}
      ]
    }
  }],
  "usage": {"prompt_tokens": 20, "completion_tokens": 12, "total_tokens": 32,
            "completion_tokens_details": {"reasoning_tokens": 4}}
}"#;

const CHUNKS: &[&str] = &[
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"reasoning_content":"Need the "},"finish_reason":null}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"reasoning_content":"tool.","reasoning_details":[{"type":"reasoning.summary","summary":"Need the tool."}]}}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Checking the "}}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"weather.","annotations":[{"type":"url_citation","url":"https://example.com"}]}}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]}}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}},{"index":1,"id":"call_2","type":"function","function":{"name":"time","arguments":"{}"}}]}}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    r#"{"id":"resp_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":12,"total_tokens":32,"completion_tokens_details":{"reasoning_tokens":4}}}"#,
];

#[test]
fn accumulating_the_stream_equals_the_non_streaming_completion() {
    let expected: ChatCompletion = serde_json::from_str(COMPLETION).unwrap();
    for with_done in [false, true] {
        let streamed =
            ChatAccumulator::accumulate(run_whole(&sse_body(CHUNKS, with_done))).unwrap();
        assert_eq!(streamed, expected);
    }
    assert_eq!(
        expected.tool_calls()[0],
        ToolCall::function("call_1", "weather", "{\"city\":\"Paris\"}"),
        "the pair really has the tool call"
    );
}

#[test]
fn a_tool_only_answer_streamed_with_empty_content_equals_its_null_content_completion() {
    let expected: ChatCompletion = serde_json::from_str(
        r#"{"id":"c1","object":"chat.completion","created":7,"model":"m","choices":[{"index":0,
        "finish_reason":"tool_calls","message":{"role":"assistant","content":null,
        "tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}"#,
    )
    .unwrap();
    let streamed = accumulate([
        delta(json!({"role": "assistant", "content": "", "tool_calls": [
            {"index": 0, "id": "a", "type": "function", "function": {"name": "f", "arguments": ""}}]})),
        delta(
            json!({"content": "", "tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]}),
        ),
        with_choices(
            json!([{"index": 0, "delta": {"content": ""}, "finish_reason": "tool_calls"}]),
        ),
    ]);
    assert_eq!(streamed, expected);
}

#[test]
fn push_item_shows_and_adds_chunks_and_hands_back_errors() {
    let mut acc = ChatAccumulator::new();
    let mut seen = Vec::new();
    let mut show = |chunk: &ChatCompletionChunk| seen.push(chunk.choices.len());
    let ok: Result<_, &str> = Ok(delta(json!({"content": "Hel"})));
    assert_eq!(acc.push_item(ok, &mut show), Ok(()));
    assert_eq!(acc.push_item(Err("cut"), &mut show), Err("cut"));
    assert_eq!(seen, [1]);
    assert_eq!(acc.text(), Some("Hel"));
}
