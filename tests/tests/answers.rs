//! Successful answers: both transports return the emulator's answer, and a stream adds up to
//! exactly the non-streaming completion.

use naga_conformance::{Setup, both};
use naga_mock::MockServer;
use naga_protocol::{
    ChatCompletion, ChatRequest, FinishReason, Message, ReasoningEffort, ResponseFormat, Tool,
    ToolChoice,
};
use serde_json::json;

fn request(text: &str) -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user(text)])
}

/// Non-streaming and streamed (with the usage trailer) completions of `request` through both
/// transports, each checked equal across transports and equal to each other; returns the
/// completion.
fn same_everywhere(server: &MockServer, case: &str, request: &ChatRequest) -> ChatCompletion {
    let setup = Setup::new(server.base_url());
    let plain = both(Some(server), &setup, &format!("{case}-chat"), |t| t.chat(request));
    let with_usage = request.clone().stream_with_usage();
    let streamed =
        both(Some(server), &setup, &format!("{case}-stream"), |t| t.chat_stream(&with_usage));
    let (plain, streamed) = (plain.agreed(), streamed.agreed());
    assert_eq!((plain.requests, streamed.requests), (1, 1), "{case}");
    assert_eq!(streamed.outcome.completion(), plain.outcome.completion(), "{case}");
    plain.outcome.completion().clone()
}

#[test]
fn plain_completion_is_the_emulated_answer() {
    let server = MockServer::start_blocking();
    let completion = same_everywhere(&server, "plain", &request("Write a haiku about Tokyo."));
    let text = completion.text().unwrap();
    assert!(text.starts_with("[naga-mock]"), "{text}");
    assert!(text.contains("Tōkyō — 東京 🗼"), "{text}");
    assert!(completion.id.starts_with("chatcmpl-mock-"), "{}", completion.id);
    assert_eq!(completion.model, "gpt-4o-mini");
    assert_eq!(completion.finish_reason(), Some(&FinishReason::Stop));
    assert!(completion.usage.as_ref().unwrap().total_tokens > 0);
}

#[test]
fn stream_with_usage_trailer_equals_the_completion() {
    let server = MockServer::start_blocking();
    let req = request("Summarise the history of Edo in three words.");
    let setup = Setup::new(server.base_url());
    let plain = both(Some(&server), &setup, "usage-chat", |t| t.chat(&req));
    let streamed =
        both(Some(&server), &setup, "usage", |t| t.chat_stream(&req.clone().stream_with_usage()));
    let streamed = streamed.agreed();
    let completion = streamed.outcome.completion();
    assert_eq!(completion, plain.agreed().outcome.completion());
    let usage = completion.usage.as_ref().expect("usage trailer accumulated");
    assert_eq!(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    let recorded = server.requests().last().unwrap().json().unwrap();
    assert_eq!(recorded["stream_options"], json!({"include_usage": true}));
}

#[test]
fn stream_without_done_still_succeeds() {
    let server = MockServer::start_blocking();
    let req = request("No terminator please.");
    let plain =
        both(Some(&server), &Setup::new(server.base_url()), "nodone-chat", |t| t.chat(&req));
    let setup = Setup::new(server.base_url()).header("x-mock-no-done", "1");
    let streamed = req.clone().stream_with_usage();
    let runs = both(Some(&server), &setup, "nodone", |t| t.chat_stream(&streamed));
    let run = runs.agreed();
    assert_eq!(run.requests, 1);
    let plain = plain.agreed().outcome.completion();
    assert_eq!(run.outcome.completion(), plain);
    // Without the trailer, the chunk with a finish_reason is the terminal event.
    let bare = both(Some(&server), &setup, "nodone-bare", |t| t.chat_stream(&req));
    let bare = bare.agreed().outcome.completion();
    assert_eq!(*bare, ChatCompletion { usage: None, ..plain.clone() });
}

#[test]
fn a_stream_answered_with_one_json_document_is_that_completion() {
    let server = MockServer::start_blocking();
    let req = request("Answer without streaming.");
    let plain =
        both(Some(&server), &Setup::new(server.base_url()), "document-chat", |t| t.chat(&req));
    let setup = Setup::new(server.base_url()).header("x-mock-ignore-stream", "1");
    let runs = both(Some(&server), &setup, "document", |t| t.chat_stream(&req));
    let run = runs.agreed();
    assert_eq!(run.requests, 1);
    let recorded = server.requests().last().unwrap().json().unwrap();
    assert_eq!(recorded["stream"], json!(true), "the request did ask for a stream");
    assert_eq!(run.outcome.completion(), plain.agreed().outcome.completion());
}

fn weather_tool() -> Tool {
    let parameters = json!({
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city", "days"],
        "additionalProperties": false
    });
    Tool::function_value("get_weather", "Weather forecast for a city", parameters)
}

#[test]
fn tools_with_required_choice_accumulate_to_parsable_arguments() {
    let server = MockServer::start_blocking();
    let req = request("Will it rain in Osaka?")
        .tools([weather_tool()])
        .tool_choice(ToolChoice::required());
    let completion = same_everywhere(&server, "tools", &req);
    assert_eq!(completion.finish_reason(), Some(&FinishReason::ToolCalls));
    let calls = completion.tool_calls();
    assert!(!calls.is_empty());
    for call in calls {
        assert_eq!(call.function.name, "get_weather");
        let args: serde_json::Value = serde_json::from_str(&call.function.arguments).unwrap();
        assert!(args["city"].is_string() && args["days"].is_i64(), "{args}");
    }
}

#[test]
fn reasoning_effort_high_streams_the_same_reasoning() {
    let server = MockServer::start_blocking();
    let req = request("Think hard: why is the sky blue?").reasoning_effort(ReasoningEffort::High);
    let completion = same_everywhere(&server, "reasoning", &req);
    let message = &completion.first_choice().unwrap().message;
    assert!(message.reasoning_content.as_deref().is_some_and(|r| !r.is_empty()), "{message:?}");
}

#[test]
fn json_schema_format_streams_valid_json() {
    let server = MockServer::start_blocking();
    let schema = json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["name", "population"],
        "additionalProperties": false
    });
    let req = request("Describe Tokyo.")
        .response_format(ResponseFormat::json_schema_value("city", schema));
    let completion = same_everywhere(&server, "schema", &req);
    let value: serde_json::Value = serde_json::from_str(completion.text().unwrap()).unwrap();
    assert!(value["name"].is_string() && value["population"].is_i64(), "{value}");
}

#[test]
fn stop_sequence_cuts_both_ways_alike() {
    let server = MockServer::start_blocking();
    let full = same_everywhere(&server, "stop-full", &request("Tell me about Kyoto."));
    let words: Vec<&str> = full.text().unwrap().split_whitespace().collect();
    let stop = words[3].to_owned();
    let cut =
        same_everywhere(&server, "stop", &request("Tell me about Kyoto.").stop(stop.as_str()));
    let text = cut.text().unwrap();
    assert!(!text.contains(&stop) && full.text().unwrap().starts_with(text), "{text:?} / {stop:?}");
    assert_eq!(cut.finish_reason(), Some(&FinishReason::Stop));
}

#[test]
fn max_completion_tokens_cuts_both_ways_alike() {
    let server = MockServer::start_blocking();
    let req = request("Tell me everything about Nara.").max_completion_tokens(3);
    let completion = same_everywhere(&server, "max-tokens", &req);
    assert_eq!(completion.text().unwrap().split_whitespace().count(), 3);
    assert_eq!(completion.finish_reason(), Some(&FinishReason::Length));
}
