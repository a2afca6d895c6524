//! [`Setup`]: one description of a client, built into either transport; [`LimitedChat`].

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use naga_protocol::{
    Auth, ChatCompletion, ChatRequest, ChatStream, Config, Operation, RetryPolicy,
    StreamingOperation, Timeouts,
};

/// The API key every case uses; the secrets test searches for every 8-byte piece of it, so
/// it is random-looking (no piece occurs in ordinary text).
pub const TEST_KEY: &str = "ng-7Qz9XwV2pL4sT8mN3bR6yH1jD5gK0cF";

/// How to build a client: the same for both transports.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Base URL (`http://127.0.0.1:PORT/v1`).
    pub base_url: String,
    /// Extra headers on every request (`x-mock-*` faults).
    pub headers: Vec<(String, String)>,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Retry policy (fast backoff by default).
    pub retry: RetryPolicy,
}

impl Setup {
    /// A setup for `base_url` with short timeouts and a fast retry policy (3 attempts,
    /// 10–40 ms backoff).
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut timeouts = Timeouts::default();
        timeouts.connect = Some(Duration::from_secs(2));
        timeouts.request = Some(Duration::from_secs(10));
        timeouts.stream_idle = Some(Duration::from_secs(5));
        let retry = RetryPolicy::default()
            .with_backoff(Duration::from_millis(10), Duration::from_millis(40))
            .with_total_deadline(Some(Duration::from_secs(20)));
        Setup { base_url: base_url.into(), headers: Vec::new(), timeouts, retry }
    }

    /// Adds a header to every request.
    #[must_use]
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Sets the stream idle timeout.
    #[must_use]
    pub fn idle(mut self, idle: Duration) -> Self {
        self.timeouts.stream_idle = Some(idle);
        self
    }

    /// Sets the non-streaming request timeout.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.request = Some(timeout);
        self
    }

    /// Sets the total deadline across retries.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.retry = self.retry.with_total_deadline(Some(deadline));
        self
    }

    /// The protocol config: URL, [`TEST_KEY`], headers.
    pub fn config(&self) -> Config {
        let mut config = Config::new(TEST_KEY)
            .and_then(|c| c.with_base_url(&self.base_url))
            .unwrap_or_else(|err| panic!("bad setup: {err}"));
        for (name, value) in &self.headers {
            config = config.with_header(name, value).unwrap_or_else(|err| panic!("{err}"));
        }
        config
    }
}

/// A streamed chat request decoded with a chosen maximum event size (the clients do not
/// expose one; the protocol's decoder does, through [`StreamingOperation`]).
#[derive(Debug, Clone)]
pub struct LimitedChat<'a> {
    /// The request (sent with `stream: true`).
    pub request: Cow<'a, ChatRequest>,
    /// The largest event accepted, in bytes.
    pub max_event_size: usize,
}

impl<'a> LimitedChat<'a> {
    /// `request` streamed with events limited to `max_event_size` bytes.
    pub fn new(request: &'a ChatRequest, max_event_size: usize) -> Self {
        LimitedChat { request: request.as_streaming(), max_event_size }
    }
}

impl Operation for LimitedChat<'_> {
    type Output = ChatCompletion;

    const NAME: &'static str = <ChatRequest as Operation>::NAME;

    fn method(&self) -> Method {
        self.request.method()
    }

    fn path(&self) -> Cow<'_, str> {
        self.request.path()
    }

    fn body(&self) -> Result<Option<Bytes>, naga_protocol::Error> {
        self.request.body()
    }

    fn auth(&self) -> Auth {
        self.request.auth()
    }

    fn is_streaming(&self) -> bool {
        true
    }
}

impl StreamingOperation for LimitedChat<'_> {
    type Decoder = ChatStream;

    fn decoder(&self) -> ChatStream {
        ChatStream::with_max_event_size(self.max_event_size)
    }
}
