//! Answers cut short before their head ends: a server that took the POST, began its answer
//! and then closed or reset the connection. The request reached it and its answer had begun,
//! so the POST is not sent again (RFC 9110 §9.2.2: POST is not idempotent): an I/O error
//! after one request, streamed or not (the class a malformed answer gets). naga-blocking
//! does so; naga-async cannot yet (its case is ignored, with the reason). A connection that
//! ends before any byte of an answer (as a pooled connection the server had closed does) is
//! still retried, on both transports.

use std::time::Duration;

use naga_conformance::{Async, Blocking, Failure, Outcome, Setup, Transport};
use naga_mock::canned::{CannedServer, Reply};
use naga_protocol::{ChatRequest, Message};

/// The status line cut inside its reason phrase.
const CUT_STATUS_LINE: &str = "HTTP/1.1 200 O";

/// The status line and one header, with no blank line after it.
const CUT_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n";

/// The answer's text.
const TEXT: &str = "Tokyo.";

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]).stream_with_usage()
}

/// `req` through `transport`, streamed (and added up) or not.
fn chat(transport: &dyn Transport, req: &ChatRequest, streamed: bool) -> Outcome {
    if streamed { transport.chat_stream(req) } else { transport.chat(req) }
}

/// Builds one transport's client for a setup.
type Connect = fn(&Setup) -> Box<dyn Transport>;

fn blocking(setup: &Setup) -> Box<dyn Transport> {
    Box::new(Blocking::new(setup))
}

fn asynchronous(setup: &Setup) -> Box<dyn Transport> {
    Box::new(Async::new(setup))
}

/// The chat through the client `connect` builds, against a server playing `script`: the
/// transport's name, the outcome and the connections the server accepted.
fn run(connect: Connect, script: &[Reply], streamed: bool) -> (&'static str, Outcome, usize) {
    let server = CannedServer::start(script.to_vec());
    let transport = connect(&Setup::new(server.url.clone()));
    let outcome = chat(&*transport, &request(), streamed);
    // Time for a resend, had there been one, to reach the server.
    std::thread::sleep(Duration::from_millis(50));
    (transport.name(), outcome, server.count())
}

/// Each way an answer can begin and stop before its head ends, streamed or not, through
/// the client `connect` builds: an I/O error (what a malformed answer gives, and the class
/// both transports must agree on) after one request.
fn each_cut_answer_fails_without_a_resend(connect: Connect) {
    let cuts = [
        ("a status line cut, then a close", Reply::Raw(CUT_STATUS_LINE.to_owned())),
        ("a status line and a header, then a close", Reply::Raw(CUT_HEAD.to_owned())),
        ("a status line and a header, then a reset", Reply::Reset(CUT_HEAD.to_owned())),
    ];
    for (name, cut) in cuts {
        for streamed in [false, true] {
            let (transport, outcome, connections) =
                run(connect, std::slice::from_ref(&cut), streamed);
            let case = format!("{transport}, {name}, streamed: {streamed}");
            let text = outcome.error_text.as_deref().unwrap_or_default();
            assert_eq!(outcome.failure(), &Failure::Io, "{case}: {text}");
            assert!(text.starts_with("I/O error: "), "{case}: {text}");
            assert_eq!(connections, 1, "{case}: the POST was sent again");
        }
    }
}

#[test]
fn naga_blocking_does_not_resend_a_post_whose_answer_was_cut_before_its_head_ended() {
    each_cut_answer_fails_without_a_resend(blocking);
}

/// hyper reports a close (`IncompleteMessage`) or a reset alike whether part of a head had
/// arrived or no byte, and reqwest 0.13 lets no connector wrap a connection to count what it
/// read; naga-async retries both (`cargo test -- --ignored` shows it).
#[test]
#[ignore = "naga-async cannot yet tell an answer cut mid-head from no answer at all"]
fn naga_async_does_not_resend_a_post_whose_answer_was_cut_before_its_head_ended() {
    each_cut_answer_fails_without_a_resend(asynchronous);
}

/// The answer as one JSON document, or as an event stream, ending at the close.
fn answer(streamed: bool) -> String {
    let (object, message) = if streamed {
        ("chat.completion.chunk", format!(r#""delta":{{"role":"assistant","content":"{TEXT}"}}"#))
    } else {
        ("chat.completion", format!(r#""message":{{"role":"assistant","content":"{TEXT}"}}"#))
    };
    let choice = format!(r#"{{"index":0,{message},"finish_reason":"stop"}}"#);
    let body = format!(
        r#"{{"id":"c1","object":"{object}","created":1,"model":"m","choices":[{choice}]}}"#
    );
    let (content_type, body) = if streamed {
        ("text/event-stream", format!("data: {body}\n\ndata: [DONE]\n\n"))
    } else {
        ("application/json", body)
    };
    format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n{body}")
}

/// A connection closed or reset before any byte of an answer is retried, streamed or not:
/// the next connection's answer is the result, after two connections, on both transports.
#[test]
fn a_connection_ended_before_any_answer_byte_is_retried() {
    for ending in [Reply::Raw(String::new()), Reply::Reset(String::new())] {
        for streamed in [false, true] {
            let script = [ending.clone(), Reply::Raw(answer(streamed))];
            for connect in [blocking as Connect, asynchronous] {
                let (transport, outcome, connections) = run(connect, &script, streamed);
                let case = format!("{transport}, {ending:?}, streamed: {streamed}");
                assert_eq!(outcome.completion().text(), Some(TEXT), "{case}");
                assert_eq!(connections, 2, "{case}: one failed attempt, one answered");
            }
        }
    }
}
