//! What every transport's tests drive their client with, in one copy: a custom operation, a
//! custom streaming operation and its decoder, client settings for the canned server and for
//! naga-mock, and chat fixtures. Used by `tests/custom_operations.rs` here and, through
//! `#[path]`, by both transports' tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers
#![allow(dead_code, unreachable_pub)]

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use naga_protocol::{
    ChatRequest, ClientSettings, Config, Error, Message, Operation, RetryPolicy, StreamDecoder,
    StreamError, StreamingOperation,
};

/// The API key the canned-server tests send (and check never leaks).
pub const KEY: &str = "ng-secret-test-key";

/// Settings for the canned server at `url`: fast backoff, two retries, 300 ms stream idle.
pub fn canned_settings(url: &str) -> ClientSettings {
    let retry = RetryPolicy::default()
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .with_max_retries(2);
    ClientSettings::default()
        .config(Config::new(KEY).unwrap().with_base_url(url).unwrap())
        .retry_policy(retry)
        .stream_idle_timeout(Some(Duration::from_millis(300)))
}

/// Settings for naga-mock at `base_url`, sending the `faults` headers with every request:
/// fast backoff, 300 ms stream idle.
pub fn mock_settings(base_url: &str, faults: &[(&str, &str)]) -> ClientSettings {
    let mut config = Config::new("ng-test").unwrap().with_base_url(base_url).unwrap();
    for (name, value) in faults {
        config = config.with_header(name, value).unwrap();
    }
    let retry =
        RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(10));
    ClientSettings::default()
        .config(config)
        .retry_policy(retry)
        .stream_idle_timeout(Some(Duration::from_millis(300)))
}

/// Settings with only a config for `url` and key `ng-key`, the rest default.
pub fn plain_settings(url: &str) -> ClientSettings {
    ClientSettings::default().config(Config::new("ng-key").unwrap().with_base_url(url).unwrap())
}

/// The chat request the chat tests send.
pub fn tokyo() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")])
}

/// A whole chat completion body, with usage.
pub const COMPLETION: &str = r#"{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
  "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Tokyo is big.\nAnd old."}}],
  "usage":{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16}}"#;

/// The first streamed chunk (role and "Tokyo "), as an SSE data line.
pub const CHUNK_1: &str = r#"data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Tokyo "}}]}"#;
/// The second streamed chunk ("is big." and finish_reason stop), as an SSE data line.
pub const CHUNK_2: &str = r#"data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"is big."},"finish_reason":"stop"}]}"#;

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
