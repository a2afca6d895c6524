//! A blocking client for the NagaAI API, on [`ureq`].
//!
//! A thin loop over [`naga_protocol`]: build the request (protocol), send it (ureq), classify
//! the answer and maybe sleep and retry ([`RetryPolicy`] decides), then parse the body or
//! decode the stream (protocol). This crate adds only the connection pool, TLS (rustls with
//! the ring provider), time limits and the clock. Redirects are not followed: a 3xx is an API
//! error naming its `Location` (as in naga-async). Proxies come from the environment as ureq
//! reads it: the first set of `ALL_PROXY`, `HTTPS_PROXY` and `HTTP_PROXY` (or their lowercase
//! forms) for every scheme, and `NO_PROXY` entries as written (not trimmed): exact host names,
//! `*` for every host, `.example.com` suffixes, `10.` prefixes. That differs from curl and
//! naga-async in places; give [`ClientBuilder::agent`] an agent with an explicit
//! `ureq::Proxy` where it matters.
//!
//! ```no_run
//! use naga_blocking::Client;
//! use naga_protocol::Config;
//!
//! let client = Client::new(Config::from_env()?)?;
//! # let _ = client;
//! # Ok::<(), naga_blocking::Error>(())
//! ```

mod attempt;
mod chat;
mod client;
mod connection;
mod error;
mod framing;
mod messages;
mod resolver;
mod responses;
mod steady;
mod stream;

pub use chat::ChatChunks;
pub use client::{Client, ClientBuilder};
pub use error::{BoxError, Error, PartialCompletion, PartialMessage, PartialResponse, Result};
pub use messages::MessageEvents;
pub use naga_protocol::{self, Config, Response, RetryPolicy, TimeoutKind, Timeouts};
pub use responses::ResponseEvents;
pub use stream::ItemStream;

/// The repository README's Rust examples, compiled (not run) as doctests of this crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
