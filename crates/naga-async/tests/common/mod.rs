//! A canned HTTP/1.1 server on loopback and a tiny operation to drive the client with.
#![allow(dead_code, unreachable_pub)]

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use naga_protocol::{Error, Operation, StreamDecoder, StreamError, StreamingOperation};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Write these bytes and close.
    Raw(String),
    /// Write these bytes, then stay silent for this long before closing.
    Stall(String, Duration),
    /// Write each piece, pausing this long before every piece after the first.
    Slow(Vec<String>, Duration),
}

/// A JSON response with this status, extra header lines and body.
pub fn json(status: u16, extra: &str, body: &str) -> Reply {
    Reply::Raw(format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// Head of an event-stream response without content length (the body ends at close).
pub fn sse_head() -> String {
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-request-id: req-s\r\nconnection: close\r\n\r\n".to_owned()
}

/// A server answering request number `i` with `script[i]` (the last entry repeats).
pub struct Server {
    pub url: String,
    pub requests: Arc<AtomicUsize>,
    pub bodies: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (count, seen) = (requests.clone(), bodies.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let index = count.fetch_add(1, Ordering::SeqCst);
                let reply = script[index.min(script.len() - 1)].clone();
                let seen = seen.clone();
                std::thread::spawn(move || serve(stream, reply, &seen));
            }
        });
        Server { url, requests, bodies }
    }

    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, reply: Reply, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0;
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    seen.lock().unwrap().push(format!("{head}\r\n{}", String::from_utf8_lossy(&body)));
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(bytes.as_bytes());
        }
        Reply::Stall(bytes, pause) => {
            let _ = stream.write_all(bytes.as_bytes());
            let _ = stream.flush();
            std::thread::sleep(pause);
        }
        Reply::Slow(pieces, pause) => {
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    std::thread::sleep(pause);
                }
                let _ = stream.write_all(piece.as_bytes());
                let _ = stream.flush();
            }
        }
    }
}

/// An unused loopback port: bound, then released.
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}/v1", listener.local_addr().unwrap())
}

/// `POST /echo` with a small JSON body; the output is any JSON value.
#[derive(Debug)]
pub struct Echo;

impl Operation for Echo {
    type Output = serde_json::Value;
    const NAME: &'static str = "echo";
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/echo")
    }
    fn body(&self) -> Result<Option<Bytes>, Error> {
        Ok(Some(Bytes::from_static(br#"{"ping":1}"#)))
    }
}

/// `POST /lines`, streamed: every `data: X` line is an item, `data: END` ends the stream.
#[derive(Debug)]
pub struct Lines;

impl Operation for Lines {
    type Output = serde_json::Value;
    const NAME: &'static str = "lines";
    fn method(&self) -> Method {
        Method::POST
    }
    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/lines")
    }
    fn body(&self) -> Result<Option<Bytes>, Error> {
        Ok(Some(Bytes::from_static(br#"{"stream":true}"#)))
    }
    fn is_streaming(&self) -> bool {
        true
    }
}

impl StreamingOperation for Lines {
    type Decoder = LineDecoder;
    fn decoder(&self) -> LineDecoder {
        LineDecoder::default()
    }
}

/// Test decoder: complete lines starting with `data: ` become items.
#[derive(Debug, Default)]
pub struct LineDecoder {
    buffer: Vec<u8>,
    done: bool,
    finished: bool,
    events: usize,
}

impl StreamDecoder for LineDecoder {
    type Item = String;
    fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }
    fn next_item(&mut self) -> Option<Result<String, Error>> {
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line).trim().to_owned();
            match line.strip_prefix("data: ") {
                Some("END") => self.done = true,
                Some(data) => {
                    self.events += 1;
                    return Some(Ok(data.to_owned()));
                }
                None => {}
            }
        }
        if self.finished && !self.done {
            self.done = true;
            return Some(Err(StreamError::Truncated { events: self.events }.into()));
        }
        None
    }
    fn finish(&mut self) {
        self.finished = true;
    }
    fn is_done(&self) -> bool {
        self.done
    }
}
