//! When to try a request again: a pure decision from inputs the transport supplies.
//!
//! [`RetryPolicy::decide`] reads no clock and draws no random numbers: the transport passes the
//! attempt count, the elapsed time, the wall-clock `now` (only to resolve an HTTP-date
//! `Retry-After`) and a jitter value it drew itself, then sleeps for the returned delay.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName, StatusCode};

use crate::error::ApiError;

/// A server's request to wait before retrying, from `retry-after-ms` or `Retry-After`, or
/// (without either header) an error body's `error.metadata.retry_after_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Wait this long (`retry-after-ms`, `Retry-After` in seconds, or the body's seconds).
    Delay(Duration),
    /// Wait until this time (`Retry-After` as an HTTP date).
    At(SystemTime),
}

impl RetryAfter {
    /// Reads `retry-after-ms` (preferred) or `Retry-After` (seconds or HTTP date).
    /// Unparseable or negative values are ignored; a huge one is kept (as the longest
    /// [`Duration`]), so it is not mistaken for no wait at all.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        if let Some(ms) = text("retry-after-ms").and_then(parse_non_negative) {
            return Some(RetryAfter::Delay(seconds(ms / 1000.0)));
        }
        let value = text("retry-after")?;
        if let Some(secs) = parse_non_negative(value) {
            return Some(RetryAfter::Delay(seconds(secs)));
        }
        httpdate::parse_http_date(value).ok().map(RetryAfter::At)
    }

    /// Reads an error body's `error.metadata.retry_after_seconds` (a number, or a string
    /// holding one), which some upstream providers send instead of a header. Values that are
    /// not finite or negative are ignored.
    ///
    /// ```
    /// use std::time::Duration;
    /// use naga_protocol::RetryAfter;
    ///
    /// let metadata = serde_json::json!({"retry_after_seconds": 1.5});
    /// let wait = RetryAfter::from_error_metadata(metadata.as_object().unwrap());
    /// assert_eq!(wait, Some(RetryAfter::Delay(Duration::from_millis(1500))));
    /// ```
    pub fn from_error_metadata(
        metadata: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<Self> {
        let secs = match metadata.get("retry_after_seconds")? {
            serde_json::Value::Number(number) => number.as_f64(),
            serde_json::Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }?;
        let secs = parse_non_negative_value(secs)?;
        Some(RetryAfter::Delay(seconds(secs)))
    }

    /// The delay this asks for, measured from `now` (a past date means no wait).
    pub fn delay_from(self, now: SystemTime) -> Duration {
        match self {
            RetryAfter::Delay(delay) => delay,
            RetryAfter::At(when) => when.duration_since(now).unwrap_or(Duration::ZERO),
        }
    }
}

/// A non-negative number, in the header's unit: digits, with a fraction or an exponent
/// (not `inf` or `NaN`, which `f64`'s parser takes). One too large for an `f64` is infinite,
/// and kept: the server asks for a very long wait.
fn parse_non_negative(text: &str) -> Option<f64> {
    if !text.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    (value >= 0.0).then_some(value)
}

/// `value` if it is finite and non-negative.
fn parse_non_negative_value(value: f64) -> Option<f64> {
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// `secs` seconds (finite, non-negative), or the longest [`Duration`] past it.
fn seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}

/// How and how long to retry a request that failed in a retryable way.
///
/// Retried: statuses 408, 429, 500, 502, 503, 504, 520-524 (a CDN such as Cloudflare in
/// front of the API: the origin failed, was down, unreachable or timed out, the kin of 502
/// and 504) and 529 (Anthropic's "overloaded", which the Messages API passes on), and failures before any response byte arrived
/// ([`Outcome::ConnectFailed`]). Never retried: any other status (400, 401, 402, 403, 404, ...)
/// and failures after response bytes arrived ([`Outcome::ResponseStarted`]), so a streamed
/// request is never silently sent twice. An error answer with an `x-should-retry: true` or
/// `false` header (OpenAI's) is retried or not as the header says, whatever its status (as
/// OpenAI's SDKs do); a success is never retried.
///
/// The delay is exponential backoff `initial_backoff * 2^(attempt - 1)`, capped at
/// [`max_backoff`](Self::max_backoff) and shortened by up to 25% by the caller's jitter, or
/// the server's wait when that is longer: `retry-after-ms` / `Retry-After`, or for a
/// [`Outcome::Rejected`] attempt without those headers the error body's
/// `error.metadata.retry_after_seconds` ([`RetryAfter::from_error_metadata`]). A server's
/// wait is the least it asks for (RFC 9110 §10.2.3), so a request is never sent again sooner:
/// one longer than [`max_retry_after`](Self::max_retry_after) gives up at once
/// ([`GiveUpReason::ServerWaitTooLong`]; the error keeps the wait), and a `Retry-After: 0`
/// still waits the backoff, so a server asking for no wait is not hit again at once.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use http::{HeaderMap, StatusCode};
/// use naga_protocol::{Decision, Outcome, RetryPolicy};
///
/// let policy = RetryPolicy::default();
/// let headers = HeaderMap::new();
/// let outcome = Outcome::Response { status: StatusCode::SERVICE_UNAVAILABLE, headers: &headers };
/// let decision = policy.decide(1, outcome, Duration::ZERO, SystemTime::UNIX_EPOCH, 0.0);
/// assert_eq!(decision, Decision::Retry(Duration::from_millis(500)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying). Default 2.
    pub max_retries: u32,
    /// Backoff before the first retry. Default 0.5 s.
    pub initial_backoff: Duration,
    /// Longest computed backoff. Default 8 s.
    pub max_backoff: Duration,
    /// Longest server-requested wait honoured (a longer one ends the retries). Default 60 s.
    pub max_retry_after: Duration,
    /// Budget for the whole call across attempts: no retry starts that would begin later, and
    /// transports end an attempt still running when it passes. A stream is bounded by it
    /// only until its head arrives; then by the idle timeout alone, so a long answer is
    /// never cut (drop the stream to stop earlier). Default 600 s.
    pub total_deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            total_deadline: Some(Duration::from_secs(600)),
        }
    }
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// The server answered with this status and these headers.
    Response {
        /// The response status.
        status: StatusCode,
        /// The response headers (read for `retry-after-ms` / `Retry-After`).
        headers: &'a HeaderMap,
    },
    /// The server answered with an error status, read into an [`ApiError`]: its status and
    /// wait hint ([`ApiError::retry_after`]: the headers, or the body when they have none)
    /// decide. An error without a status (one that arrived under a success status: inside a
    /// stream, or as the body of a success answer) is not retried.
    Rejected(&'a ApiError),
    /// The attempt failed before any response byte arrived (DNS, connect, TLS, send).
    ConnectFailed,
    /// The attempt failed after response bytes arrived; never retried.
    ResponseStarted,
}

/// The verdict of [`RetryPolicy::decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Decision {
    /// Sleep this long, then send the request again.
    Retry(Duration),
    /// Stop: return the attempt's result to the caller.
    GiveUp(GiveUpReason),
}

/// Why [`RetryPolicy::decide`] said not to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUpReason {
    /// The attempt succeeded.
    Success,
    /// The failure is not one that a retry can fix (or response bytes already arrived).
    NotRetryable,
    /// The failure was retryable but the retry budget is spent.
    RetriesExhausted {
        /// Attempts made in total.
        attempts: u32,
    },
    /// Waiting for the next retry would pass the total deadline.
    DeadlineExceeded,
    /// The server asked to wait longer than [`RetryPolicy::max_retry_after`] (its error says
    /// how long).
    ServerWaitTooLong,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// Sets [`max_retries`](Self::max_retries).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the initial and the maximum computed backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Sets [`max_retry_after`](Self::max_retry_after).
    pub fn with_max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Sets [`total_deadline`](Self::total_deadline).
    pub fn with_total_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.total_deadline = deadline;
        self
    }

    /// Decides whether to retry after attempt number `attempt` (1-based: attempts made so far)
    /// ended in `outcome`, `elapsed` after the first attempt began. `now` is only used to
    /// resolve an HTTP-date `Retry-After`; `jitter` is a caller-drawn value in `[0, 1)`
    /// (values outside are clamped, NaN counts as 0).
    pub fn decide(
        &self,
        attempt: u32,
        outcome: Outcome<'_>,
        elapsed: Duration,
        now: SystemTime,
        jitter: f64,
    ) -> Decision {
        let attempt = attempt.max(1);
        let server_wait = match outcome {
            Outcome::Response { status, .. } if status.is_success() => {
                return Decision::GiveUp(GiveUpReason::Success);
            }
            Outcome::Response { status, headers } if retryable(status, should_retry(headers)) => {
                RetryAfter::from_headers(headers).map(|wait| wait.delay_from(now))
            }
            Outcome::Rejected(error)
                if error.status.is_some_and(|status| retryable(status, error.should_retry)) =>
            {
                error.retry_after.map(|wait| wait.delay_from(now))
            }
            Outcome::ConnectFailed => None,
            Outcome::Response { .. } | Outcome::Rejected(_) | Outcome::ResponseStarted => {
                return Decision::GiveUp(GiveUpReason::NotRetryable);
            }
        };
        if attempt > self.max_retries {
            return Decision::GiveUp(GiveUpReason::RetriesExhausted { attempts: attempt });
        }
        let backoff = self.backoff(attempt, jitter);
        let delay = match server_wait {
            Some(wait) if wait > self.max_retry_after => {
                return Decision::GiveUp(GiveUpReason::ServerWaitTooLong);
            }
            Some(wait) => wait.max(backoff),
            None => backoff,
        };
        match self.total_deadline {
            Some(deadline) if elapsed.saturating_add(delay) > deadline => {
                Decision::GiveUp(GiveUpReason::DeadlineExceeded)
            }
            _ => Decision::Retry(delay),
        }
    }

    /// The computed backoff before retry number `attempt` (1-based), after jitter.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let base = self.initial_backoff.saturating_mul(1 << doublings).min(self.max_backoff);
        let jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };
        base.mul_f64(1.0 - 0.25 * jitter)
    }
}

/// Whether a response status is worth retrying: 408, 429, 500, 502, 503, 504, 520-524, 529.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504 | 520..=524 | 529)
}

/// Whether an error answer with `status` is retried: as the server's `x-should-retry`
/// `verdict` says when it gave one, else by the status.
fn retryable(status: StatusCode, verdict: Option<bool>) -> bool {
    verdict.unwrap_or_else(|| is_retryable_status(status))
}

/// The `x-should-retry` header: `true` or `false` (ASCII case and surrounding spaces
/// ignored), else `None`.
pub(crate) fn should_retry(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get(&SHOULD_RETRY)?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// OpenAI's header naming the server's verdict on a retry.
static SHOULD_RETRY: HeaderName = HeaderName::from_static("x-should-retry");

/// Maps 64 random bits (drawn by the transport) to a jitter value in `[0, 1)`.
pub fn jitter_from_bits(bits: u64) -> f64 {
    // The top 53 bits fill an f64 mantissa exactly.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
