use serde_json::json;

use crate::chat::{ChatCompletionChunk, DeltaContent, FinishReason, Role};

/// What the fast path `read` gives, after checking that it equals serde's value.
pub(super) fn checked<T>(json: &str, read: fn(&str) -> Option<T>) -> Option<T>
where
    T: PartialEq + std::fmt::Debug + serde::de::DeserializeOwned,
{
    let fast = read(json);
    if let Some(value) = &fast {
        assert_eq!(Some(value), serde_json::from_str(json).ok().as_ref(), "{json}");
    }
    fast
}

fn fast(json: &str) -> Option<ChatCompletionChunk> {
    checked(json, super::chunk)
}

fn delta_json(delta: &str) -> String {
    format!(r#"{{"id":"c","choices":[{{"index":0,"delta":{delta},"finish_reason":null}}]}}"#)
}

#[test]
fn reads_a_content_chunk() {
    let chunk = fast(&delta_json(r#"{"role":"assistant","content":"Hi \"there\"\n"}"#)).unwrap();
    let delta = &chunk.choices[0].delta;
    assert_eq!(delta.role, Some(Role::Assistant));
    assert_eq!(delta.content, Some(DeltaContent::Text("Hi \"there\"\n".into())));
    assert_eq!(chunk.id, "c");
}

#[test]
fn unknown_keys_go_into_extra_with_decoded_names() {
    let json = r#"{"x_\u0067roq":{"id":"r","usage":[1,2.5,-3,{"a":null}]},"service_tier":"default",
        "choices":[{"index":0,"delta":{"obfuscation":"ab}c","content":""},"native":1e2}]}"#;
    let chunk = fast(json).unwrap();
    assert_eq!(chunk.extra["x_groq"], json!({"id":"r","usage":[1,2.5,-3,{"a":null}]}));
    assert_eq!(chunk.extra["service_tier"], "default");
    assert_eq!(chunk.choices[0].extra["native"], json!(100.0));
    assert_eq!(chunk.choices[0].delta.extra["obfuscation"], "ab}c");
}

#[test]
fn nulls_read_as_serde_reads_them() {
    let json = r#"{"id":null,"object":null,"created":null,"model":null,"choices":[{"index":null,
        "delta":null,"finish_reason":null,"logprobs":null}],"usage":null,"system_fingerprint":null}"#;
    let chunk = fast(json).unwrap();
    assert_eq!((chunk.id.as_str(), chunk.created, chunk.usage), ("", None, None));
    assert_eq!(chunk.choices[0].index, 0);
    assert!(fast(r#"{"choices":null}"#).unwrap().choices.is_empty());
    let tools = fast(&delta_json(r#"{"tool_calls":null,"content":null}"#)).unwrap();
    assert_eq!(tools.choices[0].delta.tool_calls, None);
    let empty = fast(&delta_json(r#"{"tool_calls":[]}"#)).unwrap();
    assert_eq!(empty.choices[0].delta.tool_calls, Some(vec![]));
}

#[test]
fn reads_tool_calls_usage_and_open_enums() {
    let delta = r#"{"tool_calls":[{"index":"3","id":"call_1","type":"function",
        "function":{"name":"f","arguments":{"a":[1]}}},{"index":2,"function":null}]}"#;
    let json = delta_json(delta).replace(r#""finish_reason":null"#, r#""finish_reason":"eos""#);
    let chunk = fast(&json).unwrap();
    let calls = chunk.choices[0].delta.tool_calls();
    assert_eq!(calls[0].index, Some(3));
    assert_eq!(calls[0].function.as_ref().unwrap().arguments.as_deref(), Some(r#"{"a":[1]}"#));
    assert_eq!(calls[1].index, Some(2));
    assert_eq!(chunk.choices[0].finish_reason, Some(FinishReason::Other("eos".into())));
    let usage = fast(r#"{"choices":[],"usage":{"prompt_tokens":3,"total_tokens":"4"}}"#).unwrap();
    assert_eq!(usage.usage.unwrap().total_tokens, 4);
}

#[test]
fn reads_parts_and_value_lists_through_serde() {
    let parts = r#"{"content":[{"type":"thinking","thinking":[{"type":"text","text":"t"}]}],
        "annotations":[{"u":1}],"images":null,"reasoning_details":[]}"#;
    let chunk = fast(&delta_json(parts)).unwrap();
    assert_eq!(chunk.choices[0].delta.reasoning_text().as_deref(), Some("t"));
    assert_eq!(chunk.choices[0].delta.reasoning_details, Some(vec![]));
    let index = fast(r#"{"choices":[{"index":4294967295,"logprobs":{"content":[]}}]}"#).unwrap();
    assert_eq!(index.choices[0].index, u32::MAX);
    assert_eq!(index.choices[0].logprobs, Some(json!({"content": []})));
}

#[test]
fn an_index_that_is_no_index_fails_the_chunk_instead_of_reading_as_zero() {
    let texts = [r#""one""#, r#""1.5""#, r#""-1""#, r#""NaN""#, r#""4294967296""#];
    for index in ["-1", "4294967296", "1.5", "true", "[0]"].into_iter().chain(texts) {
        let choice = format!(r#"{{"choices":[{{"index":{index},"delta":{{"content":"x"}}}}]}}"#);
        let call = delta_json(&format!(r#"{{"tool_calls":[{{"index":{index},"id":"c"}}]}}"#));
        for json in [choice, call] {
            assert_eq!(fast(&json), None, "{json}");
            let err = serde_json::from_str::<ChatCompletionChunk>(&json).unwrap_err();
            assert!(err.to_string().contains("index"), "{json}: {err}");
        }
    }
    // A whole number reads however it is written, as a count does.
    for (index, read) in [("2.0", 2), (r#""3""#, 3), (r#"" 3.0 ""#, 3), (r#""1e2""#, 100)] {
        let json = format!(r#"{{"choices":[{{"index":{index},"delta":{{}}}}]}}"#);
        assert_eq!(fast(&json).unwrap().choices[0].index, read, "{json}");
        let chunk = serde_json::from_str::<ChatCompletionChunk>(&json).unwrap();
        assert_eq!(chunk.choices[0].index, read, "{json}");
    }
}

#[test]
fn reads_lenient_counts_and_text_through_their_serde_helpers() {
    for (json, created) in [
        (r#"{"created":1.5}"#, Some(1)),
        (r#"{"created":-1}"#, None),
        (r#"{"created":" 12 "}"#, Some(12)),
        (r#"{"created":18446744073709551616}"#, Some(u64::MAX)),
        (r#"{"created":[1]}"#, None),
        (r#"{"created":true}"#, None),
    ] {
        assert_eq!(fast(json).unwrap().created, created, "{json}");
    }
    let json = r#"{"choices":[{"index":1e2,"delta":{"tool_calls":[{"index":"3",
        "function":{"arguments":7}}]}}]}"#;
    let chunk = fast(json).unwrap();
    assert_eq!(chunk.choices[0].index, 100);
    let call = &chunk.choices[0].delta.tool_calls()[0];
    assert_eq!(
        (call.index, call.function.as_ref().unwrap().arguments.as_deref()),
        (Some(3), Some("7"))
    );
}

#[test]
fn falls_back_on_what_it_does_not_read_exactly() {
    for json in [
        r#"{"id":"a","id":"b"}"#,
        r#"{"id":1}"#,
        r#"{"usage":[]}"#,
        r#"{"choices":[{"delta":"x"}]}"#,
        r#"{"choices":[{"index":0,"index":1}]}"#,
        r#"{"created":{"a":}}"#,
        r#"{"created":1.5.2}"#,
        r#"{"choices":[]} x"#,
        "{\"choices\":[]}\u{c}",
        r#"{"id":"\ud800"}"#,
        r#"{"choices":[],}"#,
        r#"{"x":[}"#,
        "[]",
        "",
    ] {
        assert_eq!(fast(json), None, "{json}");
    }
}

#[test]
fn stops_well_before_serde_json_recursion_limit() {
    let nested = |n: usize| format!(r#"{{"x":{}1{}}}"#, "[".repeat(n), "]".repeat(n));
    // The chunk is one level: 99 arrays inside it make 100, the limit.
    assert!(fast(&nested(99)).is_some());
    assert_eq!(fast(&nested(100)), None);
    assert!(serde_json::from_str::<ChatCompletionChunk>(&nested(100)).is_ok());
    assert!(serde_json::from_str::<ChatCompletionChunk>(&nested(200)).is_err());
}

/// The wire names of `T`'s fields, from its JSON Schema (what `Serialize` writes and the
/// `tolerant_deserialize!` list reads).
fn wire_names<T: schemars::JsonSchema>() -> Vec<String> {
    let schema = crate::schema_of::<T>();
    let properties = schema.as_value()["properties"].as_object().unwrap();
    let mut names: Vec<String> = properties.keys().cloned().collect();
    names.sort();
    names
}

fn known(keys: &[super::keys::KnownKey]) -> Vec<String> {
    let mut names: Vec<String> = keys.iter().map(|key| key.name.to_owned()).collect();
    names.sort();
    names
}

#[test]
fn the_fast_path_knows_every_field_of_every_chunk_type() {
    use super::chunk::{CHOICE_KEYS, CHUNK_KEYS, DELTA_KEYS, FUNCTION_KEYS, TOOL_CALL_KEYS};
    use super::usage::{COMPLETION_KEYS, PROMPT_KEYS, USAGE_KEYS};
    use crate::chat::{ChunkChoice, Delta, FunctionCallDelta, ToolCallDelta};
    use crate::{CompletionTokensDetails, PromptTokensDetails, Usage};
    // A field added to a type (and its `tolerant_deserialize!` list) but not to the fast
    // path would land in `extra` there: this fails first.
    assert_eq!(known(CHUNK_KEYS), wire_names::<ChatCompletionChunk>());
    assert_eq!(known(CHOICE_KEYS), wire_names::<ChunkChoice>());
    assert_eq!(known(DELTA_KEYS), wire_names::<Delta>());
    assert_eq!(known(TOOL_CALL_KEYS), wire_names::<ToolCallDelta>());
    assert_eq!(known(FUNCTION_KEYS), wire_names::<FunctionCallDelta>());
    assert_eq!(known(USAGE_KEYS), wire_names::<Usage>());
    assert_eq!(known(PROMPT_KEYS), wire_names::<PromptTokensDetails>());
    assert_eq!(known(COMPLETION_KEYS), wire_names::<CompletionTokensDetails>());
}

#[test]
fn the_fast_path_knows_every_field_of_every_completion_type() {
    use super::completion::{
        CHOICE_KEYS, COMPLETION_KEYS, FUNCTION_KEYS, MESSAGE_KEYS, TOOL_CALL_KEYS,
    };
    use crate::{ChatCompletion, Choice, FunctionCall, ResponseMessage, ToolCall};
    assert_eq!(known(COMPLETION_KEYS), wire_names::<ChatCompletion>());
    assert_eq!(known(CHOICE_KEYS), wire_names::<Choice>());
    assert_eq!(known(MESSAGE_KEYS), wire_names::<ResponseMessage>());
    assert_eq!(known(TOOL_CALL_KEYS), wire_names::<ToolCall>());
    assert_eq!(known(FUNCTION_KEYS), wire_names::<FunctionCall>());
}
