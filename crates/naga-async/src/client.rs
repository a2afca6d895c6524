//! The client: configuration, timeouts, retry policy and one connection pool.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use naga_protocol::{
    ChatCompletion, ChatRequest, ClientSettings, Operation, Redactor, Response, StreamingOperation,
    parse_response,
};

use crate::attempt::{execute, read_body};
use crate::error::{Error, Result};
use crate::origin::Origin;
use crate::stream::ItemStream;

/// An async NagaAI client. Cheap to clone (no allocation): clones share one connection pool
/// and one configuration.
///
/// ```no_run
/// # async fn run() -> Result<(), naga_async::Error> {
/// let client = naga_async::Client::from_env()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) settings: Arc<ClientSettings>,
    pub(crate) http: reqwest::Client,
    /// The base URL parsed once (`None` if reqwest cannot parse it: each request then fails
    /// the way a full parse does).
    pub(crate) origin: Option<Arc<Origin>>,
    /// Streams never start a relay task ([`ClientBuilder::read_ahead`]).
    pub(crate) read_in_place: bool,
    /// Takes the keys out of the server text errors carry.
    pub(crate) redactor: Redactor,
}

impl Client {
    naga_protocol::client_constructors!();

    /// Nothing this client derived from its configuration (the base URL, the keys) changes
    /// with a header.
    fn with_config_applied(self) -> Self {
        self
    }

    /// A builder for timeouts, retries and a custom [`reqwest::Client`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Sends a chat completion request and returns the whole answer (any `stream` flag on
    /// `request` is cleared).
    pub async fn chat(&self, request: &ChatRequest) -> Result<ChatCompletion> {
        self.send(request.as_non_streaming().as_ref()).await
    }

    /// Sends `op` and parses the answer, retrying per the client's
    /// [`RetryPolicy`](crate::RetryPolicy).
    pub async fn send<O: Operation>(&self, op: &O) -> Result<O::Output> {
        self.send_parts(op).await.map(|(_, _, value)| value)
    }

    /// Like [`send`](Self::send), keeping the status, headers and request id.
    pub async fn send_with_meta<O: Operation>(&self, op: &O) -> Result<Response<O::Output>> {
        let (status, headers, value) = self.send_parts(op).await?;
        Ok(Response::new(status, headers, value))
    }

    /// The answer to `op` with its status and headers, before a [`Response`] looks up the
    /// request id (which [`send`](Self::send) does not need).
    async fn send_parts<O: Operation>(&self, op: &O) -> Result<(StatusCode, HeaderMap, O::Output)> {
        let (mut response, limits) = execute(self, op, false).await?;
        let status = response.status();
        // Taken, not cloned: reading the body does not look at them.
        let headers = std::mem::take(response.headers_mut());
        let bytes = read_body(response, &limits).await?;
        let value = parse_response::<O>(status, &headers, &bytes)
            .map_err(|err| self.redactor.scrub(err))?;
        Ok((status, headers, value))
    }

    /// Sends a streaming `op` and returns a [`Stream`](futures_core::Stream) of its items as
    /// they arrive. A retryable status (a 429, a 503, ...) or a connection that failed before
    /// any answer is retried as [`RetryPolicy`](crate::RetryPolicy) says; a stream whose body
    /// began is never sent again.
    pub async fn stream<O: StreamingOperation>(&self, op: &O) -> Result<ItemStream<O::Decoder>> {
        self.stream_with_meta(op).await.map(Response::into_value)
    }

    /// Like [`stream`](Self::stream), keeping the status, headers and request id.
    pub async fn stream_with_meta<O: StreamingOperation>(
        &self,
        op: &O,
    ) -> Result<Response<ItemStream<O::Decoder>>> {
        let (response, limits) = execute(self, op, true).await?;
        let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
        let items = ItemStream::new(
            body,
            op.decoder_with_max_event_size(self.settings.max_event_size),
            limits,
            !self.read_in_place,
            self.redactor.clone(),
        );
        Ok(Response::new(parts.status, parts.headers, items))
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    settings: ClientSettings,
    http: Option<reqwest::Client>,
    read_in_place: bool,
}

impl ClientBuilder {
    naga_protocol::client_settings_setters!(settings);

    /// Uses this client (and its pool, proxy and TLS settings) instead of a new one; its own
    /// connect timeout applies, not [`connect_timeout`](Self::connect_timeout), and its own
    /// redirect policy (the client built by default follows none; give this one
    /// `redirect(reqwest::redirect::Policy::none())` for the same behaviour, as reqwest's
    /// default follows redirects and turns a redirected POST into a bodiless GET).
    ///
    /// naga-async builds reqwest with rustls but no crypto provider (the clients it builds
    /// are handed a TLS configuration with ring). Features are unified across a build, so
    /// a `reqwest::Client` built elsewhere in the same program needs a process-wide provider
    /// first, or reqwest panics when building it: call
    /// `rustls::crypto::ring::default_provider().install_default()` once at start, or
    /// enable a reqwest TLS feature that brings its provider.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Whether a stream may read its body ahead of the consumer in a small relay task
    /// (default `true`). The relay runs only where the consumer is not a tokio task (a
    /// `block_on` future such as `#[tokio::main]`'s body; a task reads in place), and holds
    /// at most 32 reads per stream, reading no further once 256 KiB wait for the consumer.
    /// With `false` a stream spawns nothing and reads its body only when polled, so a slow
    /// consumer holds the server back through the connection itself. Consumed by a task,
    /// such a stream is the same as by default; consumed by a `block_on` future it costs a
    /// thread wake-up per read: on a
    /// multi-thread runtime it ran at about a quarter of async-openai's rate, against more
    /// than twice it with the relay (BENCHMARKS.md, figure 3's in-place rows).
    ///
    /// ```
    /// let client = naga_async::Client::builder().read_ahead(false).build()?;
    /// # let _ = client; Ok::<(), naga_async::Error>(())
    /// ```
    pub fn read_ahead(mut self, on: bool) -> Self {
        self.read_in_place = !on;
        self
    }

    /// Builds the client; fails only if the TLS setup does.
    pub fn build(self) -> Result<Client, Error> {
        let http = match self.http {
            Some(http) => http,
            None => default_http(self.settings.timeouts.connect)?,
        };
        let origin = Origin::new(self.settings.config.base_url()).map(Arc::new);
        let (read_in_place, redactor) = (self.read_in_place, self.settings.config.redactor());
        let settings = Arc::new(self.settings);
        Ok(Client { settings, http, origin, read_in_place, redactor })
    }
}

/// A reqwest client on rustls with the ring provider and the webpki roots.
/// Whether a `NO_PROXY` list bypasses the proxy for every host: it has a `*` entry, as curl
/// and ureq read it. (reqwest applies `*` to host names only, so a base URL with an IP
/// address, such as a local emulator's `http://127.0.0.1:8080/v1`, was still proxied.)
fn bypasses_every_host(list: &str) -> bool {
    list.split(',').any(|entry| entry.trim() == "*")
}

/// HTTP/2 flow-control window of a connection (see [`default_http`]).
const H2_CONNECTION_WINDOW: u32 = 1 << 30;
/// HTTP/2 flow-control window of one stream: what one unread stream may hold.
const H2_STREAM_WINDOW: u32 = 4 << 20;

fn default_http(connect: Option<Duration>) -> Result<reqwest::Client> {
    http_builder(connect)?.build().map_err(|err| Error::Tls(Box::new(err)))
}

/// The reqwest builder of [`default_http`]: TLS with ring and the web's roots, h2 and
/// http/1.1 by ALPN, no redirects, HTTP/2 windows for many streams, the proxy settings.
fn http_builder(connect: Option<Duration>) -> Result<reqwest::ClientBuilder> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| Error::Tls(Box::new(err)))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // A redirect is answered as an error, never followed: reqwest would resend a POST as a
    // GET without its body (301/302/303), and a request's key must not follow it elsewhere.
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        // HTTP/2 carries every call of a client on one connection, and bytes a stream has not
        // read hold the connection's window: with hyper's 5 MB for the connection, three
        // streams left unread (2 MB each) stopped every other call. As Go's HTTP/2 client:
        // 1 GiB for the connection, 4 MiB for a stream.
        .http2_initial_connection_window_size(H2_CONNECTION_WINDOW)
        .http2_initial_stream_window_size(H2_STREAM_WINDOW);
    let no_proxy = ["NO_PROXY", "no_proxy"].map(|name| std::env::var(name).ok());
    if no_proxy.iter().flatten().any(|list| bypasses_every_host(list)) {
        builder = builder.no_proxy();
    }
    if let Some(connect) = connect {
        builder = builder.connect_timeout(connect);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::StreamExt;
    use naga_protocol::{ChatRequest, ClientSettings, Config, Message};

    use super::{Client, bypasses_every_host, http_builder};

    /// Over HTTP/2 every call of a client shares one connection: streams left unread must not
    /// hold its window, or every other call stops (hyper's 5 MB connection window did that
    /// with three unread streams of a few MB each).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unread_http2_streams_do_not_stop_the_clients_other_calls() {
        let server = naga_mock::MockServer::start().await;
        let http = http_builder(None).unwrap().no_proxy().http2_prior_knowledge().build().unwrap();
        let config = Config::new("ng-test").unwrap().with_base_url(&server.base_url()).unwrap();
        let client = Client::builder()
            .settings(ClientSettings::default().config(config))
            .http_client(http)
            .build()
            .unwrap();
        let request = ChatRequest::new("gpt-4o-mini", [Message::user("Tokyo?")]);
        let big = client.with_header("x-mock-chunks", "30000").unwrap();
        let calls = async {
            let mut parked = Vec::new();
            for _ in 0..4 {
                let mut stream = big.chat_stream(&request).await.unwrap();
                stream.next().await.unwrap().unwrap();
                parked.push(stream);
                // Let the server fill what the windows allow.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            let fresh = client.chat_stream(&request).await.unwrap().into_completion().await;
            (parked, fresh)
        };
        let done = tokio::time::timeout(Duration::from_secs(20), calls).await;
        let (parked, fresh) = done.expect("a call stalled behind unread streams");
        assert!(fresh.unwrap().text().is_some_and(|text| text.starts_with("[naga-mock]")));
        assert_eq!(server.request_count("/v1/chat/completions"), 5);
        drop(parked);
    }

    #[test]
    fn a_star_entry_bypasses_every_host() {
        assert!(bypasses_every_host("*"));
        assert!(bypasses_every_host(" localhost , * "));
        assert!(!bypasses_every_host("localhost,127.0.0.1"));
        assert!(!bypasses_every_host("*.example.com"));
        assert!(!bypasses_every_host(""));
    }
}
