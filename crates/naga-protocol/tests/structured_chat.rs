//! Typed structured outputs and tools on the chat types, against hand-written completions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_protocol::{
    ChatCompletion, ChatRequest, Message, ParseError, ResponseFormat, StructuredError, Tool,
    ToolCall,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// Current weather in a city.
#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct Weather {
    /// The city.
    city: String,
    celsius: f64,
    wind: Option<String>,
}

/// Arguments of `lookup_weather`.
#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct LookupWeather {
    city: String,
    days: Option<u8>,
}

fn completion(choice: Value) -> ChatCompletion {
    let body = json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [choice]
    });
    serde_json::from_value(body).unwrap()
}

fn answer(content: Value, refusal: Value, finish_reason: &str) -> ChatCompletion {
    completion(json!({
        "index": 0, "finish_reason": finish_reason,
        "message": { "role": "assistant", "content": content, "refusal": refusal }
    }))
}

#[test]
fn response_format_from_a_type_is_strict_and_named() {
    let format = ResponseFormat::json_schema::<Weather>().unwrap();
    let wire = serde_json::to_value(&format).unwrap();
    assert_eq!(wire["type"], "json_schema");
    assert_eq!(wire["json_schema"]["name"], "Weather");
    assert_eq!(wire["json_schema"]["strict"], true);
    let schema = &wire["json_schema"]["schema"];
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], json!(["city", "celsius", "wind"]));
    assert_eq!(schema["properties"]["city"]["description"], "The city.");
    let renamed = format.named("weather_v2").with_description("Today's weather.");
    let wire = serde_json::to_value(&renamed).unwrap();
    assert_eq!(wire["json_schema"]["name"], "weather_v2");
    assert_eq!(wire["json_schema"]["description"], "Today's weather.");
    assert_eq!(ResponseFormat::JsonObject.named("ignored"), ResponseFormat::JsonObject);
}

#[test]
fn response_format_of_a_non_object_is_an_error() {
    let err = ResponseFormat::json_schema::<Vec<Weather>>().unwrap_err();
    assert!(matches!(err, StructuredError::RootNotObject { .. }), "{err:?}");
}

#[test]
fn tool_from_a_type_is_strict() {
    let tool = Tool::function::<LookupWeather>("lookup_weather", "Look up weather.").unwrap();
    let wire = serde_json::to_value(&tool).unwrap();
    let expected = json!({
        "type": "function",
        "function": {
            "name": "lookup_weather",
            "description": "Look up weather.",
            "parameters": {
                "type": "object",
                "description": "Arguments of `lookup_weather`.",
                "properties": {
                    "city": { "type": "string" },
                    "days": { "type": ["integer", "null"], "minimum": 0, "maximum": 255 }
                },
                "required": ["city", "days"],
                "additionalProperties": false
            },
            "strict": true
        }
    });
    assert_eq!(wire, expected);
}

#[test]
fn completion_parses_into_the_type() {
    let content = json!(r#"{"city":"Prague","celsius":21.5,"wind":null}"#);
    let done = answer(content, Value::Null, "stop");
    let weather: Weather = done.parse().unwrap();
    assert_eq!(weather, Weather { city: "Prague".into(), celsius: 21.5, wind: None });
    let from_message: Weather = done.choices[0].message.parse().unwrap();
    assert_eq!(from_message, weather);
}

#[test]
fn completion_parse_reports_each_failure() {
    let refused = answer(Value::Null, json!("I can't share that."), "stop");
    let refusal = "I can't share that.".to_owned();
    assert_eq!(refused.parse::<Weather>(), Err(ParseError::Refusal { refusal }));
    let cut = answer(json!(r#"{"city":"Pra"#), Value::Null, "length");
    let partial = r#"{"city":"Pra"#.to_owned();
    assert_eq!(cut.parse::<Weather>(), Err(ParseError::Truncated { partial }));
    let filtered = answer(json!(""), Value::Null, "content_filter");
    assert_eq!(filtered.parse::<Weather>(), Err(ParseError::ContentFilter));
    let tools_only = answer(Value::Null, Value::Null, "tool_calls");
    assert_eq!(tools_only.parse::<Weather>(), Err(ParseError::NoContent));
    let prose = answer(json!("It is sunny."), Value::Null, "stop");
    assert!(matches!(prose.parse::<Weather>(), Err(ParseError::InvalidJson { offset: 0, .. })));
    let shape =
        answer(json!(r#"{"city":"Prague","celsius":"warm","wind":null}"#), Value::Null, "stop");
    let err = shape.parse::<Weather>().unwrap_err();
    assert!(matches!(&err, ParseError::Mismatch { path, .. } if path == "celsius"), "{err:?}");
    let mut empty = answer(Value::Null, Value::Null, "stop");
    empty.choices.clear();
    assert_eq!(empty.parse::<Weather>(), Err(ParseError::NoChoices));
}

#[test]
fn choice_parse_reads_that_choice() {
    let mut two = answer(json!(r#"{"city":"A","celsius":1,"wind":null}"#), Value::Null, "stop");
    let mut second = two.choices[0].clone();
    second.index = 1;
    second.message.content = Some(r#"{"city":"B","celsius":2,"wind":"calm"}"#.into());
    two.choices.push(second);
    let weather: Weather = two.choices[1].parse().unwrap();
    assert_eq!(weather.city, "B");
    assert_eq!(weather.wind.as_deref(), Some("calm"));
}

#[test]
fn tool_call_arguments_parse_with_the_same_errors() {
    let call = ToolCall::function("call_1", "lookup_weather", r#"{"city":"Oslo","days":3}"#);
    let args: LookupWeather = call.arguments().unwrap();
    assert_eq!(args, LookupWeather { city: "Oslo".into(), days: Some(3) });
    let broken = ToolCall::function("call_2", "lookup_weather", r#"{"city":"Oslo""#);
    assert!(matches!(broken.arguments::<LookupWeather>(), Err(ParseError::InvalidJson { .. })));
    let shape = ToolCall::function("call_3", "lookup_weather", r#"{"city":"Oslo","days":-1}"#);
    let err = shape.arguments::<LookupWeather>().unwrap_err();
    assert!(matches!(&err, ParseError::Mismatch { path, .. } if path == "days"), "{err:?}");
    // `""` reads as `{}`: fine for argument-less tools, a mismatch otherwise.
    #[derive(Debug, Deserialize, PartialEq)]
    struct NoArgs {}
    let empty = ToolCall::function("call_4", "ping", "");
    assert_eq!(empty.arguments::<NoArgs>(), Ok(NoArgs {}));
    let err = empty.arguments::<LookupWeather>().unwrap_err();
    let message = "missing field `city`".to_owned();
    assert_eq!(err, ParseError::Mismatch { path: ".".into(), message });
}

#[test]
fn tool_loop_appends_the_assistant_message_and_results() {
    let reply = completion(json!({
        "index": 0, "finish_reason": "tool_calls",
        "message": {
            "role": "assistant", "content": null,
            "tool_calls": [
                { "id": "call_1", "type": "function",
                  "function": { "name": "lookup_weather", "arguments": "{\"city\":\"Oslo\"}" } },
                { "id": "call_2", "type": "function",
                  "function": { "name": "lookup_weather", "arguments": "{\"city\":\"Rome\"}" } }
            ],
            "reasoning_details": [
                { "type": "reasoning.encrypted", "data": "enc_123", "format": "unknown-v9" }
            ]
        }
    }));
    let mut request = ChatRequest::new("gpt-4o-mini", [Message::user("Weather in Oslo and Rome?")]);
    let assistant = &reply.choices[0].message;
    let results: Vec<(String, String)> = assistant
        .tool_calls()
        .iter()
        .map(|call| {
            let args: LookupWeather = call.arguments().unwrap();
            (call.id.clone(), format!("{}: 20C", args.city))
        })
        .collect();
    request.push_tool_results(assistant, results);
    let wire = serde_json::to_value(&request).unwrap();
    let messages = wire["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["tool_calls"], json!(assistant.tool_calls()));
    let echoed =
        json!([{ "type": "reasoning.encrypted", "data": "enc_123", "format": "unknown-v9" }]);
    assert_eq!(messages[1]["reasoning_details"], echoed);
    assert_eq!(
        messages[2],
        json!({ "role": "tool", "tool_call_id": "call_1", "content": "Oslo: 20C" })
    );
    assert_eq!(
        messages[3],
        json!({ "role": "tool", "tool_call_id": "call_2", "content": "Rome: 20C" })
    );
    assert!(request.validate().is_ok());
}
