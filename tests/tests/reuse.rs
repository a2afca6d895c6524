//! A stream that ends with `[DONE]` hands its connection back to the pool when the body's
//! end comes with the last event or right after it: the next call goes over the same
//! connection (no new TCP or TLS handshake), on both transports. A body held open after
//! `[DONE]` costs at most a short wait, then its connection. Against a keep-alive server
//! that counts the connections it accepts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use naga_conformance::{Async, Blocking, Setup, Transport};
use naga_protocol::{ChatRequest, Message};

/// One chat stream ending in `[DONE]`.
const STREAM: &str = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Tokyo.\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

/// When the server sends the chunked body's end after [`STREAM`].
#[derive(Clone, Copy, Debug)]
enum End {
    /// In the same write.
    Together,
    /// In a write of its own, a little later.
    After(Duration),
    /// Never: the body stays open (the connection too) until the client closes it.
    Never,
    /// Never, after 8 MiB of comments sent as fast as the client reads them.
    Flood,
}

/// Answers every request of every connection with [`STREAM`] and `end`; returns its base
/// URL and the count of connections accepted.
fn keep_alive_server(end: End) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for connection in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || serve(connection, end));
        }
    });
    (url, accepted)
}

/// Reads requests (head and `content-length` body) and answers each, until the client closes.
fn serve(connection: TcpStream, end: End) {
    let mut writer = connection.try_clone().unwrap();
    let mut reader = BufReader::new(connection);
    while let Some(length) = request_body_length(&mut reader) {
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        let events = format!("{head}{:x}\r\n{STREAM}\r\n", STREAM.len());
        let written = match end {
            End::Together => writer.write_all(format!("{events}0\r\n\r\n").as_bytes()),
            End::After(pause) => writer.write_all(events.as_bytes()).and_then(|()| {
                std::thread::sleep(pause);
                writer.write_all(b"0\r\n\r\n")
            }),
            End::Never => writer.write_all(events.as_bytes()),
            End::Flood => writer.write_all(events.as_bytes()).and_then(|()| {
                let comments = ": more\n".repeat(128 * 1024);
                let chunk = format!("{:x}\r\n{comments}\r\n", comments.len());
                (0..8).try_for_each(|_| writer.write_all(chunk.as_bytes()))
            }),
        };
        if written.is_err() {
            return;
        }
    }
}

/// Reads a request head; its `content-length`, or `None` when the client closed.
fn request_body_length(reader: &mut impl BufRead) -> Option<usize> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
        if line == "\r\n" {
            return Some(length);
        }
    }
}

/// The transports as the conformance runs build them, on `url` with a 20 s idle limit.
fn transports(url: &str) -> Vec<Box<dyn Transport>> {
    let setup = Setup::new(url).idle(Duration::from_secs(20));
    vec![
        Box::new(Blocking::new(&setup)),
        Box::new(Async::new(&setup)),
        Box::new(Async::in_place(&setup)),
    ]
}

/// Streams three answers through each transport, each against its own server sending the
/// body's end as `end` says; per transport, the connections accepted and the longest call.
/// The calls are 20 ms apart: hyper puts a connection back into its pool from the
/// connection's own task, just after the body's end reached the stream, so a request sent
/// in that same instant may find no idle connection yet and open another.
fn three_streams_each(end: End) -> Vec<(&'static str, usize, Duration)> {
    let request = ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]);
    (0..3)
        .map(|which| {
            let (url, accepted) = keep_alive_server(end);
            let transport = transports(&url).swap_remove(which);
            let mut longest = Duration::ZERO;
            for _ in 0..3 {
                let outcome = transport.chat_stream(&request);
                assert_eq!(outcome.completion().text(), Some("Tokyo."), "{}", transport.name());
                longest = longest.max(outcome.elapsed);
                std::thread::sleep(Duration::from_millis(20));
            }
            (transport.name(), accepted.load(Ordering::SeqCst), longest)
        })
        .collect()
}

#[test]
fn streams_whose_end_comes_with_done_reuse_one_connection() {
    for (name, connections, _) in three_streams_each(End::Together) {
        assert_eq!(connections, 1, "{name}: a connection per stream");
    }
}

#[test]
fn an_end_that_follows_done_shortly_is_waited_for() {
    for (name, connections, _) in three_streams_each(End::After(Duration::from_millis(5))) {
        assert_eq!(connections, 1, "{name}: a connection per stream");
    }
}

#[test]
fn a_body_held_open_after_done_costs_a_short_wait_and_its_connection() {
    for (name, connections, longest) in three_streams_each(End::Never) {
        assert!(
            longest < Duration::from_secs(2),
            "{name}: a call took {longest:?} (idle limit 20 s)"
        );
        assert_eq!(connections, 3, "{name}: an open body's connection is not reused");
    }
}

#[test]
fn bytes_pouring_in_after_done_cost_a_bounded_wait_and_the_connection() {
    for (name, connections, longest) in three_streams_each(End::Flood) {
        assert!(longest < Duration::from_secs(2), "{name}: a call took {longest:?}");
        assert_eq!(connections, 3, "{name}: an open body's connection is not reused");
    }
}

#[test]
fn a_blocking_client_on_a_given_agent_does_not_wait_for_the_end() {
    let (url, accepted) = keep_alive_server(End::Never);
    let setup = Setup::new(&url).idle(Duration::from_secs(20));
    let transport = Blocking::with_agent(&setup, ureq::Agent::new_with_defaults());
    let request = ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]);
    for _ in 0..3 {
        let outcome = transport.chat_stream(&request);
        assert_eq!(outcome.completion().text(), Some("Tokyo."));
        assert!(outcome.elapsed < Duration::from_secs(2), "a call took {:?}", outcome.elapsed);
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}
