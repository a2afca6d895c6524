//! Answers framed the ways real HTTP servers frame them (HTTP/1.0 bodies that end at close,
//! chunk extensions and trailers, an unasked-for `100 Continue`, a `103 Early Hints` with
//! headers as a CDN sends it, CR-only and CRLF line ends with a byte order mark, a body
//! trickled a few bytes per write): both transports read the
//! same completion from each, with one request. A compressed body nobody asked for is refused;
//! a body cut short that cannot show its own end (audio, a document) is an error, not a
//! shorter success. Requests go out as servers expect them: one `Host`, and a length only
//! with a body.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests

use std::time::Duration;

use futures_util::StreamExt;
use naga_conformance::{Async, Blocking, Failure, Outcome, Sender, Setup, Transport, both};
use naga_mock::canned::{CannedServer, Reply, json};
use naga_protocol::{
    ChatRequest, DeleteKey, FinishReason, ListModels, Message, SpeechFormat, SpeechRequest,
    StreamError,
};

/// The answer's text: escapes, non-ASCII and a line break.
const TEXT: &str = "Tokyo is \"Japan's\" capital — café 東京 😀.\nSecond line.";

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]).stream_with_usage()
}

/// The streamed answer's events' data: a role chunk, the text in pieces, a finish chunk and
/// a usage chunk (no `[DONE]`: it is not promised).
fn events() -> Vec<String> {
    let chunk = |choices: &str, usage: &str| {
        format!(
            r#"{{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{choices}]{usage}}}"#
        )
    };
    let delta = |delta: &str| chunk(&format!(r#"{{"index":0,"delta":{delta}}}"#), "");
    let mut events = vec![delta(r#"{"role":"assistant","content":""}"#)];
    for piece in TEXT.split_inclusive(' ') {
        events.push(delta(&format!(r#"{{"content":{}}}"#, serde_json::json!(piece))));
    }
    events.push(chunk(r#"{"index":0,"delta":{},"finish_reason":"stop"}"#, ""));
    events
        .push(chunk("", r#","usage":{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12}"#));
    events
}

/// The events as an SSE body, each line ended by `eol`.
fn sse_body(eol: &str) -> String {
    events().iter().map(|data| format!("data: {data}{eol}{eol}")).collect()
}

/// The same answer as one JSON document.
fn document() -> String {
    let message = serde_json::json!({"role": "assistant", "content": TEXT});
    serde_json::json!({
        "id": "c1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12}
    })
    .to_string()
}

/// `body` in chunked coding, in [`pieces`] of at most `size` bytes, each size line with an
/// extension, and a trailer after the last chunk.
fn chunked_with_extensions(body: &str, size: usize) -> String {
    let chunks = pieces(body, size).into_iter().filter(|piece| !piece.is_empty());
    let chunks: String =
        chunks.map(|piece| format!("{:x};ext=\"v\"\r\n{piece}\r\n", piece.len())).collect();
    chunks + "0\r\nx-trailer: done\r\n\r\n"
}

/// `text` cut into pieces of at most `size` bytes on character boundaries.
fn pieces(text: &str, size: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in text.chars() {
        if out.last().is_some_and(|piece| piece.len() + c.len_utf8() > size) {
            out.push(String::new());
        }
        out.last_mut().into_iter().for_each(|piece| piece.push(c));
    }
    out
}

/// How a server frames one answer.
fn framings(body: &str, content_type: &str) -> Vec<(&'static str, Reply)> {
    let close = "connection: close\r\n";
    let head = |status_line: &str, extra: &str| {
        format!("{status_line}\r\ncontent-type: {content_type}\r\n{extra}\r\n")
    };
    let length = format!("content-length: {}\r\n", body.len());
    vec![
        ("HTTP/1.0, ends at close", Reply::Raw(head("HTTP/1.0 200 OK", "") + body)),
        (
            "chunk extensions and a trailer",
            Reply::Raw(
                head("HTTP/1.1 200 OK", "transfer-encoding: chunked\r\n")
                    + &chunked_with_extensions(body, 37),
            ),
        ),
        (
            "an unasked-for 100 Continue first",
            Reply::Raw(format!(
                "HTTP/1.1 100 Continue\r\n\r\n{}{body}",
                head("HTTP/1.1 200 OK", &length)
            )),
        ),
        (
            "a 103 Early Hints with headers first",
            Reply::Raw(format!(
                "HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n{}{body}",
                head("HTTP/1.1 200 OK", &length)
            )),
        ),
        (
            "a few bytes per write",
            Reply::Slow(
                [vec![head("HTTP/1.1 200 OK", close)], pieces(body, 7)].concat(),
                Duration::from_micros(200),
            ),
        ),
    ]
}

/// `req` through `transport`, streamed (and added up) or not.
fn chat(transport: &dyn Transport, req: &ChatRequest, streamed: bool) -> Outcome {
    if streamed { transport.chat_stream(req) } else { transport.chat(req) }
}

/// Runs the chat on both transports against each reply and checks the completion.
fn check_each(replies: Vec<(&'static str, Reply)>, streamed: bool) {
    let req = request();
    for (name, reply) in replies {
        let server = CannedServer::start(vec![reply.clone(), reply]);
        let setup = Setup::new(server.url.clone());
        let runs = both(None, &setup, name, |t: &dyn Transport| chat(t, &req, streamed));
        let outcome = &runs.agreed().outcome;
        let completion = outcome.completion();
        assert_eq!(completion.text(), Some(TEXT), "{name}");
        let finish = completion.choices.first().and_then(|c| c.finish_reason.clone());
        assert_eq!(finish, Some(FinishReason::Stop), "{name}");
        assert_eq!(completion.usage.as_ref().map(|u| u.total_tokens), Some(12), "{name}");
        assert_eq!(server.count(), 2, "{name}: one request per transport");
    }
}

#[test]
fn streams_framed_as_real_servers_frame_them_give_the_whole_completion() {
    let mut replies = framings(&sse_body("\n"), "text/event-stream; charset=utf-8");
    let with_bom = format!("\u{feff}{}", sse_body("\r\n"));
    let length = format!("content-length: {}\r\n", with_bom.len());
    replies.push((
        "a byte order mark and CRLF line ends",
        Reply::Raw(format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n{length}\r\n{with_bom}"
        )),
    ));
    replies.push((
        "CR-only line ends",
        Reply::Raw(format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n{}",
            sse_body("\r")
        )),
    ));
    check_each(replies, true);
}

#[test]
fn documents_framed_as_real_servers_frame_them_decode_alike() {
    check_each(framings(&document(), "application/json"), false);
}

/// A chunked body whose lines end in a bare LF (HTTP/1.1 wants CRLF in chunked framing), all
/// of them or all but the first, from a server that then holds the connection open: both transports refuse it at once
/// after one request, streamed or not, as an I/O error naming the broken framing (not a
/// stream cut short). naga-blocking waited for a CRLF that never came (ureq's decoder),
/// until the server closed or the read limit passed.
#[test]
fn a_chunked_body_with_bare_lf_framing_is_refused_at_once() {
    let req = request();
    let cases =
        [(false, document(), "application/json"), (true, sse_body("\n"), "text/event-stream")];
    // Bare LFs everywhere, or everywhere but the first size line (ureq then decodes the
    // first chunk and waits at the line end after its data).
    let framings = [("\n", "\n", "0\n\n"), ("\r\n", "\n", "0\n\n")];
    for ((streamed, body, content_type), framing) in
        cases.iter().flat_map(|case| framings.map(|framing| (case, framing)))
    {
        let (streamed, content_type) = (*streamed, *content_type);
        let framed = chunked_with(body, framing);
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
        );
        let held = Reply::Stall(head + &framed, Duration::from_secs(30));
        let server = CannedServer::start(vec![held]);
        let setup = Setup::new(server.url.clone());
        let runs = both(None, &setup, "bare LF", |t: &dyn Transport| chat(t, &req, streamed));
        for (run, names) in runs.each().zip(["bare LF", "not valid HTTP"]) {
            let name = format!("{} streamed={streamed}", run.transport);
            assert_eq!(run.outcome.failure(), &Failure::Io, "{name}");
            let shown = run.outcome.error_text.as_deref().unwrap_or_default();
            assert!(shown.contains(names), "{name} {framing:?}: {shown}");
            let elapsed = run.outcome.elapsed;
            assert!(elapsed < Duration::from_secs(10), "{name}: {elapsed:?}");
        }
        assert_eq!(server.count(), 2, "streamed={streamed}: one request per transport");
    }
}

/// `body` in chunks of at most 64 bytes: the first size line ended by `first_eol`, the other
/// lines by `eol`, and `last` for the last chunk and the end.
fn chunked_with(body: &str, (first_eol, eol, last): (&str, &str, &str)) -> String {
    let chunks = pieces(body, 64).into_iter().enumerate().map(|(i, piece)| {
        let size_eol = if i == 0 { first_eol } else { eol };
        format!("{:x}{size_eol}{piece}{eol}", piece.len())
    });
    chunks.chain([last.to_owned()]).collect()
}

/// A chunked body in CRLF but for its very end, the empty line after the last chunk: ureq has
/// the whole body and waited for that line's CRLF; naga-blocking refuses it at once. (hyper
/// takes the LF for the start of a trailer and waits too: naga-async waits for its request
/// or idle limit there.)
#[test]
fn a_chunked_body_whose_final_line_is_a_bare_lf_is_refused_at_once_by_naga_blocking() {
    let req = request();
    for (streamed, body) in [(false, document()), (true, sse_body("\n"))] {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let framed = chunked_with(&body, ("\r\n", "\r\n", "0\r\n\n"));
        let server = CannedServer::start(vec![Reply::Stall(
            format!("{head}{framed}"),
            Duration::from_secs(30),
        )]);
        let blocking = Blocking::new(&Setup::new(server.url.clone()));
        let outcome = chat(&blocking, &req, streamed);
        assert_eq!(outcome.failure(), &Failure::Io, "streamed={streamed}");
        let shown = outcome.error_text.as_deref().unwrap_or_default();
        assert!(shown.contains("bare LF"), "{shown}");
        assert!(outcome.elapsed < Duration::from_secs(10), "{:?}", outcome.elapsed);
        assert_eq!(server.count(), 1);
    }
}

/// A 429 whose error body is chunked with bare LFs, its head and body arriving together:
/// the status and `Retry-After` are still read, so the request is retried (and answered),
/// on both transports.
#[test]
fn a_429_with_a_bare_lf_chunked_body_is_still_retried() {
    let req = request();
    let error = r#"{"error":{"type":"rate_limit_error","message":"slow down"}}"#;
    let refused = format!(
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 0\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{:x}\n{error}\n0\n\n",
        error.len()
    );
    let answer = json(200, "", &document());
    let refusal = Reply::Stall(refused, Duration::from_secs(30));
    let server = CannedServer::start(vec![refusal.clone(), answer.clone(), refusal, answer]);
    let setup = Setup::new(server.url.clone());
    let runs = both(None, &setup, "429 bare LF", |t: &dyn Transport| chat(t, &req, false));
    for run in runs.each() {
        let (name, outcome) = (run.transport, &run.outcome);
        assert_eq!(outcome.completion().text(), Some(TEXT), "{name}");
        assert!(outcome.elapsed < Duration::from_secs(10), "{name}: {:?}", outcome.elapsed);
    }
    assert_eq!(server.count(), 4, "two requests per transport");
}

/// A chunked stream whose framing breaks after an event (a chunk size that is no hex
/// number), from a server that then holds the connection open: after the events before it,
/// the stream ends at once in an I/O error naming the broken framing (not a truncation: the
/// connection was not lost), on both transports, after one request each.
#[test]
fn a_stream_whose_chunked_framing_breaks_midway_is_that_error() {
    let req = request();
    let events = sse_body("\n");
    let (first, _) = events.split_at(events.find("\n\n").unwrap() + 2);
    let framed = format!("{:x}\r\n{first}\r\nzz\r\n{events}\r\n0\r\n\r\n", first.len());
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
    let held = Reply::Stall(format!("{head}{framed}"), Duration::from_secs(30));
    let server = CannedServer::start(vec![held]);
    let setup = Setup::new(server.url.clone());
    let runs = both(None, &setup, "broken chunk size", |t: &dyn Transport| chat(t, &req, true));
    for run in runs.each() {
        let (name, outcome) = (run.transport, &run.outcome);
        assert_eq!(outcome.failure(), &Failure::Io, "{name}: {outcome:?}");
        let shown = outcome.error_text.as_deref().unwrap_or_default();
        assert!(shown.contains("not valid HTTP"), "{name}: {shown}");
        assert!(outcome.elapsed < Duration::from_secs(10), "{name}: {:?}", outcome.elapsed);
    }
    assert_eq!(server.count(), 2, "one request per transport");
}

/// Requests say `accept-encoding: identity`; a body in a content coding anyway is refused
/// from the head, streamed or not (a typed decode error naming the coding), and the request
/// is not sent again.
#[test]
fn a_compressed_answer_is_refused_and_not_resent() {
    let req = request();
    let head = "HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\nconnection: close\r\n";
    let gzip_magic = "\x1f\u{8b}\x08";
    for streamed in [false, true] {
        let content_type = if streamed { "text/event-stream" } else { "application/json" };
        let answer = format!("{head}content-type: {content_type}\r\n\r\n{gzip_magic}");
        let server = CannedServer::start(vec![Reply::Raw(answer)]);
        let setup = Setup::new(server.url.clone());
        let runs = both(None, &setup, "gzip", |t: &dyn Transport| chat(t, &req, streamed));
        let outcome = &runs.agreed().outcome;
        assert_eq!(outcome.failure(), &Failure::Decode { what: "response body" }, "{streamed}");
        let shown = outcome.error_text.as_deref().unwrap_or_default();
        assert!(shown.contains("content coding `gzip`"), "{shown}");
        assert_eq!(server.count(), 2, "streamed: {streamed}: one request per transport");
        for seen in server.received() {
            assert!(seen.to_ascii_lowercase().contains("accept-encoding: identity"), "{seen}");
        }
    }
}

/// A head promising `length` bytes of `content_type`, then `body` (shorter when the answer
/// is cut), then the close.
fn answer_of_length(content_type: &str, length: usize, body: &str) -> Reply {
    Reply::Raw(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\n\r\n{body}"
    ))
}

/// A stream request answered with one JSON document whose body is cut short: the
/// truncation, not a verdict on the part that arrived (which may even be a whole document).
#[test]
fn a_document_cut_short_in_place_of_a_stream_is_a_cut_body() {
    let req = request();
    let whole = document();
    for part in [&whole[..whole.len() / 2], whole.as_str()] {
        let server = CannedServer::start(vec![answer_of_length(
            "application/json",
            whole.len() + 100,
            part,
        )]);
        let runs = both(None, &Setup::new(server.url.clone()), "cut", |t: &dyn Transport| {
            t.chat_stream(&req)
        });
        let outcome = &runs.agreed().outcome;
        assert_eq!(outcome.failure(), &Failure::Cut { bytes: part.len() as u64 }, "{}", part.len());
        assert_eq!(server.count(), 2, "one request per transport");
    }
}

/// Streamed audio has no terminal event: a body cut short ends in an error after the bytes
/// that arrived, on both transports (was: a shorter success).
#[test]
fn streamed_audio_cut_short_ends_in_an_error() {
    let audio = "RIFF....WAVEfmt ".repeat(64);
    let speech =
        SpeechRequest::new("gpt-4o-mini-tts", "alloy", "Tokyo").response_format(SpeechFormat::Wav);
    let server = CannedServer::start(vec![answer_of_length("audio/wav", audio.len() * 2, &audio)]);
    let setup = Setup::new(server.url.clone());
    let blocking: Vec<_> = Blocking::new(&setup).client.stream(&speech).unwrap().collect();
    let asynchronous = Async::new(&setup);
    let streamed = asynchronous.runtime.block_on(async {
        asynchronous.client.stream(&speech).await.unwrap().collect::<Vec<_>>().await
    });
    let expected = (audio.len(), Some(StreamError::Cut { bytes: audio.len() as u64 }.to_string()));
    assert_eq!(bytes_then_error(&blocking), expected, "blocking");
    assert_eq!(bytes_then_error(&streamed), expected, "async");
    assert_eq!(server.count(), 2, "one request per transport");
}

/// The bytes of the items before the first error, and that error's text (`None` when every
/// item was audio).
fn bytes_then_error<T: AsRef<[u8]>, E: ToString>(
    items: &[Result<T, E>],
) -> (usize, Option<String>) {
    let audio = items.iter().map_while(|item| item.as_ref().ok()).map(|a| a.as_ref().len());
    let error = items.iter().find_map(|item| item.as_ref().err()).map(ToString::to_string);
    (audio.sum(), error)
}

/// A success body longer than `MAX_BODY_BYTES` (announced by its length, or ending at the
/// close) is refused as an I/O error once the limit is passed, on both transports, and the
/// request is not sent again.
#[test]
fn a_document_over_the_body_limit_is_refused_and_not_resent() {
    let req = request();
    let body = " ".repeat(naga_protocol::MAX_BODY_BYTES + 1);
    let replies = [
        ("with a length", answer_of_length("application/json", body.len(), &body)),
        (
            "ending at the close",
            Reply::Raw(format!("HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n{body}")),
        ),
    ];
    for (name, reply) in replies {
        let server = CannedServer::start(vec![reply]);
        let runs = both(None, &Setup::new(server.url.clone()), "over", |t: &dyn Transport| {
            chat(t, &req, false)
        });
        let outcome = &runs.agreed().outcome;
        assert_eq!(outcome.failure(), &Failure::Io, "{name}");
        let expected = format!("I/O error: response body exceeds {} bytes", body.len() - 1);
        assert_eq!(outcome.error_text.as_deref(), Some(expected.as_str()), "{name}");
        assert_eq!(server.count(), 2, "one request per transport: {name}");
    }
}

/// A server that answers with a keep-alive response and then closes the connection (as
/// servers do when their idle limit passes): the client's next request, 100 ms later, gets
/// its answer with no error, and the server sees every request once.
#[test]
fn a_pooled_connection_the_server_closed_is_not_used_again() {
    let req = request();
    let body = document();
    let server = CannedServer::start(vec![answer_of_length("application/json", body.len(), &body)]);
    let runs = both(None, &Setup::new(server.url.clone()), "stale", |t: &dyn Transport| {
        let first = chat(t, &req, false);
        std::thread::sleep(Duration::from_millis(100));
        [first, chat(t, &req, false)]
    });
    for run in runs.each() {
        for (i, outcome) in run.outcome.iter().enumerate() {
            assert_eq!(outcome.completion().text(), Some(TEXT), "{} request {i}", run.transport);
        }
    }
    assert_eq!(server.count(), 4, "two requests per transport, none sent twice");
}

/// Every request carries one `Host` header naming the server as the base URL does (its
/// port, since that is not 80), on both transports; naga-blocking's is made once per client.
#[test]
fn each_request_names_its_host_once() {
    let req = request();
    let body = document();
    let server = CannedServer::start(vec![answer_of_length("application/json", body.len(), &body)]);
    let authority = server.url.trim_start_matches("http://").trim_end_matches("/v1").to_owned();
    let runs = both(None, &Setup::new(server.url.clone()), "host", |t: &dyn Transport| {
        [chat(t, &req, false), chat(t, &req, false)]
    });
    for run in runs.each() {
        assert!(run.outcome.iter().all(|o| o.result.is_ok()), "{}", run.transport);
    }
    let received = server.received();
    assert_eq!(received.len(), 4, "two requests per transport");
    for head in received {
        let hosts: Vec<&str> = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .filter(|(name, _)| name.eq_ignore_ascii_case("host"))
            .map(|(_, value)| value.trim())
            .collect();
        assert_eq!(hosts, [authority.as_str()], "{head}");
    }
}

/// A request without a body (`GET /models`, `DELETE /account/keys/{id}`) goes without a
/// `Content-Length` (RFC 9110 §8.6: a client should not send one when there is no content
/// and the method defines none), on both transports; a POST states its length.
#[test]
fn only_a_request_with_a_body_states_a_length() {
    check_lengths(|url| Blocking::new(&Setup::new(url)));
    check_lengths(|url| Async::new(&Setup::new(url)));
}

/// [`only_a_request_with_a_body_states_a_length`] through the sender `connect` makes.
fn check_lengths<S: Sender>(connect: impl Fn(String) -> S) {
    let models = r#"{"object":"list","data":[{"id":"m"}]}"#;
    let server = CannedServer::start(vec![
        json(200, "", models),
        Reply::Raw("HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned()),
        json(200, "", &document()),
    ]);
    let sender = connect(server.url.clone());
    sender.send(&ListModels).unwrap();
    sender.send(&DeleteKey { id: 7 }).unwrap();
    sender.send(&ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")])).unwrap();
    let received = server.received();
    let length_of = |head: &String| {
        head.lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .map(|(_, value)| value.trim().to_owned())
    };
    let lengths: Vec<_> = received.iter().map(length_of).collect();
    assert_eq!(lengths[..2], [None, None], "{received:?}");
    assert!(lengths[2].as_deref().is_some_and(|n| n != "0"), "{received:?}");
    assert!(received[0].starts_with("GET /v1/models "), "{}", received[0]);
    assert!(received[1].starts_with("DELETE /v1/account/keys/7 "), "{}", received[1]);
}
