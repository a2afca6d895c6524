//! `ResponsesRequest` on the wire and before it, `ResponseObject` from whatever servers send.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests

use naga_protocol::{
    AudioFormat, Config, Error, ImageDetail, ItemContent, ItemPart, ParseError, ReasoningEffort,
    ReasoningSummary, ResponseItem, ResponseObject, ResponseTool, ResponseToolChoice,
    ResponsesRequest, TextFormat, ToolChoiceMode, Truncation, build_request,
};
use serde_json::{Value, json};

fn wire(request: &ResponsesRequest) -> Value {
    let http = build_request(&Config::new("ng-test").unwrap(), request).unwrap();
    assert_eq!(http.uri(), "https://api.naga.ac/v1/responses");
    assert_eq!(http.method(), "POST");
    serde_json::from_slice(http.body()).unwrap()
}

fn invalid(request: &ResponsesRequest) -> (String, String) {
    match request.validate() {
        Err(Error::InvalidRequest { field, reason }) => (field.into_owned(), reason.into_owned()),
        other => panic!("{other:?}"),
    }
}

/// The arguments of the weather tool.
#[derive(schemars::JsonSchema, serde::Deserialize, Debug, PartialEq)]
struct Weather {
    /// City name.
    city: String,
}

/// A city and its country.
#[derive(schemars::JsonSchema, serde::Deserialize, Debug, PartialEq)]
struct Place {
    city: String,
    country: String,
}

#[test]
fn a_full_request_has_the_documented_shape() {
    let request = ResponsesRequest::new(
        "gpt-4.1-mini",
        [
            ResponseItem::developer("Be brief."),
            ResponseItem::user(vec![
                ItemPart::input_text("What is this?"),
                ItemPart::image_url("https://example.com/a.png", Some(ImageDetail::Low)),
                ItemPart::file_data("a.pdf", "data:application/pdf;base64,JVBERi0="),
                ItemPart::audio("UklGRg==", AudioFormat::Wav),
            ]),
        ],
    )
    .instructions("Answer in English.")
    .max_output_tokens(300)
    .temperature(0.5)
    .tool(ResponseTool::function::<Weather>("get_weather", "Current weather").unwrap())
    .tool(ResponseTool::web_search())
    .tool_choice(ResponseToolChoice::function("get_weather"))
    .reasoning_effort(ReasoningEffort::Low)
    .text_format(TextFormat::json_schema::<Place>().unwrap().named("place"));
    let body = wire(&request);
    assert_eq!(
        body["input"],
        json!([
            {"type": "message", "role": "developer", "content": "Be brief."},
            {"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "What is this?"},
                {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "low"},
                {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="},
                {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]}
        ])
    );
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["name"], "get_weather");
    assert_eq!(body["tools"][0]["strict"], true);
    assert_eq!(body["tools"][0]["parameters"]["required"], json!(["city"]));
    assert_eq!(body["tools"][1], json!({"type": "web_search"}));
    assert_eq!(body["tool_choice"], json!({"type": "function", "name": "get_weather"}));
    assert_eq!(body["reasoning"], json!({"effort": "low"}));
    assert_eq!(body["text"]["format"]["type"], "json_schema");
    assert_eq!(body["text"]["format"]["name"], "place");
    assert_eq!(body["text"]["format"]["strict"], true);
    assert_eq!(body["text"]["format"]["schema"]["additionalProperties"], false);
    assert_eq!(body["max_output_tokens"], 300);
    assert_eq!(body["instructions"], "Answer in English.");
    assert!(body.get("stream").is_none());
    let streamed = wire(&request.as_streaming());
    assert_eq!(streamed["stream"], true);
    // The request reads back as it was written.
    let back: ResponsesRequest = serde_json::from_value(body).unwrap();
    assert_eq!(back, request);
}

#[test]
fn a_text_input_is_sent_as_a_string() {
    let body = wire(&ResponsesRequest::new("gpt-4.1-mini", "Hi"));
    assert_eq!(body, json!({"model": "gpt-4.1-mini", "input": "Hi"}));
}

#[test]
fn validation_names_the_field() {
    let base = || ResponsesRequest::new("gpt-4.1-mini", "Hi");
    let cases: Vec<(ResponsesRequest, &str)> = vec![
        (ResponsesRequest::new(" ", "Hi"), "model"),
        (ResponsesRequest::new("m", Vec::<ResponseItem>::new()), "input"),
        (base().temperature(2.5), "temperature"),
        (base().top_p(-0.1), "top_p"),
        (base().max_output_tokens(0), "max_output_tokens"),
        (base().tool(ResponseTool::function_value("bad name", "d", json!({}))), "tools[0].name"),
        (base().tool_choice(ResponseToolChoice::function("missing")), "tool_choice.name"),
        (base().extra_field("input", json!("again")), "extra.input"),
        (
            ResponsesRequest::new("m", [ResponseItem::function_call_output(" ", "{}")]),
            "input[0].call_id",
        ),
        (
            ResponsesRequest::new(
                "m",
                [ResponseItem::user(vec![ItemPart::image_url("ftp://x/a.png", None)])],
            ),
            "input[0].content[0].image_url",
        ),
        (
            ResponsesRequest::new(
                "m",
                [ResponseItem::user(vec![ItemPart::audio(
                    "data:audio/wav;base64,AA",
                    AudioFormat::Wav,
                )])],
            ),
            "input[0].content[0].input_audio.data",
        ),
        (
            ResponsesRequest::new("m", [ResponseItem::user(Vec::<ItemPart>::new())]),
            "input[0].content",
        ),
    ];
    for (request, field) in cases {
        assert_eq!(invalid(&request).0, field);
        // Nothing is built, so nothing can be sent.
        assert!(build_request(&Config::new("ng-test").unwrap(), &request).is_err());
    }
    assert!(base().tool_choice(ToolChoiceMode::Required).validate().is_ok());
}

#[test]
fn a_hosted_tool_choice_is_sent_as_given_with_its_type() {
    let shape = json!({"type": "web_search_preview"});
    let choice: ResponseToolChoice = serde_json::from_value(shape.clone()).unwrap();
    assert!(matches!(choice, ResponseToolChoice::Other(_)), "{choice:?}");
    let request = ResponsesRequest::new("gpt-4.1-mini", "News?").tool_choice(choice);
    assert!(request.validate().is_ok());
    assert_eq!(wire(&request)["tool_choice"], shape);
    let untyped = ResponseToolChoice::Other(serde_json::Map::new());
    let request = ResponsesRequest::new("gpt-4.1-mini", "News?").tool_choice(untyped);
    assert_eq!(invalid(&request).0, "tool_choice.type");
}

#[test]
fn outputs_answer_earlier_calls_and_enums_and_media_are_the_documented_ones() {
    let base = || ResponsesRequest::new("gpt-4.1-mini", "Hi");
    let call: ResponseItem = serde_json::from_value(
        json!({"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"}),
    )
    .unwrap();
    let answered = ResponsesRequest::new(
        "m",
        [
            ResponseItem::user("Weather?"),
            call.clone(),
            ResponseItem::function_call_output("call_1", "sunny"),
        ],
    );
    assert!(answered.validate().is_ok());
    let stray = ResponsesRequest::new("m", [ResponseItem::function_call_output("call_X", "sunny")]);
    assert_eq!(invalid(&stray).0, "input[0].call_id");
    // With previous_response_id or a conversation the call is on the server; so it is when
    // an item_reference names an item kept there.
    assert!(stray.clone().extra_field("previous_response_id", json!("resp_1")).validate().is_ok());
    assert!(stray.extra_field("conversation", json!("conv_1")).validate().is_ok());
    let reference: ResponseItem =
        serde_json::from_value(json!({"type": "item_reference", "id": "fc_1"})).unwrap();
    let referenced = ResponsesRequest::new(
        "m",
        [reference, ResponseItem::function_call_output("call_X", "sunny")],
    );
    assert!(referenced.validate().is_ok());

    let tool = || ResponseTool::function_value("f", "d", json!({"type": "object"}));
    let cases: Vec<(ResponsesRequest, &str)> = vec![
        (base().tool(tool()).tool(tool()), "tools[1].name"),
        (base().truncation(Truncation::from("sometimes")), "truncation"),
        (base().reasoning_effort(ReasoningEffort::from("HIGH")), "reasoning.effort"),
        (base().tool_choice(ToolChoiceMode::from("any")), "tool_choice"),
        (
            ResponsesRequest::new("m", [ResponseItem::message(naga_protocol::Role::Tool, "x")]),
            "input[0].role",
        ),
        (
            ResponsesRequest::new(
                "m",
                [ResponseItem::user(vec![ItemPart::image_url(
                    "data:image/svg+xml;base64,PHN2Zz4=",
                    None,
                )])],
            ),
            "input[0].content[0].image_url",
        ),
        (
            ResponsesRequest::new("m", [ResponseItem::user(vec![ItemPart::file_url("nope")])]),
            "input[0].content[0].file_url",
        ),
        (
            ResponsesRequest::new(
                "m",
                [ResponseItem::user(vec![ItemPart::file_data(
                    "a.txt",
                    "data:text/plain;base64,aGk=",
                )])],
            ),
            "input[0].content[0].file_data",
        ),
    ];
    for (request, field) in cases {
        assert_eq!(invalid(&request).0, field, "{request:?}");
    }
}

/// The response object of the API digest (§3.1): its echoed settings are typed fields.
#[test]
fn the_documented_response_object_reads_its_settings() {
    let answer: ResponseObject = serde_json::from_value(json!({
        "id": "resp_1", "object": "response", "created_at": 123, "completed_at": 123,
        "status": "completed", "model": "gpt-4.1-mini", "output": [],
        "incomplete_details": null, "previous_response_id": "resp_0", "instructions": null,
        "error": null,
        "tools": [{"type": "function", "name": "get_weather", "description": "d", "parameters": {}, "strict": true}],
        "tool_choice": "auto", "truncation": "auto", "parallel_tool_calls": true,
        "text": {"format": {"type": "text"}, "verbosity": "low"},
        "top_p": 1, "presence_penalty": 0, "frequency_penalty": 0, "top_logprobs": 0, "temperature": 1,
        "reasoning": {"effort": "none", "summary": "auto"},
        "max_output_tokens": null, "max_tool_calls": 4, "store": false, "background": false,
        "service_tier": null, "metadata": {"run": "7"}, "x_new": 1
    }))
    .unwrap();
    assert_eq!(answer.previous_response_id.as_deref(), Some("resp_0"));
    assert_eq!((answer.instructions, answer.max_output_tokens), (None, None));
    assert!(
        matches!(answer.tools.as_deref(), Some([ResponseTool::Function(f)]) if f.name == "get_weather")
    );
    assert_eq!(answer.tool_choice, Some(ResponseToolChoice::Mode(ToolChoiceMode::Auto)));
    assert_eq!(answer.truncation, Some(Truncation::Auto));
    assert_eq!(
        (answer.parallel_tool_calls, answer.store, answer.background),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(
        (answer.top_p, answer.temperature, answer.presence_penalty),
        (Some(1.0), Some(1.0), Some(0.0))
    );
    assert_eq!((answer.top_logprobs, answer.max_tool_calls), (Some(0), Some(4)));
    assert_eq!(answer.reasoning.and_then(|r| r.effort), Some(ReasoningEffort::None));
    assert!(answer.text.is_some());
    assert_eq!(answer.metadata.unwrap()["run"], "7");
    assert_eq!(answer.extra.keys().collect::<Vec<_>>(), ["x_new"], "only what has no field");
}

#[test]
fn unknown_items_fields_and_values_are_kept_not_fatal() {
    let answer: ResponseObject = serde_json::from_value(json!({
        "id": "resp_1", "object": "response", "status": "brand_new_status", "created_at": "17",
        "output": [
            {"type": "web_search_call", "id": "ws_1", "status": "completed"},
            {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
             "content": [
                {"type": "output_text", "text": "Paris ", "annotations": [
                    {"type": "url_citation", "url": "https://fr.wikipedia.org", "start_index": 0, "end_index": 5},
                    {"type": "file_citation", "file_id": "f1"}]},
                {"type": "output_audio", "data": "AA=="},
                {"type": "output_text", "text": "is in France.", "annotations": 7}]},
            {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "f", "arguments": {"a": 1}},
            {"type": "reasoning", "id": "rs", "summary": "not a list"},
            {"type": "message", "content": 5}
        ],
        "usage": {"input_tokens": 3, "output_tokens": null, "total_tokens": 3.0, "new_count": 1},
        "brand_new_field": {"x": 1}
    }))
    .unwrap();
    assert_eq!(answer.status.as_ref().map(|s| s.as_str()), Some("brand_new_status"));
    assert_eq!(answer.created_at, Some(17));
    assert_eq!(answer.output_text(), "Paris is in France.");
    assert!(
        matches!(&answer.output[0], ResponseItem::Other(item) if item["type"] == "web_search_call")
    );
    let ResponseItem::Message(message) = &answer.output[1] else { panic!() };
    let ItemContent::Parts(parts) = &message.content else { panic!() };
    assert!(matches!(&parts[1], ItemPart::Other(part) if part["type"] == "output_audio"));
    let ItemPart::OutputText(first) = &parts[0] else { panic!() };
    assert_eq!(first.annotations.len(), 2);
    // Arguments sent as an object become their JSON text; a bad summary reads as empty.
    assert_eq!(answer.function_calls().next().unwrap().arguments, r#"{"a":1}"#);
    assert_eq!(answer.reasoning_summary(), "");
    // A known type whose fields do not fit is kept whole, not dropped.
    assert!(matches!(&answer.output[4], ResponseItem::Other(item) if item["content"] == 5));
    let usage = answer.usage.as_ref().unwrap();
    assert_eq!((usage.input_tokens, usage.output_tokens, usage.total_tokens), (3, 0, 3));
    assert_eq!(answer.extra["brand_new_field"], json!({"x": 1}));
    // What came in goes out again with its unknown parts.
    let again: ResponseObject =
        serde_json::from_value(serde_json::to_value(&answer).unwrap()).unwrap();
    assert_eq!(again, answer);
}

#[test]
fn structured_output_parses_and_tells_refusals_and_truncation_apart() {
    let with = |status: &str, content: Value| -> ResponseObject {
        serde_json::from_value(json!({"id": "r", "status": status,
            "incomplete_details": if status == "incomplete" { json!({"reason": "max_output_tokens"}) } else { Value::Null },
            "output": [{"type": "message", "role": "assistant", "content": content}]}))
        .unwrap()
    };
    let text = |t: &str| json!([{"type": "output_text", "text": t}]);
    let good = with("completed", text(r#"{"city":"Prague","country":"Czechia"}"#));
    assert_eq!(
        good.parse::<Place>().unwrap(),
        Place { city: "Prague".into(), country: "Czechia".into() }
    );
    let cut = with("incomplete", text(r#"{"city":"Pra"#));
    assert!(
        matches!(cut.parse::<Place>(), Err(ParseError::Truncated { partial }) if partial == r#"{"city":"Pra"#)
    );
    let refused = with("completed", json!([{"type": "refusal", "refusal": "No."}]));
    assert_eq!(refused.parse::<Place>(), Err(ParseError::Refusal { refusal: "No.".into() }));
    let none: ResponseObject = serde_json::from_value(json!({"id": "r", "output": []})).unwrap();
    assert_eq!(none.parse::<Place>(), Err(ParseError::NoContent));
}

#[test]
fn a_tool_loop_replays_the_output_and_appends_results() {
    let answer: ResponseObject = serde_json::from_value(json!({"id": "r", "output": [
        {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
        {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}]}))
    .unwrap();
    let mut request = ResponsesRequest::new("o4-mini", "Weather in Paris?");
    let call = answer.function_calls().next().unwrap();
    assert_eq!(call.arguments::<Weather>().unwrap(), Weather { city: "Paris".into() });
    request.push_tool_results(&answer, [(call.call_id.clone(), r#"{"temp":21}"#)]);
    let body = wire(&request);
    assert_eq!(
        body["input"],
        json!([
            {"type": "message", "role": "user", "content": "Weather in Paris?"},
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
            {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
            {"type": "function_call_output", "call_id": "call_1", "output": "{\"temp\":21}"}
        ])
    );
}

#[test]
fn reasoning_options_keep_each_other() {
    let request = ResponsesRequest::new("o4-mini", "Hi")
        .reasoning(naga_protocol::ReasoningOptions {
            summary: Some(ReasoningSummary::Auto),
            ..Default::default()
        })
        .reasoning_effort(ReasoningEffort::High);
    assert_eq!(wire(&request)["reasoning"], json!({"effort": "high", "summary": "auto"}));
}

#[test]
fn images_files_and_audio_from_bytes_go_inline() {
    let parts = vec![
        ItemPart::input_text("What is in these?"),
        ItemPart::image_bytes(b"RIFF\x24\0\0\0WEBPVP8 ", Some(ImageDetail::Low)).unwrap(),
        ItemPart::pdf_bytes("a.pdf", b"%PDF-1.7\n").unwrap(),
        ItemPart::audio_bytes(b"RIFF\x24\0\0\0WAVEfmt ").unwrap(),
    ];
    let request = ResponsesRequest::new("gpt-4.1-mini", [ResponseItem::user(parts)]);
    assert_eq!(
        wire(&request)["input"][0]["content"],
        json!([
            {"type": "input_text", "text": "What is in these?"},
            {"type": "input_image", "image_url": "data:image/webp;base64,UklGRiQAAABXRUJQVlA4IA==", "detail": "low"},
            {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjcK"},
            {"type": "input_audio", "input_audio": {"data": "UklGRiQAAABXQVZFZm10IA==", "format": "wav"}},
        ])
    );
    let err = ItemPart::audio_bytes(b"OggS").unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { field, .. } if field == "input_audio"), "{err}");
    assert!(ItemPart::image_bytes(b"BM", None).is_err());
    assert!(ItemPart::pdf_bytes("a.txt", b"text").is_err());
}

#[test]
fn an_error_sent_as_text_is_the_error_and_one_object_is_the_output() {
    use naga_protocol::Operation;
    let decode = |body: &str| ResponsesRequest::decode_output(body.as_bytes());
    // Under a success status, a body that is only an error is that error, as for chat.
    let err = decode(r#"{"error":"boom"}"#).unwrap_err();
    assert_eq!(err.api().map(|api| api.message.as_str()), Some("boom"), "{err:?}");
    for empty in [r#"{"error":""}"#, r#"{"error":{}}"#, r#"{"error":null}"#] {
        assert!(decode(empty).is_ok(), "{empty}");
    }
    // In a response object it is kept as the message.
    let failed = decode(r#"{"id":"r","object":"response","status":"failed","error":"quota"}"#);
    let error = failed.unwrap().error.unwrap();
    assert_eq!(error.message.as_deref(), Some("quota"));
    // One item sent without its list is the list of that one.
    let item = r#"{"type":"message","id":"m","role":"assistant","content":[{"type":"output_text","text":"Hi"}]}"#;
    let answer = decode(&format!(r#"{{"id":"r","status":"completed","output":{item}}}"#)).unwrap();
    assert_eq!(answer.output_text(), "Hi");
}
