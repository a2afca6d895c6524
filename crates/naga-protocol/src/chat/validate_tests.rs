use super::*;
use crate::chat::format::JsonSchemaFormat;
use crate::chat::message::{AudioFormat, ContentPart, FileInput, ImageDetail};
use crate::chat::request::{ReasoningEffort, StreamOptions};
use crate::chat::tool::{Tool, ToolCall, ToolChoiceMode};
use serde_json::json;

fn base() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("hi")])
}

/// The field named by the validation error.
fn field_of(request: &ChatRequest) -> String {
    match request.validate() {
        Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
        other => panic!("expected an invalid-request error, got {other:?}"),
    }
}

fn tool(name: &str) -> Tool {
    Tool::function_value(name, "test tool", json!({"type": "object"}))
}

#[test]
fn a_plain_request_is_valid() {
    assert_eq!(base().validate(), Ok(()));
}

#[test]
fn model_must_not_be_empty() {
    assert_eq!(field_of(&ChatRequest::new(" ", [Message::user("hi")])), "model");
}

#[test]
fn messages_must_not_be_empty() {
    assert_eq!(field_of(&ChatRequest::new("m", [])), "messages");
}

#[test]
fn temperature_range_and_nan() {
    assert_eq!(field_of(&base().temperature(2.01)), "temperature");
    assert_eq!(field_of(&base().temperature(-0.1)), "temperature");
    assert_eq!(field_of(&base().temperature(f64::NAN)), "temperature");
    assert_eq!(base().temperature(0.0).validate(), Ok(()));
    assert_eq!(base().temperature(2.0).validate(), Ok(()));
}

#[test]
fn top_p_range() {
    assert_eq!(field_of(&base().top_p(1.5)), "top_p");
    assert_eq!(field_of(&base().top_p(f64::NAN)), "top_p");
    assert_eq!(base().top_p(1.0).validate(), Ok(()));
}

#[test]
fn presence_penalty_range() {
    assert_eq!(field_of(&base().presence_penalty(-2.5)), "presence_penalty");
    assert_eq!(field_of(&base().presence_penalty(f64::INFINITY)), "presence_penalty");
    assert_eq!(base().presence_penalty(-2.0).validate(), Ok(()));
}

#[test]
fn frequency_penalty_range() {
    assert_eq!(field_of(&base().frequency_penalty(2.5)), "frequency_penalty");
    assert_eq!(field_of(&base().frequency_penalty(f64::NAN)), "frequency_penalty");
    assert_eq!(base().frequency_penalty(2.0).validate(), Ok(()));
}

#[test]
fn max_completion_tokens_at_least_one() {
    assert_eq!(field_of(&base().max_completion_tokens(0)), "max_completion_tokens");
    assert_eq!(base().max_completion_tokens(1).validate(), Ok(()));
}

#[test]
fn logit_bias_goes_out_whole_as_integers_and_fractions_as_they_are() {
    let request = base().logit_bias([
        ("1".to_owned(), -100.0),
        ("2".to_owned(), 0.5),
        ("3".to_owned(), 5.0),
        ("4".to_owned(), 1e300),
    ]);
    let body = serde_json::to_string(&request).unwrap();
    assert!(body.contains(r#""logit_bias":{"1":-100,"2":0.5,"3":5,"4":1e+300}"#), "{body}");
}

#[test]
fn logit_bias_must_be_finite() {
    let request = base().logit_bias([("50256".to_owned(), f64::NAN)]);
    assert_eq!(field_of(&request), "logit_bias.50256");
    assert_eq!(base().logit_bias([("50256".to_owned(), -100.0)]).validate(), Ok(()));
}

#[test]
fn tool_messages_need_a_tool_call_id() {
    let mut missing = Message::tool("", "42");
    assert_eq!(field_of(&base().message(missing.clone())), "messages[1].tool_call_id");
    missing.tool_call_id = None;
    assert_eq!(field_of(&base().message(missing)), "messages[1].tool_call_id");
    let call = ToolCall::function("call_1", "lookup_weather", "{}");
    let called = base().message(Message::assistant_tool_calls([call]));
    assert_eq!(called.clone().message(Message::tool("call_1", "42")).validate(), Ok(()));
    // A result must answer a call made before it.
    let request = called.clone().message(Message::tool("call_2", "42"));
    assert_eq!(field_of(&request), "messages[2].tool_call_id");
    assert_eq!(
        field_of(&base().message(Message::tool("call_1", "42"))),
        "messages[1].tool_call_id"
    );
    let answered_first =
        base().message(Message::tool("call_1", "42")).message(Message::assistant("late"));
    assert_eq!(field_of(&answered_first), "messages[1].tool_call_id");
    // A call without an id (some providers' streams) leaves the results unchecked.
    let anonymous = ToolCall::function("", "lookup_weather", "{}");
    let request = base()
        .message(Message::assistant_tool_calls([anonymous]))
        .message(Message::tool("call_9", "42"));
    assert_eq!(request.validate(), Ok(()));
}

#[test]
fn only_documented_values_of_the_open_enums_are_sent() {
    let shouted = base().reasoning_effort(ReasoningEffort::from("HIGH"));
    let Err(Error::InvalidRequest { field, reason }) = shouted.validate() else { panic!() };
    assert_eq!(
        (field.as_ref(), reason.as_ref()),
        ("reasoning_effort", "is `HIGH`; the API takes `high` (lowercase)")
    );
    let made_up = base().reasoning_effort(ReasoningEffort::from("extreme"));
    let Err(Error::InvalidRequest { reason, .. }) = made_up.validate() else { panic!() };
    assert!(
        reason.contains("not one of `none`, `minimal`, `low`, `medium`, `high`, `xhigh`"),
        "{reason}"
    );
    let mut bot = Message::user("hi");
    bot.role = Role::from("bot");
    assert_eq!(field_of(&base().message(bot)), "messages[1].role");
    let request = base().tool_choice(ToolChoice::Mode(ToolChoiceMode::from("any")));
    assert_eq!(field_of(&request), "tool_choice");
    let detail =
        ContentPart::image_url_with_detail("https://example.com/a.png", ImageDetail::from("ultra"));
    let request = base().message(Message::user_parts([ContentPart::text("look"), detail]));
    assert_eq!(field_of(&request), "messages[1].content[1].image_url.detail");
    for effort in ["none", "minimal", "low", "medium", "high", "xhigh"] {
        assert_eq!(base().reasoning_effort(ReasoningEffort::from(effort)).validate(), Ok(()));
    }
}

#[test]
fn no_tools_is_no_field_and_required_needs_some() {
    assert_eq!(base().tools([]).tools, None);
    let mut empty = base();
    empty.tools = Some(Vec::new());
    assert_eq!(field_of(&empty), "tools");
    assert_eq!(field_of(&base().tool_choice(ToolChoice::required())), "tool_choice");
    assert_eq!(base().tool(tool("f")).tool_choice(ToolChoice::required()).validate(), Ok(()));
}

#[test]
fn parts_and_formats_given_verbatim_name_their_type() {
    let blank = ContentPart::Other(serde_json::Map::new());
    assert_eq!(
        field_of(&base().message(Message::user_parts([blank]))),
        "messages[1].content[0].type"
    );
    let mut typed = serde_json::Map::new();
    typed.insert("type".into(), json!("video_url"));
    assert_eq!(base().message(Message::user_parts([ContentPart::Other(typed)])).validate(), Ok(()));
    let request = base().response_format(ResponseFormat::Other(serde_json::Map::new()));
    assert_eq!(field_of(&request), "response_format.type");
}

#[test]
fn a_tool_choice_of_another_shape_is_sent_as_given_with_its_type() {
    let shape = json!({"type": "allowed_tools", "allowed_tools": {"mode": "auto", "tools": []}});
    let choice: ToolChoice = serde_json::from_value(shape.clone()).unwrap();
    assert!(matches!(choice, ToolChoice::Other(_)), "{choice:?}");
    let request = base().tool(tool("f")).tool_choice(choice);
    assert_eq!(request.validate(), Ok(()));
    assert_eq!(serde_json::to_value(&request).unwrap()["tool_choice"], shape);
    let named: ToolChoice =
        serde_json::from_value(json!({"type": "function", "function": {"name": "f"}})).unwrap();
    assert_eq!(named, ToolChoice::function("f"));
    let untyped = base().tool(tool("f")).tool_choice(ToolChoice::Other(serde_json::Map::new()));
    assert_eq!(field_of(&untyped), "tool_choice.type");
}

#[test]
fn tool_names_are_unique() {
    let request = base().tool(tool("get_weather")).tool(tool("get_weather"));
    assert_eq!(field_of(&request), "tools[1].function.name");
}

#[test]
fn messages_other_than_the_assistants_need_content() {
    for mut message in [Message::user("x"), Message::system("x"), Message::tool("call_1", "x")] {
        message.content = None;
        assert_eq!(field_of(&base().message(message)), "messages[1].content");
    }
}

#[test]
fn data_urls_are_base64_with_data() {
    for url in ["data:image/png,hello", "data:image/png;base64,", "data:image/png;base64"] {
        let request = base().message(Message::user_parts([ContentPart::image_url(url)]));
        assert_eq!(field_of(&request), "messages[1].content[0].image_url.url", "{url}");
    }
    let file = ContentPart::file("a.pdf", "data:application/pdf,%25PDF");
    assert_eq!(
        field_of(&base().message(Message::user_parts([file]))),
        "messages[1].content[0].file.file_data"
    );
    let audio = ContentPart::input_audio("", AudioFormat::Wav);
    assert_eq!(
        field_of(&base().message(Message::user_parts([audio]))),
        "messages[1].content[0].input_audio.data"
    );
    let fine = ContentPart::image_url("data:image/png;base64,iVBORw0KGgo=");
    assert_eq!(base().message(Message::user_parts([fine])).validate(), Ok(()));
}

#[test]
fn assistant_messages_need_content_or_tool_calls() {
    let mut silent = Message::assistant("");
    silent.content = None;
    assert_eq!(field_of(&base().message(silent.clone())), "messages[1].content");
    silent.tool_calls = Some(Vec::new());
    assert_eq!(field_of(&base().message(silent.clone())), "messages[1].content");
    let call = ToolCall::function("call_1", "lookup_weather", "{}");
    silent.tool_calls = Some(vec![call]);
    assert_eq!(base().message(silent).validate(), Ok(()));
    assert_eq!(base().message(Message::assistant("")).validate(), Ok(()));
}

#[test]
fn tool_call_id_on_other_roles_is_allowed() {
    let mut user = Message::user("hi");
    user.tool_call_id = Some("call_1".into());
    assert_eq!(ChatRequest::new("m", [user]).validate(), Ok(()));
}

#[test]
fn stream_options_need_stream_true() {
    let options = StreamOptions { include_usage: Some(true) };
    let err = base().stream_options(options.clone()).validate().unwrap_err();
    assert!(err.to_string().contains("only allowed when `stream` is true"), "{err}");
    assert_eq!(field_of(&base().stream(false).stream_options(options.clone())), "stream_options");
    assert_eq!(base().stream(true).stream_options(options).validate(), Ok(()));
    assert_eq!(base().stream_with_usage().validate(), Ok(()));
}

#[test]
fn json_schema_name_rules() {
    let with_name = |name: &str| {
        base().response_format(ResponseFormat::JsonSchema {
            json_schema: JsonSchemaFormat {
                name: name.into(),
                description: None,
                schema: Some(json!({"type": "object"})),
                strict: None,
            },
        })
    };
    for bad in ["", "has space", "slash/name", "é", &"x".repeat(65)] {
        assert_eq!(field_of(&with_name(bad)), "response_format.json_schema.name", "{bad:?}");
    }
    assert_eq!(with_name(&"a-Z_9".repeat(12)).validate(), Ok(()));
}

#[test]
fn tool_function_name_rules() {
    let request = base().tools([tool("ok_name"), tool("bad name")]);
    assert_eq!(field_of(&request), "tools[1].function.name");
    assert_eq!(field_of(&base().tools([tool(&"n".repeat(65))])), "tools[0].function.name");
    assert_eq!(base().tools([tool(&"n".repeat(64))]).validate(), Ok(()));
    // Google's models take dotted and namespaced names.
    assert_eq!(base().tools([tool("ns.lookup"), tool("mcp:search")]).validate(), Ok(()));
}

#[test]
fn tool_choice_must_name_a_declared_tool() {
    let request = base().tools([tool("lookup_weather")]).tool_choice(ToolChoice::function("other"));
    assert_eq!(field_of(&request), "tool_choice.function.name");
    assert_eq!(
        field_of(&base().tool_choice(ToolChoice::function("x"))),
        "tool_choice.function.name"
    );
    let good =
        base().tools([tool("lookup_weather")]).tool_choice(ToolChoice::function("lookup_weather"));
    assert_eq!(good.validate(), Ok(()));
    let some = base().tool(tool("lookup_weather"));
    assert_eq!(some.tool_choice(ToolChoice::required()).validate(), Ok(()));
}

#[test]
fn input_audio_must_not_be_a_data_uri() {
    let part = ContentPart::input_audio("data:audio/wav;base64,AAAA", AudioFormat::Wav);
    let request = base().message(Message::user_parts([ContentPart::text("listen"), part]));
    assert_eq!(field_of(&request), "messages[1].content[1].input_audio.data");
    let raw = ContentPart::input_audio("UklGRg==", AudioFormat::Mp3);
    assert_eq!(base().message(Message::user_parts([raw])).validate(), Ok(()));
}

#[test]
fn image_url_must_be_http_or_data() {
    let bad = Message::user_parts([ContentPart::image_url("ftp://example.com/a.png")]);
    assert_eq!(field_of(&ChatRequest::new("m", [bad])), "messages[0].content[0].image_url.url");
    for good in [
        ContentPart::image_url("https://example.com/a.png"),
        ContentPart::image_url("HTTP://example.com/a.png"),
        ContentPart::image_data("image/png", "iVBORw0KGgo="),
        ContentPart::image_url("data:IMAGE/JPEG;base64,/9j/"),
        ContentPart::image_url("data:image/webp;base64,UklGRg=="),
    ] {
        assert_eq!(ChatRequest::new("m", [Message::user_parts([good])]).validate(), Ok(()));
    }
    // Naga takes PNG, JPEG, WebP and GIF images, and PDF files (API digest §2.2).
    let bmp = Message::user_parts([ContentPart::image_url("data:image/bmp;base64,Qk0=")]);
    assert_eq!(field_of(&ChatRequest::new("m", [bmp])), "messages[0].content[0].image_url.url");
    let text = FileInput { filename: None, file_data: "data:text/plain;base64,aGk=".into() };
    let text = Message::user_parts([ContentPart::File { file: text }]);
    assert_eq!(field_of(&ChatRequest::new("m", [text])), "messages[0].content[0].file.file_data");
    let pdf = FileInput { filename: None, file_data: "data:application/pdf;base64,JVBE".into() };
    let by_url = FileInput { filename: None, file_data: "https://example.com/a.pdf".into() };
    for file in [pdf, by_url] {
        let message = Message::user_parts([ContentPart::File { file }]);
        assert_eq!(ChatRequest::new("m", [message]).validate(), Ok(()));
    }
}

#[test]
fn content_parts_must_not_be_empty() {
    let request = ChatRequest::new("m", [Message::user_parts([])]);
    assert_eq!(field_of(&request), "messages[0].content");
}

#[test]
fn stop_lists_are_not_limited() {
    let request = base().stop(["a", "b", "c", "d", "e", "f"]);
    assert_eq!(request.validate(), Ok(()));
}

#[test]
fn extra_must_not_repeat_a_typed_field() {
    let request = base().extra_field("temperature", json!(1));
    assert_eq!(field_of(&request), "extra.temperature");
    assert_eq!(base().extra_field("seed", json!(1)).validate(), Ok(()));
}
