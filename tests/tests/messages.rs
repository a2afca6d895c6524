//! The Messages API (Anthropic compatibility) through both transports against the emulator:
//! answers, streams adding up to the same answer, tools, thinking, stop reasons, in-stream
//! errors, requests counted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_conformance::{Failure, Setup, StreamedItems, added_up, send_both, stream_both};
use naga_mock::MockServer;
use naga_protocol::{
    ApiErrorKind, ContentBlock, MessageAccumulator, MessageEvent, MessageParam, MessagesRequest,
    MessagesResponse, MessagesTool, MessagesToolChoice, StopReason, Thinking,
};

const PATH: &str = "/v1/messages";
const MODEL: &str = "claude-sonnet-4.5";

fn start() -> (MockServer, Setup) {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    (server, setup)
}

fn answer(
    server: &MockServer,
    setup: &Setup,
    case: &str,
    request: &MessagesRequest,
) -> MessagesResponse {
    send_both(server, PATH, setup, case, request).agreed_after(1).unwrap()
}

fn events(
    server: &MockServer,
    setup: &Setup,
    case: &str,
    request: &MessagesRequest,
) -> StreamedItems<MessagesRequest> {
    stream_both(server, PATH, setup, case, &*request.as_streaming()).agreed_after(1).unwrap()
}

/// The input of the weather tool.
#[derive(Debug, PartialEq, serde::Deserialize, schemars::JsonSchema)]
struct WeatherInput {
    /// The city.
    city: String,
}

fn hello() -> MessagesRequest {
    MessagesRequest::new(MODEL, 1024, [MessageParam::user("Say hello")])
}

#[test]
fn a_text_answer_is_the_same_streamed_or_not() {
    let (server, setup) = start();
    let request = hello().system("Be terse.");
    let whole = answer(&server, &setup, "text", &request);
    assert!(whole.id.starts_with("msg_"), "{}", whole.id);
    assert!(whole.text().starts_with("[naga-mock]"), "{}", whole.text());
    assert_eq!(whole.stop_reason, Some(StopReason::EndTurn));
    let items = events(&server, &setup, "text-stream", &request);
    assert!(matches!(items.first(), Some(Ok(MessageEvent::MessageStart(_)))));
    assert!(matches!(items.last(), Some(Ok(MessageEvent::MessageStop(_)))));
    let text: String = items.iter().filter_map(|i| i.as_ref().ok()?.text_delta()).collect();
    assert_eq!(text, whole.text());
    assert_eq!(added_up::<MessageAccumulator>(items), whole);

    let blocking = naga_conformance::Blocking::new(&setup);
    assert_eq!(blocking.client.message_stream(&request).unwrap().into_message().unwrap(), whole);
    let asynchronous = naga_conformance::Async::new(&setup);
    let streamed = asynchronous.runtime.block_on(async {
        asynchronous.client.message_stream(&request).await.unwrap().into_message().await.unwrap()
    });
    assert_eq!(streamed, whole);
}

#[test]
fn a_tool_loop_calls_the_tool_and_answers_its_result() {
    let (server, setup) = start();
    let tool = MessagesTool::custom::<WeatherInput>("get_weather", "Weather in a city").unwrap();
    let mut request = MessagesRequest::new(MODEL, 1024, [MessageParam::user("Weather in Paris?")])
        .tool(tool)
        .tool_choice(MessagesToolChoice::Any);
    let first = answer(&server, &setup, "tool", &request);
    assert_eq!(first.stop_reason, Some(StopReason::ToolUse));
    let call = first.tool_uses().next().expect("a tool call");
    assert!(call.id.starts_with("toolu_"), "{}", call.id);
    let input: WeatherInput = call.input().unwrap();
    assert!(!input.city.is_empty());
    assert_eq!(
        added_up::<MessageAccumulator>(events(&server, &setup, "tool-stream", &request)),
        first
    );

    let id = call.id.clone();
    request.push_tool_results(&first, [(id, "21 C, sunny")]);
    request.tool_choice = Some(MessagesToolChoice::Auto);
    let second = answer(&server, &setup, "tool-result", &request);
    assert_eq!(second.tool_uses().count(), 0);
    assert!(!second.text().is_empty());
}

#[test]
fn thinking_comes_first_with_a_signature_and_replays() {
    let (server, setup) = start();
    let request = MessagesRequest::new(MODEL, 4096, [MessageParam::user("Why is the sky blue?")])
        .thinking(Thinking::Enabled { budget_tokens: 2048 });
    let whole = answer(&server, &setup, "thinking", &request);
    let Some(ContentBlock::Thinking(thinking)) = whole.content.first() else {
        panic!("{:?}", whole.content)
    };
    assert!(!thinking.thinking.is_empty() && !thinking.signature.is_empty());
    assert_eq!(
        added_up::<MessageAccumulator>(events(&server, &setup, "thinking-stream", &request)),
        whole
    );
    // The thinking block goes back unchanged in the next turn, and is accepted.
    let mut next = request.clone();
    next.messages.push(MessageParam::assistant(whole.content.clone()));
    next.messages.push(MessageParam::user("And at sunset?"));
    assert!(!answer(&server, &setup, "replay", &next).text().is_empty());
}

#[test]
fn stop_sequences_and_max_tokens_say_why_the_answer_stopped() {
    let (server, setup) = start();
    let cut = MessagesRequest::new(MODEL, 3, [MessageParam::user("Tell me a long story")]);
    let whole = answer(&server, &setup, "max-tokens", &cut);
    assert_eq!(whole.stop_reason, Some(StopReason::MaxTokens));
    assert_eq!(
        added_up::<MessageAccumulator>(events(&server, &setup, "max-tokens-stream", &cut)),
        whole
    );
    let stopped = hello().stop_sequence("hello");
    let whole = answer(&server, &setup, "stop", &stopped);
    assert_eq!(whole.stop_reason, Some(StopReason::StopSequence));
    assert_eq!(whole.stop_sequence.as_deref(), Some("hello"));
    assert!(!whole.text().contains("hello"), "{}", whole.text());
}

#[test]
fn an_error_in_the_stream_is_an_api_error_and_nothing_is_resent() {
    let (server, setup) = start();
    let setup = setup.header("x-mock-error-after-events", 5);
    let items = events(&server, &setup, "error", &hello());
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 5);
    let Some(Err(Failure::Api { kind, status, error_type, .. })) = items.last() else {
        panic!("{:?}", items.last())
    };
    assert_eq!(
        (*kind, *status, error_type.as_deref()),
        (ApiErrorKind::Server, None, Some("overloaded_error"))
    );
}

#[test]
fn a_dropped_stream_fails_once_without_a_resend() {
    let (server, setup) = start();
    let setup = setup.header("x-mock-drop-after-events", 4);
    let runs = stream_both(&server, PATH, &setup, "drop", &*hello().as_streaming());
    for run in runs.each() {
        assert_eq!(run.requests, 1, "{}", run.transport);
        let items = run.outcome.as_ref().unwrap();
        assert!(
            matches!(items.last(), Some(Err(Failure::Truncated { .. } | Failure::Io))),
            "{items:?}"
        );
    }
}

#[test]
fn refusals_before_and_by_the_server_use_anthropics_error_shape() {
    let (server, setup) = start();
    let local = MessagesRequest::new(MODEL, 0, [MessageParam::user("Hi")]);
    let failure = send_both(&server, PATH, &setup, "local", &local).agreed_after(0).unwrap_err();
    assert_eq!(failure, Failure::InvalidRequest { field: "max_tokens".into() });
    // A server-side refusal: an unknown model is a 404 whose body the client reads.
    let unknown = MessagesRequest::new("claude-unknown", 10, [MessageParam::user("Hi")]);
    let failure =
        send_both(&server, PATH, &setup, "unknown", &unknown).agreed_after(1).unwrap_err();
    let Failure::Api { kind, status, message, .. } = &failure else { panic!("{failure:?}") };
    assert_eq!((*kind, *status), (ApiErrorKind::NotFound, Some(404)));
    assert!(message.contains("claude-unknown"), "{message}");
}
