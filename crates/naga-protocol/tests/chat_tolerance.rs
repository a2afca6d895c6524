//! Tolerant reading: what servers really send never turns a good answer into an error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_protocol::{
    ChatCompletion, ChatCompletionChunk, ChatRequest, Content, ContentPart, DeltaContent, Error,
    FinishReason, ImageDetail, Message, ReasoningEffort, ResponseMessage, Role, ToolCall,
};
use serde_json::{Value, json};

fn completion(value: Value) -> ChatCompletion {
    serde_json::from_value(value).unwrap()
}

fn chunk(value: Value) -> ChatCompletionChunk {
    serde_json::from_value(value).unwrap()
}

#[test]
fn unknown_fields_are_kept_at_every_level_and_written_back() {
    let wire = json!({
        "id": "c1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{
            "index": 0, "finish_reason": "stop",
            "message": {"role": "assistant", "content": "hi", "audio": {"id": "a1"}},
            "content_filter_results": {"hate": {"filtered": false}}
        }],
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "cost": 0.5},
        "service_tier": "default"
    });
    let parsed = completion(wire.clone());
    assert_eq!(parsed.extra["service_tier"], "default");
    assert_eq!(parsed.choices[0].extra["content_filter_results"]["hate"]["filtered"], false);
    assert_eq!(parsed.choices[0].message.extra["audio"]["id"], "a1");
    assert_eq!(parsed.usage.as_ref().unwrap().extra["cost"], 0.5);
    assert_eq!(serde_json::to_value(&parsed).unwrap(), wire);
}

#[test]
fn unknown_chunk_fields_are_kept_in_chunk_choice_and_delta() {
    let wire = json!({
        "id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"content": "x", "index": 0}, "matched_stop": 7}],
        "obfuscation": "abc"
    });
    let parsed = chunk(wire.clone());
    assert_eq!(parsed.extra["obfuscation"], "abc");
    assert_eq!(parsed.choices[0].extra["matched_stop"], 7);
    assert_eq!(parsed.choices[0].delta.extra["index"], 0);
    assert_eq!(serde_json::to_value(&parsed).unwrap(), wire);
}

#[test]
fn unknown_enum_strings_become_other_and_write_back_unchanged() {
    let parsed = completion(json!({
        "choices": [{"finish_reason": "safety_stop", "message": {"role": "model"}}]
    }));
    let choice = parsed.first_choice().unwrap();
    assert_eq!(choice.finish_reason, Some(FinishReason::Other("safety_stop".into())));
    assert_eq!(choice.message.role, Some(Role::Other("model".into())));
    let written = serde_json::to_value(choice).unwrap();
    assert_eq!(
        (&written["finish_reason"], &written["message"]["role"]),
        (&json!("safety_stop"), &json!("model"))
    );
    let effort: ReasoningEffort = serde_json::from_value(json!("extreme")).unwrap();
    assert_eq!(
        (effort.as_str(), serde_json::to_value(&effort).unwrap()),
        ("extreme", json!("extreme"))
    );
    let detail: ImageDetail = serde_json::from_value(json!("original")).unwrap();
    assert_eq!(detail, ImageDetail::Other("original".into()));
    assert_eq!(serde_json::to_value(detail).unwrap(), json!("original"));
    assert_eq!(FinishReason::from("tool_calls"), FinishReason::ToolCalls);
}

#[test]
fn missing_fields_default() {
    let empty = completion(json!({}));
    assert_eq!((empty.id.as_str(), empty.created, empty.choices.len()), ("", None, 0));
    assert_eq!(empty.text(), None);
    let parsed = completion(json!({"choices": [{}]}));
    assert_eq!(parsed.choices[0].message, ResponseMessage::default());
    let bare = chunk(json!({"choices": [{"delta": {"content": "x"}}]}));
    assert_eq!((bare.choices[0].index, bare.choices[0].finish_reason.clone()), (0, None));
}

#[test]
fn null_reads_as_none_or_empty() {
    let parsed = completion(json!({
        "id": null, "object": null, "model": null, "created": null, "usage": null,
        "choices": [{"index": null, "message": {"content": null, "tool_calls": null, "role": null},
                     "finish_reason": null, "logprobs": null}]
    }));
    assert_eq!(parsed.id, "");
    assert_eq!(parsed.usage, None);
    assert_eq!(parsed.tool_calls(), &[] as &[ToolCall]);
    assert_eq!(completion(json!({"choices": null})).choices.len(), 0);
    let c = chunk(json!({"choices": [{"delta": null, "finish_reason": null}], "usage": null}));
    assert_eq!(c.choices[0].delta, Default::default());
    let calls =
        chunk(json!({"choices": [{"delta": {"tool_calls": [{"function": null, "index": null}]}}]}));
    assert_eq!(calls.choices[0].delta.tool_calls()[0].function, None);
    let partial: ToolCall =
        serde_json::from_value(json!({"id": null, "function": {"name": null}})).unwrap();
    assert_eq!((partial.id.as_str(), partial.function.name.as_str()), ("", ""));
}

#[test]
fn empty_objects_and_empty_strings_where_objects_were_expected() {
    let parsed = completion(json!({
        "usage": {}, "choices": [{"message": {}, "logprobs": {}}]
    }));
    assert_eq!(parsed.usage.as_ref().map(|u| u.total_tokens), Some(0));
    assert_eq!(parsed.choices[0].logprobs, Some(json!({})));
    let strings = completion(json!({"usage": "", "choices": [{"message": ""}]}));
    assert_eq!(strings.usage, None);
    assert_eq!(strings.choices[0].message, ResponseMessage::default());
    let c = chunk(json!({"usage": "", "choices": [{"delta": ""}]}));
    assert_eq!((c.usage.clone(), c.choices[0].delta.clone()), (None, Default::default()));
    let details = completion(
        json!({"usage": {"prompt_tokens_details": "", "completion_tokens_details": null}}),
    );
    assert_eq!(details.usage.unwrap().prompt_tokens_details, None);
}

#[test]
fn created_may_be_missing_or_a_float() {
    assert_eq!(chunk(json!({})).created, None);
    assert_eq!(chunk(json!({"created": 1779147581.25})).created, Some(1_779_147_581));
    assert_eq!(completion(json!({"created": "1700000000"})).created, Some(1_700_000_000));
}

#[test]
fn usage_counts_tolerate_floats_and_strings() {
    let parsed = completion(
        json!({"usage": {"prompt_tokens": 12.0, "completion_tokens": "3", "total_tokens": null}}),
    );
    let usage = parsed.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (12, 3, 0));
}

#[test]
fn empty_choices_and_chunks_without_delta() {
    let trailer = chunk(json!({"choices": [], "usage": {"total_tokens": 9}}));
    assert!(trailer.choices.is_empty());
    assert_eq!(trailer.usage.unwrap().total_tokens, 9);
    let filter = chunk(json!({"choices": [{"index": 0, "finish_reason": null,
        "content_filter_offsets": {"check_offset": 0}}]}));
    assert_eq!(filter.choices[0].delta, Default::default());
    assert!(filter.choices[0].extra.contains_key("content_filter_offsets"));
}

#[test]
fn mistral_content_parts_split_text_and_thinking() {
    let c = chunk(json!({"choices": [{"delta": {"content": [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Let me "}, {"type": "text", "text": "think."}], "closed": true},
        {"type": "text", "text": "Answer"},
        {"type": "reference", "reference_ids": [1]}
    ]}}]}));
    let delta = &c.choices[0].delta;
    let content = delta.content.as_ref().unwrap();
    assert_eq!(content.text(), "Answer");
    assert_eq!(content.thinking(), "Let me think.");
    assert_eq!(delta.reasoning_text().as_deref(), Some("Let me think."));
    let Some(DeltaContent::Parts(parts)) = &delta.content else { panic!() };
    assert!(
        matches!(&parts[2], naga_protocol::OutputPart::Other(map) if map["type"] == "reference")
    );
    let written = serde_json::to_value(&c).unwrap();
    assert_eq!(written["choices"][0]["delta"]["content"][0]["closed"], true);
    assert_eq!(written["choices"][0]["delta"]["content"][2]["reference_ids"], json!([1]));
}

#[test]
fn message_content_as_parts_is_joined_from_text_parts() {
    let parsed = completion(json!({"choices": [{"message": {"role": "assistant", "content": [
        {"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}]},
        {"type": "text", "text": "4"}, {"type": "text", "text": "2"}
    ]}}]}));
    assert_eq!(parsed.text(), Some("42"));
}

#[test]
fn cerebras_reasoning_is_reasoning_text() {
    let c = chunk(json!({"choices": [{"delta": {"reasoning": "The user"}}]}));
    assert_eq!(c.choices[0].delta.reasoning.as_deref(), Some("The user"));
    assert_eq!(c.choices[0].delta.reasoning_text().as_deref(), Some("The user"));
    let both = chunk(json!({"choices": [{"delta": {"reasoning_content": "a", "reasoning": ""}}]}));
    assert_eq!(both.choices[0].delta.reasoning_text().as_deref(), Some("a"));
    assert_eq!(
        chunk(json!({"choices": [{"delta": {"reasoning_content": ""}}]})).choices[0]
            .delta
            .reasoning_text(),
        None
    );
}

#[test]
fn tool_arguments_sent_as_an_object_become_json_text() {
    let parsed = completion(json!({"choices": [{"message": {"tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": {"city": "Prague"}}}
    ]}}]}));
    assert_eq!(parsed.tool_calls()[0].function.arguments, r#"{"city":"Prague"}"#);
}

#[test]
fn helpers_and_tool_loop_conversion() {
    let parsed = completion(json!({"choices": [{"finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": null,
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup_weather", "arguments": "{\"city\":\"Prague\"}"}}],
        "reasoning_details": [{"type": "reasoning.encrypted", "data": "enc_123", "format": "x"}],
        "reasoning_content": "thinking",
        "images": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}}]
    }}]}));
    assert_eq!(parsed.text(), None);
    assert_eq!(parsed.finish_reason(), Some(&FinishReason::ToolCalls));
    let message = &parsed.first_choice().unwrap().message;
    assert_eq!(message.tool_calls()[0].function.name, "lookup_weather");
    assert_eq!(message.image_urls().collect::<Vec<_>>(), ["data:image/png;base64,iVBOR"]);
    let echoed: Message = message.clone().into();
    assert_eq!(echoed, message.to_message());
    assert_eq!(echoed.role, Role::Assistant);
    assert_eq!(echoed.content, None);
    assert_eq!(echoed.tool_calls.as_deref(), Some(message.tool_calls()));
    assert_eq!(echoed.reasoning_details, message.reasoning_details);
    let wire = serde_json::to_value(&echoed).unwrap();
    assert_eq!(
        wire["reasoning_details"][0],
        json!({"type": "reasoning.encrypted", "data": "enc_123", "format": "x"})
    );
    assert_eq!(wire.get("content"), Some(&serde_json::Value::Null));
}

#[test]
fn a_refusal_is_replayed_as_the_assistant_content() {
    let refused = completion(json!({"choices": [{"finish_reason": "stop", "message": {
        "role": "assistant", "content": null, "refusal": "I can't help with that.",
        "annotations": [], "x_note": 1
    }}]}));
    let message = refused.first_choice().unwrap().message.to_message();
    assert_eq!(
        serde_json::to_value(&message).unwrap(),
        json!({"role": "assistant", "content": "I can't help with that."})
    );
    // An empty content is no content; a refusal beside real content is dropped.
    let mut both = refused.first_choice().unwrap().message.clone();
    both.content = Some(String::new());
    assert_eq!(both.to_message().content, Some(Content::Text("I can't help with that.".into())));
    both.content = Some("Sorry.".into());
    assert_eq!(both.to_message().content, Some(Content::Text("Sorry.".into())));
    // The next turn is a request Naga takes: the SDK's checks and the emulator agree.
    let next = ChatRequest::new("m", [Message::user("help?"), message, Message::user("why?")]);
    assert_eq!(next.validate(), Ok(()));
    let answer = naga_mock::answer_chat(&serde_json::to_vec(&next).unwrap());
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    // Without the refusal the assistant message has nothing to say: both refuse it.
    let mut empty = refused.first_choice().unwrap().message.clone();
    empty.refusal = None;
    let next = ChatRequest::new("m", [Message::user("help?"), empty.to_message()]);
    assert!(matches!(
        next.validate(),
        Err(Error::InvalidRequest { ref field, .. }) if field == "messages[1].content"
    ));
    let answer = naga_mock::answer_chat(&serde_json::to_vec(&next).unwrap());
    assert_eq!(answer.status, 400, "{}", String::from_utf8_lossy(&answer.body));
}

#[test]
fn unknown_request_content_parts_are_kept() {
    let part: ContentPart =
        serde_json::from_value(json!({"type": "video_url", "video_url": {"url": "u"}})).unwrap();
    assert!(matches!(&part, ContentPart::Other(map) if map["video_url"]["url"] == "u"));
    assert_eq!(
        serde_json::to_value(&part).unwrap(),
        json!({"type": "video_url", "video_url": {"url": "u"}})
    );
}
