//! Encode -> decode round trips for every wire type: a generated `ChatRequest`,
//! `ChatCompletion` or `ChatCompletionChunk` (known fields, unknown enum values and unknown
//! `extra` fields alike) serializes to JSON that deserializes to an equal value, and
//! encoding that value again gives the same bytes.
//!
//! Generated values stay inside what the wire can say: `Other` enum values never spell a
//! known value, `extra` keys never spell a known field, and optional JSON values are never
//! `null` (the wire has no way to tell `Some(null)` from absent).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::fmt::Debug;

use naga_protocol::{
    ChatCompletion, ChatCompletionChunk, ChatRequest, Choice, ChunkChoice, Content, ContentPart,
    Delta, DeltaContent, FinishReason, FunctionCall, FunctionCallDelta, FunctionDefinition,
    Message, OutputPart, ReasoningEffort, ResponseFormat, ResponseMessage, Role, Stop,
    StreamOptions, TextPart, ThinkingPart, Tool, ToolCall, ToolCallDelta, ToolChoice, ToolType,
    Usage,
};
use proptest::collection::{btree_map, vec};
use proptest::option::of;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Text with Unicode, quotes, backslashes and control characters (all need escaping).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "\\PC{0,12}", 1 => "[\\x00-\\x1f\"\\\\/\\x7f\u{2028}é😀]{0,4}"]
}

/// A value no known enum variant spells.
fn other() -> impl Strategy<Value = String> {
    "x-[a-z]{1,6}"
}

/// Any JSON value, floats limited to exactly representable ones.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-64i32..64).prop_map(|n| Value::from(f64::from(n) / 4.0)),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z_]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn some_json() -> impl Strategy<Value = Value> {
    json().prop_filter("null reads back as None", |value| !value.is_null())
}

/// Unknown fields: keys start with `x_`, which no known field does.
fn extra() -> impl Strategy<Value = Map<String, Value>> {
    btree_map("x_[a-z]{1,6}", json(), 0..3).prop_map(|map| map.into_iter().collect())
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::System),
        Just(Role::User),
        Just(Role::Assistant),
        Just(Role::Tool),
        Just(Role::Developer),
        other().prop_map(Role::Other),
    ]
}

fn finish_reason() -> impl Strategy<Value = FinishReason> {
    prop_oneof![
        Just(FinishReason::Stop),
        Just(FinishReason::Length),
        Just(FinishReason::ToolCalls),
        Just(FinishReason::ContentFilter),
        other().prop_map(FinishReason::Other),
    ]
}

fn tool_call() -> impl Strategy<Value = ToolCall> {
    (text(), text(), text(), extra()).prop_map(|(id, name, arguments, extra)| ToolCall {
        id,
        kind: ToolType::Function,
        function: FunctionCall { name, arguments },
        extra,
    })
}

fn content() -> impl Strategy<Value = Content> {
    let part = prop_oneof![
        text().prop_map(|text| ContentPart::Text { text }),
        text().prop_map(ContentPart::image_url),
        (text(), text()).prop_map(|(name, data)| ContentPart::file(name, data)),
    ];
    prop_oneof![text().prop_map(Content::Text), vec(part, 0..3).prop_map(Content::Parts)]
}

fn message() -> impl Strategy<Value = Message> {
    let calls = of(vec(tool_call(), 0..3));
    let details = of(vec(json(), 0..2));
    (role(), of(content()), of(text()), calls, of(text()), details, extra()).prop_map(
        |(role, content, name, tool_calls, tool_call_id, reasoning_details, extra)| Message {
            role,
            content,
            name,
            tool_calls,
            tool_call_id,
            reasoning_details,
            extra,
        },
    )
}

fn tool() -> impl Strategy<Value = Tool> {
    (text(), of(text()), of(some_json()), of(any::<bool>())).prop_map(
        |(name, description, parameters, strict)| Tool {
            kind: ToolType::Function,
            function: FunctionDefinition { name, description, parameters, strict },
        },
    )
}

fn tool_choice() -> impl Strategy<Value = ToolChoice> {
    prop_oneof![
        Just(ToolChoice::auto()),
        Just(ToolChoice::required()),
        Just(ToolChoice::none()),
        text().prop_map(ToolChoice::function),
    ]
}

fn response_format() -> impl Strategy<Value = ResponseFormat> {
    prop_oneof![
        Just(ResponseFormat::Text),
        Just(ResponseFormat::JsonObject),
        (text(), some_json())
            .prop_map(|(name, schema)| ResponseFormat::json_schema_value(name, schema)),
    ]
}

/// Sampling numbers: multiples of 1/8, exact in binary and in decimal.
fn eighths() -> impl Strategy<Value = f64> {
    (-16i32..=16).prop_map(|n| f64::from(n) / 8.0)
}

fn stop() -> impl Strategy<Value = Stop> {
    prop_oneof![text().prop_map(Stop::One), vec(text(), 0..3).prop_map(Stop::Many)]
}

fn reasoning_effort() -> impl Strategy<Value = ReasoningEffort> {
    prop_oneof![
        Just(ReasoningEffort::Low),
        Just(ReasoningEffort::High),
        other().prop_map(ReasoningEffort::Other)
    ]
}

fn chat_request() -> impl Strategy<Value = ChatRequest> {
    let head = (text(), vec(message(), 1..4), of(vec(tool(), 0..3)), of(tool_choice()));
    let sampling = (of(eighths()), of(eighths()), of(any::<u32>()), of(stop()));
    let flags =
        (of(any::<bool>()), of(of(any::<bool>())), of(reasoning_effort()), of(any::<bool>()));
    let rest = (of(response_format()), of(some_json()), extra());
    (head, sampling, flags, rest).prop_map(
        |((model, messages, tools, tool_choice), sampling, flags, rest)| {
            let mut request = ChatRequest::new(model, messages);
            request.tools = tools;
            request.tool_choice = tool_choice;
            (request.temperature, request.top_p, request.max_completion_tokens, request.stop) =
                sampling;
            request.stream = flags.0;
            request.stream_options = flags.1.map(|include_usage| StreamOptions { include_usage });
            (request.reasoning_effort, request.parallel_tool_calls) = (flags.2, flags.3);
            (request.response_format, request.prediction, request.extra) = rest;
            request
        },
    )
}

fn usage() -> impl Strategy<Value = Usage> {
    (any::<u64>(), any::<u64>(), any::<u64>(), extra()).prop_map(
        |(prompt, completion, total, extra)| Usage {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: total,
            prompt_tokens_details: None,
            completion_tokens_details: None,
            extra,
        },
    )
}

fn response_message() -> impl Strategy<Value = ResponseMessage> {
    let texts = (of(text()), of(text()), of(text()));
    let lists = (of(vec(tool_call(), 0..3)), of(vec(json(), 0..2)), of(vec(json(), 0..2)));
    (of(role()), texts, lists, extra()).prop_map(|(role, texts, lists, extra)| ResponseMessage {
        role,
        content: texts.0,
        refusal: texts.1,
        reasoning_content: texts.2,
        tool_calls: lists.0,
        annotations: lists.1,
        reasoning_details: lists.2,
        extra,
        ..ResponseMessage::default()
    })
}

fn completion() -> impl Strategy<Value = ChatCompletion> {
    let choice = (any::<u32>(), response_message(), of(finish_reason()), of(some_json()), extra())
        .prop_map(|(index, message, finish_reason, logprobs, extra)| Choice {
            index,
            message,
            finish_reason,
            logprobs,
            extra,
        });
    let head = (text(), text(), of(any::<u64>()), text(), of(text()));
    (head, vec(choice, 0..3), of(usage()), extra()).prop_map(|(head, choices, usage, extra)| {
        let (id, object, created, model, system_fingerprint) = head;
        ChatCompletion { id, object, created, model, choices, usage, system_fingerprint, extra }
    })
}

fn output_part() -> impl Strategy<Value = OutputPart> {
    let text_part = (text(), extra()).prop_map(|(text, extra)| TextPart { text, extra });
    let leaf = text_part.prop_map(OutputPart::Text);
    leaf.prop_recursive(2, 6, 3, |inner| {
        (vec(inner, 0..3), of(any::<bool>())).prop_map(|(thinking, closed)| {
            OutputPart::Thinking(ThinkingPart { thinking, closed, extra: Map::new() })
        })
    })
}

fn tool_call_delta() -> impl Strategy<Value = ToolCallDelta> {
    let function = (of(text()), of(text()), extra())
        .prop_map(|(name, arguments, extra)| FunctionCallDelta { name, arguments, extra });
    (of(any::<u32>()), of(text()), of(Just(ToolType::Function)), of(function), extra()).prop_map(
        |(index, id, kind, function, extra)| ToolCallDelta { index, id, kind, function, extra },
    )
}

fn delta() -> impl Strategy<Value = Delta> {
    let content = prop_oneof![
        text().prop_map(DeltaContent::Text),
        vec(output_part(), 0..3).prop_map(DeltaContent::Parts),
    ];
    let texts = (of(text()), of(text()), of(text()));
    let lists = (of(vec(tool_call_delta(), 0..3)), of(vec(json(), 0..2)));
    (of(role()), of(content), texts, lists, extra()).prop_map(
        |(role, content, texts, lists, extra)| Delta {
            role,
            content,
            refusal: texts.0,
            reasoning_content: texts.1,
            reasoning: texts.2,
            tool_calls: lists.0,
            annotations: lists.1,
            extra,
            ..Delta::default()
        },
    )
}

fn chunk() -> impl Strategy<Value = ChatCompletionChunk> {
    let choice = (any::<u32>(), delta(), of(finish_reason()), of(some_json()), extra()).prop_map(
        |(index, delta, finish_reason, logprobs, extra)| ChunkChoice {
            index,
            delta,
            finish_reason,
            logprobs,
            extra,
        },
    );
    let head = (text(), text(), of(any::<u64>()), text(), of(text()));
    (head, vec(choice, 0..3), of(usage()), extra()).prop_map(|(head, choices, usage, extra)| {
        let (id, object, created, model, system_fingerprint) = head;
        ChatCompletionChunk {
            id,
            object,
            created,
            model,
            choices,
            usage,
            system_fingerprint,
            extra,
        }
    })
}

/// `value` -> JSON -> value is the identity, and re-encoding gives the same bytes.
fn assert_round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let bytes = serde_json::to_vec(value).unwrap();
    let decoded: T = serde_json::from_slice(&bytes).map_err(|err| {
        TestCaseError::fail(format!("{err}: {}", String::from_utf8_lossy(&bytes)))
    })?;
    prop_assert_eq!(&decoded, value);
    prop_assert_eq!(serde_json::to_vec(&decoded).unwrap(), bytes);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn chat_request_round_trips(request in chat_request()) {
        assert_round_trip(&request)?;
    }

    #[test]
    fn chat_completion_round_trips(completion in completion()) {
        assert_round_trip(&completion)?;
    }

    #[test]
    fn chat_completion_chunk_round_trips(chunk in chunk()) {
        assert_round_trip(&chunk)?;
    }
}
