//! The one definition of a transport's error type, stamped out by each transport crate.
//!
//! Every transport needs an error that is its own type (so `naga_blocking::Error` and
//! `naga_async::Error` can differ later) yet behaves identically today. `transport_error!`
//! holds that definition once; a transport's `error.rs` is a single invocation of it. The
//! macro needs nothing from the invoking crate but `naga-protocol`.

/// Paths the `transport_error!` expansion names, so the invoking crate needs no `http`.
#[doc(hidden)]
pub mod __private {
    pub use http::StatusCode;

    /// An HTTP library's error shown with its root cause: `error sending request for url
    /// (…): Connection refused (os error 111)`. reqwest's own message names only the URL and
    /// leaves the cause to `source()`, which a `{}` never shows; a cause the message already
    /// holds is not repeated.
    #[derive(Debug)]
    pub struct WithCause<'a>(pub &'a (dyn std::error::Error + 'static));

    impl std::fmt::Display for WithCause<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let shown = self.0.to_string();
            f.write_str(&shown)?;
            let mut root = self.0.source();
            while let Some(deeper) = root.and_then(std::error::Error::source) {
                root = Some(deeper);
            }
            match root.map(ToString::to_string) {
                Some(cause) if !shown.contains(&cause) => write!(f, ": {cause}"),
                _ => Ok(()),
            }
        }
    }
}

/// Defines `BoxError`, `Error`, the `Partial*` stream failures and `Result` in the invoking module: the
/// protocol's error plus what only a transport can hit (connect, TLS, timeouts, I/O, giving up
/// after retries), and a failed streamed chat with what arrived before the failure.
///
/// Also defines crate-private helpers the retry loop and the byte readers share, so the
/// classification of a transport failure is written once.
#[doc(hidden)]
#[macro_export]
macro_rules! transport_error {
    () => {
        /// A boxed error from the HTTP library, kept as the source of a transport error.
        pub type BoxError = ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>;

        /// Everything a call on [`Client`](crate::Client) can fail with.
        ///
        /// Neither `Display` nor `Debug` ever contains the API key: requests headers are not
        /// kept, and a key the server echoes back is replaced ([`naga_protocol::Redactor`]).
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error {
            /// The protocol said no: invalid request, API error status, undecodable body,
            /// broken stream.
            Protocol($crate::Error),
            /// No connection could be established (DNS, refused, reset before any response
            /// byte).
            Connect(BoxError),
            /// The TLS handshake or certificate check failed.
            Tls(BoxError),
            /// A time limit passed.
            Timeout {
                /// Which limit.
                kind: $crate::TimeoutKind,
                /// The configured limit.
                after: ::std::time::Duration,
            },
            /// Reading or writing failed after the connection was established.
            Io(BoxError),
            /// The request was sent again and every allowed attempt failed (or the deadline
            /// left no room for another); `last` is the final attempt's error, which is also
            /// this error's `source`. An error of the only attempt is never wrapped.
            GaveUp {
                /// Attempts made in total.
                attempts: u32,
                /// The last attempt's error.
                last: ::std::boxed::Box<Error>,
            },
        }

        $crate::transport_error!(@display);
        $crate::transport_error!(@accessors);
        $crate::transport_error!(@internal);
        $crate::transport_error!(@partial);

        /// Shorthand for results of this crate.
        pub type Result<T, E = Error> = ::std::result::Result<T, E>;
    };

    (@display) => {
        impl ::std::fmt::Display for Error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                use $crate::transport_error::__private::WithCause as Cause;
                match self {
                    Error::Protocol(err) => ::std::fmt::Display::fmt(err, f),
                    Error::Connect(err) => write!(f, "could not connect: {}", Cause(&**err)),
                    Error::Tls(err) => write!(f, "TLS failure: {}", Cause(&**err)),
                    Error::Timeout { kind, after } => write!(f, "{kind} timeout after {after:?}"),
                    Error::Io(err) => write!(f, "I/O error: {}", Cause(&**err)),
                    Error::GaveUp { attempts, last } => {
                        let plural = if *attempts == 1 { "" } else { "s" };
                        write!(f, "gave up after {attempts} attempt{plural}: {last}")
                    }
                }
            }
        }

        impl ::std::error::Error for Error {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    // Transparent: the protocol error stands in for this one.
                    Error::Protocol(err) => ::std::error::Error::source(err),
                    Error::Connect(err) | Error::Tls(err) | Error::Io(err) => Some(&**err),
                    // The chain reaches the root cause (a refused connection, say).
                    Error::GaveUp { last, .. } => Some(&**last),
                    Error::Timeout { .. } => None,
                }
            }
        }

        impl From<$crate::Error> for Error {
            fn from(err: $crate::Error) -> Self {
                Error::Protocol(err)
            }
        }
    };

    (@accessors) => {
        impl Error {
            /// Whether trying again later might succeed (rate limits, server errors, connect
            /// failures); looks through [`Error::GaveUp`].
            pub fn is_retryable(&self) -> bool {
                match self {
                    Error::Protocol(err) => matches!(
                        err.api_kind(),
                        Some($crate::ApiErrorKind::RateLimited | $crate::ApiErrorKind::Server)
                    ),
                    Error::Connect(_) => true,
                    Error::Timeout { kind, .. } => *kind == $crate::TimeoutKind::Connect,
                    Error::GaveUp { last, .. } => last.is_retryable(),
                    Error::Tls(_) | Error::Io(_) => false,
                }
            }

            /// The HTTP status of an API error; looks through [`Error::GaveUp`].
            pub fn status(&self) -> Option<$crate::transport_error::__private::StatusCode> {
                self.protocol().and_then($crate::Error::status)
            }

            /// The category of an API error; looks through [`Error::GaveUp`].
            pub fn api_kind(&self) -> Option<$crate::ApiErrorKind> {
                self.protocol().and_then($crate::Error::api_kind)
            }

            /// The protocol error inside, if any; looks through [`Error::GaveUp`].
            pub fn protocol(&self) -> Option<&$crate::Error> {
                match self {
                    Error::Protocol(err) => Some(err),
                    Error::GaveUp { last, .. } => last.protocol(),
                    _ => None,
                }
            }

            /// The API error the server answered with (its status, kind, message, request id
            /// and `Retry-After`), if any; looks through [`Error::GaveUp`].
            pub fn api(&self) -> Option<&$crate::ApiError> {
                self.protocol().and_then($crate::Error::api)
            }

            /// How many attempts were made when the client gave up after retrying.
            pub fn attempts(&self) -> Option<u32> {
                match self {
                    Error::GaveUp { attempts, .. } => Some(*attempts),
                    _ => None,
                }
            }

            /// The timeout kind, if a time limit ended the call; looks through
            /// [`Error::GaveUp`].
            pub fn timeout_kind(&self) -> Option<$crate::TimeoutKind> {
                match self {
                    Error::Timeout { kind, .. } => Some(*kind),
                    Error::GaveUp { last, .. } => last.timeout_kind(),
                    _ => None,
                }
            }
        }
    };

    (@partial) => {
        $crate::transport_error!(@partial PartialCompletion, ChatCompletion, ChatAccumulator,
            "A streamed chat completion that failed: the error, and what arrived before it.",
            "The completion added up from the chunks received before the error.");
        $crate::transport_error!(@partial PartialResponse, ResponseObject, ResponseAccumulator,
            "A streamed response that failed: the error, and what arrived before it.",
            "The response added up from the events received before the error.");
        $crate::transport_error!(@partial PartialMessage, MessagesResponse, MessageAccumulator,
            "A streamed message (Messages API) that failed: the error, and what arrived before it.",
            "The message added up from the events received before the error.");
    };

    (@partial $name:ident, $output:ident, $accumulator:ident, $doc:literal, $partial_doc:literal) => {
        #[doc = $doc]
        #[derive(Debug)]
        pub struct $name {
            /// Why the stream stopped.
            pub error: Error,
            #[doc = $partial_doc]
            pub partial: ::std::boxed::Box<$crate::$output>,
        }

        impl $name {
            /// `error`, with what `accumulator` added up before it.
            pub(crate) fn new(error: Error, accumulator: $crate::$accumulator) -> Self {
                $name { error, partial: ::std::boxed::Box::new(accumulator.finish()) }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.error)
            }
        }

        impl ::std::error::Error for $name {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                Some(&self.error)
            }
        }
    };

    (@internal) => {
        impl Error {
            /// A timeout of `kind` after `after` (`(kind, after)` as the protocol's
            /// `AttemptLimits` methods return it).
            pub(crate) fn timed_out((kind, after): ($crate::TimeoutKind, ::std::time::Duration)) -> Self {
                Error::Timeout { kind, after }
            }

            /// A success body longer than the protocol's `MAX_BODY_BYTES`, refused
            /// once the limit is passed.
            pub(crate) fn body_too_large() -> Self {
                let limit = $crate::MAX_BODY_BYTES;
                Error::Io(format!("response body exceeds {limit} bytes").into())
            }

            /// What the retry policy is told about this failed attempt: a failure before any
            /// response byte (may be retried) or after the response started (never resent).
            pub(crate) fn outcome(&self) -> $crate::Outcome<'static> {
                match self {
                    Error::Connect(_) => $crate::Outcome::ConnectFailed,
                    Error::Timeout { kind: $crate::TimeoutKind::Connect, .. } => {
                        $crate::Outcome::ConnectFailed
                    }
                    _ => $crate::Outcome::ResponseStarted,
                }
            }

            /// The error to return when the retry policy gives up after `attempts`: wrapped
            /// in [`Error::GaveUp`] when retries or the deadline ran out after a retry, else
            /// unchanged (a policy that allows no retry leaves the one error as it is).
            pub(crate) fn given_up(self, reason: $crate::GiveUpReason, attempts: u32) -> Self {
                match reason {
                    $crate::GiveUpReason::RetriesExhausted { .. }
                    | $crate::GiveUpReason::DeadlineExceeded
                        if attempts > 1 =>
                    {
                        Error::GaveUp { attempts, last: ::std::boxed::Box::new(self) }
                    }
                    _ => self,
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    //! The expansion, checked here once for both transports.
    // Its `pub` items are what a transport exports; here they sit in a private module.
    #![allow(unreachable_pub)]

    use std::error::Error as _;
    use std::time::Duration;

    use http::{HeaderMap, StatusCode};

    use crate::{
        ApiErrorKind, ChatAccumulator, ChatCompletionChunk, GiveUpReason, MessageAccumulator,
        MessageEvent, Outcome, ResponseAccumulator, ResponseEvent, TimeoutKind, parse_api_error,
    };

    /// Stands in for a transport's client, which the docs link to.
    #[derive(Debug)]
    struct Client;

    crate::transport_error!();

    /// `Ok(status)` unless the API error for it is worth retrying.
    fn final_status(status: u16) -> Result<u16> {
        let err = api(status);
        if err.is_retryable() { Err(err) } else { Ok(status) }
    }

    fn api(status: u16) -> Error {
        let status = StatusCode::from_u16(status).unwrap();
        parse_api_error(Some(status), &HeaderMap::new(), br#"{"error":{"message":"no"}}"#).into()
    }

    #[test]
    fn display_matches_each_variant() {
        let io = || -> BoxError { "reset".into() };
        let gave_up = |attempts| Error::GaveUp { attempts, last: Box::new(Error::Connect(io())) };
        let timeout =
            Error::Timeout { kind: TimeoutKind::StreamIdle, after: Duration::from_secs(2) };
        let table = [
            (Error::Connect(io()), "could not connect: reset"),
            (Error::Tls(io()), "TLS failure: reset"),
            (Error::Io(io()), "I/O error: reset"),
            (timeout, "stream idle timeout after 2s"),
            (gave_up(1), "gave up after 1 attempt: could not connect: reset"),
            (gave_up(3), "gave up after 3 attempts: could not connect: reset"),
        ];
        for (error, text) in table {
            assert_eq!(error.to_string(), text);
        }
        assert_eq!(api(503).to_string(), api(503).protocol().unwrap().to_string());
    }

    /// An error whose message leaves its cause to `source()`, as reqwest's do.
    #[derive(Debug)]
    struct Wrapped(&'static str, std::io::Error);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.1)
        }
    }

    #[test]
    fn a_library_error_is_shown_with_its_root_cause_once() {
        let refused = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let hidden =
            Error::Connect(Box::new(Wrapped("error sending request for url (u)", refused())));
        assert_eq!(
            hidden.to_string(),
            "could not connect: error sending request for url (u): refused"
        );
        let said = Error::Io(Box::new(Wrapped("broke: refused", refused())));
        assert_eq!(said.to_string(), "I/O error: broke: refused");
        assert!(hidden.source().unwrap().downcast_ref::<Wrapped>().is_some(), "the source is kept");
    }

    #[test]
    fn sources_and_accessors_look_through_gave_up() {
        assert_eq!(Error::Io("cut".into()).source().unwrap().to_string(), "cut");
        let last = Box::new(api(429));
        let err = Error::GaveUp { attempts: 2, last };
        assert_eq!(err.source().unwrap().to_string(), api(429).to_string());
        assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(err.api_kind(), Some(ApiErrorKind::RateLimited));
        assert_eq!(err.api().map(|api| api.kind), Some(ApiErrorKind::RateLimited));
        assert!(Error::Io("cut".into()).api().is_none());
        assert_eq!(err.attempts(), Some(2));
        assert!(err.is_retryable());
        assert_eq!(final_status(400).unwrap(), 400);
        assert_eq!(final_status(502).unwrap_err().api_kind(), Some(ApiErrorKind::Server));
        assert!(!Error::Tls("x".into()).is_retryable());
        let connect = Error::timed_out((TimeoutKind::Connect, Duration::ZERO));
        assert!(connect.is_retryable());
        let wrapped = Error::GaveUp { attempts: 1, last: Box::new(connect) };
        assert_eq!(wrapped.timeout_kind(), Some(TimeoutKind::Connect));
    }

    #[test]
    fn outcome_and_given_up_classify_failures() {
        assert!(matches!(Error::Connect("x".into()).outcome(), Outcome::ConnectFailed));
        let connect = Error::timed_out((TimeoutKind::Connect, Duration::ZERO));
        assert!(matches!(connect.outcome(), Outcome::ConnectFailed));
        let request = Error::timed_out((TimeoutKind::Request, Duration::ZERO));
        assert!(matches!(request.outcome(), Outcome::ResponseStarted));
        assert!(matches!(Error::Io("x".into()).outcome(), Outcome::ResponseStarted));
        let too_large = Error::body_too_large();
        assert!(matches!(too_large.outcome(), Outcome::ResponseStarted));
        assert_eq!(too_large.to_string(), "I/O error: response body exceeds 67108864 bytes");
        let exhausted = api(503).given_up(GiveUpReason::DeadlineExceeded, 4);
        assert_eq!(exhausted.attempts(), Some(4));
        let only = api(503).given_up(GiveUpReason::RetriesExhausted { attempts: 1 }, 1);
        assert_eq!((only.attempts(), only.status()), (None, Some(StatusCode::SERVICE_UNAVAILABLE)));
        assert!(matches!(only, Error::Protocol(_)), "{only:?}");
        let kept = api(400).given_up(GiveUpReason::NotRetryable, 1);
        assert_eq!((kept.attempts(), kept.status()), (None, Some(StatusCode::BAD_REQUEST)));
        let _ = Client;
    }

    #[test]
    fn a_partial_completion_shows_its_error_and_keeps_the_chunks() {
        let chunk = r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#;
        let mut accumulator = ChatAccumulator::new();
        accumulator.push(&serde_json::from_str::<ChatCompletionChunk>(chunk).unwrap());
        let failure = PartialCompletion::new(Error::Io("cut".into()), accumulator);
        assert_eq!(failure.to_string(), "I/O error: cut");
        assert_eq!(failure.source().unwrap().to_string(), "I/O error: cut");
        assert_eq!(failure.partial.text(), Some("Hel"));
    }

    #[test]
    fn a_partial_response_shows_its_error_and_keeps_the_events() {
        let mut accumulator = ResponseAccumulator::new();
        for event in [
            r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"m","role":"assistant","content":[]}}"#,
            r#"{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":"Hel"}"#,
        ] {
            accumulator.push(&ResponseEvent::from_json(event).unwrap());
        }
        let failure = PartialResponse::new(Error::Io("cut".into()), accumulator);
        assert_eq!(failure.to_string(), "I/O error: cut");
        assert_eq!(failure.source().unwrap().to_string(), "I/O error: cut");
        assert_eq!(failure.partial.output_text(), "Hel");
    }

    #[test]
    fn a_partial_message_shows_its_error_and_keeps_the_text() {
        let mut accumulator = MessageAccumulator::new();
        let delta = r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"#;
        accumulator.push(&MessageEvent::from_json(delta).unwrap());
        let failure = PartialMessage::new(Error::Io("cut".into()), accumulator);
        assert_eq!(failure.to_string(), "I/O error: cut");
        assert_eq!(failure.partial.text(), "Hel");
    }
}
