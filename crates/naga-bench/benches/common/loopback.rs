//! Loopback against naga-mock: the mock on its own one-worker runtime, a current-thread
//! runtime for the async clients, the example request, and the raw HTTP clients that send
//! the same bytes (figures 3 and 4, and the callgrind examples).

use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Config, Message};
use tokio::runtime::Runtime;

/// Everything the clients need: the mock, its runtime and a client runtime.
pub(crate) struct Setup {
    _server_rt: Runtime,
    /// The running emulator.
    pub(crate) server: MockServer,
    /// A current-thread runtime for the async clients (their tasks stay on this thread).
    pub(crate) rt: Runtime,
}

/// The name of the mock's server threads (left out of the clients' CPU time).
pub(crate) const SERVER_THREAD: &str = "naga-mock-srv";

impl Setup {
    /// Installs the rustls provider and starts the mock.
    pub(crate) fn start() -> Option<Setup> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let server_rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(SERVER_THREAD)
            .enable_all()
            .build()
            .ok()?;
        let server = server_rt.block_on(MockServer::start());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
        Some(Setup { _server_rt: server_rt, server, rt })
    }

    /// A config for the mock; `chunks` sets the answer's content chunks (`x-mock-chunks`).
    pub(crate) fn config(&self, chunks: Option<usize>) -> Option<Config> {
        let config = Config::new("ng-bench").ok()?.with_base_url(&self.server.base_url()).ok()?;
        match chunks {
            Some(n) => config.with_header("x-mock-chunks", &n.to_string()).ok(),
            None => Some(config),
        }
    }
}

/// The reference page's example request.
pub(crate) fn tokyo() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")])
}

/// The same request bytes and headers with a bare reqwest client; reads the whole body.
pub(crate) async fn raw_reqwest(
    client: &reqwest::Client,
    http: &http::Request<bytes::Bytes>,
) -> bool {
    match raw_post(client, http).send().await {
        Ok(response) => response.bytes().await.is_ok_and(|body| !body.is_empty()),
        Err(_) => false,
    }
}

/// A streamed answer to the same request bytes and headers with a bare reqwest client: the
/// body's frames counted, no byte looked at (what any client built on reqwest pays at least).
pub(crate) async fn raw_reqwest_frames(
    client: &reqwest::Client,
    http: &http::Request<bytes::Bytes>,
) -> usize {
    use futures_util::StreamExt;
    let Ok(response) = raw_post(client, http).send().await else { return 0 };
    response.bytes_stream().filter(|frame| std::future::ready(frame.is_ok())).count().await
}

/// A bare reqwest POST of `http`'s URL, headers and body bytes.
fn raw_post(
    client: &reqwest::Client,
    http: &http::Request<bytes::Bytes>,
) -> reqwest::RequestBuilder {
    let mut builder = client.post(http.uri().to_string()).body(http.body().clone());
    for (name, value) in http.headers() {
        builder = builder.header(name, value);
    }
    builder
}

/// The same request bytes and headers with a bare ureq agent; reads the whole body.
pub(crate) fn raw_ureq(agent: &ureq::Agent, http: &http::Request<bytes::Bytes>) -> bool {
    let mut builder = agent.post(http.uri().to_string());
    for (name, value) in http.headers() {
        builder = builder.header(name, value);
    }
    match builder.send(&http.body()[..]) {
        Ok(mut response) => response.body_mut().read_to_vec().is_ok_and(|body| !body.is_empty()),
        Err(_) => false,
    }
}
