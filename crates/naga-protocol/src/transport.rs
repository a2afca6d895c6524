//! Small pure pieces shared by every transport, so their loops stay identical and tiny.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::chat::ChatRequest;
use crate::error::request_id;
use crate::retry::{Decision, Outcome};
use crate::settings::ClientSettings;

impl ChatRequest {
    /// This request for a single JSON answer: `stream` and `stream_options` cleared (borrowed
    /// when there is nothing to clear). Transports' `chat` methods send this.
    pub fn as_non_streaming(&self) -> Cow<'_, ChatRequest> {
        if self.stream.is_none() && self.stream_options.is_none() {
            return Cow::Borrowed(self);
        }
        let mut request = self.clone();
        request.stream = None;
        request.stream_options = None;
        Cow::Owned(request)
    }

    /// This request for a streamed answer: `stream` set (borrowed when already set).
    /// Transports' `chat_stream` methods send this.
    pub fn as_streaming(&self) -> Cow<'_, ChatRequest> {
        crate::operation::streaming_request(self, self.stream, |copy| copy.stream = Some(true))
    }
}

/// A parsed value together with the response status and headers it came from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// A request id from the headers, when the server sent one.
    pub request_id: Option<String>,
    /// The parsed body.
    pub value: T,
}

impl<T> Response<T> {
    /// Bundles a value with the status and headers it was read from.
    pub fn new(status: StatusCode, headers: HeaderMap, value: T) -> Self {
        Response { status, request_id: request_id(&headers), headers, value }
    }

    /// Replaces the value, keeping the status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            value: f(self.value),
        }
    }

    /// The value alone.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// Which time limit a transport hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (DNS, TCP, TLS) took too long.
    Connect,
    /// A non-streaming request did not complete in time.
    Request,
    /// A stream went quiet: no byte arrived for the idle timeout.
    StreamIdle,
    /// The total deadline across all attempts passed.
    Deadline,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Request => "request",
            TimeoutKind::StreamIdle => "stream idle",
            TimeoutKind::Deadline => "total deadline",
        })
    }
}

/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for a whole non-streaming request, body included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(600);
/// Default limit for silence on a stream (before its headers and between bytes): as long as
/// a whole non-streaming request may take, since a reasoning model can think that long
/// before its first token and a chat stream carries no keep-alive comments in between (the
/// read limit of OpenAI's SDKs is the same 600 s).
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// How long a transport, having decoded a stream's terminal event, waits for the end of the
/// body, so the connection goes back to the pool: a server sends the end with the last
/// event or right after it. Longer, and the connection is closed instead.
pub const END_OF_BODY_GRACE: Duration = Duration::from_millis(50);

/// The time limits of a client; `None` means no limit. The total deadline lives in
/// [`RetryPolicy::total_deadline`](crate::RetryPolicy::total_deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a connection (DNS, TCP, TLS).
    pub connect: Option<Duration>,
    /// A whole non-streaming attempt, body included.
    pub request: Option<Duration>,
    /// Silence on a stream: waiting for its headers, and between bytes.
    pub stream_idle: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(DEFAULT_CONNECT_TIMEOUT),
            request: Some(DEFAULT_REQUEST_TIMEOUT),
            stream_idle: Some(DEFAULT_STREAM_IDLE_TIMEOUT),
        }
    }
}

/// The time limits of one attempt, computed before it starts and kept to name a timeout
/// that fires later (e.g. while a body is read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptLimits {
    /// Limit for establishing the connection.
    pub connect: Option<Duration>,
    /// Non-streaming: the limit for the whole attempt. Streaming: the deadline's limit on
    /// waiting for the headers (a started stream is bounded only by `idle`).
    pub attempt: Option<(Duration, TimeoutKind)>,
    /// Streaming only: the limit for silence.
    pub idle: Option<Duration>,
    /// Whether the response is a stream.
    pub streaming: bool,
    /// The configured total deadline, which a timeout of kind
    /// [`Deadline`](TimeoutKind::Deadline) reports (the attempt itself ran on what was left).
    pub total_deadline: Option<Duration>,
}

impl AttemptLimits {
    /// The limits of an attempt starting `elapsed` after the first one.
    pub fn new(
        timeouts: &Timeouts,
        total_deadline: Option<Duration>,
        streaming: bool,
        elapsed: Duration,
    ) -> Self {
        let request = if streaming { None } else { timeouts.request };
        AttemptLimits {
            connect: timeouts.connect,
            attempt: attempt_timeout(request, total_deadline, elapsed),
            idle: if streaming { timeouts.stream_idle } else { None },
            streaming,
            total_deadline,
        }
    }

    /// How long a stream may wait for its headers: the idle timeout, or what is left of the
    /// deadline when that is shorter.
    pub fn header_wait(&self) -> Option<(Duration, TimeoutKind)> {
        let idle = self.idle.map(|idle| (idle, TimeoutKind::StreamIdle));
        match (idle, self.attempt) {
            (Some(idle), Some(attempt)) => Some(if attempt.0 < idle.0 { attempt } else { idle }),
            (idle, attempt) => idle.or(attempt),
        }
    }

    /// The kind and limit to report for a timeout that is not a connect or idle timeout: the
    /// request timeout, or the configured total deadline when what was left of it ran out.
    pub fn attempt_or_request(&self) -> (TimeoutKind, Duration) {
        self.attempt.map_or((TimeoutKind::Request, Duration::ZERO), |(after, kind)| {
            self.reported(kind, after)
        })
    }

    /// The kind and limit to report for a limit of `kind` that ran `after` in this attempt:
    /// a deadline is reported as configured, not as the part of it left for this attempt.
    pub fn reported(&self, kind: TimeoutKind, after: Duration) -> (TimeoutKind, Duration) {
        match (kind, self.total_deadline) {
            (TimeoutKind::Deadline, Some(total)) => (kind, total),
            _ => (kind, after),
        }
    }

    /// The kind and limit to report for a connect timeout: the total deadline's when what
    /// was left of it was shorter than the connect limit (that is what ran out).
    pub fn connect_timeout(&self) -> (TimeoutKind, Duration) {
        match self.attempt {
            Some((left, TimeoutKind::Deadline))
                if self.connect.is_none_or(|connect| left < connect) =>
            {
                self.reported(TimeoutKind::Deadline, left)
            }
            _ => (TimeoutKind::Connect, self.connect.unwrap_or_default()),
        }
    }

    /// The kind and limit to report for a stream that went quiet.
    pub fn idle_timeout(&self) -> (TimeoutKind, Duration) {
        (TimeoutKind::StreamIdle, self.idle.unwrap_or_default())
    }
}

/// Longest error body a transport reads to build an API error; the rest is not read.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// Longest non-streaming success body a transport accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Most a transport reserves up front for a body whose `content-length` it was told.
const MAX_RESERVED_BODY_BYTES: usize = 1024 * 1024;

/// What to reserve for a success body announced as `content_length` bytes: the whole body,
/// plus one byte so a reader can see the end without growing the buffer, up to 1 MiB (a
/// larger or lying length grows the buffer as bytes arrive, bounded by [`MAX_BODY_BYTES`]).
///
/// ```
/// use naga_protocol::body_capacity;
/// assert_eq!(body_capacity(Some(549)), 550);
/// assert_eq!(body_capacity(None), 0);
/// assert_eq!(body_capacity(Some(u64::MAX)), 1024 * 1024);
/// ```
pub fn body_capacity(content_length: Option<u64>) -> usize {
    let announced = content_length.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    match announced {
        0 => 0,
        n => n.saturating_add(1).min(MAX_RESERVED_BODY_BYTES),
    }
}

/// The attempts of one call: numbers them, gives each its limits, and asks the retry policy
/// what to do after a failure. A transport's retry loop keeps the clock and the jitter source.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use naga_protocol::{Attempts, ClientSettings, Decision, Outcome};
/// let settings = ClientSettings::default();
/// let mut attempts = Attempts::new(&settings, false);
/// let limits = attempts.start(Duration::ZERO);
/// assert_eq!((attempts.count(), limits.streaming), (1, false));
/// let decision = attempts.decide(Outcome::ConnectFailed, Duration::ZERO, SystemTime::UNIX_EPOCH, 0.5);
/// assert!(matches!(decision, Decision::Retry(_)));
/// ```
#[derive(Debug, Clone)]
pub struct Attempts<'a> {
    settings: &'a ClientSettings,
    streaming: bool,
    count: u32,
}

impl<'a> Attempts<'a> {
    /// No attempt made yet of a call (streaming or not) under `settings`.
    pub fn new(settings: &'a ClientSettings, streaming: bool) -> Self {
        Attempts { settings, streaming, count: 0 }
    }

    /// Starts the next attempt, `elapsed` after the first one began: returns its limits.
    pub fn start(&mut self, elapsed: Duration) -> AttemptLimits {
        self.count = self.count.saturating_add(1);
        self.settings.attempt_limits(self.streaming, elapsed)
    }

    /// Attempts started so far (the number of the current one).
    pub fn count(&self) -> u32 {
        self.count
    }

    /// What to do after the current attempt ended with `outcome`: the retry policy's verdict
    /// for this attempt number, given the time since the first attempt, the wall clock (for an
    /// HTTP-date `Retry-After`) and a jitter value in `0.0..1.0`.
    pub fn decide(
        &self,
        outcome: Outcome<'_>,
        elapsed: Duration,
        now: SystemTime,
        jitter: f64,
    ) -> Decision {
        self.settings.retry.decide(self.count, outcome, elapsed, now, jitter)
    }
}

/// The time limit for one attempt that starts `elapsed` after the first one: the request
/// timeout, or what is left of the total deadline when that is shorter (then the kind is
/// [`TimeoutKind::Deadline`]). `None` when neither limit is set.
///
/// ```
/// use std::time::Duration;
/// use naga_protocol::{attempt_timeout, TimeoutKind};
/// let secs = Duration::from_secs;
/// assert_eq!(attempt_timeout(Some(secs(60)), Some(secs(100)), secs(70)),
///            Some((secs(30), TimeoutKind::Deadline)));
/// assert_eq!(attempt_timeout(Some(secs(60)), None, secs(70)), Some((secs(60), TimeoutKind::Request)));
/// ```
pub fn attempt_timeout(
    request_timeout: Option<Duration>,
    total_deadline: Option<Duration>,
    elapsed: Duration,
) -> Option<(Duration, TimeoutKind)> {
    let remaining = total_deadline.map(|deadline| deadline.saturating_sub(elapsed));
    match (request_timeout, remaining) {
        (Some(request), Some(left)) if left < request => Some((left, TimeoutKind::Deadline)),
        (Some(request), _) => Some((request, TimeoutKind::Request)),
        (None, Some(left)) => Some((left, TimeoutKind::Deadline)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_timeout_picks_the_binding_limit() {
        let s = Duration::from_secs;
        let table = [
            (None, None, s(5), None),
            (Some(s(10)), None, s(5), Some((s(10), TimeoutKind::Request))),
            (None, Some(s(10)), s(4), Some((s(6), TimeoutKind::Deadline))),
            (Some(s(10)), Some(s(30)), s(4), Some((s(10), TimeoutKind::Request))),
            (Some(s(10)), Some(s(12)), s(4), Some((s(8), TimeoutKind::Deadline))),
            (Some(s(10)), Some(s(12)), s(40), Some((Duration::ZERO, TimeoutKind::Deadline))),
        ];
        for (request, deadline, elapsed, expected) in table {
            assert_eq!(attempt_timeout(request, deadline, elapsed), expected);
        }
    }

    #[test]
    fn a_deadline_is_reported_as_configured_and_named_when_it_cut_a_connect() {
        let s = Duration::from_secs;
        let timeouts = Timeouts { connect: Some(s(5)), request: Some(s(60)), stream_idle: None };
        // 9 s into a 10 s deadline: this attempt has 1 s, less than the connect limit.
        let late = AttemptLimits::new(&timeouts, Some(s(10)), false, s(9));
        assert_eq!(late.attempt, Some((s(1), TimeoutKind::Deadline)));
        assert_eq!(late.attempt_or_request(), (TimeoutKind::Deadline, s(10)));
        assert_eq!(late.connect_timeout(), (TimeoutKind::Deadline, s(10)));
        // Early on the connect limit is what runs out first.
        let early = AttemptLimits::new(&timeouts, Some(s(100)), false, s(0));
        assert_eq!(early.connect_timeout(), (TimeoutKind::Connect, s(5)));
        assert_eq!(early.attempt_or_request(), (TimeoutKind::Request, s(60)));
        let no_connect_limit = Timeouts { connect: None, ..timeouts };
        let streaming = AttemptLimits::new(&no_connect_limit, Some(s(10)), true, s(4));
        assert_eq!(streaming.connect_timeout(), (TimeoutKind::Deadline, s(10)));
        assert_eq!(
            streaming.reported(TimeoutKind::StreamIdle, s(2)),
            (TimeoutKind::StreamIdle, s(2))
        );
    }

    #[test]
    fn chat_requests_are_shaped_for_each_call() {
        use crate::{Message, Operation};
        let plain = ChatRequest::new("m", [Message::user("hi")]);
        assert!(matches!(plain.as_non_streaming(), Cow::Borrowed(_)));
        let streaming = plain.as_streaming();
        assert!(streaming.is_streaming());
        assert!(matches!(streaming.as_streaming(), Cow::Borrowed(_)));
        let with_usage = plain.clone().stream_with_usage();
        let back = with_usage.as_non_streaming();
        assert!(!back.is_streaming());
        assert_eq!(back.body().unwrap(), plain.body().unwrap());
        assert_eq!(with_usage.as_streaming().stream_options, with_usage.stream_options);
    }

    #[test]
    fn attempt_limits_split_streaming_and_non_streaming() {
        let s = Duration::from_secs;
        let timeouts = Timeouts { stream_idle: Some(s(120)), ..Timeouts::default() };
        let plain = AttemptLimits::new(&timeouts, Some(s(650)), false, s(100));
        assert_eq!(plain.attempt, Some((s(550), TimeoutKind::Deadline)));
        assert_eq!(
            (plain.idle, plain.header_wait()),
            (None, Some((s(550), TimeoutKind::Deadline)))
        );
        let stream = AttemptLimits::new(&timeouts, Some(s(650)), true, s(100));
        assert_eq!(stream.header_wait(), Some((s(120), TimeoutKind::StreamIdle)));
        let late = AttemptLimits::new(&timeouts, Some(s(650)), true, s(600));
        assert_eq!(late.header_wait(), Some((s(50), TimeoutKind::Deadline)));
        let none = AttemptLimits::new(&timeouts, None, true, s(600));
        assert_eq!(none.attempt_or_request(), (TimeoutKind::Request, Duration::ZERO));
    }

    #[test]
    fn attempts_are_numbered_limited_and_judged_by_the_policy() {
        let s = Duration::from_secs;
        let mut settings = ClientSettings::default().total_deadline(Some(s(100)));
        settings.retry = settings.retry.with_max_retries(1);
        let mut attempts = Attempts::new(&settings, true);
        assert_eq!(attempts.count(), 0);
        let first = attempts.start(Duration::ZERO);
        assert_eq!((attempts.count(), first.streaming), (1, true));
        let epoch = SystemTime::UNIX_EPOCH;
        let retry = attempts.decide(Outcome::ConnectFailed, s(1), epoch, 0.0);
        assert!(matches!(retry, Decision::Retry(_)), "{retry:?}");
        let started = attempts.decide(Outcome::ResponseStarted, s(1), epoch, 0.0);
        assert!(matches!(started, Decision::GiveUp(_)), "{started:?}");
        let second = attempts.start(s(95));
        assert_eq!(
            (attempts.count(), second.header_wait()),
            (2, Some((s(5), TimeoutKind::Deadline)))
        );
        let spent = attempts.decide(Outcome::ConnectFailed, s(96), epoch, 0.0);
        assert!(matches!(spent, Decision::GiveUp(_)), "{spent:?}");
    }

    #[test]
    fn limits_name_connect_and_idle_timeouts() {
        let limits = AttemptLimits::new(&Timeouts::default(), None, true, Duration::ZERO);
        assert_eq!(limits.connect_timeout(), (TimeoutKind::Connect, DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(limits.idle_timeout(), (TimeoutKind::StreamIdle, DEFAULT_STREAM_IDLE_TIMEOUT));
        let none = Timeouts { connect: None, request: None, stream_idle: None };
        let unlimited = AttemptLimits::new(&none, None, true, Duration::ZERO);
        assert_eq!(unlimited.connect_timeout(), (TimeoutKind::Connect, Duration::ZERO));
    }

    #[test]
    fn response_reads_the_request_id() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req-9"));
        let response = Response::new(StatusCode::OK, headers, 3).map(|n| n * 2);
        assert_eq!(response.request_id.as_deref(), Some("req-9"));
        assert_eq!(response.into_value(), 6);
    }
}
