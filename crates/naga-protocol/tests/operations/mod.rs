//! A custom operation, a custom streaming operation and its decoder: the smallest things a
//! transport can be driven with. Used by `tests/custom_operations.rs` here and, through `#[path]`, by
//! both transports' tests (one copy for every transport).
#![allow(dead_code, unreachable_pub)]

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;
use naga_protocol::{Error, Operation, StreamDecoder, StreamError, StreamingOperation};

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
