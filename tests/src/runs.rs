//! [`both`]: one call through both transports, with the requests the server saw.

use naga_mock::MockServer;

use crate::setup::Setup;
use naga_protocol::{Operation, StreamAccumulator, StreamingOperation};

use crate::failure::Failure;
use crate::transport::{Async, Blocking, SETTLE, Sender, StreamedItems, Transport};

/// The path the emulator records chat requests under.
pub const CHAT_PATH: &str = "/v1/chat/completions";

/// One transport's run of a case.
#[derive(Debug, Clone)]
pub struct Run<T> {
    /// `"blocking"`, `"async"`, `"async-h2"` or `"async-in-place"`.
    pub transport: &'static str,
    /// What the call produced.
    pub outcome: T,
    /// Chat requests the server received during the call (0 without a server).
    pub requests: usize,
}

/// Two runs of a case: blocking then async ([`both`]), async over HTTP/1.1 then over
/// HTTP/2 ([`over_http1_and_http2`]), or async with and without read-ahead
/// ([`with_and_without_read_ahead`]).
#[derive(Debug, Clone)]
pub struct Runs<T> {
    /// `[blocking, async]`, `[async, async-h2]` or `[async, async-in-place]`.
    pub runs: [Run<T>; 2],
}

impl<T: PartialEq + std::fmt::Debug> Runs<T> {
    /// Asserts both runs produced the same outcome and the server saw the same number of
    /// requests; returns the first run (equal to the second).
    #[track_caller]
    pub fn agreed(&self) -> &Run<T> {
        let [first, second] = &self.runs;
        assert_eq!(first.outcome, second.outcome, "transports disagree on the outcome");
        assert_eq!(first.requests, second.requests, "transports disagree on requests");
        first
    }

    /// [`agreed`](Self::agreed), with each transport having sent `requests` requests; the
    /// agreed outcome.
    #[track_caller]
    pub fn agreed_after(&self, requests: usize) -> T
    where
        T: Clone,
    {
        let run = self.agreed();
        assert_eq!(run.requests, requests, "requests per transport");
        run.outcome.clone()
    }
}

impl<T> Runs<T> {
    /// Each run, for per-transport checks (timings).
    pub fn each(&self) -> impl Iterator<Item = &Run<T>> {
        self.runs.iter()
    }
}

/// Which two clients a case compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// naga-blocking and naga-async ([`both`]).
    Transports,
    /// naga-async over HTTP/1.1 and over HTTP/2 ([`over_http1_and_http2`]).
    Http1AndHttp2,
    /// naga-async reading streams ahead through its relay task, and in place
    /// ([`with_and_without_read_ahead`]).
    ReadAheadAndInPlace,
}

impl Pairing {
    /// Runs `call` on this pairing's two clients built from `setup`.
    pub fn run<T>(
        self,
        server: &MockServer,
        setup: &Setup,
        case: &str,
        call: impl Fn(&dyn Transport) -> T,
    ) -> Runs<T> {
        match self {
            Pairing::Transports => both(Some(server), setup, case, call),
            Pairing::Http1AndHttp2 => over_http1_and_http2(server, setup, case, call),
            Pairing::ReadAheadAndInPlace => with_and_without_read_ahead(server, setup, case, call),
        }
    }
}

/// Runs `call` on two clients of the caller's, counting the chat requests `server` received
/// during each.
pub fn on_pair<T>(
    server: &MockServer,
    first: &dyn Transport,
    second: &dyn Transport,
    call: impl Fn(&dyn Transport) -> T,
) -> Runs<T> {
    run_pair(Some(server), first, second, &call)
}

/// Runs `call` on an async client over HTTP/1.1 then one over HTTP/2 (prior knowledge), as
/// [`both`] builds them: the same outcomes whatever the framing.
pub fn over_http1_and_http2<T>(
    server: &MockServer,
    setup: &Setup,
    case: &str,
    call: impl Fn(&dyn Transport) -> T,
) -> Runs<T> {
    let http1 = Async::new(&keyed(setup, case, "async"));
    let http2 = Async::http2(&keyed(setup, case, "async-h2"));
    run_pair(Some(server), &http1, &http2, &call)
}

/// Runs `call` on an async client that reads streams ahead (the default: a relay task, as
/// the calls run in the runtime's `block_on`) then on one built with `read_ahead(false)`:
/// the same outcomes whoever reads the body.
pub fn with_and_without_read_ahead<T>(
    server: &MockServer,
    setup: &Setup,
    case: &str,
    call: impl Fn(&dyn Transport) -> T,
) -> Runs<T> {
    let ahead = Async::new(&keyed(setup, case, "async"));
    let in_place = Async::in_place(&keyed(setup, case, "async-in-place"));
    run_pair(Some(server), &ahead, &in_place, &call)
}

/// Runs `call` on a blocking then an async client built from `setup` plus a unique
/// `x-mock-fail-key` (`<case>-<transport>`), counting the chat requests `server` received.
pub fn both<T>(
    server: Option<&MockServer>,
    setup: &Setup,
    case: &str,
    call: impl Fn(&dyn Transport) -> T,
) -> Runs<T> {
    let blocking = Blocking::new(&keyed(setup, case, "blocking"));
    let asynchronous = Async::new(&keyed(setup, case, "async"));
    run_pair(server, &blocking, &asynchronous, &call)
}

/// Sends `op` through a blocking then an async client (built as [`both`] builds them), with
/// each answer or failure; `requests` counts what `server` received on `path`.
pub fn send_both<O: Operation>(
    server: &MockServer,
    path: &str,
    setup: &Setup,
    case: &str,
    op: &O,
) -> Runs<Result<O::Output, Failure>> {
    on_both(server, path, setup, case, |b| b.send(op), |a| a.send(op))
}

/// Streams `op` through a blocking then an async client, every item read; `requests`
/// counts what `server` received on `path`.
pub fn stream_both<O: StreamingOperation>(
    server: &MockServer,
    path: &str,
    setup: &Setup,
    case: &str,
    op: &O,
) -> Runs<Result<StreamedItems<O>, Failure>>
where
    O::Decoder: Unpin,
{
    on_both(server, path, setup, case, |b| b.stream_all(op), |a| a.stream_all(op))
}

/// Runs `on_blocking` and `on_async` on clients built as [`both`] builds them, counting the
/// requests `server` received on `path` during each.
fn on_both<T>(
    server: &MockServer,
    path: &str,
    setup: &Setup,
    case: &str,
    on_blocking: impl FnOnce(&Blocking) -> T,
    on_async: impl FnOnce(&Async) -> T,
) -> Runs<T> {
    let blocking = Blocking::new(&keyed(setup, case, "blocking"));
    let asynchronous = Async::new(&keyed(setup, case, "async"));
    let first = counted(server, path, "blocking", || on_blocking(&blocking));
    let second = counted(server, path, "async", || on_async(&asynchronous));
    Runs { runs: [first, second] }
}

/// Runs `call`, counting the requests `server` received on `path` meanwhile.
fn counted<T>(
    server: &MockServer,
    path: &str,
    name: &'static str,
    call: impl FnOnce() -> T,
) -> Run<T> {
    let before = server.request_count(path);
    let outcome = call();
    std::thread::sleep(SETTLE);
    Run { transport: name, outcome, requests: server.request_count(path) - before }
}

fn keyed(setup: &Setup, case: &str, transport: &str) -> Setup {
    setup.clone().header("x-mock-fail-key", format!("{case}-{transport}"))
}

/// `call` on `first`, then on `second`, each run counting the chat requests `server` saw.
fn run_pair<T>(
    server: Option<&MockServer>,
    first: &dyn Transport,
    second: &dyn Transport,
    call: &impl Fn(&dyn Transport) -> T,
) -> Runs<T> {
    Runs { runs: [run_one(server, first, call), run_one(server, second, call)] }
}

fn run_one<T>(
    server: Option<&MockServer>,
    transport: &dyn Transport,
    call: &impl Fn(&dyn Transport) -> T,
) -> Run<T> {
    let count = || server.map_or(0, |s| s.request_count(CHAT_PATH));
    let before = count();
    let outcome = call(transport);
    std::thread::sleep(SETTLE);
    Run { transport: transport.name(), outcome, requests: count() - before }
}

/// Every item of a stream added up by `A`; panics at an error item (for streams expected
/// to succeed).
pub fn added_up<A: StreamAccumulator>(items: Vec<Result<A::Item, Failure>>) -> A::Output {
    A::default()
        .add_up(items, |_| {})
        .unwrap_or_else(|(failure, _)| panic!("the stream failed: {failure:?}"))
}

/// A loopback URL nobody listens on: bind a port, note it, close it.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|err| panic!("cannot bind loopback: {err}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|err| panic!("{err}"));
    drop(listener);
    format!("http://127.0.0.1:{port}/v1")
}
