//! When to try a request again: a pure decision from inputs the transport supplies.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// A server's request to wait before retrying, from `retry-after-ms` or `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Wait this long (`retry-after-ms`, or `Retry-After` in seconds).
    Delay(Duration),
    /// Wait until this time (`Retry-After` as an HTTP date).
    At(SystemTime),
}

impl RetryAfter {
    /// Reads `retry-after-ms` (preferred) or `Retry-After` (seconds or HTTP date).
    /// Unparseable or negative values are ignored.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        if let Some(ms) = text("retry-after-ms").and_then(parse_non_negative) {
            return Some(RetryAfter::Delay(Duration::from_secs_f64(ms / 1000.0)));
        }
        let value = text("retry-after")?;
        if let Some(secs) = parse_non_negative(value) {
            return Some(RetryAfter::Delay(Duration::from_secs_f64(secs)));
        }
        httpdate::parse_http_date(value).ok().map(RetryAfter::At)
    }

    /// The delay this asks for, measured from `now` (a past date means no wait).
    pub fn delay_from(self, now: SystemTime) -> Duration {
        match self {
            RetryAfter::Delay(delay) => delay,
            RetryAfter::At(when) => when.duration_since(now).unwrap_or(Duration::ZERO),
        }
    }
}

/// A finite, non-negative number no larger than a day, in the header's unit.
fn parse_non_negative(text: &str) -> Option<f64> {
    const ONE_DAY_SECS: f64 = 86_400_000.0;
    let value: f64 = text.parse().ok()?;
    (value.is_finite() && (0.0..=ONE_DAY_SECS).contains(&value)).then_some(value)
}
