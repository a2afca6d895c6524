//! [`Setup`]: one description of a client, built into either transport.

use std::time::Duration;

use naga_protocol::{Config, RetryPolicy, SseParser, Timeouts};

/// The API key every case uses; the secrets test searches for every 8-byte piece of it, so
/// it is random-looking (no piece occurs in ordinary text).
pub const TEST_KEY: &str = "ng-7Qz9XwV2pL4sT8mN3bR6yH1jD5gK0cF";

/// The provisioning key every case's config carries (for `/account/*`).
pub const PROVISIONING_KEY: &str = "ng-prov-4Hc8Tn2Wq6Lz1Vb9Kx3Jm7Rd5Gs0Pf";

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
    /// The largest stream event the client accepts.
    pub max_event_size: usize,
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
        let max_event_size = SseParser::DEFAULT_MAX_EVENT_SIZE;
        Setup { base_url: base_url.into(), headers: Vec::new(), timeouts, retry, max_event_size }
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

    /// Sets the largest stream event the client accepts (its `max_event_size` setting).
    #[must_use]
    pub fn max_event_size(mut self, limit: usize) -> Self {
        self.max_event_size = limit;
        self
    }

    /// Sets the total deadline across retries.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.retry = self.retry.with_total_deadline(Some(deadline));
        self
    }

    /// The protocol config: URL, [`TEST_KEY`], [`PROVISIONING_KEY`], headers.
    pub fn config(&self) -> Config {
        let mut config = Config::new(TEST_KEY)
            .and_then(|c| c.with_base_url(&self.base_url))
            .and_then(|c| c.with_provisioning_key(PROVISIONING_KEY))
            .unwrap_or_else(|err| panic!("bad setup: {err}"));
        for (name, value) in &self.headers {
            config = config.with_header(name, value).unwrap_or_else(|err| panic!("{err}"));
        }
        config
    }
}
