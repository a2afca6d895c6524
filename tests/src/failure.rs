//! [`Failure`]: either transport's error, reduced to what both must agree on.

use naga_protocol::{ApiErrorKind, StreamError, TimeoutKind};

/// The class of a failed call, the same for both transports when they behave the same.
///
/// Durations and transport-specific sources are left out: a timeout keeps its kind, an API
/// error its kind, status, type and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server said no (HTTP status, or an error frame in a stream when `status` is None).
    Api {
        /// The category.
        kind: ApiErrorKind,
        /// The HTTP status, if the error came as a response.
        status: Option<u16>,
        /// `error.type` as sent.
        error_type: Option<String>,
        /// The message (Naga's, or a description of a non-JSON body).
        message: String,
    },
    /// A time limit passed.
    Timeout(TimeoutKind),
    /// No connection could be established.
    Connect,
    /// The stream ended without a terminal event after this many events.
    Truncated {
        /// Events received before the end.
        events: usize,
    },
    /// The connection was lost before the end of a body that cannot show its end.
    Cut {
        /// Bytes received before the cut.
        bytes: u64,
    },
    /// One event was larger than the limit.
    EventTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// One event was not valid UTF-8.
    InvalidUtf8,
    /// A body or frame did not decode.
    Decode {
        /// What was being decoded.
        what: &'static str,
    },
    /// The request was refused before sending.
    InvalidRequest {
        /// The offending field.
        field: String,
    },
    /// TLS failed.
    Tls,
    /// Reading or writing failed after connecting.
    Io,
    /// Retries were exhausted or the deadline passed.
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's failure.
        last: Box<Failure>,
    },
    /// Anything this table does not know (new variants).
    Other(String),
}

impl Failure {
    /// Classifies either transport's error.
    pub fn of<E: TransportError>(err: &E) -> Failure {
        if let Some((attempts, last)) = err.gave_up() {
            return Failure::GaveUp { attempts, last: Box::new(Failure::of(last)) };
        }
        if let Some(protocol) = err.protocol_error() {
            return Failure::of_protocol(protocol);
        }
        if let Some(kind) = err.timeout_kind() {
            return Failure::Timeout(kind);
        }
        err.transport_class()
    }

    /// Classifies a protocol error.
    pub fn of_protocol(err: &naga_protocol::Error) -> Failure {
        match err {
            naga_protocol::Error::Api(api) => Failure::Api {
                kind: api.kind,
                status: api.status.map(|s| s.as_u16()),
                error_type: api.error_type.clone(),
                message: api.message.clone(),
            },
            naga_protocol::Error::Decode { what, .. } => Failure::Decode { what },
            naga_protocol::Error::InvalidRequest { field, .. } => {
                Failure::InvalidRequest { field: field.to_string() }
            }
            naga_protocol::Error::Stream(StreamError::Truncated { events }) => {
                Failure::Truncated { events: *events }
            }
            naga_protocol::Error::Stream(StreamError::Cut { bytes }) => {
                Failure::Cut { bytes: *bytes }
            }
            naga_protocol::Error::Stream(StreamError::EventTooLarge { limit }) => {
                Failure::EventTooLarge { limit: *limit }
            }
            naga_protocol::Error::Stream(StreamError::InvalidUtf8 { .. }) => Failure::InvalidUtf8,
            other => Failure::Other(other.to_string()),
        }
    }

    /// The attempts of a [`Failure::GaveUp`], else 1.
    pub fn attempts(&self) -> u32 {
        match self {
            Failure::GaveUp { attempts, .. } => *attempts,
            _ => 1,
        }
    }

    /// The failure inside [`Failure::GaveUp`], else this one.
    pub fn last(&self) -> &Failure {
        match self {
            Failure::GaveUp { last, .. } => last.last(),
            other => other,
        }
    }
}

/// What [`Failure::of`] needs from a transport's error type.
pub trait TransportError: std::error::Error {
    /// `(attempts, last)` of a gave-up error.
    fn gave_up(&self) -> Option<(u32, &Self)>;
    /// The protocol error, when this is one (not looking through gave-up).
    fn protocol_error(&self) -> Option<&naga_protocol::Error>;
    /// The timeout kind, when this is a timeout.
    fn timeout_kind(&self) -> Option<TimeoutKind>;
    /// The class of the remaining (transport) variants.
    fn transport_class(&self) -> Failure;
}

macro_rules! transport_error {
    ($error:ty, $path:ident) => {
        impl TransportError for $error {
            fn gave_up(&self) -> Option<(u32, &Self)> {
                match self {
                    $path::Error::GaveUp { attempts, last } => Some((*attempts, last)),
                    _ => None,
                }
            }

            fn protocol_error(&self) -> Option<&naga_protocol::Error> {
                match self {
                    $path::Error::Protocol(err) => Some(err),
                    _ => None,
                }
            }

            fn timeout_kind(&self) -> Option<TimeoutKind> {
                match self {
                    $path::Error::Timeout { kind, .. } => Some(*kind),
                    _ => None,
                }
            }

            fn transport_class(&self) -> Failure {
                match self {
                    $path::Error::Connect(_) => Failure::Connect,
                    $path::Error::Tls(_) => Failure::Tls,
                    $path::Error::Io(_) => Failure::Io,
                    other => Failure::Other(other.to_string()),
                }
            }
        }
    };
}

transport_error!(naga_blocking::Error, naga_blocking);
transport_error!(naga_async::Error, naga_async);
