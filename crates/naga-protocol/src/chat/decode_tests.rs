use serde_json::{Map, Value, json};

use crate::chat::{
    ChatCompletion, ChatCompletionChunk, Choice, ChunkChoice, CompletionTokensDetails, Delta,
    DeltaContent, FinishReason, FunctionCallDelta, PromptTokensDetails, ResponseMessage, Role,
    ToolCall, ToolCallDelta, ToolType, Usage,
};

fn chunk(json: &str) -> ChatCompletionChunk {
    serde_json::from_str(json).unwrap()
}

#[test]
fn a_repeated_key_keeps_the_last_value() {
    let chunk = chunk(r#"{"id":"a","id":"b","x":1,"x":2}"#);
    assert_eq!(chunk.id, "b");
    assert_eq!(chunk.extra["x"], json!(2));
}

#[test]
fn a_repeated_object_key_keeps_the_last_object_unmerged() {
    let chunk = chunk(
        r#"{"usage":{"prompt_tokens":1,"x":1},"usage":{"total_tokens":2},
            "choices":[{"delta":{"content":"a","z":1},"delta":{"role":"user"}}],
            "choices":[{"index":3}]}"#,
    );
    let usage = chunk.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.total_tokens), (0, 2));
    assert!(usage.extra.is_empty());
    assert_eq!(chunk.choices.len(), 1);
    assert_eq!(chunk.choices[0].index, 3);
    assert_eq!(chunk.choices[0].delta, Delta::default());
    let chunk =
        self::chunk(r#"{"choices":[{"delta":{"content":"a","z":1},"delta":{"role":"user"}}]}"#);
    assert_eq!(chunk.choices[0].delta.role, Some(Role::User));
    assert_eq!(chunk.choices[0].delta.content, None);
    assert!(chunk.choices[0].delta.extra.is_empty());
}

#[test]
fn placeholder_objects_and_arrays_read_as_absent() {
    for usage in [r#""""#, "null", "[]", "[{}]", "0", "true", "1.5"] {
        let chunk = chunk(&format!(r#"{{"usage":{usage},"choices":null}}"#));
        assert_eq!(chunk.usage, None, "{usage}");
        assert!(chunk.choices.is_empty());
    }
    let chunk = chunk(r#"{"choices":[{"delta":{"tool_calls":null}},{}]}"#);
    assert_eq!(chunk.choices[0].delta.tool_calls, None);
    assert_eq!(chunk.choices.len(), 2);
    assert!(serde_json::from_str::<ChatCompletionChunk>(r#"{"choices":{}}"#).is_err());
    assert!(serde_json::from_str::<ChatCompletionChunk>(r#"{"choices":[1]}"#).is_err());
}

#[test]
fn escaped_keys_are_matched_and_kept() {
    let chunk = chunk(r#"{"\u0069d":"a","x\"y":true}"#);
    assert_eq!(chunk.id, "a");
    assert_eq!(chunk.extra["x\"y"], json!(true));
}

#[test]
fn non_object_placeholders_read_as_defaults() {
    let chunk = chunk(
        r#"{"usage":"","choices":[{"index":null,"delta":[1,{"a":2}],"finish_reason":"stop"},
            {"delta":{"tool_calls":[{"function":7}]}}]}"#,
    );
    assert_eq!(chunk.usage, None);
    assert_eq!(chunk.choices[0].delta, Delta::default());
    assert_eq!(chunk.choices[0].finish_reason, Some(FinishReason::Stop));
    assert_eq!(chunk.choices[1].delta.tool_calls()[0].function, None);
}

#[test]
fn decoding_from_a_value_matches_decoding_from_text() {
    let text = r#"{"id":"c","choices":[{"message":{"content":"hi","z":1}}],
        "usage":{"prompt_tokens":"3","prompt_tokens_details":{"cached_tokens":1.5}},"q":[]}"#;
    let from_text: ChatCompletion = serde_json::from_str(text).unwrap();
    let value: Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::from_value::<ChatCompletion>(value).unwrap(), from_text);
    assert_eq!(from_text.text(), Some("hi"));
    assert_eq!(from_text.choices[0].message.extra["z"], json!(1));
    let usage: &Usage = from_text.usage.as_ref().unwrap();
    assert_eq!(usage.prompt_tokens, 3);
    assert_eq!(usage.prompt_tokens_details.as_ref().unwrap().cached_tokens, Some(1));
    assert_eq!(from_text.extra["q"], json!([]));
}

#[test]
fn delta_content_reads_like_an_untagged_enum() {
    let content = |json: &str| serde_json::from_str::<DeltaContent>(json).unwrap();
    assert_eq!(content(r#""a\"b""#), DeltaContent::Text("a\"b".into()));
    let parts = content(r#"[{"type":"text","text":"x"}]"#);
    assert!(matches!(&parts, DeltaContent::Parts(p) if p.len() == 1), "{parts:?}");
    assert_eq!(content("[1]"), DeltaContent::Other(json!([1])));
    assert_eq!(content(r#"{"a":1}"#), DeltaContent::Other(json!({"a": 1})));
    assert_eq!(content("2.5"), DeltaContent::Other(json!(2.5)));
    assert_eq!(content("null"), DeltaContent::Other(Value::Null));
}

/// Every known field set (none left at its default), `extra` empty: writing it and
/// reading it back must give the same value, so no field may be missing from the
/// decoder's list or read under another name than the one it is written under.
#[test]
fn every_field_is_read_back_under_its_wire_name() {
    let chunk = ChatCompletionChunk {
        id: "c".into(),
        object: "chat.completion.chunk".into(),
        created: Some(1),
        model: "m".into(),
        choices: vec![ChunkChoice {
            index: 2,
            delta: full_delta(),
            finish_reason: Some(FinishReason::Length),
            logprobs: Some(json!({"content": []})),
            extra: Map::new(),
        }],
        usage: Some(full_usage()),
        system_fingerprint: Some("fp".into()),
        extra: Map::new(),
    };
    assert_reads_back(&chunk);
    let completion = ChatCompletion {
        id: "c".into(),
        object: "chat.completion".into(),
        created: Some(1),
        model: "m".into(),
        choices: vec![Choice {
            index: 1,
            message: full_message(),
            finish_reason: Some(FinishReason::Stop),
            logprobs: Some(json!({"content": []})),
            extra: Map::new(),
        }],
        usage: Some(full_usage()),
        system_fingerprint: Some("fp".into()),
        extra: Map::new(),
    };
    assert_reads_back(&completion);
}

fn assert_reads_back<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).unwrap();
    assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), value, "{text}");
}

fn full_delta() -> Delta {
    Delta {
        role: Some(Role::Assistant),
        content: Some(DeltaContent::Text("t".into())),
        refusal: Some("r".into()),
        tool_calls: Some(vec![ToolCallDelta {
            index: Some(3),
            id: Some("call".into()),
            kind: Some(ToolType::Function),
            function: Some(FunctionCallDelta {
                name: Some("f".into()),
                arguments: Some("{}".into()),
                extra: Map::new(),
            }),
            extra: Map::new(),
        }]),
        reasoning_content: Some("rc".into()),
        reasoning: Some("r".into()),
        reasoning_details: Some(vec![json!({"type": "x"})]),
        annotations: Some(vec![json!({"type": "url"})]),
        images: Some(vec![json!({"type": "image_url"})]),
        extra: Map::new(),
    }
}

fn full_message() -> ResponseMessage {
    ResponseMessage {
        role: Some(Role::Assistant),
        content: Some("t".into()),
        content_parts: None,
        refusal: Some("r".into()),
        tool_calls: Some(vec![ToolCall::function("call", "f", "{}")]),
        annotations: Some(vec![json!({"type": "url"})]),
        reasoning_content: Some("rc".into()),
        reasoning_details: Some(vec![json!({"type": "x"})]),
        images: Some(vec![json!({"type": "image_url"})]),
        name: Some("n".into()),
        tool_call_id: Some("id".into()),
        extra: Map::new(),
    }
}

fn full_usage() -> Usage {
    Usage {
        prompt_tokens: 1,
        completion_tokens: 2,
        total_tokens: 3,
        prompt_tokens_details: Some(PromptTokensDetails {
            cached_tokens: Some(4),
            audio_tokens: Some(5),
            extra: Map::new(),
        }),
        completion_tokens_details: Some(CompletionTokensDetails {
            reasoning_tokens: Some(6),
            image_tokens: Some(7),
            audio_tokens: Some(8),
            accepted_prediction_tokens: Some(9),
            rejected_prediction_tokens: Some(10),
            extra: Map::new(),
        }),
        extra: Map::new(),
    }
}

#[test]
fn a_non_object_top_level_is_an_error() {
    assert!(serde_json::from_str::<ChatCompletionChunk>("[]").is_err());
    assert!(
        serde_json::from_str::<ChatCompletionChunk>(r#"{"choices":[{"delta":{"role":1}}]}"#)
            .is_err()
    );
}
