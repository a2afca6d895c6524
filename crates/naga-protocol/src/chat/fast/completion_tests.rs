use serde_json::json;

use crate::chat::{ChatCompletion, FinishReason, Role, ToolType};

fn fast(json: &str) -> Option<ChatCompletion> {
    crate::chat::fast::tests::checked(json, super::completion)
}

fn message_json(message: &str) -> String {
    format!(r#"{{"id":"c","choices":[{{"index":0,"message":{message},"finish_reason":"stop"}}]}}"#)
}

#[test]
fn reads_a_text_completion_with_usage() {
    let json = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1767301713,
        "model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant",
        "content":"Tōkyō — 東京 🗼\n"},"logprobs":null,"finish_reason":"stop"}],
        "usage":{"prompt_tokens":10,"completion_tokens":31,"total_tokens":41,
        "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":null},
        "completion_tokens_details":{"reasoning_tokens":5,"image_tokens":0,"x":[1]},"cost":0.5},
        "service_tier":"default","system_fingerprint":"fp_1"}"#;
    let completion = fast(json).unwrap();
    assert_eq!(completion.text(), Some("Tōkyō — 東京 🗼\n"));
    assert_eq!(completion.choices[0].message.role, Some(Role::Assistant));
    assert_eq!(completion.finish_reason(), Some(&FinishReason::Stop));
    let usage = completion.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (10, 31, 41));
    assert_eq!(usage.prompt_tokens_details.unwrap().cached_tokens, Some(0));
    let details = usage.completion_tokens_details.unwrap();
    assert_eq!((details.reasoning_tokens, details.extra["x"].clone()), (Some(5), json!([1])));
    assert_eq!(usage.extra["cost"], json!(0.5));
    assert_eq!(completion.extra["service_tier"], "default");
    assert_eq!(completion.system_fingerprint.as_deref(), Some("fp_1"));
}

#[test]
fn reads_tool_calls_as_their_derived_deserialize_does() {
    let message = r#"{"role":"assistant","content":null,"tool_calls":[{"id":"call_1",
        "type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}",
        "ignored":{"a":[1]}},"index":0},{"id":null,"type":"x-new","function":{"arguments":{"a":1}}},
        {"function":null,"type":null}]}"#;
    let completion = fast(&message_json(message)).unwrap();
    let calls = completion.tool_calls();
    assert_eq!(calls[0].function.name, "get_weather");
    assert_eq!(calls[0].function.arguments, r#"{"city":"Paris"}"#);
    assert_eq!(calls[0].extra["index"], json!(0));
    assert_eq!(
        (calls[1].id.as_str(), calls[1].kind.clone()),
        ("", ToolType::Other("x-new".into()))
    );
    assert_eq!(calls[1].function.arguments, r#"{"a":1}"#);
    assert_eq!((calls[2].kind.clone(), calls[2].function.name.as_str()), (ToolType::Function, ""));
    assert_eq!(completion.choices[0].message.content, None);
}

#[test]
fn reads_content_parts_reasoning_and_value_lists() {
    let message = r#"{"content":[{"type":"text","text":"a"},{"type":"thinking","thinking":"t"},
        {"type":"text","text":"b"}],"refusal":"no","reasoning_content":"r",
        "reasoning_details":[{"type":"reasoning.summary","summary":"s"}],"annotations":[],
        "images":[{"type":"image_url","image_url":{"url":"data:x"}}],"name":"n",
        "tool_call_id":"t","audio":{"id":"a"}}"#;
    let completion = fast(&message_json(message)).unwrap();
    let message = &completion.choices[0].message;
    assert_eq!(message.content.as_deref(), Some("ab"));
    assert_eq!(
        (message.refusal.as_deref(), message.reasoning_content.as_deref()),
        (Some("no"), Some("r"))
    );
    assert_eq!(message.image_urls().collect::<Vec<_>>(), ["data:x"]);
    assert_eq!(message.annotations, Some(vec![]));
    assert_eq!(message.extra["audio"], json!({"id": "a"}));
    let other = fast(&message_json(r#"{"content":{"a":1}}"#)).unwrap();
    assert_eq!(other.text(), Some(r#"{"a":1}"#));
    let number = fast(&message_json(r#"{"content":12}"#)).unwrap();
    assert_eq!(number.text(), Some("12"));
}

#[test]
fn nulls_read_as_serde_reads_them() {
    let json = r#"{"id":null,"object":null,"created":null,"model":null,"choices":[{"index":null,
        "message":null,"finish_reason":null,"logprobs":null}],"usage":null,"system_fingerprint":null}"#;
    let completion = fast(json).unwrap();
    assert_eq!((completion.id.as_str(), completion.created, completion.usage), ("", None, None));
    assert_eq!(completion.choices[0].message, Default::default());
    assert!(fast(r#"{"choices":null}"#).unwrap().choices.is_empty());
    let usage =
        fast(r#"{"usage":{"prompt_tokens":null,"total_tokens":"4","prompt_tokens_details":null}}"#);
    let usage = usage.unwrap().usage.unwrap();
    assert_eq!(
        (usage.prompt_tokens, usage.total_tokens, usage.prompt_tokens_details),
        (0, 4, None)
    );
    let empty = fast(&message_json(r#"{"tool_calls":[],"content":null,"role":"x"}"#)).unwrap();
    assert_eq!(empty.choices[0].message.tool_calls, Some(vec![]));
    assert_eq!(empty.choices[0].message.role, Some(Role::Other("x".into())));
}

#[test]
fn falls_back_on_what_it_does_not_read_exactly() {
    for json in [
        r#"{"id":"a","id":"b"}"#,
        r#"{"id":1}"#,
        r#"{"usage":[]}"#,
        r#"{"usage":{"prompt_tokens":1,"prompt_tokens":2}}"#,
        r#"{"choices":[{"message":"x"}]}"#,
        r#"{"choices":[{"message":{"content":[1,}]}}]}"#,
        r#"{"choices":[{"message":{"tool_calls":[{"function":[]}]}}]}"#,
        r#"{"choices":[{"message":{"tool_calls":[{"function":{"x":[}}}]}}]}"#,
        r#"{"choices":[{"message":{"tool_calls":{}}}]}"#,
        r#"{"choices":[{"message":{"tool_calls":[null]}}]}"#,
        r#"{"choices":[{"message":{"annotations":{}}}]}"#,
        r#"{"choices":[{"message":{"role":1}}]}"#,
        r#"{"choices":[]} x"#,
        r#"{"id":"\ud800"}"#,
        "[]",
        "",
    ] {
        assert_eq!(fast(json), None, "{json}");
    }
}
