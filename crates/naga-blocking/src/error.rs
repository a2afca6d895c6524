//! The blocking client's error: the protocol's error plus what only a transport can hit.

use std::time::Duration;

use http::StatusCode;
use naga_protocol::{ApiErrorKind, TimeoutKind};

/// A boxed error from the HTTP library, kept as the source of a transport error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Everything a call on [`Client`](crate::Client) can fail with.
///
/// Neither `Display` nor `Debug` ever contains the API key: requests headers are not kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The protocol said no: invalid request, API error status, undecodable body, broken
    /// stream.
    #[error(transparent)]
    Protocol(#[from] naga_protocol::Error),
    /// No connection could be established (DNS, refused, reset before any response byte).
    #[error("could not connect: {0}")]
    Connect(#[source] BoxError),
    /// The TLS handshake or certificate check failed.
    #[error("TLS failure: {0}")]
    Tls(#[source] BoxError),
    /// A time limit passed.
    #[error("{kind} timeout after {after:?}")]
    Timeout {
        /// Which limit.
        kind: TimeoutKind,
        /// The configured limit.
        after: Duration,
    },
    /// Reading or writing failed after the connection was established.
    #[error("I/O error: {0}")]
    Io(#[source] BoxError),
    /// Every allowed attempt failed (or the deadline left no room for another); `last` is the
    /// final attempt's error.
    #[error("gave up after {attempts} attempt{}: {last}", if *attempts == 1 { "" } else { "s" })]
    GaveUp {
        /// Attempts made in total.
        attempts: u32,
        /// The last attempt's error.
        last: Box<Error>,
    },
}

impl Error {
    /// Whether trying again later might succeed (rate limits, server errors, connect
    /// failures); looks through [`Error::GaveUp`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Protocol(err) => {
                matches!(err.api_kind(), Some(ApiErrorKind::RateLimited | ApiErrorKind::Server))
            }
            Error::Connect(_) => true,
            Error::Timeout { kind, .. } => *kind == TimeoutKind::Connect,
            Error::GaveUp { last, .. } => last.is_retryable(),
            Error::Tls(_) | Error::Io(_) => false,
        }
    }

    /// The HTTP status of an API error; looks through [`Error::GaveUp`].
    pub fn status(&self) -> Option<StatusCode> {
        self.protocol().and_then(naga_protocol::Error::status)
    }

    /// The category of an API error; looks through [`Error::GaveUp`].
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        self.protocol().and_then(naga_protocol::Error::api_kind)
    }

    /// The protocol error inside, if any; looks through [`Error::GaveUp`].
    pub fn protocol(&self) -> Option<&naga_protocol::Error> {
        match self {
            Error::Protocol(err) => Some(err),
            Error::GaveUp { last, .. } => last.protocol(),
            _ => None,
        }
    }

    /// How many attempts were made when the client gave up after retrying.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::GaveUp { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// The timeout kind, if a time limit ended the call; looks through [`Error::GaveUp`].
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self {
            Error::Timeout { kind, .. } => Some(*kind),
            Error::GaveUp { last, .. } => last.timeout_kind(),
            _ => None,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
