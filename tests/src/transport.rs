//! The [`Transport`] adapter: the same three calls on the blocking and the async client.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use naga_protocol::{ChatCompletion, ChatRequest, Operation, StreamDecoder, StreamingOperation};

use crate::failure::{Failure, TransportError};
use crate::outcome::{Items, MAX_ITEMS, Outcome};
use crate::setup::Setup;

/// One client, driven synchronously whatever its kind.
pub trait Transport {
    /// `"blocking"`, `"async"`, `"async-h2"` or `"async-in-place"`.
    fn name(&self) -> &'static str;
    /// `Client::chat`.
    fn chat(&self, request: &ChatRequest) -> Outcome;
    /// `Client::chat_stream`, accumulated with `into_completion`.
    fn chat_stream(&self, request: &ChatRequest) -> Outcome;
    /// `Client::stream` of `request` (sent with `stream: true`), every item read (errors
    /// included) to the end.
    fn stream_items(&self, request: &ChatRequest) -> Items;
}

/// Any operation through one transport's generic `send` and `stream` (static dispatch, so
/// it cannot sit on [`Transport`]).
pub trait Sender {
    /// `Client::send(op)`, its error classified.
    fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Failure>;

    /// `Client::stream(op)`: the failure to open it, or every item read (errors included,
    /// at most 10,000) to the end.
    fn stream_all<O: StreamingOperation>(&self, op: &O) -> Result<StreamedItems<O>, Failure>
    where
        O::Decoder: Unpin;
}

/// Every item of one stream of `O`, errors classified.
pub type StreamedItems<O> =
    Vec<Result<<<O as StreamingOperation>::Decoder as StreamDecoder>::Item, Failure>>;

impl Sender for Blocking {
    fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Failure> {
        self.client.send(op).map_err(|err| Failure::of(&err))
    }

    fn stream_all<O: StreamingOperation>(&self, op: &O) -> Result<StreamedItems<O>, Failure>
    where
        O::Decoder: Unpin,
    {
        let stream = self.client.stream(op).map_err(|err| Failure::of(&err))?;
        Ok(stream.take(MAX_ITEMS).map(|item| item.map_err(|e| Failure::of(&e))).collect())
    }
}

impl Sender for Async {
    fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Failure> {
        self.runtime.block_on(self.client.send(op)).map_err(|err| Failure::of(&err))
    }

    fn stream_all<O: StreamingOperation>(&self, op: &O) -> Result<StreamedItems<O>, Failure>
    where
        O::Decoder: Unpin,
    {
        self.runtime.block_on(async {
            let stream = self.client.stream(op).await.map_err(|err| Failure::of(&err))?;
            let read = stream.take(MAX_ITEMS).map(|item| item.map_err(|e| Failure::of(&e)));
            Ok(read.collect().await)
        })
    }
}

/// `naga_blocking::Client` behind [`Transport`].
#[derive(Debug, Clone)]
pub struct Blocking {
    /// The client.
    pub client: naga_blocking::Client,
}

impl Blocking {
    /// A blocking client for `setup`.
    pub fn new(setup: &Setup) -> Self {
        Blocking::build(setup, None)
    }

    /// The same on `agent` (a ureq agent of the caller's: custom roots).
    pub fn with_agent(setup: &Setup, agent: ureq::Agent) -> Self {
        Blocking::build(setup, Some(agent))
    }

    fn build(setup: &Setup, agent: Option<ureq::Agent>) -> Self {
        let mut builder = naga_blocking::Client::builder()
            .config(setup.config())
            .timeouts(setup.timeouts)
            .retry_policy(setup.retry)
            .max_event_size(setup.max_event_size);
        if let Some(agent) = agent {
            builder = builder.agent(agent);
        }
        let client = builder.build().unwrap_or_else(|err| panic!("blocking client: {err}"));
        Blocking { client }
    }
}

/// `naga_async::Client` behind [`Transport`], on its own multi-thread tokio runtime.
#[derive(Debug)]
pub struct Async {
    /// The client.
    pub client: naga_async::Client,
    /// The runtime calls run on.
    pub runtime: tokio::runtime::Runtime,
    /// `"async"`, `"async-h2"` over HTTP/2, or `"async-in-place"` without read-ahead.
    name: &'static str,
}

impl Async {
    /// An async client for `setup`, with a two-worker runtime.
    pub fn new(setup: &Setup) -> Self {
        Async::build(Async::builder(setup), "async")
    }

    /// The same built with `read_ahead(false)`: streams read their body in place, with no
    /// relay task, even from the runtime's `block_on`.
    pub fn in_place(setup: &Setup) -> Self {
        Async::build(Async::builder(setup).read_ahead(false), "async-in-place")
    }

    /// The same over cleartext HTTP/2 with prior knowledge (reqwest's
    /// `http2_prior_knowledge`), as to a server known to speak it.
    pub fn http2(setup: &Setup) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut http = reqwest::Client::builder()
            .http2_prior_knowledge()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none());
        if let Some(connect) = setup.timeouts.connect {
            http = http.connect_timeout(connect);
        }
        let http = http.build().unwrap_or_else(|err| panic!("HTTP/2 client: {err}"));
        Async::build(Async::builder(setup).http_client(http), "async-h2")
    }

    /// The same on `http` (a reqwest client of the caller's: custom roots, ALPN), named
    /// `name` in the runs.
    pub fn with_http_client(setup: &Setup, http: reqwest::Client, name: &'static str) -> Self {
        Async::build(Async::builder(setup).http_client(http), name)
    }

    /// A client builder with `setup`'s configuration, time limits, retries and event limit.
    fn builder(setup: &Setup) -> naga_async::ClientBuilder {
        naga_async::Client::builder()
            .config(setup.config())
            .timeouts(setup.timeouts)
            .retry_policy(setup.retry)
            .max_event_size(setup.max_event_size)
    }

    /// The client `builder` builds, on a two-worker runtime, named `name` in the runs.
    fn build(builder: naga_async::ClientBuilder, name: &'static str) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|err| panic!("runtime: {err}"));
        let client = builder.build().unwrap_or_else(|err| panic!("async client: {err}"));
        Async { client, runtime, name }
    }
}

/// An outcome from a timed result.
fn outcome<E: TransportError>(
    result: Result<ChatCompletion, E>,
    partial: Option<ChatCompletion>,
    start: Instant,
) -> Outcome {
    let elapsed = start.elapsed();
    let error_text = result.as_ref().err().map(ToString::to_string);
    Outcome { result: result.map_err(|err| Failure::of(&err)), partial, elapsed, error_text }
}

fn items(items: Vec<Result<naga_protocol::ChatCompletionChunk, Failure>>, start: Instant) -> Items {
    Items { items, open_error: None, elapsed: start.elapsed() }
}

fn open_failed(failure: Failure, start: Instant) -> Items {
    Items { items: Vec::new(), open_error: Some(failure), elapsed: start.elapsed() }
}

impl Transport for Blocking {
    fn name(&self) -> &'static str {
        "blocking"
    }

    fn chat(&self, request: &ChatRequest) -> Outcome {
        let start = Instant::now();
        outcome(self.client.chat(request), None, start)
    }

    fn chat_stream(&self, request: &ChatRequest) -> Outcome {
        let start = Instant::now();
        match self.client.chat_stream(request) {
            Err(err) => outcome(Err(err), None, start),
            Ok(chunks) => match chunks.into_completion() {
                Ok(done) => outcome::<naga_blocking::Error>(Ok(done), None, start),
                Err(partial) => outcome(Err(partial.error), Some(*partial.partial), start),
            },
        }
    }

    fn stream_items(&self, request: &ChatRequest) -> Items {
        let start = Instant::now();
        match self.client.stream(&*request.as_streaming()) {
            Err(err) => open_failed(Failure::of(&err), start),
            Ok(stream) => {
                let read = stream.take(MAX_ITEMS).map(|item| item.map_err(|e| Failure::of(&e)));
                items(read.collect(), start)
            }
        }
    }
}

impl Transport for Async {
    fn name(&self) -> &'static str {
        self.name
    }

    fn chat(&self, request: &ChatRequest) -> Outcome {
        let start = Instant::now();
        outcome(self.runtime.block_on(self.client.chat(request)), None, start)
    }

    fn chat_stream(&self, request: &ChatRequest) -> Outcome {
        let start = Instant::now();
        self.runtime.block_on(async {
            match self.client.chat_stream(request).await {
                Err(err) => outcome(Err(err), None, start),
                Ok(chunks) => match chunks.into_completion().await {
                    Ok(done) => outcome::<naga_async::Error>(Ok(done), None, start),
                    Err(partial) => outcome(Err(partial.error), Some(*partial.partial), start),
                },
            }
        })
    }

    fn stream_items(&self, request: &ChatRequest) -> Items {
        let start = Instant::now();
        self.runtime.block_on(async {
            match self.client.stream(&*request.as_streaming()).await {
                Err(err) => open_failed(Failure::of(&err), start),
                Ok(stream) => {
                    let read = stream.take(MAX_ITEMS).map(|item| item.map_err(|e| Failure::of(&e)));
                    items(read.collect().await, start)
                }
            }
        })
    }
}

/// A short pause that lets a server finish logging a request before it is counted.
pub(crate) const SETTLE: Duration = Duration::from_millis(20);
