//! Faults on demand: parsed from `x-mock-*` request headers over the server's defaults.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use http::HeaderMap;

/// Faults to inject. Every field is off by default; a request's `x-mock-*` headers override
/// the server's defaults (set with [`MockServerBuilder::faults`](crate::MockServerBuilder::faults))
/// field by field. See the crate docs for the header of each field. Build one with struct
/// update syntax: `Faults { status: Some(503), ..Faults::default() }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// `x-mock-status`: answer with this error status (>= 400) and Naga's error body.
    pub status: Option<u16>,
    /// `x-mock-retry-after`: `Retry-After` value (seconds or an HTTP date) on fault answers.
    pub retry_after: Option<String>,
    /// `x-mock-retry-after-ms`: `retry-after-ms` value on fault answers.
    pub retry_after_ms: Option<u64>,
    /// `x-mock-retry-after-body`: seconds put in fault answers' bodies as
    /// `error.metadata.retry_after_seconds` (how some upstream providers ask for a wait).
    pub retry_after_body: Option<u64>,
    /// `x-mock-fail-times`: fail the first N attempts of each request, then succeed.
    pub fail_times: Option<u32>,
    /// `x-mock-fail-status`: the status of those failures (default 503).
    pub fail_status: Option<u16>,
    /// `x-mock-fail-key`: what counts as "the same request" (default: the same path + body).
    pub fail_key: Option<String>,
    /// `x-mock-drop-after-events`: abort the connection after N SSE events.
    pub drop_after_events: Option<usize>,
    /// `x-mock-stall-ms`: sleep this long before the headers (or mid-stream, see below).
    pub stall_ms: Option<u64>,
    /// `x-mock-stall-after-events`: do the stall after N SSE events instead of before headers.
    pub stall_after_events: Option<usize>,
    /// `x-mock-error-after-events`: send an in-stream error frame after N events, then close.
    pub error_after_events: Option<usize>,
    /// `x-mock-malformed-after-events`: send a non-JSON data frame after N events.
    pub malformed_after_events: Option<usize>,
    /// `x-mock-invalid-utf8-after-events`: send a frame with invalid UTF-8 after N events.
    pub invalid_utf8_after_events: Option<usize>,
    /// `x-mock-html-error`: answer with an HTML page and this status.
    pub html_error: Option<u16>,
    /// `x-mock-oversized-event-bytes`: pad the first content event's data line to N bytes.
    pub oversized_event_bytes: Option<usize>,
    /// `x-mock-no-done`: omit the final `data: [DONE]`.
    pub no_done: bool,
    /// `x-mock-ignore-stream`: answer a streaming request with the non-streaming JSON body,
    /// as a server that ignores `stream: true` would.
    pub ignore_stream: bool,
    /// `x-mock-chunks`: split the content into exactly N chunks (lengthening it if needed).
    pub chunks: Option<usize>,
}

/// Largest accepted `x-mock-chunks`, `x-mock-oversized-event-bytes` and stall values.
pub(crate) const MAX_CHUNKS: usize = 1_000_000;
const MAX_EVENT_BYTES: usize = 256 * 1024 * 1024;
const MAX_STALL_MS: u64 = 600_000;

impl Faults {
    /// These defaults overridden by the `x-mock-*` headers present in `headers`; `Err` names a
    /// header whose value does not parse.
    pub(crate) fn merged(&self, headers: &HeaderMap) -> Result<Faults, String> {
        let mut f = self.clone();
        override_num(headers, "x-mock-status", &mut f.status, 400, 599)?;
        if let Some(v) = text(headers, "x-mock-retry-after")? {
            f.retry_after = Some(v);
        }
        override_num(headers, "x-mock-retry-after-ms", &mut f.retry_after_ms, 0, MAX_STALL_MS)?;
        override_num(headers, "x-mock-retry-after-body", &mut f.retry_after_body, 0, 86_400)?;
        override_num(headers, "x-mock-fail-times", &mut f.fail_times, 0, 1_000_000)?;
        override_num(headers, "x-mock-fail-status", &mut f.fail_status, 400, 599)?;
        if let Some(v) = text(headers, "x-mock-fail-key")? {
            f.fail_key = Some(v);
        }
        f.merge_stream(headers)?;
        override_num(headers, "x-mock-html-error", &mut f.html_error, 400, 599)?;
        override_flag(headers, "x-mock-no-done", &mut f.no_done)?;
        override_flag(headers, "x-mock-ignore-stream", &mut f.ignore_stream)?;
        Ok(f)
    }

    fn merge_stream(&mut self, headers: &HeaderMap) -> Result<(), String> {
        let n = usize::MAX;
        override_num(headers, "x-mock-drop-after-events", &mut self.drop_after_events, 0, n)?;
        override_num(headers, "x-mock-stall-ms", &mut self.stall_ms, 0, MAX_STALL_MS)?;
        override_num(headers, "x-mock-stall-after-events", &mut self.stall_after_events, 0, n)?;
        override_num(headers, "x-mock-error-after-events", &mut self.error_after_events, 0, n)?;
        let malformed = &mut self.malformed_after_events;
        override_num(headers, "x-mock-malformed-after-events", malformed, 0, n)?;
        let utf8 = &mut self.invalid_utf8_after_events;
        override_num(headers, "x-mock-invalid-utf8-after-events", utf8, 0, n)?;
        let oversized = &mut self.oversized_event_bytes;
        override_num(headers, "x-mock-oversized-event-bytes", oversized, 0, MAX_EVENT_BYTES)?;
        override_num(headers, "x-mock-chunks", &mut self.chunks, 1, MAX_CHUNKS)
    }

    /// The stall before the response headers, if any.
    pub(crate) fn stall_before_headers(&self) -> Option<u64> {
        if self.stall_after_events.is_some() { None } else { self.stall_ms }
    }

    /// Whether anything is to happen between two SSE events (a drop, a stall, an error,
    /// malformed or invalid UTF-8 frame).
    pub(crate) fn has_mid_stream_fault(&self) -> bool {
        [
            self.drop_after_events,
            self.stall_after_events,
            self.error_after_events,
            self.malformed_after_events,
            self.invalid_utf8_after_events,
        ]
        .iter()
        .any(Option::is_some)
    }
}

fn text(headers: &HeaderMap, name: &str) -> Result<Option<String>, String> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(|s| Some(s.trim().to_owned()))
            .map_err(|_| format!("header `{name}` must be visible ASCII")),
    }
}

/// Sets `target` from a flag header: `1`, `true`, `yes` or `on` turn it on, `0`, `false`,
/// `no` or `off` turn it off (any case); another value is refused.
fn override_flag(headers: &HeaderMap, name: &str, target: &mut bool) -> Result<(), String> {
    let Some(value) = text(headers, name)? else { return Ok(()) };
    *target = match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => true,
        "0" | "false" | "no" | "off" => false,
        _ => {
            return Err(format!("header `{name}` must be 1 or 0 (or true / false), got `{value}`"));
        }
    };
    Ok(())
}

fn override_num<T>(
    headers: &HeaderMap,
    name: &str,
    slot: &mut Option<T>,
    min: T,
    max: T,
) -> Result<(), String>
where
    T: FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(raw) = text(headers, name)? else { return Ok(()) };
    match raw.parse::<T>() {
        Ok(v) if v >= min && v <= max => {
            *slot = Some(v);
            Ok(())
        }
        _ => Err(format!("header `{name}` must be an integer in {min}..={max}, got `{raw}`")),
    }
}

/// Counts attempts per request key for `fail_times`.
#[derive(Debug, Default)]
pub(crate) struct FailCounter {
    attempts: Mutex<HashMap<String, u32>>,
}

impl FailCounter {
    /// Counts one attempt under `key`; true when it must fail (one of the first `times`).
    pub(crate) fn should_fail(&self, key: String, times: u32) -> bool {
        let mut map = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = map.entry(key).or_insert(0);
        *seen = seen.saturating_add(1);
        *seen <= times
    }

    /// Forgets every count.
    pub(crate) fn clear(&self) {
        self.attempts.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn headers_override_defaults() {
        let defaults = Faults { status: Some(500), no_done: true, ..Faults::default() };
        let mut headers = HeaderMap::new();
        headers.insert("x-mock-status", HeaderValue::from_static("503"));
        headers.insert("x-mock-no-done", HeaderValue::from_static("0"));
        headers.insert("x-mock-chunks", HeaderValue::from_static("10000"));
        let merged = defaults.merged(&headers).unwrap();
        assert_eq!(merged.status, Some(503));
        assert!(!merged.no_done);
        assert_eq!(merged.chunks, Some(10000));
    }

    #[test]
    fn bad_values_name_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert("x-mock-status", HeaderValue::from_static("abc"));
        let err = Faults::default().merged(&headers).unwrap_err();
        assert!(err.contains("x-mock-status"), "{err}");
        for (flag, value) in [("x-mock-no-done", "maybe"), ("x-mock-ignore-stream", "2")] {
            let mut headers = HeaderMap::new();
            headers.insert(flag, HeaderValue::from_static(value));
            let err = Faults::default().merged(&headers).unwrap_err();
            assert!(err.contains(flag) && err.contains(value), "{err}");
        }
        for (value, on) in [("TRUE", true), ("yes", true), ("Off", false), ("0", false)] {
            let mut headers = HeaderMap::new();
            headers.insert("x-mock-no-done", HeaderValue::from_static(value));
            assert_eq!(Faults::default().merged(&headers).unwrap().no_done, on, "{value}");
        }
    }

    #[test]
    fn fail_counter_fails_first_n() {
        let counter = FailCounter::default();
        let results: Vec<bool> = (0..4).map(|_| counter.should_fail("k".into(), 2)).collect();
        assert_eq!(results, [true, true, false, false]);
        assert!(counter.should_fail("other".into(), 1));
    }
}
