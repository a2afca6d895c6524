//! The client: configuration, timeouts, retry policy and one connection pool.

use std::time::Duration;

use naga_protocol::{
    ChatCompletion, ChatRequest, Config, Operation, Response, RetryPolicy, StreamingOperation,
    Timeouts, build_request, parse_response,
};

use crate::attempt::execute;
use crate::error::{Error, Result};
use crate::stream::ItemStream;

/// A blocking NagaAI client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// use naga_blocking::Client;
/// let client = Client::from_env()?;
/// # Ok::<(), naga_blocking::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) config: Config,
    pub(crate) agent: ureq::Agent,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
}

impl Client {
    /// A client for `config` with default timeouts and retry policy.
    pub fn new(config: Config) -> Result<Self> {
        Client::builder().config(config).build()
    }

    /// A client configured from `NAGA_API_KEY` and `NAGA_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        Client::new(Config::from_env()?)
    }

    /// A builder for timeouts, retries and a custom [`ureq::Agent`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The configuration requests are built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends a chat completion request and returns the whole answer (any `stream` flag on
    /// `request` is cleared).
    pub fn chat(&self, request: &ChatRequest) -> Result<ChatCompletion> {
        self.send(request.as_non_streaming().as_ref())
    }

    /// Sends `op` and parses the answer, retrying per the client's [`RetryPolicy`].
    pub fn send<O: Operation>(&self, op: &O) -> Result<O::Output> {
        self.send_with_meta(op).map(Response::into_value)
    }

    /// Like [`send`](Self::send), keeping the status, headers and request id.
    pub fn send_with_meta<O: Operation>(&self, op: &O) -> Result<Response<O::Output>> {
        let request = build_request(&self.config, op)?;
        let (response, limit) = execute(self, request, false)?;
        let (parts, body) = response.into_parts();
        let bytes = crate::attempt::read_body(body, limit)?;
        let value = parse_response::<O>(parts.status, &parts.headers, &bytes)?;
        Ok(Response::new(parts.status, parts.headers, value))
    }

    /// Sends a streaming `op` and returns its items as they arrive. Retries happen only
    /// before any response byte arrived; a started stream is never sent again.
    pub fn stream<O: StreamingOperation>(&self, op: &O) -> Result<ItemStream<O::Decoder>> {
        self.stream_with_meta(op).map(Response::into_value)
    }

    /// Like [`stream`](Self::stream), keeping the status, headers and request id.
    pub fn stream_with_meta<O: StreamingOperation>(
        &self,
        op: &O,
    ) -> Result<Response<ItemStream<O::Decoder>>> {
        let request = build_request(&self.config, op)?;
        let (response, limit) = execute(self, request, true)?;
        let (parts, body) = response.into_parts();
        let items = ItemStream::new(body.into_reader(), op.decoder(), limit);
        Ok(Response::new(parts.status, parts.headers, items))
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    config: Config,
    timeouts: Timeouts,
    retry: RetryPolicy,
    agent: Option<ureq::Agent>,
}

impl ClientBuilder {
    /// Where to send requests and with which key.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// All time limits at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Limit for establishing a connection (DNS, TCP, TLS); `None` waits forever.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// Limit for a whole non-streaming attempt, body included; `None` waits forever.
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeouts.request = timeout;
        self
    }

    /// Limit for silence on a stream: waiting for its headers and between bytes.
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeouts.stream_idle = timeout;
        self
    }

    /// Budget for a whole call across retries (sets the retry policy's deadline).
    pub fn total_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.retry = self.retry.with_total_deadline(deadline);
        self
    }

    /// When to retry; replaces the total deadline too.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Uses this agent (and its pool, proxy and TLS settings) instead of a new one. Status
    /// handling and time limits are still set per request by the client.
    pub fn agent(mut self, agent: ureq::Agent) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let agent = self.agent.unwrap_or_else(|| {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(self.timeouts.connect)
                .build()
                .new_agent()
        });
        Ok(Client { config: self.config, agent, timeouts: self.timeouts, retry: self.retry })
    }
}
