//! The Messages API (Anthropic compatibility): the request on the wire and before it, the
//! answer from whatever servers send, streams of Anthropic's events added up.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests

mod decoding;

use naga_protocol::{
    ApiErrorKind, Config, ContentBlock, Error, MessageAccumulator, MessageEvent, MessageParam,
    MessageStream, MessagesRequest, MessagesResponse, MessagesTool, MessagesToolChoice, Operation,
    OutputEffort, StopReason, StreamError, Thinking, build_request,
};
use serde_json::{Value, json};

const TEXT: &str = include_str!("data/messages-anthropic-text.sse");
const TOOL: &str = include_str!("data/messages-anthropic-tool.sse");

fn run(body: &[u8], step: usize) -> Vec<Result<MessageEvent, Error>> {
    decoding::drain(MessageStream::new(), body, step)
}

fn wire(request: &MessagesRequest) -> Value {
    let http = build_request(&Config::new("ng-test").unwrap(), request).unwrap();
    assert_eq!(http.uri(), "https://api.naga.ac/v1/messages");
    serde_json::from_slice(http.body()).unwrap()
}

/// The input of the weather tool.
#[derive(Debug, PartialEq, serde::Deserialize, schemars::JsonSchema)]
struct WeatherInput {
    /// City and state.
    location: String,
    /// `celsius` or `fahrenheit`.
    unit: String,
}

#[test]
fn a_request_has_anthropics_shape() {
    let request = MessagesRequest::new(
        "claude-sonnet-4.5",
        2048,
        [
            MessageParam::user(vec![
                ContentBlock::text("What is in this image?"),
                ContentBlock::image_base64("image/png", "iVBORw0KGgo="),
            ]),
            MessageParam::assistant("A lighthouse."),
            MessageParam::user("And the weather there?"),
        ],
    )
    .system("Be brief.")
    .stop_sequence("\n\nHuman:")
    .tool(MessagesTool::custom::<WeatherInput>("get_weather", "Weather for a location").unwrap())
    .tool_choice(MessagesToolChoice::Tool { name: "get_weather".into() })
    .thinking(Thinking::Enabled { budget_tokens: 1024 })
    .effort(OutputEffort::Max);
    let body = wire(&request);
    assert_eq!(body["max_tokens"], 2048);
    assert_eq!(body["system"], "Be brief.");
    assert_eq!(
        body["messages"][0]["content"][1],
        json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}})
    );
    assert_eq!(body["messages"][1], json!({"role": "assistant", "content": "A lighthouse."}));
    assert_eq!(body["tools"][0]["name"], "get_weather");
    assert_eq!(body["tools"][0]["input_schema"]["required"], json!(["location", "unit"]));
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "get_weather"}));
    assert_eq!(body["thinking"], json!({"type": "enabled", "budget_tokens": 1024}));
    assert_eq!(body["output_config"], json!({"effort": "max"}));
    assert_eq!(body["stop_sequences"], json!(["\n\nHuman:"]));
    assert_eq!(wire(&request.as_streaming())["stream"], true);
    let back: MessagesRequest = serde_json::from_value(body).unwrap();
    assert_eq!(back, request);
}

#[test]
fn validation_names_the_field() {
    let base = || MessagesRequest::new("claude-sonnet-4.5", 100, [MessageParam::user("Hi")]);
    let tool_use = ContentBlock::ToolUse(naga_protocol::ToolUseBlock {
        id: "toolu_1".into(),
        name: "f".into(),
        ..Default::default()
    });
    let cases: Vec<(MessagesRequest, &str)> = vec![
        (MessagesRequest::new("", 100, [MessageParam::user("Hi")]), "model"),
        (MessagesRequest::new("m", 0, [MessageParam::user("Hi")]), "max_tokens"),
        (MessagesRequest::new("m", 100, []), "messages"),
        (base().temperature(2.1), "temperature"),
        (base().thinking(Thinking::Enabled { budget_tokens: 0 }), "thinking.budget_tokens"),
        (base().tool_choice(MessagesToolChoice::Tool { name: "nope".into() }), "tool_choice.name"),
        (base().tool(MessagesTool::custom_value("bad name", "d", json!({}))), "tools[0].name"),
        (base().tool(MessagesTool::custom_value("f", "d", json!("x"))), "tools[0].input_schema"),
        (
            MessagesRequest::new("m", 100, [MessageParam::user(vec![tool_use.clone()])]),
            "messages[0].content[0]",
        ),
        (
            MessagesRequest::new(
                "m",
                100,
                [MessageParam::assistant(vec![ContentBlock::tool_result("t", "x")])],
            ),
            "messages[0].content[0]",
        ),
        (
            MessagesRequest::new(
                "m",
                100,
                [MessageParam::user(vec![ContentBlock::tool_result(" ", "x")])],
            ),
            "messages[0].content[0].tool_use_id",
        ),
        (base().extra_field("system", json!("again")), "extra.system"),
        (
            MessagesRequest::new(
                "m",
                100,
                [MessageParam::user(vec![ContentBlock::tool_result("toolu_X", "x")])],
            ),
            "messages[0].content[0].tool_use_id",
        ),
        (
            base()
                .tool(MessagesTool::custom_value("f", "d", json!({"type": "object"})))
                .tool(MessagesTool::custom_value("f", "d", json!({"type": "object"}))),
            "tools[1].name",
        ),
        (
            MessagesRequest::new(
                "m",
                100,
                [MessageParam::user(vec![ContentBlock::image_base64("text/plain", "aGk=")])],
            ),
            "messages[0].content[0].source.media_type",
        ),
        (
            MessagesRequest::new(
                "m",
                100,
                [MessageParam::user(vec![ContentBlock::image_url("notaurl")])],
            ),
            "messages[0].content[0].source.url",
        ),
    ];
    for (request, field) in cases {
        match request.validate() {
            Err(Error::InvalidRequest { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(base().tool_choice(MessagesToolChoice::Any).validate().is_ok());
    let mut system = MessageParam::user("Hi");
    system.role = naga_protocol::MessageRole::from("system");
    let request = MessagesRequest::new("m", 100, [system]);
    assert!(
        matches!(request.validate(), Err(Error::InvalidRequest { field, .. }) if field == "messages[0].role")
    );
    let called = MessageParam::assistant(vec![tool_use.clone()]);
    let answer = MessageParam::user(vec![ContentBlock::tool_result("toolu_1", "x")]);
    let request = MessagesRequest::new("m", 100, [MessageParam::user("Hi"), called, answer]);
    assert!(request.validate().is_ok());
    // Anthropic's own limits on the budget are the server's to apply: other models differ,
    // and interleaved thinking may spend more than `max_tokens`.
    for budget in [512, 4096] {
        let thinking = MessagesRequest::new("m", 2000, [MessageParam::user("Hi")])
            .thinking(Thinking::Enabled { budget_tokens: budget });
        assert!(thinking.validate().is_ok(), "{budget}");
    }
}

#[test]
fn text_a_block_holds_at_its_start_counts_as_text_the_event_adds() {
    // Anthropic starts a text block empty; a server that starts it with text must not lose it.
    let stream = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",",
        "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"x\",\"content\":[]}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,",
        "\"content_block\":{\"type\":\"text\",\"text\":\"Tō\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,",
        "\"delta\":{\"type\":\"text_delta\",\"text\":\"kyō\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    let events = run(stream.as_bytes(), usize::MAX);
    let text: String = events.iter().filter_map(|e| e.as_ref().ok()?.text_delta()).collect();
    assert_eq!(text, "Tōkyō");
    assert_eq!(MessageAccumulator::accumulate(events).unwrap().text(), text);
}

#[test]
fn a_text_stream_with_thinking_adds_up_and_every_split_agrees() {
    let whole = run(TEXT.as_bytes(), usize::MAX);
    assert!(whole.iter().all(Result::is_ok), "{whole:?}");
    for step in [1, 2, 5, 64] {
        assert_eq!(run(TEXT.as_bytes(), step), whole, "step {step}");
    }
    assert_eq!(run(TEXT.replace('\n', "\r\n").as_bytes(), 3), whole, "CRLF");
    let text: String = whole.iter().filter_map(|e| e.as_ref().ok()?.text_delta()).collect();
    assert_eq!(text, "Hello! Tōkyō 🗼");
    let message = MessageAccumulator::accumulate(whole).unwrap();
    assert_eq!(message.id, "msg_01XFDUDYJgAACzvnptvVoYEL");
    assert_eq!(message.text(), "Hello! Tōkyō 🗼");
    assert_eq!(message.thinking(), "Greet back.");
    let ContentBlock::Thinking(thinking) = &message.content[0] else { panic!() };
    assert!(thinking.signature.starts_with("EqQB"));
    assert_eq!(message.stop_reason, Some(StopReason::EndTurn));
    let usage = message.usage.unwrap();
    assert_eq!((usage.input_tokens, usage.output_tokens), (25, 15));
}

#[test]
fn tool_input_json_arrives_in_pieces_and_is_parsed_at_the_block_stop() {
    let message = MessageAccumulator::accumulate(run(TOOL.as_bytes(), 7)).unwrap();
    assert_eq!(message.stop_reason, Some(StopReason::ToolUse));
    let call = message.tool_uses().next().unwrap();
    assert_eq!(call.id, "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(call.input, json!({"location": "San Francisco, CA", "unit": "fahrenheit"}));
    let input: WeatherInput = call.input().unwrap();
    assert_eq!(input.unit, "fahrenheit");
    // The loop goes on: the answer replayed, then the result.
    let mut request =
        MessagesRequest::new("claude-sonnet-4.5", 1024, [MessageParam::user("Weather?")]);
    request.push_tool_results(&message, [(call.id.clone(), "72F, sunny")]);
    let body = wire(&request);
    assert_eq!(body["messages"][1]["role"], "assistant");
    assert_eq!(body["messages"][1]["content"][1]["type"], "tool_use");
    assert_eq!(
        body["messages"][2],
        json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "content": "72F, sunny"}]})
    );
}

#[test]
fn a_tool_loop_over_an_answer_with_an_image_can_be_sent() {
    // Naga answers some models' turns with `image` blocks; the loop replays them unchanged.
    let answer: MessagesResponse = serde_json::from_value(json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "m",
        "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
            {"type": "tool_use", "id": "toolu_1", "name": "caption", "input": {}}
        ],
        "stop_reason": "tool_use"
    }))
    .unwrap();
    let mut request = MessagesRequest::new("m", 1024, [MessageParam::user("Draw, then caption.")]);
    request.push_tool_results(&answer, [("toolu_1", "A cat.")]);
    request.validate().unwrap();
    let body = wire(&request);
    assert_eq!(body["messages"][1]["content"][0]["type"], "image");
    assert_eq!(body["messages"][2]["content"][0]["tool_use_id"], "toolu_1");
}

#[test]
fn blocks_are_kept_by_the_index_the_stream_gives_them() {
    // Indices that skip 0, and a delta for an index never started: nothing shown is lost.
    let body = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Index one\"}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"f\",\"input\":{}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\": 1}\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":7,\"delta\":{\"type\":\"text_delta\",\"text\":\", and seven\"}}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    let message = MessageAccumulator::accumulate(run(body.as_bytes(), 9)).unwrap();
    assert_eq!(message.text(), "Index one, and seven");
    assert_eq!(message.content.len(), 3, "one block per index named, none padded");
    assert_eq!(message.tool_uses().next().unwrap().input, json!({"a": 1}));
}

#[test]
fn a_stream_without_message_stop_is_truncated_and_keeps_what_arrived() {
    let cut = TOOL
        .find("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}")
        .unwrap();
    let items = run(&TOOL.as_bytes()[..cut], 11);
    assert!(matches!(items.last(), Some(Err(Error::Stream(StreamError::Truncated { .. })))));
    let partial = MessageAccumulator::accumulate(items).unwrap_err().partial;
    assert_eq!(partial.text(), "Let me check.");
    // The tool input was complete JSON, so it is kept parsed even without its stop.
    assert_eq!(partial.tool_uses().next().unwrap().input["unit"], "fahrenheit");
}

#[test]
fn an_error_event_is_an_api_error_and_ends_the_stream() {
    let body = concat!(
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
        "event: error\n",
        "data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    let items = run(body.as_bytes(), 6);
    assert_eq!(items.len(), 2, "{items:?}");
    let Err(Error::Api(api)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(
        (api.kind, api.status, api.message.as_str()),
        (ApiErrorKind::Server, None, "Overloaded")
    );
    assert_eq!(api.error_type.as_deref(), Some("overloaded_error"));
}

#[test]
fn unknown_blocks_deltas_and_events_are_kept_and_bad_events_do_not_stop_the_stream() {
    let body = concat!(
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srv_1\",\"name\":\"web_search\"}}\n\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}\n\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0}\n\n",
        "data: {\"type\":\"brand_new_event\",\"x\":1}\n\n",
        "event: message_stop\ndata: {}\n\n",
    );
    let items = run(body.as_bytes(), 4);
    assert_eq!(items.len(), 5, "{items:?}");
    let Ok(MessageEvent::ContentBlockStart(start)) = &items[0] else { panic!("{:?}", items[0]) };
    assert!(
        matches!(&start.content_block, ContentBlock::Other(block) if block["type"] == "server_tool_use")
    );
    assert!(matches!(&items[2], Err(Error::Decode { what: "message stream event", .. })));
    assert_eq!(items[3].as_ref().unwrap().kind(), "brand_new_event");
    assert!(
        matches!(items[4], Ok(MessageEvent::MessageStop(_))),
        "the SSE name stands in for `type`"
    );
}

#[test]
fn document_bodies_and_a_streamed_answer_to_a_plain_call() {
    let error = br#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: required"}}"#;
    let items = run(error, 9);
    let [Err(Error::Api(api))] = items.as_slice() else { panic!("{items:?}") };
    assert_eq!(api.kind, ApiErrorKind::InvalidRequest);
    // A message comes as the events that would have streamed it: its text as deltas, and
    // added up, the document itself.
    let answer = br#"{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"thinking","thinking":"Hm.","signature":"s"},{"type":"text","text":"Hi"},{"type":"tool_use","id":"t1","name":"f","input":{"a":1}},{"type":"text","text":" there"}],"stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":5}}"#;
    let items = run(answer, 5);
    let kinds: Vec<&str> = items.iter().map(|item| item.as_ref().unwrap().kind()).collect();
    assert_eq!(
        kinds,
        [
            "message_start",
            "content_block_start",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_stop",
        ]
    );
    let echoed: String = items.iter().filter_map(|e| e.as_ref().ok()?.text_delta()).collect();
    assert_eq!(echoed, "Hi there");
    let whole: MessagesResponse = serde_json::from_slice(answer).unwrap();
    assert_eq!(MessageAccumulator::accumulate(items).unwrap(), whole);
    // A plain call answered with events is added up.
    let message = MessagesRequest::decode_output(TEXT.as_bytes()).unwrap();
    assert_eq!(message.text(), "Hello! Tōkyō 🗼");
}

#[test]
fn an_answer_with_odd_values_still_decodes() {
    let answer: MessagesResponse = serde_json::from_value(json!({
        "id": "msg_1", "type": "message", "role": "assistant", "created": "1767300000",
        "content": [
            {"type": "text", "text": "A", "citations": [{"type": "web_search_result_location"}]},
            {"type": "search_result", "source": "x"},
            {"type": "tool_use", "id": "t", "name": "f"},
            {"type": "text", "text": 5}
        ],
        "stop_reason": "model_context_window_exceeded",
        "usage": {"input_tokens": "12", "output_tokens": null, "cache_read_input_tokens": 3, "server_tool_use": {}},
        "container": null
    }))
    .unwrap();
    assert_eq!(answer.created, Some(1_767_300_000));
    assert_eq!(
        answer.stop_reason.as_ref().map(StopReason::as_str),
        Some("model_context_window_exceeded")
    );
    assert!(
        matches!(&answer.content[1], ContentBlock::Other(block) if block["type"] == "search_result")
    );
    assert_eq!(answer.tool_uses().next().unwrap().input, json!({}));
    assert_eq!(answer.text(), "A5", "a number where text belongs is read as its text");
    let usage = answer.usage.as_ref().unwrap();
    assert_eq!(
        (usage.input_tokens, usage.output_tokens, usage.cache_read_input_tokens),
        (12, 0, Some(3))
    );
    let again: MessagesResponse =
        serde_json::from_value(serde_json::to_value(&answer).unwrap()).unwrap();
    assert_eq!(again, answer);
}

#[test]
fn block_deltas_read_in_one_pass_equal_the_general_reader() {
    let cases = [
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi \u00e9\ud83d\ude00"}}"#,
        r#"{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"#,
        r#"{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"hm"}}"#,
        r#"{"type":"content_block_delta","index":1,"delta":{"type":"signature_delta","signature":"c2ln"}}"#,
        r#"{"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{"url":"x"}}}"#,
        r#"{"type":"content_block_delta","index":"2","delta":{"type":"text_delta","text":"lenient index"}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"text":"no type","type":"text_delta","extra":1}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"},"type":"ping"}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"},"note":1}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","text":"b"}}"#,
    ];
    for data in cases {
        let streamed = run(format!("data: {data}\n\n").as_bytes(), 1000).remove(0);
        let general = MessageEvent::from_json(data).map_err(|err| err.to_string());
        assert_eq!(streamed.map_err(|err| err.to_string()).ok(), general.ok(), "{data}");
    }
}

#[test]
fn images_and_pdfs_from_bytes_go_as_base64_sources() {
    let blocks = vec![
        ContentBlock::text("Compare these."),
        ContentBlock::image_bytes(b"\xff\xd8\xff\xe0").unwrap(),
        ContentBlock::pdf_bytes(b"%PDF-1.7\n").unwrap(),
    ];
    let request = MessagesRequest::new("claude-sonnet-4.5", 64, [MessageParam::user(blocks)]);
    assert_eq!(
        wire(&request)["messages"][0]["content"],
        json!([
            {"type": "text", "text": "Compare these."},
            {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4A=="}},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjcK"}},
        ])
    );
    let err = ContentBlock::image_bytes(b"%PDF-1.7").unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { field, .. } if field == "image"), "{err}");
    assert!(ContentBlock::pdf_bytes(b"\xff\xd8\xff").is_err());
}

#[test]
fn the_usage_of_message_delta_replaces_each_count_it_gives() {
    let start = json!({"type": "message_start", "message": {"id": "msg_1", "type": "message",
        "role": "assistant", "content": [], "model": "m", "stop_reason": null,
        "usage": {"input_tokens": 10, "output_tokens": 1, "cache_creation_input_tokens": 0}}});
    let delta = json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"},
        "usage": {"output_tokens": 9, "cache_creation_input_tokens": 777,
            "cache_read_input_tokens": 5, "input_tokens": null, "server_tool_use": {"web_search_requests": 1}}});
    let body: String = [start, delta, json!({"type": "message_stop"})]
        .iter()
        .map(|event| format!("event: {}\ndata: {event}\n\n", event["type"].as_str().unwrap()))
        .collect();
    let message = MessageAccumulator::accumulate(run(body.as_bytes(), 5)).unwrap();
    let usage = message.usage.unwrap();
    assert_eq!(
        (usage.input_tokens, usage.output_tokens, usage.cache_creation_input_tokens),
        (10, 9, Some(777))
    );
    assert_eq!(usage.cache_read_input_tokens, Some(5));
    assert_eq!(usage.extra["server_tool_use"], json!({"web_search_requests": 1}));
}

#[test]
fn a_block_index_that_is_no_index_fails_its_event_instead_of_reading_as_zero() {
    let body = concat!(
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Kept\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":-1,\"delta\":{\"type\":\"text_delta\",\"text\":\" not block 0's\"}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    let items = run(body.as_bytes(), 5);
    let Err(err @ Error::Decode { .. }) = &items[2] else { panic!("{:?}", items[2]) };
    assert!(err.to_string().contains("an index must be a whole number"), "{err}");
    let partial = MessageAccumulator::accumulate(items).unwrap_err().partial;
    assert_eq!(partial.text(), "Kept");
}

#[test]
fn server_tool_input_and_citations_add_up_as_the_official_sdk_adds_them() {
    let body = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\": \"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"paris weather\\\"}\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\",\"citations\":null}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"type\":\"char_location\",\"cited_text\":\"blue\",\"document_index\":0,\"start_char_index\":0,\"end_char_index\":4}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"The sky is blue\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    let message = MessageAccumulator::accumulate(run(body.as_bytes(), 13)).unwrap();
    let ContentBlock::Other(search) = &message.content[0] else { panic!("{message:?}") };
    assert_eq!(search["input"], json!({"query": "paris weather"}));
    let ContentBlock::Text(text) = &message.content[1] else { panic!("{message:?}") };
    assert_eq!(text.text, "The sky is blue");
    assert_eq!(text.extra["citations"][0]["cited_text"], "blue");
    assert_eq!(text.extra["citations"].as_array().map(Vec::len), Some(1));
}

#[test]
fn content_sent_as_a_string_or_one_block_is_read_as_blocks() {
    for content in [r#""Hello""#, r#"{"type":"text","text":"Hello"}"#] {
        let body = format!(
            r#"{{"id":"msg_1","type":"message","role":"assistant","content":{content},"stop_reason":"end_turn"}}"#
        );
        let message = MessagesRequest::decode_output(body.as_bytes()).unwrap();
        assert_eq!(message.text(), "Hello", "{content}");
        assert!(matches!(&message.content[..], [ContentBlock::Text { .. }]), "{content}");
    }
}

#[test]
fn a_tool_choice_with_parallel_calls_off_is_kept_and_sent() {
    let weather = || MessagesTool::custom_value("get_weather", "d", json!({"type": "object"}));
    let request = |choice: MessagesToolChoice| {
        MessagesRequest::new("m", 100, [MessageParam::user("Hi")])
            .tool(weather())
            .tool_choice(choice)
    };
    let one = MessagesToolChoice::Tool { name: "get_weather".into() }.one_call_at_a_time();
    assert_eq!(
        wire(&request(one))["tool_choice"],
        json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true})
    );
    // Read from JSON (a request passed through), the flag is not dropped.
    for sent in [
        json!({"type": "auto", "disable_parallel_tool_use": true}),
        json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": false}),
    ] {
        let choice: MessagesToolChoice = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(wire(&request(choice))["tool_choice"], sent);
    }
    let plain: MessagesToolChoice = serde_json::from_value(json!({"type": "any"})).unwrap();
    assert_eq!(plain, MessagesToolChoice::Any);
    // Its type and the tool it names are checked as the variants' are.
    for (sent, field) in [
        (
            json!({"type": "tool", "name": "nope", "disable_parallel_tool_use": true}),
            "tool_choice.name",
        ),
        (json!({"type": "sometimes", "disable_parallel_tool_use": true}), "tool_choice.type"),
    ] {
        let choice: MessagesToolChoice = serde_json::from_value(sent).unwrap();
        match request(choice).validate() {
            Err(Error::InvalidRequest { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}
