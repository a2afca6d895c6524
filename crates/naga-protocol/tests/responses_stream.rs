//! `ResponseStream` and `ResponseAccumulator` on recorded-shape streams: every split gives
//! the same events, the added-up response equals the final snapshot, errors are typed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests

mod decoding;

use naga_protocol::{
    ApiErrorKind, Error, ItemPart, Operation, ResponseAccumulator, ResponseEvent, ResponseItem,
    ResponseObject, ResponseStatus, ResponseStream, ResponsesRequest, StreamError,
};

const TEXT: &str = include_str!("data/responses-openai-text.sse");
const TOOL: &str = include_str!("data/responses-tool-reasoning.sse");

fn run(body: &[u8], step: usize) -> Vec<Result<ResponseEvent, Error>> {
    decoding::drain(ResponseStream::new(), body, step)
}

fn kinds(items: &[Result<ResponseEvent, Error>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(event) => event.kind().to_owned(),
            Err(err) => format!("error: {err}"),
        })
        .collect()
}

#[test]
fn a_text_stream_decodes_every_event_and_adds_up_to_the_final_snapshot() {
    let items = run(TEXT.as_bytes(), usize::MAX);
    assert_eq!(
        kinds(&items),
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed",
        ]
    );
    let deltas: String = items.iter().filter_map(|i| i.as_ref().ok()?.text_delta()).collect();
    assert_eq!(deltas, "Hi there é😀");
    let added = ResponseAccumulator::accumulate(items.clone()).unwrap();
    let Some(Ok(ResponseEvent::Completed(last))) = items.last() else { panic!("no completed") };
    assert_eq!(added, last.response);
    assert_eq!(added.output_text(), "Hi there é😀");
    assert_eq!(added.status, Some(ResponseStatus::Completed));
    assert_eq!(added.usage.as_ref().map(|u| (u.input_tokens, u.total_tokens)), Some((37, 48)));
    // Echoed settings are read, not dropped.
    assert_eq!(added.instructions, Some("You are a helpful assistant.".into()));
}

#[test]
fn every_split_gives_the_same_events() {
    for body in [TEXT, TOOL] {
        let whole = run(body.as_bytes(), usize::MAX);
        for step in [1, 2, 3, 7, 64, 1000] {
            assert_eq!(run(body.as_bytes(), step), whole, "step {step}");
        }
        let crlf = body.replace('\n', "\r\n");
        assert_eq!(run(crlf.as_bytes(), 5), whole, "CRLF");
    }
}

#[test]
fn reasoning_and_function_call_deltas_add_up_while_streaming() {
    let items = run(TOOL.as_bytes(), 16);
    assert!(items.iter().all(Result::is_ok), "{:?}", kinds(&items));
    // Without the final snapshot (and without the items' `done` forms) the deltas alone
    // must give the same text and arguments.
    let mut accumulator = ResponseAccumulator::new();
    for event in items.iter().flatten() {
        if !matches!(event, ResponseEvent::Completed(_) | ResponseEvent::OutputItemDone(_)) {
            accumulator.push(event);
        }
    }
    let partial = accumulator.finish();
    assert_eq!(partial.reasoning_summary(), "Need the weather.");
    let call = partial.function_calls().next().unwrap();
    assert_eq!((call.call_id.as_str(), call.name.as_str()), ("call_abc", "get_weather"));
    assert_eq!(call.arguments, r#"{"city":"Paris"}"#);
    #[derive(serde::Deserialize, PartialEq, Debug)]
    struct Args {
        city: String,
    }
    assert_eq!(call.arguments::<Args>().unwrap(), Args { city: "Paris".into() });

    let whole = ResponseAccumulator::accumulate(items).unwrap();
    let usage = whole.usage.unwrap();
    assert_eq!(usage.output_tokens_details.unwrap().reasoning_tokens, Some(12));
    let ResponseItem::Reasoning(reasoning) = &whole.output[0] else { panic!("not reasoning") };
    assert_eq!(reasoning.encrypted_content.as_deref(), Some("gAAA=="));
}

#[test]
fn a_stream_cut_before_its_final_event_is_truncated_and_keeps_the_text_so_far() {
    let cut = TEXT.find("event: response.output_text.done").unwrap();
    let items = run(&TEXT.as_bytes()[..cut], 10);
    let last = items.last().unwrap();
    assert!(matches!(last, Err(Error::Stream(StreamError::Truncated { events: 6 }))), "{last:?}");
    let partial = ResponseAccumulator::accumulate(items).unwrap_err();
    assert_eq!(partial.partial.output_text(), "Hi there é😀");
    // Cut inside an event: still truncated, never a silent success.
    let items = run(&TEXT.as_bytes()[..TEXT.len() - 40], 10);
    assert!(matches!(items.last(), Some(Err(Error::Stream(StreamError::Truncated { .. })))));
    // `[DONE]` where `response.completed` should have come first: the same truncation.
    let done_early = format!("{}data: [DONE]\n\n", &TEXT[..cut]);
    let items = run(done_early.as_bytes(), 10);
    let last = items.last().unwrap();
    assert!(matches!(last, Err(Error::Stream(StreamError::Truncated { events: 7 }))), "{last:?}");
}

#[test]
fn text_for_an_unknown_item_is_not_credited_to_its_neighbour() {
    let events = [
        r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"A"}"#,
        r#"{"type":"response.output_text.delta","item_id":"msg_x","output_index":0,"content_index":0,"delta":"GHOST"}"#,
        r#"{"type":"response.output_text.delta","item_id":"","output_index":0,"content_index":0,"delta":"B"}"#,
    ];
    let mut accumulator = ResponseAccumulator::new();
    for event in events {
        accumulator.push(&ResponseEvent::from_json(event).unwrap());
    }
    assert_eq!(accumulator.snapshot().output_text(), "AB");
}

#[test]
fn eof_after_the_completed_event_is_clean_without_done() {
    let items = run(TOOL.as_bytes(), 100);
    assert_eq!(items.last().map(|i| i.as_ref().unwrap().kind()), Some("response.completed"));
}

#[test]
fn the_completed_event_ends_the_stream_and_later_bytes_are_not_read() {
    let extra = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"EXTRA\"}\n\nevent: error\ndata: {\"type\":\"error\",\"message\":\"late\"}\n\n";
    for step in [1, 7, usize::MAX] {
        let whole = format!("{TOOL}{extra}");
        let items = run(whole.as_bytes(), step);
        assert_eq!(kinds(&items), kinds(&run(TOOL.as_bytes(), step)), "step {step}");
    }
    // Done as soon as the event is taken, with the body still open.
    let mut stream = ResponseStream::new();
    stream.feed(TOOL.as_bytes());
    let mut last = None;
    while let Some(event) = stream.next_event() {
        last = Some(event.unwrap().kind().to_owned());
    }
    assert_eq!(last.as_deref(), Some("response.completed"));
    assert!(stream.is_done());
    stream.feed(extra.as_bytes());
    stream.finish();
    assert!(stream.next_event().is_none());
}

#[test]
fn slim_done_events_keep_the_text_and_arguments_added_up() {
    let events = [
        r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}"#,
        r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo"}"#,
        r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[]}}"#,
        r#"{"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"weather","arguments":""}}"#,
        r#"{"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":1,"delta":"{\"city\":\"Paris\"}"}"#,
        r#"{"type":"response.output_item.done","output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"weather","arguments":"","status":"completed"}}"#,
        r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[]}}"#,
    ];
    let body: String = events.iter().map(|data| format!("data: {data}\n\n")).collect();
    let added = ResponseAccumulator::accumulate(run(body.as_bytes(), usize::MAX)).unwrap();
    assert_eq!(added.output_text(), "Hello");
    let Some(ResponseItem::FunctionCall(call)) = added.output.get(1) else { panic!("{added:?}") };
    assert_eq!((call.name.as_str(), call.arguments.as_str()), ("weather", "{\"city\":\"Paris\"}"));
    let Some(ResponseItem::Message(message)) = added.output.first() else { panic!("{added:?}") };
    assert!(message.status.is_some(), "the done item's other fields are taken");
}

#[test]
fn slim_done_reasoning_and_empty_text_parts_keep_what_streamed() {
    let events = [
        r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}}"#,
        r#"{"type":"response.reasoning_summary_part.added","item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}"#,
        r#"{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Think."}"#,
        r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}}"#,
        r#"{"type":"response.output_item.added","output_index":1,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"content_index":0,"delta":"Hello"}"#,
        r#"{"type":"response.output_item.done","output_index":1,"item":{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"","annotations":[]}]}}"#,
        r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed"}}"#,
    ];
    let body: String = events.iter().map(|data| format!("data: {data}\n\n")).collect();
    let added = ResponseAccumulator::accumulate(run(body.as_bytes(), usize::MAX)).unwrap();
    assert_eq!(added.output_text(), "Hello");
    assert_eq!(added.reasoning_summary(), "Think.");
}

#[test]
fn an_item_event_without_its_item_is_skipped_not_a_failure() {
    let events = [
        r#"{"type":"response.output_item.added","output_index":0}"#,
        r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello, world!"}"#,
        r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed"}}"#,
    ];
    let body: String = events.iter().map(|data| format!("data: {data}\n\n")).collect();
    let items = run(body.as_bytes(), 7);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    let added = ResponseAccumulator::accumulate(items).unwrap();
    assert_eq!(added.output.len(), 1);
    assert_eq!(added.output_text(), "Hello, world!");
}

#[test]
fn items_with_an_empty_id_stay_apart() {
    let events = [
        r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"","role":"assistant","content":[{"type":"output_text","text":"First."}]}}"#,
        r#"{"type":"response.output_item.added","output_index":1,"item":{"type":"message","id":"","role":"assistant","content":[]}}"#,
        r#"{"type":"response.output_text.delta","item_id":"","output_index":1,"content_index":0,"delta":" Second."}"#,
        r#"{"type":"response.output_item.added","output_index":2,"item":{"type":"function_call","id":"","call_id":"call_1","name":"weather","arguments":""}}"#,
        r#"{"type":"response.function_call_arguments.delta","item_id":"","output_index":2,"delta":"{\"city\""}"#,
        r#"{"type":"response.function_call_arguments.delta","item_id":"","output_index":2,"delta":":\"Oslo\"}"}"#,
        r#"{"type":"response.output_item.done","output_index":2,"item":{"type":"function_call","id":"","call_id":"call_1","name":"weather","arguments":"","status":"completed"}}"#,
        r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[]}}"#,
    ];
    let body: String = events.iter().map(|data| format!("data: {data}\n\n")).collect();
    let added = ResponseAccumulator::accumulate(run(body.as_bytes(), usize::MAX)).unwrap();
    assert_eq!(added.output.len(), 3, "{added:?}");
    assert_eq!(added.output_text(), "First. Second.");
    let Some(ResponseItem::FunctionCall(call)) = added.output.get(2) else { panic!("{added:?}") };
    assert_eq!(call.arguments, r#"{"city":"Oslo"}"#);
}

#[test]
fn an_error_event_is_an_api_error_and_ends_the_stream() {
    let body = concat!(
        "event: response.output_text.delta\n",
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}\n\n",
        "event: error\n",
        "data: {\"type\":\"error\",\"sequence_number\":3,\"code\":\"server_error\",\"message\":\"Upstream provider failed\",\"param\":null}\n\n",
        "event: response.failed\n",
        "data: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"Upstream provider failed\"}}}\n\n",
        "data: [DONE]\n\n",
    );
    let items = run(body.as_bytes(), 9);
    assert_eq!(items.len(), 2, "{:?}", kinds(&items));
    let Err(Error::Api(api)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.status, None);
    assert_eq!(api.error_type.as_deref(), Some("server_error"));
    assert_eq!(api.message, "Upstream provider failed");
}

#[test]
fn a_failed_response_alone_is_an_api_error_with_its_code() {
    let body = "data: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}}}\n\n";
    let items = run(body.as_bytes(), 4);
    let [Err(Error::Api(api))] = items.as_slice() else { panic!("{items:?}") };
    assert_eq!((api.kind, api.message.as_str()), (ApiErrorKind::RateLimited, "slow down"));
}

#[test]
fn a_chat_style_error_frame_is_an_api_error_too() {
    let body = "data: {\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}\n\n";
    let items = run(body.as_bytes(), 3);
    let [Err(Error::Api(api))] = items.as_slice() else { panic!("{items:?}") };
    assert_eq!((api.kind, api.message.as_str()), (ApiErrorKind::Server, "boom"));
}

#[test]
fn unknown_events_pass_and_bad_ones_are_decode_errors_that_do_not_stop_the_stream() {
    let body = concat!(
        "data: {\"type\":\"response.web_search_call.searching\",\"item_id\":\"ws_1\",\"output_index\":0}\n\n",
        "data: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":7}\n\n",
        "data: not json\n\n",
        "event: response.completed\n",
        "data: {\"response\":{\"id\":\"r\",\"status\":\"completed\",\"output\":[]}}\n\n",
    );
    let items = run(body.as_bytes(), 5);
    assert_eq!(items.len(), 4, "{:?}", kinds(&items));
    let Ok(ResponseEvent::Other(other)) = &items[0] else { panic!("{:?}", items[0]) };
    assert_eq!(other["item_id"], "ws_1");
    assert_eq!(items[0].as_ref().unwrap().kind(), "response.web_search_call.searching");
    // A known type whose essential field (`item`) is of the wrong kind is a decode error.
    assert!(matches!(&items[1], Err(Error::Decode { what: "response stream event", .. })));
    assert!(matches!(&items[2], Err(Error::Decode { snippet, .. }) if snippet == "not json"));
    // No `type` in the JSON: the SSE event name says what it is; the stream ends cleanly.
    assert!(matches!(&items[3], Ok(ResponseEvent::Completed(s)) if s.response.id == "r"));
}

#[test]
fn document_bodies_become_an_api_error_the_response_or_a_typed_error() {
    let envelope = br#"{"error":{"type":"insufficient_quota","message":"top up"}}"#;
    let items = run(envelope, 7);
    let [Err(Error::Api(api))] = items.as_slice() else { panic!("{items:?}") };
    assert_eq!(api.kind, ApiErrorKind::InsufficientQuota);

    let answer = br#"  {"id":"resp_9","object":"response","status":"incomplete","output":[]}"#;
    let items = run(answer, 4);
    let [Ok(ResponseEvent::Incomplete(snapshot))] = items.as_slice() else { panic!("{items:?}") };
    assert_eq!(snapshot.response.id, "resp_9");

    let page = b"<html><body>502 Bad Gateway</body></html>";
    let items = run(page, 100);
    let [Err(Error::Stream(StreamError::UnexpectedDocument { snippet }))] = items.as_slice() else {
        panic!("{items:?}")
    };
    assert!(snippet.contains("502 Bad Gateway"));
}

#[test]
fn a_response_document_comes_as_the_events_that_stream_it() {
    // A gateway that ignores `stream: true`: deltas to echo, and the document when added up.
    let answer = r#"{"id":"resp_1","object":"response","status":"completed","output":[
        {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Think."}]},
        {"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[
            {"type":"output_text","text":"Tō","annotations":[]},
            {"type":"refusal","refusal":"no"},
            {"type":"output_text","text":"kyō","annotations":[]}]},
        {"type":"function_call","id":"fc_1","call_id":"c1","name":"f","arguments":"{}"}],
        "usage":{"input_tokens":3,"output_tokens":4,"total_tokens":7}}"#;
    let items = run(answer.as_bytes(), 6);
    let kinds: Vec<&str> = items.iter().map(|item| item.as_ref().unwrap().kind()).collect();
    assert_eq!(
        kinds,
        [
            "response.output_item.added",
            "response.output_item.done",
            "response.output_item.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_item.done",
            "response.output_item.added",
            "response.output_item.done",
            "response.completed",
        ]
    );
    let echoed: String = items.iter().filter_map(|e| e.as_ref().ok()?.text_delta()).collect();
    assert_eq!(echoed, "Tōkyō");
    let Ok(ResponseEvent::OutputItemAdded(added)) = &items[2] else { panic!("{items:?}") };
    let ResponseItem::Message(started) = &added.item else { panic!("{added:?}") };
    assert_eq!(started.text(), "", "the message starts without its text");
    let whole: ResponseObject = serde_json::from_str(answer).unwrap();
    let added_up = ResponseAccumulator::accumulate(items.iter().cloned()).unwrap();
    assert_eq!(added_up, whole);
    // Every step of the way the message holds what was echoed so far.
    let mut accumulator = ResponseAccumulator::new();
    for item in &items[..5] {
        accumulator.push(item.as_ref().unwrap());
    }
    assert_eq!(accumulator.snapshot().output_text(), "Tōkyō");
}

#[test]
fn hostile_indexes_pad_nothing_and_text_for_unknown_items_is_dropped() {
    let body = concat!(
        "data: {\"type\":\"response.output_item.added\",\"output_index\":4294967295,\"item\":{\"type\":\"message\",\"id\":\"m\",\"role\":\"assistant\",\"content\":[]}}\n\n",
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":4294967295,\"content_index\":4294967295,\"delta\":\"ok\"}\n\n",
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"nope\",\"output_index\":7,\"delta\":\"lost\"}\n\n",
        "data: {\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"m\",\"output_index\":0,\"delta\":\"{}\"}\n\n",
    );
    let partial = ResponseAccumulator::accumulate(run(body.as_bytes(), 50)).unwrap_err().partial;
    assert_eq!(partial.output.len(), 1);
    let ResponseItem::Message(message) = &partial.output[0] else { panic!() };
    let naga_protocol::ItemContent::Parts(parts) = &message.content else { panic!() };
    assert_eq!(parts.len(), 1);
    assert!(matches!(&parts[0], ItemPart::OutputText(text) if text.text == "ok"));
}

#[test]
fn a_non_streaming_call_answered_with_events_adds_them_up() {
    let object = ResponsesRequest::decode_output(TEXT.as_bytes()).unwrap();
    assert_eq!(object.output_text(), "Hi there é😀");
    let json = serde_json::to_vec(&object).unwrap();
    let again: ResponseObject = ResponsesRequest::decode_output(&json).unwrap();
    assert_eq!(again, object);
}

#[test]
fn a_stream_decoder_stops_reading_after_the_error() {
    let mut stream = ResponseStream::new();
    stream.feed(b"data: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"x\"}\n\n");
    assert!(matches!(stream.next_event(), Some(Err(Error::Api(_)))));
    assert!(stream.is_done());
    stream.feed(b"data: {\"type\":\"response.completed\",\"response\":{}}\n\n");
    stream.finish();
    assert!(stream.next_event().is_none());
}

#[test]
fn delta_events_read_the_same_whichever_key_comes_first() {
    let first = r#"data: {"type":"response.output_text.delta","item_id":"m","output_index":1,"content_index":0,"delta":"Hi \u00e9","logprobs":[],"obfuscation":"x1"}"#;
    let later = r#"data: {"item_id":"m","output_index":1,"content_index":0,"delta":"Hi \u00e9","logprobs":[],"obfuscation":"x1","type":"response.output_text.delta"}"#;
    let read = |line: &str| run(format!("{line}\n\n").as_bytes(), 1000).remove(0).unwrap();
    let fast = read(first);
    assert_eq!(fast, read(later));
    let ResponseEvent::OutputTextDelta(delta) = &fast else { panic!("{fast:?}") };
    assert_eq!(
        (delta.delta.as_str(), delta.output_index, delta.content_index),
        ("Hi é", 1, Some(0))
    );
    assert_eq!(delta.extra.keys().collect::<Vec<_>>(), ["logprobs", "obfuscation"]);
    // A delta without `delta` adds nothing; a repeated `type` counts its last value.
    let empty = read(r#"data: {"type":"response.function_call_arguments.delta","item_id":"fc"}"#);
    assert!(matches!(&empty, ResponseEvent::FunctionCallArgumentsDelta(d) if d.delta.is_empty()));
    let retyped = r#"data: {"type":"response.output_text.delta","delta":"x","type":"error","message":"boom"}"#;
    let items = run(format!("{retyped}\n\n").as_bytes(), 7);
    assert!(matches!(&items[0], Err(Error::Api(api)) if api.message == "boom"), "{items:?}");
}
