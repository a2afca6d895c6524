//! The client: configuration, timeouts, retry policy and one connection pool.

use std::sync::Arc;

use naga_protocol::{
    ChatCompletion, ChatRequest, ClientSettings, Config, Operation, Redactor, Response,
    StreamingOperation, parse_response,
};
use ureq::unversioned::transport::{Connector, DefaultConnector};

use crate::attempt::execute;
use crate::connection::ConnectionConnector;
use crate::error::{Error, Result};
use crate::resolver::InlineIpResolver;
use crate::stream::ItemStream;

/// A blocking NagaAI client. Cheap to clone (no allocation): clones share one connection
/// pool and one configuration.
///
/// ```no_run
/// use naga_blocking::Client;
/// let client = Client::from_env()?;
/// # Ok::<(), naga_blocking::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) settings: Arc<ClientSettings>,
    pub(crate) agent: ureq::Agent,
    /// The configuration requests are built from: the settings' with `Host` as the first
    /// default header, which ureq would otherwise format for every request.
    pub(crate) requests: Arc<Config>,
    /// Takes the keys out of the server text errors carry.
    pub(crate) redactor: Redactor,
    /// The agent is the client's own (its connections can read with a short grace, so a
    /// finished stream can wait briefly for its body's end and keep the connection).
    pub(crate) own_agent: bool,
}

impl Client {
    naga_protocol::client_constructors!();

    /// Derives the request configuration (the settings' with `Host`) again, after the
    /// settings' configuration changed.
    fn with_config_applied(mut self) -> Self {
        self.requests = Arc::new(self.settings.config.clone().with_host_header());
        self
    }

    /// A builder for timeouts, retries and a custom [`ureq::Agent`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Sends a chat completion request and returns the whole answer (any `stream` flag on
    /// `request` is cleared).
    pub fn chat(&self, request: &ChatRequest) -> Result<ChatCompletion> {
        self.send(request.as_non_streaming().as_ref())
    }

    /// Sends `op` and parses the answer, retrying per the client's
    /// [`RetryPolicy`](crate::RetryPolicy).
    pub fn send<O: Operation>(&self, op: &O) -> Result<O::Output> {
        self.send_parts(op).map(|(_, value)| value)
    }

    /// Like [`send`](Self::send), keeping the status, headers and request id.
    pub fn send_with_meta<O: Operation>(&self, op: &O) -> Result<Response<O::Output>> {
        let (parts, value) = self.send_parts(op)?;
        Ok(Response::new(parts.status, parts.headers, value))
    }

    /// The answer to `op` with its status and headers, before a [`Response`] looks up the
    /// request id (which [`send`](Self::send) does not need).
    fn send_parts<O: Operation>(&self, op: &O) -> Result<(http::response::Parts, O::Output)> {
        let (response, limit) = execute(self, op, false)?;
        let (parts, body) = response.into_parts();
        let bytes = crate::attempt::read_body(body, limit)?;
        let value = parse_response::<O>(parts.status, &parts.headers, &bytes)
            .map_err(|err| self.redactor.scrub(err))?;
        Ok((parts, value))
    }

    /// Sends a streaming `op` and returns its items as they arrive. A retryable status (a
    /// 429, a 503, ...) or a connection that failed before any answer is retried as
    /// [`RetryPolicy`](crate::RetryPolicy) says; a stream whose body began is never sent
    /// again.
    pub fn stream<O: StreamingOperation>(&self, op: &O) -> Result<ItemStream<O::Decoder>> {
        self.stream_with_meta(op).map(Response::into_value)
    }

    /// Like [`stream`](Self::stream), keeping the status, headers and request id.
    pub fn stream_with_meta<O: StreamingOperation>(
        &self,
        op: &O,
    ) -> Result<Response<ItemStream<O::Decoder>>> {
        let (response, limit) = execute(self, op, true)?;
        let (parts, body) = response.into_parts();
        let items = ItemStream::new(
            body.into_reader(),
            op.decoder_with_max_event_size(self.settings.max_event_size),
            limit,
            self.redactor.clone(),
            self.own_agent,
        );
        Ok(Response::new(parts.status, parts.headers, items))
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    settings: ClientSettings,
    agent: Option<ureq::Agent>,
}

impl ClientBuilder {
    naga_protocol::client_settings_setters!(settings);

    /// Uses this agent (and its pool, proxy and TLS settings) instead of a new one. Status
    /// handling, redirects (never followed) and time limits are still set per request by the
    /// client. The client's own
    /// agent also resolves IP-literal hosts inline, keeps socket time limits that are close
    /// enough, sends a small request in one write, and tells an answer cut before its head
    /// ended (never sent again) from a connection that ended before any answer (may be sent
    /// again); a given agent keeps its own parts, and sends both again.
    pub fn agent(mut self, agent: ureq::Agent) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let own_agent = self.agent.is_none();
        let agent = self.agent.unwrap_or_else(|| {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(self.settings.timeouts.connect)
                .build();
            ureq::Agent::with_parts(
                config,
                DefaultConnector::default().chain(ConnectionConnector),
                InlineIpResolver::default(),
            )
        });
        let requests = self.settings.config.clone().with_host_header();
        let redactor = requests.redactor();
        let (settings, requests) = (Arc::new(self.settings), Arc::new(requests));
        Ok(Client { settings, agent, requests, redactor, own_agent })
    }
}
