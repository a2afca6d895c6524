//! Builder methods and accessors: each sets or reads what its name says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use http::{HeaderMap, StatusCode};
use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatRequest, ChatStream, DeleteKey, FileUpload, GetKey,
    ImageEditRequest, Message, MessageParam, MessagesRequest, MessagesTool, Operation,
    ReasoningEffort, ResponseTool, ResponsesRequest, StreamDecoder, Tool, build_request,
    parse_response,
};
use serde_json::json;

fn completion(message: serde_json::Value) -> ChatCompletion {
    let body = json!({"id": "c1", "choices": [{"index": 0, "message": message}]});
    parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), body.to_string().as_bytes())
        .unwrap()
}

#[test]
fn a_completion_offers_its_reasoning_under_either_name() {
    let with_content = completion(json!({"content": "4", "reasoning_content": "2+2"}));
    assert_eq!(with_content.reasoning(), Some("2+2"));
    let with_reasoning = completion(json!({"content": "4", "reasoning": "two and two"}));
    assert_eq!(with_reasoning.reasoning(), Some("two and two"));
    let empty_first =
        completion(json!({"content": "4", "reasoning_content": "", "reasoning": "r"}));
    assert_eq!(empty_first.reasoning(), Some("r"));
    assert_eq!(completion(json!({"content": "4"})).reasoning(), None);
    assert_eq!(completion(json!({"content": "4", "reasoning": 7})).reasoning(), None);
    let none =
        parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), br#"{"choices":[]}"#);
    assert_eq!(none.unwrap().reasoning(), None);
}

#[test]
fn a_streamed_completion_offers_the_reasoning_its_deltas_did() {
    let mut stream = ChatStream::new();
    stream.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"think \"}}]}\n\n");
    stream.feed(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hard\"}}]}\n\n",
    );
    stream.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"},\"finish_reason\":\"stop\"}]}\n\n");
    stream.finish();
    let items = std::iter::from_fn(|| stream.next_item());
    let completion = ChatAccumulator::accumulate(items).unwrap();
    assert_eq!((completion.text(), completion.reasoning()), (Some("4"), Some("think hard")));
}

#[test]
fn tools_can_be_added_one_at_a_time_or_set_at_once() {
    let tool = |name: &str| Tool::function_value(name, "d", json!({"type": "object"}));
    let chat = ChatRequest::new("m", [Message::user("hi")]).tools([tool("a")]).tool(tool("b"));
    let names: Vec<_> = chat.tools.iter().flatten().map(|t| t.function.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    let chat = chat.tools([tool("c")]);
    assert_eq!(chat.tools.unwrap().len(), 1, "`tools` replaces");

    let tool = |name: &str| ResponseTool::function_value(name, "d", json!({"type": "object"}));
    let responses = ResponsesRequest::new("m", "hi").tool(tool("a")).tools([tool("b"), tool("c")]);
    let names: Vec<_> =
        responses.tools.iter().flatten().filter_map(ResponseTool::function_name).collect();
    assert_eq!(names, ["b", "c"]);

    let tool = |name: &str| MessagesTool::custom_value(name, "d", json!({"type": "object"}));
    let messages = MessagesRequest::new("m", 16, [MessageParam::user("hi")])
        .tools([tool("a")])
        .tool(tool("b"))
        .top_p(0.5);
    assert_eq!(messages.tools.as_ref().unwrap().len(), 2);
    let body = serde_json::to_value(&messages).unwrap();
    assert_eq!(body["top_p"], 0.5);
    assert!(messages.top_p(1.5).validate().is_err(), "top_p is still checked");
}

#[test]
fn an_image_edit_sends_its_quality_and_background() {
    let image = FileUpload::new("a.png", b"\x89PNG\r\n\x1a\n".to_vec());
    let request = ImageEditRequest::new("gpt-image-1", "blue walls", [image])
        .quality("high")
        .background("transparent");
    assert_eq!(
        (request.quality.as_deref(), request.background.as_deref()),
        (Some("high"), Some("transparent"))
    );
    let body = request.body().unwrap().unwrap();
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("name=\"quality\"\r\n\r\nhigh\r\n"), "{text}");
    assert!(text.contains("name=\"background\"\r\n\r\ntransparent\r\n"), "{text}");
}

#[test]
fn key_requests_are_made_from_an_id() {
    let config = naga_protocol::Config::default().with_provisioning_key("ng-prov").unwrap();
    let get = build_request(&config, &GetKey::new(7)).unwrap();
    assert_eq!((get.method().as_str(), get.uri().path()), ("GET", "/v1/account/keys/7"));
    let delete = build_request(&config, &DeleteKey::new(7)).unwrap();
    assert_eq!((delete.method().as_str(), delete.uri().path()), ("DELETE", "/v1/account/keys/7"));
    assert_eq!(GetKey::new(7), GetKey { id: 7 });
}

#[test]
fn extra_high_effort_is_xhigh_on_the_wire() {
    let request =
        ChatRequest::new("m", [Message::user("hi")]).reasoning_effort(ReasoningEffort::Xhigh);
    assert_eq!(serde_json::to_value(&request).unwrap()["reasoning_effort"], "xhigh");
}
