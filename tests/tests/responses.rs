//! The Responses API through both transports against the emulator: answers, streams added
//! up to the same answer, tools, reasoning, structured output, in-stream errors and faults,
//! requests counted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_conformance::{Failure, Setup, StreamedItems, added_up, send_both, stream_both};
use naga_mock::MockServer;
use naga_protocol::{
    ApiErrorKind, ParseError, ReasoningEffort, ResponseAccumulator, ResponseEvent, ResponseItem,
    ResponseObject, ResponseStatus, ResponseTool, ResponsesRequest, TextFormat, ToolChoiceMode,
};

const PATH: &str = "/v1/responses";
const MODEL: &str = "gpt-4o-mini";

fn start() -> (MockServer, Setup) {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    (server, setup)
}

fn answer(
    server: &MockServer,
    setup: &Setup,
    case: &str,
    request: &ResponsesRequest,
) -> ResponseObject {
    send_both(server, PATH, setup, case, request).agreed_after(1).unwrap()
}

fn events(
    server: &MockServer,
    setup: &Setup,
    case: &str,
    request: &ResponsesRequest,
) -> StreamedItems<ResponsesRequest> {
    stream_both(server, PATH, setup, case, &*request.as_streaming()).agreed_after(1).unwrap()
}

/// A city and its country.
#[derive(Debug, PartialEq, serde::Deserialize, schemars::JsonSchema)]
struct Place {
    city: String,
    country: String,
}

/// The arguments of the time tool.
#[derive(Debug, PartialEq, serde::Deserialize, schemars::JsonSchema)]
struct TimeArgs {
    /// IANA zone.
    zone: String,
}

#[test]
fn a_text_answer_is_the_same_streamed_or_not() {
    let (server, setup) = start();
    let request = ResponsesRequest::new(MODEL, "Write a two-line summary of Tokyo.");
    let whole = answer(&server, &setup, "text", &request);
    assert_eq!(whole.status, Some(ResponseStatus::Completed));
    assert!(whole.id.starts_with("resp_"), "{}", whole.id);
    assert!(whole.output_text().starts_with("[naga-mock]"), "{}", whole.output_text());
    let usage = whole.usage.clone().unwrap();
    assert!(usage.input_tokens > 0 && usage.output_tokens > 0);
    assert_eq!(usage.total_tokens, usage.input_tokens + usage.output_tokens);

    let items = events(&server, &setup, "text-stream", &request);
    let kinds: Vec<&str> = items.iter().map(|i| i.as_ref().unwrap().kind()).collect();
    assert_eq!(kinds.first(), Some(&"response.created"));
    assert_eq!(kinds.last(), Some(&"response.completed"));
    let deltas: String = items.iter().filter_map(|i| i.as_ref().ok()?.text_delta()).collect();
    assert_eq!(deltas, whole.output_text());
    assert_eq!(
        added_up::<ResponseAccumulator>(items),
        whole,
        "the stream adds up to the non-streaming answer"
    );
}

#[test]
fn into_response_gives_the_same_answer_on_both_transports() {
    let (server, setup) = start();
    let request = ResponsesRequest::new(MODEL, "Say hello").instructions("Be terse.");
    let whole = answer(&server, &setup, "into", &request);
    let blocking = naga_conformance::Blocking::new(&setup);
    let streamed = blocking.client.response_stream(&request).unwrap().into_response().unwrap();
    assert_eq!(streamed, whole);
    let asynchronous = naga_conformance::Async::new(&setup);
    let streamed = asynchronous.runtime.block_on(async {
        let events = asynchronous.client.response_stream(&request).await.unwrap();
        events.into_response().await.unwrap()
    });
    assert_eq!(streamed, whole);
}

#[test]
fn a_tool_loop_calls_the_function_and_answers_its_result() {
    let (server, setup) = start();
    let tool = ResponseTool::function::<TimeArgs>("get_time", "Current time in a zone").unwrap();
    let mut request = ResponsesRequest::new(MODEL, "What time is it in Tokyo?")
        .tool(tool)
        .tool_choice(ToolChoiceMode::Required);
    let first = answer(&server, &setup, "tool", &request);
    let call = first.function_calls().next().expect("a function call");
    assert_eq!(call.name, "get_time");
    assert!(call.call_id.starts_with("call_"), "{}", call.call_id);
    let args: TimeArgs = call.arguments().unwrap();
    assert!(!args.zone.is_empty());
    let streamed =
        added_up::<ResponseAccumulator>(events(&server, &setup, "tool-stream", &request));
    assert_eq!(streamed, first);

    let call_id = call.call_id.clone();
    request.push_tool_results(&first, [(call_id, r#"{"time":"09:00"}"#)]);
    request.tool_choice = Some(ToolChoiceMode::Auto.into());
    let second = answer(&server, &setup, "tool-result", &request);
    assert_eq!(second.function_calls().count(), 0);
    assert!(!second.output_text().is_empty());
}

#[test]
fn reasoning_comes_first_with_its_summary_and_tokens() {
    let (server, setup) = start();
    let request = ResponsesRequest::new(MODEL, "Why is the sky blue?")
        .reasoning_effort(ReasoningEffort::High);
    let whole = answer(&server, &setup, "reasoning", &request);
    assert!(matches!(whole.output.first(), Some(ResponseItem::Reasoning(_))), "{:?}", whole.output);
    assert!(!whole.reasoning_summary().is_empty());
    let details = whole.usage.as_ref().and_then(|u| u.output_tokens_details.clone()).unwrap();
    assert!(details.reasoning_tokens.unwrap_or(0) > 0);
    let items = events(&server, &setup, "reasoning-stream", &request);
    let summary_deltas = items
        .iter()
        .filter(|i| matches!(i, Ok(ResponseEvent::ReasoningSummaryTextDelta(_))))
        .count();
    assert!(summary_deltas > 0);
    assert_eq!(added_up::<ResponseAccumulator>(items), whole);
}

#[test]
fn encrypted_reasoning_asked_for_comes_back_and_is_replayed_in_a_tool_loop() {
    let (server, setup) = start();
    let tool = ResponseTool::function::<TimeArgs>("get_time", "Current time in a zone").unwrap();
    let mut request = ResponsesRequest::new(MODEL, "What time is it in Tokyo?")
        .tool(tool)
        .tool_choice(ToolChoiceMode::Required)
        .reasoning_effort(ReasoningEffort::Low)
        .extra_field("include", serde_json::json!(["reasoning.encrypted_content"]));
    let first = answer(&server, &setup, "encrypted", &request);
    let Some(ResponseItem::Reasoning(reasoning)) = first.output.first() else {
        panic!("reasoning first: {:?}", first.output);
    };
    let token = reasoning.encrypted_content.clone().expect("encrypted_content, as asked");
    let streamed =
        added_up::<ResponseAccumulator>(events(&server, &setup, "encrypted-stream", &request));
    assert_eq!(streamed, first, "the stream carries it too");

    let call_id = first.function_calls().next().expect("a function call").call_id.clone();
    request.push_tool_results(&first, [(call_id, r#"{"time":"09:00"}"#)]);
    request.tool_choice = Some(ToolChoiceMode::Auto.into());
    server.reset();
    let second = answer(&server, &setup, "encrypted-replayed", &request);
    assert!(!second.output_text().is_empty());
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    let replayed = &sent["input"][1];
    assert_eq!(
        (&replayed["type"], &replayed["encrypted_content"]),
        (&"reasoning".into(), &token.into())
    );
}

#[test]
fn structured_output_parses_and_a_short_limit_is_reported_as_truncation() {
    let (server, setup) = start();
    let format = TextFormat::json_schema::<Place>().unwrap();
    let request = ResponsesRequest::new(MODEL, "Where is the Charles Bridge?").text_format(format);
    let place: Place = answer(&server, &setup, "json", &request).parse().unwrap();
    assert!(!place.city.is_empty() && !place.country.is_empty());

    let cut = ResponsesRequest::new(MODEL, "Tell me a long story").max_output_tokens(3);
    let whole = answer(&server, &setup, "cut", &cut);
    assert_eq!(whole.status, Some(ResponseStatus::Incomplete));
    assert_eq!(
        whole.incomplete_details.as_ref().and_then(|d| d.reason.as_deref()),
        Some("max_output_tokens")
    );
    assert!(matches!(whole.parse::<Place>(), Err(ParseError::Truncated { .. })));
    let items = events(&server, &setup, "cut-stream", &cut);
    assert!(matches!(items.last(), Some(Ok(ResponseEvent::Incomplete(_)))));
    assert_eq!(added_up::<ResponseAccumulator>(items), whole);
}

#[test]
fn an_error_in_the_stream_is_an_api_error_and_nothing_is_resent() {
    let (server, setup) = start();
    let setup = setup.header("x-mock-error-after-events", 6);
    let request = ResponsesRequest::new(MODEL, "Tell me a story");
    let items = events(&server, &setup, "error", &request);
    assert_eq!(items.len(), 7, "six events, then the error; `response.failed` is not repeated");
    assert!(items[..6].iter().all(Result::is_ok));
    let Some(Err(Failure::Api { kind, status, message, .. })) = items.last() else {
        panic!("{:?}", items.last())
    };
    assert_eq!((*kind, *status), (ApiErrorKind::Server, None));
    assert_eq!(message, "Upstream provider failed");

    let blocking = naga_conformance::Blocking::new(&setup);
    let partial = blocking.client.response_stream(&request).unwrap().into_response().unwrap_err();
    assert!(partial.partial.output_text().starts_with("[naga-mock]"), "text so far is kept");
    assert_eq!(
        partial.error.to_string(),
        "API error in stream (server_error): Upstream provider failed"
    );
}

#[test]
fn a_dropped_stream_is_truncated_or_io_never_a_success_and_never_resent() {
    let (server, setup) = start();
    let setup = setup.header("x-mock-drop-after-events", 5);
    let request = ResponsesRequest::new(MODEL, "Tell me a story");
    let runs = stream_both(&server, PATH, &setup, "drop", &*request.as_streaming());
    for run in runs.each() {
        assert_eq!(
            run.requests, 1,
            "{}: a POST whose answer started is not sent again",
            run.transport
        );
        let items = run.outcome.as_ref().unwrap();
        assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 5, "{}", run.transport);
        let last = items.last().unwrap();
        assert!(
            matches!(last, Err(Failure::Truncated { .. } | Failure::Io)),
            "{}: {last:?}",
            run.transport
        );
    }
}

#[test]
fn a_malformed_event_is_a_decode_error_and_the_stream_goes_on() {
    let (server, setup) = start();
    let setup = setup.header("x-mock-malformed-after-events", 4);
    let request = ResponsesRequest::new(MODEL, "Say hello");
    let items = events(&server, &setup, "malformed", &request);
    let errors: Vec<&Failure> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    assert_eq!(errors, [&Failure::Decode { what: "response stream event" }]);
    assert!(matches!(items.last(), Some(Ok(ResponseEvent::Completed(_)))));
}

#[test]
fn a_stream_answered_with_the_json_body_is_the_events_that_stream_it() {
    let (server, setup) = start();
    let request = ResponsesRequest::new(MODEL, "Say hello");
    let whole = answer(&server, &setup, "plain", &request);
    let ignoring = setup.header("x-mock-ignore-stream", 1);
    let items = events(&server, &ignoring, "ignored", &request);
    let echoed: String = items.iter().filter_map(|i| i.as_ref().ok()?.text_delta()).collect();
    assert_eq!(echoed, whole.output_text(), "the text arrives as deltas");
    let Some(Ok(ResponseEvent::Completed(snapshot))) = items.last() else { panic!("{items:?}") };
    assert_eq!(snapshot.response, whole);
    assert_eq!(added_up::<ResponseAccumulator>(items), whole);
}

#[test]
fn overloaded_attempts_are_retried_until_the_answer() {
    let (server, setup) = start();
    let setup = setup.header("x-mock-fail-times", 2).header("x-mock-retry-after-ms", 1);
    let request = ResponsesRequest::new(MODEL, "Say hello");
    let runs = send_both(&server, PATH, &setup, "retry", &request);
    let whole = runs.agreed_after(3).unwrap();
    assert!(whole.output_text().starts_with("[naga-mock]"));
}

#[test]
fn invalid_requests_are_refused_before_sending_and_the_server_refuses_the_rest() {
    let (server, setup) = start();
    let refused = ResponsesRequest::new(MODEL, "Hi").temperature(3.0);
    let failure = send_both(&server, PATH, &setup, "local", &refused).agreed_after(0).unwrap_err();
    assert_eq!(failure, Failure::InvalidRequest { field: "temperature".into() });

    let unserved = ResponsesRequest::new("text-embedding-3-small", "Hi");
    let failure =
        send_both(&server, PATH, &setup, "unserved", &unserved).agreed_after(1).unwrap_err();
    assert!(
        matches!(
            &failure,
            Failure::Api { kind: ApiErrorKind::InvalidRequest, status: Some(400), .. }
        ),
        "{failure:?}"
    );
}
