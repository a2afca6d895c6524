//! The server: options, start (on the current runtime or on its own thread), shutdown on drop.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::account::KeyStore;
use crate::faults::{FailCounter, Faults};
use crate::first_bytes::FirstBytes;
use crate::free_tier::{FreeTierLedger, FreeTierLimits};
use crate::models::default_models;
use crate::record::{RecordedRequest, Recorder};
use crate::service::handle;

/// Default request body limit: 64 MiB (a chat with a 20 MB image as a data URL, or a 25 MB
/// audio file to transcribe, fits).
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Default limit on a client's silence ([`MockServerBuilder::client_timeout`]).
pub const DEFAULT_CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long shutdown waits for open connections before cutting them.
const GRACE: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub(crate) struct Options {
    pub(crate) required_api_key: Option<String>,
    pub(crate) max_body_bytes: usize,
    /// How long a client may keep the server waiting for a request or a body's next bytes.
    pub(crate) client_timeout: Duration,
    pub(crate) models: Vec<Value>,
    pub(crate) faults: Faults,
    pub(crate) free_tier: Option<FreeTierLimits>,
    /// HTTPS instead of HTTP.
    pub(crate) tls: Option<TlsAcceptor>,
}

/// Shows everything but the required key (`***`): a key is a secret even in an emulator,
/// where it may be a real one reused.
impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("required_api_key", &self.required_api_key.as_ref().map(|_| "***"))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("client_timeout", &self.client_timeout)
            .field("models", &self.models.len())
            .field("faults", &self.faults)
            .field("free_tier", &self.free_tier)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

/// Shared by every connection.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) options: Options,
    pub(crate) recorder: Recorder,
    pub(crate) fails: FailCounter,
    /// The emulated account's API keys.
    pub(crate) keys: KeyStore,
    /// Free-model requests admitted per key, when the free tier's limits are enforced.
    pub(crate) free_tier: Option<FreeTierLedger>,
    /// The bound address: the origin of the image URLs when a request names no host.
    pub(crate) addr: SocketAddr,
}

/// Options for a [`MockServer`].
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    options: Options,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        let options = Options {
            required_api_key: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            client_timeout: DEFAULT_CLIENT_TIMEOUT,
            models: default_models(),
            faults: Faults::default(),
            free_tier: None,
            tls: None,
        };
        MockServerBuilder { options }
    }
}

impl MockServerBuilder {
    /// Accept only this API key (by default any non-empty key is accepted).
    pub fn required_api_key(mut self, key: impl Into<String>) -> Self {
        self.options.required_api_key = Some(key.into());
        self
    }

    /// The largest accepted request body; larger bodies get 413 (default 64 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.options.max_body_bytes = limit;
        self
    }

    /// How long a client may keep the server waiting (default 60 s, as nginx's header and
    /// body timeouts): a connection that sends no request, a request head or HTTP/2 preface
    /// that stops halfway, or an idle HTTP/1 keep-alive connection is closed after it; a
    /// body that stops for that long gets a 408 and the connection closes; an HTTP/2
    /// connection whose client stops answering pings (sent after that long without a frame)
    /// is closed. Silent clients cannot hold the server's connections forever.
    pub fn client_timeout(mut self, limit: Duration) -> Self {
        self.options.client_timeout = limit;
        self
    }

    /// Replaces the model catalogue served by `GET /v1/models` (raw model objects).
    pub fn models(mut self, models: Vec<Value>) -> Self {
        self.options.models = models;
        self
    }

    /// Faults applied to every request unless its `x-mock-*` headers override them.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.options.faults = faults;
        self
    }

    /// Enforces Naga's budget for free models (§1.7 of the digest; off by default): requests
    /// for models whose id ends in `:free` beyond `limits` within a sliding minute or day,
    /// counted per API key across all free models, get a 429 `rate_limit_exceeded` whose
    /// message says when a slot frees (no `Retry-After`: Naga documents no rate-limit
    /// headers). Only requests that would be answered count.
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// use naga_mock::{FreeTierLimits, MockServer};
    /// let server = MockServer::builder().free_tier_limits(FreeTierLimits::DOCUMENTED).start().await?;
    /// # Ok(()) }
    /// ```
    pub fn free_tier_limits(mut self, limits: FreeTierLimits) -> Self {
        self.options.free_tier = Some(limits);
        self
    }

    /// Serves HTTPS with this certificate chain (PEM, leaf first) and private key (PEM,
    /// PKCS#8, PKCS#1 or SEC1), offering HTTP/2 and HTTP/1.1 by ALPN as Naga's endpoint does;
    /// [`MockServer::base_url`] then starts with `https://`. For tests of a client's TLS
    /// setup (custom roots, HTTP/2 over TLS).
    ///
    /// # Errors
    /// When the PEM holds no certificate or key, or the key does not fit the certificate.
    pub fn tls_pem(mut self, cert_chain_pem: &[u8], key_pem: &[u8]) -> io::Result<Self> {
        self.options.tls = Some(crate::tls::acceptor(cert_chain_pem, key_pem)?);
        Ok(self)
    }

    /// Starts on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start(self) -> io::Result<MockServer> {
        self.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts on `addr`, on the current tokio runtime.
    pub async fn bind(self, addr: SocketAddr) -> io::Result<MockServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let free_tier = self.options.free_tier.map(FreeTierLedger::new);
        let state = Arc::new(State {
            options: self.options,
            recorder: Recorder::default(),
            fails: FailCounter::default(),
            keys: KeyStore::default(),
            free_tier,
            addr,
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state), stopped));
        Ok(MockServer { addr, state, stop: Some(stop), task: Some(task), thread: None })
    }

    /// Starts on `127.0.0.1` with an ephemeral port, on a thread with its own runtime (for
    /// synchronous code). Dropping the server stops and joins that thread.
    pub fn start_blocking(self) -> io::Result<MockServer> {
        self.bind_blocking(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Starts on `addr`, on a thread with its own runtime.
    pub fn bind_blocking(self, addr: SocketAddr) -> io::Result<MockServer> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let mut server = runtime.block_on(self.bind(addr))?;
        let stop = server.stop.take();
        let task = server.task.take();
        let (stop_thread, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("naga-mock".into()).spawn(move || {
            runtime.block_on(async move {
                let _ = stopped.await;
                drop(stop);
                if let Some(task) = task {
                    let _ = task.await;
                }
            });
        })?;
        server.stop = Some(stop_thread);
        server.thread = Some(thread);
        Ok(server)
    }

    /// Serves on `addr` until Ctrl-C, then shuts down (for a CLI's `serve` command).
    pub async fn run_until_ctrl_c(self, addr: SocketAddr) -> io::Result<()> {
        let server = self.bind(addr).await?;
        tokio::signal::ctrl_c().await?;
        drop(server);
        Ok(())
    }
}

/// A running emulator. Dropping it stops accepting, gives open connections a second to
/// finish, then cuts them.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Options for a server.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// Starts with default options on `127.0.0.1`, on the current tokio runtime.
    ///
    /// # Panics
    /// If no loopback port can be bound (use [`MockServerBuilder::start`] to handle that).
    #[allow(
        clippy::panic,
        reason = "documented convenience for tests; the builder returns the error"
    )]
    pub async fn start() -> MockServer {
        match MockServer::builder().start().await {
            Ok(server) => server,
            Err(err) => panic!("naga-mock: cannot bind a loopback port: {err}"),
        }
    }

    /// Starts with default options on its own thread (for synchronous tests).
    ///
    /// # Panics
    /// If no loopback port can be bound or the thread cannot start.
    #[allow(
        clippy::panic,
        reason = "documented convenience for tests; the builder returns the error"
    )]
    pub fn start_blocking() -> MockServer {
        match MockServer::builder().start_blocking() {
            Ok(server) => server,
            Err(err) => panic!("naga-mock: cannot start: {err}"),
        }
    }

    /// Serves with default options on `addr` (e.g. `0.0.0.0:8080`), on the current runtime.
    pub async fn serve(addr: SocketAddr) -> io::Result<MockServer> {
        MockServer::builder().bind(addr).await
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT/v1` (`https://` when serving
    /// TLS).
    pub fn base_url(&self) -> String {
        let scheme = if self.state.options.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}/v1", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The requests received so far (credentials removed), oldest first: the newest
    /// [`MAX_RECORDED_REQUESTS`](crate::MAX_RECORDED_REQUESTS) whose bodies add up to at most
    /// [`MAX_RECORDED_BODY_BYTES`](crate::MAX_RECORDED_BODY_BYTES) (counts cover every one).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.recorder.requests()
    }

    /// How many requests were received for `path` (e.g. `/v1/chat/completions`).
    pub fn request_count(&self, path: &str) -> usize {
        self.state.recorder.count(path)
    }

    /// Request counts by path.
    pub fn request_counts(&self) -> HashMap<String, usize> {
        self.state.recorder.counts()
    }

    /// Forgets recorded requests, `x-mock-fail-times` attempt counts and the free-model
    /// requests counted against their limits.
    pub fn reset(&self) {
        self.state.recorder.clear();
        self.state.fails.clear();
        if let Some(ledger) = &self.state.free_tier {
            ledger.clear();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves one connection until it ends or shutdown ends it: HTTP/1.x, or HTTP/2 when the
/// client opens with its preface (prior knowledge, or after ALPN chose `h2`).
async fn serve<I>(io: I, state: Arc<State>, protocols: &Protocols, watcher: Watcher)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    // Its first bytes must come within the client time limit (see `first_bytes`).
    let io = TokioIo::new(FirstBytes::new(io, state.options.client_timeout));
    let service = service_fn(move |req| handle(Arc::clone(&state), req));
    let _ = watcher.watch(protocols.serve_connection(io, service).into_owned()).await;
}

/// The connection builder: HTTP/1.x and HTTP/2 on tokio.
type Protocols = auto::Builder<TokioExecutor>;

/// HTTP/1.x and HTTP/2, each closing a connection whose client stays silent for `limit`:
/// HTTP/1's header timeout runs from the connection's start and between requests, HTTP/2
/// pings after `limit` without a frame and waits `limit` for the answer.
fn protocols(limit: Duration) -> Protocols {
    let mut protocols = auto::Builder::new(TokioExecutor::new());
    protocols.http1().timer(TokioTimer::new()).header_read_timeout(limit);
    protocols.http2().timer(TokioTimer::new()).keep_alive_interval(limit).keep_alive_timeout(limit);
    protocols
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: oneshot::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    let limit = state.options.client_timeout;
    let protocols = protocols(limit);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                // Each event leaves as soon as it is written, as from a real SSE server: with
                // Nagle's algorithm a short last write waited for the client's delayed ACK
                // (about 40 ms at the end of a fast stream).
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&state);
                let (protocols, watcher) = (protocols.clone(), graceful.watcher());
                connections.spawn(async move {
                    match state.options.tls.clone() {
                        None => serve(stream, state, &protocols, watcher).await,
                        // A failed or stalled handshake ends the connection.
                        Some(tls) => {
                            let accepted = tokio::time::timeout(limit, tls.accept(stream)).await;
                            if let Ok(Ok(stream)) = accepted {
                                serve(stream, state, &protocols, watcher).await;
                            }
                        }
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = &mut stopped => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
    connections.shutdown().await;
}
