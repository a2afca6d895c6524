//! Answers that are no answer under a status that says success, and waits a server asks for:
//! both transports return the same error after the same number of requests, never an empty
//! success, and never send again sooner than asked.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)] // tests

use naga_conformance::{Async, Blocking, Failure, Sender, Setup};
use naga_mock::canned::{CannedServer, Reply, json, sse_head};
use naga_protocol::{
    ApiErrorKind, ChatRequest, Message, ModerationRequest, ResponsesRequest, SpeechRequest,
};

/// Naga's error envelope.
const ENVELOPE: &str = r#"{"error":{"type":"server_error","message":"upstream provider failed"}}"#;

/// `call` through each transport against a server answering every request with `reply`:
/// the two results, which must agree, and the connections each transport made.
fn through_both<T: PartialEq + std::fmt::Debug>(
    reply: &Reply,
    call: impl Fn(&dyn SenderCall) -> T,
) -> (T, usize) {
    let mut results = Vec::new();
    let mut connections = Vec::new();
    for transport in ["blocking", "async"] {
        let server = CannedServer::start(vec![reply.clone()]);
        let setup = Setup::new(server.url.clone());
        let result = match transport {
            "blocking" => call(&Blocking::new(&setup)),
            _ => call(&Async::new(&setup)),
        };
        results.push(result);
        connections.push(server.count());
    }
    let (second, first) = (results.pop().unwrap(), results.pop().unwrap());
    assert_eq!(first, second, "the transports disagree");
    assert_eq!(connections[0], connections[1], "the transports sent differently");
    (first, connections[0])
}

/// The calls the cases make, on either transport.
trait SenderCall {
    /// A chat completion, not streamed.
    fn chat(&self) -> Result<(), Failure>;
    /// Speech, whole or streamed (every chunk read).
    fn speech(&self, streamed: bool) -> Result<(), Failure>;
    /// A moderation.
    fn moderation(&self) -> Result<(), Failure>;
    /// A streamed response: the last item's failure, if any.
    fn response_stream_end(&self) -> Option<Failure>;
    /// A streamed chat: the last item's failure, if any, and the number of items.
    fn chat_stream_end(&self) -> (Option<Failure>, usize);
}

impl<S: Sender> SenderCall for S {
    fn chat(&self) -> Result<(), Failure> {
        self.send(&ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")])).map(drop)
    }

    fn speech(&self, streamed: bool) -> Result<(), Failure> {
        let request = SpeechRequest::new("gpt-4o-mini-tts", "alloy", "Tokyo.");
        if !streamed {
            return self.send(&request).map(drop);
        }
        let items = self.stream_all(&request)?;
        items.into_iter().find_map(Result::err).map_or(Ok(()), Err)
    }

    fn moderation(&self) -> Result<(), Failure> {
        self.send(&ModerationRequest::new("omni-moderation-latest", "text")).map(drop)
    }

    fn response_stream_end(&self) -> Option<Failure> {
        let request = ResponsesRequest::new("gpt-4.1-mini", "Tokyo?");
        let items = self.stream_all(&*request.as_streaming()).ok()?;
        items.into_iter().last()?.err()
    }

    fn chat_stream_end(&self) -> (Option<Failure>, usize) {
        let request = ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]);
        let items = self.stream_all(&request).unwrap();
        (items.last().and_then(|item| item.as_ref().err().cloned()), items.len())
    }
}

fn api(message: &str, kind: ApiErrorKind) -> Failure {
    let error_type = Some("server_error".to_owned()).filter(|_| kind == ApiErrorKind::Server);
    Failure::Api { kind, status: None, error_type, message: message.to_owned() }
}

#[test]
fn an_error_envelope_under_200_is_the_error_for_chat_and_speech() {
    let reply = json(200, "", ENVELOPE);
    let expected = Err(api("upstream provider failed", ApiErrorKind::Server));
    assert_eq!(through_both(&reply, |t| t.chat()), (expected.clone(), 1));
    assert_eq!(through_both(&reply, |t| t.speech(false)), (expected.clone(), 1));
    assert_eq!(through_both(&reply, |t| t.speech(true)), (expected, 1));
}

#[test]
fn a_page_or_an_empty_body_in_place_of_audio_is_an_error() {
    let page = "<html><head><title>Maintenance</title></head><body>back soon</body></html>";
    let html = Reply::Raw(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
        page.len()
    ));
    let empty = Reply::Raw(
        "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            .to_owned(),
    );
    for reply in [html, empty] {
        for streamed in [false, true] {
            let (result, requests) = through_both(&reply, |t| t.speech(streamed));
            assert_eq!(result, Err(Failure::Decode { what: "speech audio" }), "{reply:?}");
            assert_eq!(requests, 1);
        }
    }
}

#[test]
fn audio_whose_end_is_the_close_and_that_is_reset_partway_is_no_answer() {
    // No length and no chunks: the close ends the body. A reset is not that close (RFC 9112
    // §8): what arrived before it is cut short, not a whole answer.
    let audio = format!("RIFF\u{24}\0\0\0WAVE{}", "\u{1}\u{2}".repeat(2_000));
    let head = "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\nconnection: close\r\n\r\n";
    let reply = Reply::Reset(format!("{head}{audio}"));
    for streamed in [false, true] {
        let (result, requests) = through_both(&reply, |t| t.speech(streamed));
        assert!(result.is_err(), "streamed: {streamed}: {result:?}");
        assert_eq!(requests, 1, "the answer began: not sent again");
    }
    // Closed instead, the same bytes are the whole answer.
    let closed = Reply::Raw(format!("{head}{audio}"));
    for streamed in [false, true] {
        assert_eq!(through_both(&closed, |t| t.speech(streamed)), (Ok(()), 1));
    }
}

#[test]
fn a_moderation_without_a_verdict_does_not_pass() {
    let reply = json(200, "", r#"{"id":"modr-1","model":"m","results":[]}"#);
    let (result, requests) = through_both(&reply, |t| t.moderation());
    assert_eq!((result, requests), (Err(Failure::Decode { what: "moderation" }), 1));
}

#[test]
fn a_chat_stream_that_says_done_before_any_chunk_is_truncated_not_an_empty_answer() {
    let reply = Reply::Raw(format!("{}: ping\n\ndata: [DONE]\n\n", sse_head()));
    let (end, requests) = through_both(&reply, |t| t.chat_stream_end());
    assert_eq!(end, (Some(Failure::Truncated { events: 1 }), 1));
    assert_eq!(requests, 1);
}

#[test]
fn a_responses_stream_that_says_done_before_it_completed_is_truncated() {
    let delta = r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Tok"}"#;
    let reply = Reply::Raw(format!(
        "{}event: response.output_text.delta\ndata: {delta}\n\ndata: [DONE]\n\n",
        sse_head()
    ));
    let (end, requests) = through_both(&reply, |t| t.response_stream_end());
    assert_eq!(end, Some(Failure::Truncated { events: 2 }));
    assert_eq!(requests, 1);
}

#[test]
fn a_wait_longer_than_the_client_waits_is_returned_at_once_not_cut_short() {
    let limited = r#"{"error":{"type":"rate_limit_exceeded","message":"slow down"}}"#;
    let reply = json(429, "retry-after: 3600\r\n", limited);
    let (result, requests) = through_both(&reply, |t| t.chat());
    let Err(Failure::Api { kind, status, .. }) = result else { panic!("{result:?}") };
    assert_eq!((kind, status, requests), (ApiErrorKind::RateLimited, Some(429), 1));
}

#[test]
fn responses_and_messages_streams_end_at_their_last_event_while_the_body_stays_open() {
    use naga_conformance::StreamedItems;
    use naga_protocol::{MessageParam, MessagesRequest, ResponseEvent};
    use std::time::{Duration, Instant};
    let response = r#"{"id":"resp_1","object":"response","status":"completed","output":[]}"#;
    let responses = format!(
        "{}event: response.output_text.delta\ndata: {}\n\nevent: response.completed\ndata: {{\"type\":\"response.completed\",\"response\":{response}}}\n\nevent: response.output_text.delta\ndata: {}\n\n",
        sse_head(),
        r#"{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":"Tok"}"#,
        r#"{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":"EXTRA"}"#,
    );
    let start = r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"m","stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}"#;
    let messages = format!(
        "{}event: message_start\ndata: {start}\n\nevent: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\nevent: ping\ndata: {{\"type\":\"ping\"}}\n\n",
        sse_head()
    );
    for transport in ["blocking", "async"] {
        // The body stays open for 30 s after the last event; the idle limit is 10 s.
        let held = |body: &str| {
            CannedServer::start(vec![Reply::Stall(body.to_owned(), Duration::from_secs(30))])
        };
        let (r_server, m_server) = (held(&responses), held(&messages));
        let (r_setup, m_setup) =
            (Setup::new(r_server.url.clone()), Setup::new(m_server.url.clone()));
        let (r_setup, m_setup) =
            (r_setup.idle(Duration::from_secs(10)), m_setup.idle(Duration::from_secs(10)));
        let began = Instant::now();
        let request = ResponsesRequest::new("gpt-4.1-mini", "Tokyo?");
        let message = MessagesRequest::new("claude-sonnet-4.5", 64, [MessageParam::user("Tokyo?")]);
        let (r_items, m_items): (StreamedItems<ResponsesRequest>, StreamedItems<MessagesRequest>) =
            match transport {
                "blocking" => (
                    Blocking::new(&r_setup).stream_all(&*request.as_streaming()).unwrap(),
                    Blocking::new(&m_setup).stream_all(&*message.as_streaming()).unwrap(),
                ),
                _ => (
                    Async::new(&r_setup).stream_all(&*request.as_streaming()).unwrap(),
                    Async::new(&m_setup).stream_all(&*message.as_streaming()).unwrap(),
                ),
            };
        assert!(began.elapsed() < Duration::from_secs(5), "{transport}: {:?}", began.elapsed());
        assert_eq!(r_items.len(), 2, "{transport}: {r_items:?}");
        assert!(matches!(r_items[1], Ok(ResponseEvent::Completed(_))), "{transport}: {r_items:?}");
        assert_eq!(m_items.len(), 2, "{transport}: {m_items:?}");
        assert!(m_items.iter().all(Result::is_ok), "{transport}: {m_items:?}");
        assert_eq!((r_server.count(), m_server.count()), (1, 1));
    }
}
