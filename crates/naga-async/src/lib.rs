//! An async client for the NagaAI API, on [`reqwest`] and tokio.
//!
//! A thin loop over [`naga_protocol`]: build the request (protocol), send it (reqwest),
//! classify the answer and maybe sleep and retry ([`RetryPolicy`] decides), then parse the
//! body or decode the stream (protocol). This crate adds only the connection pool, TLS
//! (rustls with the ring provider), time limits and the clock. Streams are decoded where
//! they are polled, as body frames arrive; the frames come through a small relay task when
//! the consumer is not a tokio task but a `block_on` future (a `#[tokio::main]` function's
//! body), where taking them one by one cost a thread wake-up each and was several times
//! slower ([`ClientBuilder::read_ahead`] turns that task off). Redirects are not followed:
//! a 3xx is an API error naming its `Location` (as in naga-blocking). Proxies come from
//! `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY`, bypassed for the hosts in `NO_PROXY`, where
//! `*` bypasses every host, IP addresses included (as in curl and naga-blocking).
//!
//! Calls need a tokio runtime with its I/O and time drivers (`enable_all`): awaited on
//! another executor they panic, as reqwest does. The connections a client keeps for reuse
//! belong to the runtime that opened them, so use a client (and its clones) on one
//! runtime; a pooled connection whose runtime is alive but idle would wait for it.
//! Without a runtime, use naga-blocking.
//!
//! ```no_run
//! # async fn run() -> Result<(), naga_async::Error> {
//! use naga_async::Client;
//! use naga_protocol::Config;
//!
//! let client = Client::new(Config::from_env()?)?;
//! # let _ = client; Ok(()) }
//! ```

mod attempt;
mod chat;
mod client;
mod error;
mod frames;
mod messages;
mod origin;
mod responses;
mod stream;

pub use chat::ChatChunks;
pub use client::{Client, ClientBuilder};
pub use error::{BoxError, Error, PartialCompletion, PartialMessage, PartialResponse, Result};
pub use messages::MessageEvents;
pub use naga_protocol::{self, Config, Response, RetryPolicy, TimeoutKind, Timeouts};
pub use responses::ResponseEvents;
pub use stream::ItemStream;
