//! Requests survive serialize -> deserialize unchanged, and write exactly the wire shapes of
//! the API description.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_protocol::{
    AudioFormat, ChatRequest, ContentPart, ImageConfig, ImageDetail, Message, ReasoningEffort,
    ResponseFormat, Role, Stop, StreamOptions, Tool, ToolCall, ToolChoice, WebSearchOptions,
};
use serde_json::{Value, json};

fn round_trip(request: &ChatRequest) -> ChatRequest {
    let bytes = serde_json::to_vec(request).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn every_field() -> ChatRequest {
    let weather = Tool::function_value(
        "lookup_weather",
        "Look up current weather for a city.",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )
    .strict(true);
    let mut assistant = Message::assistant_tool_calls([ToolCall::function(
        "call_1",
        "lookup_weather",
        r#"{"city":"Prague"}"#,
    )]);
    assistant.reasoning_details = Some(vec![json!({"type": "reasoning.encrypted", "data": "enc"})]);
    ChatRequest::new(
        "gpt-4o-mini",
        [
            Message::system("Be brief.").with_name("sys"),
            Message::developer("Use metric units."),
            Message::user_parts([
                ContentPart::text("What is in these?"),
                ContentPart::image_url_with_detail("https://example.com/a.png", ImageDetail::High),
                ContentPart::image_data("image/png", "iVBORw0KGgo="),
                ContentPart::pdf_data("document.pdf", "JVBERi0="),
                ContentPart::input_audio("UklGRg==", AudioFormat::Wav),
            ]),
            assistant,
            Message::tool("call_1", r#"{"temp_c": 21}"#),
        ],
    )
    .tools([weather])
    .tool_choice(ToolChoice::function("lookup_weather"))
    .response_format(ResponseFormat::json_schema_value("CalendarEvent", json!({"type": "object"})))
    .temperature(0.2)
    .top_p(0.9)
    .stream_with_usage()
    .stop(["END", "STOP"])
    .max_completion_tokens(100)
    .reasoning_effort(ReasoningEffort::Xhigh)
    .presence_penalty(-0.5)
    .frequency_penalty(0.5)
    .logit_bias([("50256".to_owned(), -100.0)])
    .parallel_tool_calls(false)
    .prediction(json!({"type": "content", "content": "draft"}))
    .web_search_options(WebSearchOptions {
        search_context_size: Some("low".into()),
        ..WebSearchOptions::default()
    })
    .image_config(ImageConfig {
        aspect_ratio: Some("16:9".into()),
        image_size: Some("4K".into()),
        ..ImageConfig::default()
    })
    .extra_field("seed", json!(7))
}

#[test]
fn a_request_with_every_field_round_trips() {
    let request = every_field();
    assert_eq!(request.validate(), Ok(()));
    assert_eq!(round_trip(&request), request);
}

#[test]
fn every_field_is_written_with_its_wire_name_and_shape() {
    let wire = serde_json::to_value(every_field()).unwrap();
    assert_eq!(
        wire["tool_choice"],
        json!({"type": "function", "function": {"name": "lookup_weather"}})
    );
    assert_eq!(wire["response_format"]["type"], "json_schema");
    assert_eq!(wire["response_format"]["json_schema"]["name"], "CalendarEvent");
    assert_eq!(wire["response_format"]["json_schema"]["strict"], true);
    assert_eq!(wire["stream"], true);
    assert_eq!(wire["stream_options"], json!({"include_usage": true}));
    assert_eq!(wire["stop"], json!(["END", "STOP"]));
    assert_eq!(wire["reasoning_effort"], "xhigh");
    // A whole bias as an integer, as OpenAI's schema types it.
    assert_eq!(wire["logit_bias"], json!({"50256": -100}));
    assert_eq!(wire["image_config"], json!({"aspect_ratio": "16:9", "image_size": "4K"}));
    assert_eq!(wire["web_search_options"], json!({"search_context_size": "low"}));
    assert_eq!(wire["seed"], 7);
    assert_eq!(wire["tools"][0]["type"], "function");
    assert_eq!(wire["tools"][0]["function"]["strict"], true);
    let parts = &wire["messages"][2]["content"];
    assert_eq!(
        parts[1],
        json!({"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "high"}})
    );
    assert_eq!(parts[2]["image_url"]["url"], "data:image/png;base64,iVBORw0KGgo=");
    assert_eq!(
        parts[3],
        json!({"type": "file", "file": {"filename": "document.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}})
    );
    assert_eq!(
        parts[4],
        json!({"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}})
    );
    let assistant = &wire["messages"][3];
    // A turn of tool calls only: `"content": null`, as the OpenAI SDKs send it back.
    assert_eq!(assistant.get("content"), Some(&serde_json::Value::Null));
    assert_eq!(assistant["tool_calls"][0]["function"]["arguments"], r#"{"city":"Prague"}"#);
    assert_eq!(
        wire["messages"][4],
        json!({"role": "tool", "content": "{\"temp_c\": 21}", "tool_call_id": "call_1"})
    );
}

#[test]
fn unset_fields_are_omitted() {
    let wire = serde_json::to_value(ChatRequest::new("m", [Message::user("hi")])).unwrap();
    assert_eq!(wire, json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}));
}

#[test]
fn small_variants_serialize_as_documented() {
    assert_eq!(write(&ToolChoice::none()), json!("none"));
    assert_eq!(write(&ToolChoice::auto()), json!("auto"));
    assert_eq!(write(&ToolChoice::required()), json!("required"));
    assert_eq!(write(&ResponseFormat::Text), json!({"type": "text"}));
    assert_eq!(write(&ResponseFormat::JsonObject), json!({"type": "json_object"}));
    assert_eq!(write(&Stop::from("END")), json!("END"));
    assert_eq!(write(&WebSearchOptions::default()), json!({}));
    assert_eq!(write(&StreamOptions::default()), json!({}));
    assert_eq!(write(&ReasoningEffort::None), json!("none"));
}

fn write<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn unknown_request_fields_and_values_survive() {
    let wire = json!({
        "model": "m",
        "messages": [
            {"role": "critic", "content": [
                {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "ultra"}},
                {"type": "video_url", "video_url": {"url": "https://x/y.mp4"}}
            ], "cache_control": {"type": "ephemeral"}}
        ],
        "reasoning_effort": "maximum",
        "tool_choice": "sometimes",
        "response_format": {"type": "grammar", "grammar": "root ::= x"},
        "web_search_options": {"web_search": {"allowed_domains": ["naga.ac"]}},
        "top_k": 40
    });
    let request: ChatRequest = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(request.messages[0].role, Role::Other("critic".into()));
    assert_eq!(request.reasoning_effort, Some(ReasoningEffort::Other("maximum".into())));
    assert!(
        matches!(&request.response_format, Some(ResponseFormat::Other(map)) if map["grammar"] == "root ::= x")
    );
    assert_eq!(request.extra["top_k"], 40);
    assert_eq!(serde_json::to_value(&request).unwrap(), wire);
    assert_eq!(round_trip(&request), request);
}

#[test]
fn string_content_and_null_content_read_back() {
    let message: Message =
        serde_json::from_value(json!({"role": "assistant", "content": null, "tool_calls": []}))
            .unwrap();
    assert_eq!(message.content, None);
    assert_eq!(message.tool_calls, Some(vec![]));
    let value: Value = serde_json::to_value(Message::user("hi")).unwrap();
    assert_eq!(value, json!({"role": "user", "content": "hi"}));
}
