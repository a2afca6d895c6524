use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, StatusCode};

use super::*;

const MS: fn(u64) -> Duration = Duration::from_millis;
const SECS: fn(u64) -> Duration = Duration::from_secs;

/// A fixed wall clock: Sun, 06 Nov 1994 08:49:37 GMT.
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + SECS(784_111_777)
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_static(value));
    }
    map
}

fn decide_status(policy: &RetryPolicy, attempt: u32, status: u16, map: &HeaderMap) -> Decision {
    let status = StatusCode::from_u16(status).unwrap();
    policy.decide(attempt, Outcome::Response { status, headers: map }, Duration::ZERO, now(), 0.0)
}

#[test]
fn each_status_is_classified() {
    let policy = RetryPolicy::default();
    let empty = HeaderMap::new();
    let retry = Decision::Retry(MS(500));
    let not = Decision::GiveUp(GiveUpReason::NotRetryable);
    let ok = Decision::GiveUp(GiveUpReason::Success);
    let table = [
        (200, ok),
        (201, ok),
        (204, ok),
        (301, not),
        (400, not),
        (401, not),
        (402, not),
        (403, not),
        (404, not),
        (408, retry),
        (409, not),
        (410, not),
        (422, not),
        (429, retry),
        (500, retry),
        (501, not),
        (502, retry),
        (503, retry),
        (504, retry),
        (505, not),
        (519, not),
        (520, retry),
        (521, retry),
        (522, retry),
        (523, retry),
        (524, retry),
        (525, not),
        (529, retry),
        (599, not),
    ];
    for (status, expected) in table {
        assert_eq!(decide_status(&policy, 1, status, &empty), expected, "status {status}");
        assert_eq!(is_retryable_status(StatusCode::from_u16(status).unwrap()), expected == retry);
    }
}

#[test]
fn connect_failures_retry_and_started_responses_never_do() {
    let policy = RetryPolicy::default();
    let decide = |outcome| policy.decide(1, outcome, Duration::ZERO, now(), 0.0);
    assert_eq!(decide(Outcome::ConnectFailed), Decision::Retry(MS(500)));
    assert_eq!(decide(Outcome::ResponseStarted), Decision::GiveUp(GiveUpReason::NotRetryable));
}

#[test]
fn backoff_doubles_per_attempt_and_is_capped() {
    let policy = RetryPolicy::default().with_max_retries(10);
    let table =
        [(1, MS(500)), (2, SECS(1)), (3, SECS(2)), (4, SECS(4)), (5, SECS(8)), (6, SECS(8))];
    for (attempt, expected) in table {
        let decision = policy.decide(attempt, Outcome::ConnectFailed, Duration::ZERO, now(), 0.0);
        assert_eq!(decision, Decision::Retry(expected), "attempt {attempt}");
    }
    // Huge attempt numbers saturate instead of overflowing.
    assert_eq!(policy.backoff(u32::MAX, 0.0), SECS(8));
    assert_eq!(policy.backoff(0, 0.0), MS(500));
}

#[test]
fn jitter_shortens_by_up_to_a_quarter_and_bad_values_are_clamped() {
    let policy = RetryPolicy::default();
    let table = [
        (0.0, MS(500)),
        (0.5, MS(437) + Duration::from_micros(500)),
        (0.999_999, Duration::from_nanos(375_000_125)),
        (-3.0, MS(500)),
        (f64::NAN, MS(500)),
        (1.0, MS(375)),
        (7.0, MS(375)),
        (f64::INFINITY, MS(375)),
        (f64::NEG_INFINITY, MS(500)),
    ];
    for (jitter, expected) in table {
        assert_eq!(policy.backoff(1, jitter), expected, "jitter {jitter}");
    }
}

#[test]
fn jitter_from_bits_stays_in_unit_interval() {
    assert_eq!(jitter_from_bits(0), 0.0);
    assert!(jitter_from_bits(u64::MAX) < 1.0);
    assert!((jitter_from_bits(1 << 63) - 0.5).abs() < 1e-12);
}

#[test]
fn retries_are_bounded_by_max_retries() {
    let policy = RetryPolicy::default(); // 2 retries: attempts 1 and 2 may retry, 3 may not.
    let empty = HeaderMap::new();
    assert!(matches!(decide_status(&policy, 1, 503, &empty), Decision::Retry(_)));
    assert!(matches!(decide_status(&policy, 2, 503, &empty), Decision::Retry(_)));
    assert_eq!(
        decide_status(&policy, 3, 503, &empty),
        Decision::GiveUp(GiveUpReason::RetriesExhausted { attempts: 3 })
    );
}

#[test]
fn zero_max_retries_never_retries() {
    for policy in [RetryPolicy::never(), RetryPolicy::default().with_max_retries(0)] {
        let decision = policy.decide(1, Outcome::ConnectFailed, Duration::ZERO, now(), 0.0);
        assert_eq!(decision, Decision::GiveUp(GiveUpReason::RetriesExhausted { attempts: 1 }));
        // A zero attempt number is treated as the first attempt.
        let decision = policy.decide(0, Outcome::ConnectFailed, Duration::ZERO, now(), 0.0);
        assert_eq!(decision, Decision::GiveUp(GiveUpReason::RetriesExhausted { attempts: 1 }));
    }
}

#[test]
fn server_requested_waits_are_honoured_and_never_shorten_the_backoff() {
    let policy = RetryPolicy::default();
    // The backoff before the first retry with this jitter: 500 ms shortened by 22.5%.
    let backoff = MS(387) + Duration::from_micros(500);
    let table: [(&[(&str, &str)], Duration); 9] = [
        (&[("retry-after", "0")], backoff),
        (&[("retry-after", "3")], SECS(3)),
        (&[("retry-after", "1.5")], MS(1500)),
        (&[("retry-after-ms", "250")], backoff),
        (&[("retry-after-ms", "2500")], MS(2500)),
        (&[("retry-after-ms", "2500"), ("retry-after", "9")], MS(2500)),
        (&[("retry-after-ms", "junk"), ("retry-after", "9")], SECS(9)),
        (&[("retry-after", "Sun, 06 Nov 1994 08:49:47 GMT")], SECS(10)),
        (&[("retry-after", "Sun, 06 Nov 1994 08:00:00 GMT")], backoff),
    ];
    for (pairs, expected) in table {
        let map = headers(pairs);
        let status = StatusCode::TOO_MANY_REQUESTS;
        let outcome = Outcome::Response { status, headers: &map };
        let decision = policy.decide(1, outcome, Duration::ZERO, now(), 0.9);
        assert_eq!(decision, Decision::Retry(expected), "{pairs:?}");
    }
}

#[test]
fn unparseable_retry_after_falls_back_to_backoff() {
    let policy = RetryPolicy::default();
    for value in ["soon", "-1", "NaN", "inf", "infinity", "+inf", ""] {
        let map = headers(&[("retry-after", value)]);
        assert_eq!(decide_status(&policy, 2, 503, &map), Decision::Retry(SECS(1)), "{value:?}");
    }
}

#[test]
fn retry_after_on_non_retryable_status_is_ignored() {
    let map = headers(&[("retry-after", "1")]);
    let decision = decide_status(&RetryPolicy::default(), 1, 400, &map);
    assert_eq!(decision, Decision::GiveUp(GiveUpReason::NotRetryable));
}

#[test]
fn a_server_wait_past_the_cap_ends_the_retries_instead_of_being_cut_short() {
    let policy = RetryPolicy::default().with_max_retry_after(SECS(5));
    let too_long = Decision::GiveUp(GiveUpReason::ServerWaitTooLong);
    // Past what an f64 holds too: 400 digits, or 1e400, read as infinite, not as no wait.
    let digits: &'static str = "9".repeat(400).leak();
    for value in ["6", "3600", "1e12", "1e300", "1e400", digits] {
        let map = headers(&[("retry-after", value)]);
        assert_eq!(decide_status(&policy, 1, 429, &map), too_long, "{value}");
        let ms = headers(&[("retry-after-ms", value)]);
        if value != "6" && value != "3600" {
            assert_eq!(decide_status(&policy, 1, 429, &ms), too_long, "ms {value}");
        }
    }
    let huge = RetryAfter::from_headers(&headers(&[("retry-after", digits)]));
    assert_eq!(huge, Some(RetryAfter::Delay(Duration::MAX)));
    let map = headers(&[("retry-after", "5")]);
    assert_eq!(decide_status(&policy, 1, 429, &map), Decision::Retry(SECS(5)));
    let tight = policy.with_total_deadline(Some(SECS(4)));
    assert_eq!(
        decide_status(&tight, 1, 429, &map),
        Decision::GiveUp(GiveUpReason::DeadlineExceeded)
    );
}

#[test]
fn deadline_counts_elapsed_plus_delay() {
    let policy = RetryPolicy::default().with_total_deadline(Some(SECS(10)));
    let decide = |elapsed| policy.decide(1, Outcome::ConnectFailed, elapsed, now(), 0.0);
    assert_eq!(decide(SECS(9)), Decision::Retry(MS(500)));
    assert_eq!(decide(MS(9_500)), Decision::Retry(MS(500)));
    assert_eq!(decide(MS(9_501)), Decision::GiveUp(GiveUpReason::DeadlineExceeded));
    assert_eq!(decide(Duration::MAX), Decision::GiveUp(GiveUpReason::DeadlineExceeded));
    let unbounded = policy.with_total_deadline(None);
    let decision = unbounded.decide(1, Outcome::ConnectFailed, SECS(1_000_000), now(), 0.0);
    assert_eq!(decision, Decision::Retry(MS(500)));
}

#[test]
fn exhaustion_is_reported_before_the_deadline() {
    let policy = RetryPolicy::default().with_total_deadline(Some(Duration::ZERO));
    let decision = policy.decide(3, Outcome::ConnectFailed, SECS(5), now(), 0.0);
    assert_eq!(decision, Decision::GiveUp(GiveUpReason::RetriesExhausted { attempts: 3 }));
}

#[test]
fn custom_backoff_is_used() {
    let policy = RetryPolicy::default().with_backoff(MS(10), MS(25));
    let table = [(1, MS(10)), (2, MS(20)), (3, MS(25))];
    for (attempt, expected) in table {
        assert_eq!(policy.backoff(attempt, 0.0), expected);
    }
}

/// A parsed error decides by its status and its wait hint, which may come from the body.
#[test]
fn a_rejected_attempt_decides_by_the_parsed_error() {
    use crate::error::parse_api_error;
    let policy = RetryPolicy::default();
    let hinted =
        br#"{"error":{"type":"rate_limit_exceeded","metadata":{"retry_after_seconds":3}}}"#;
    let decide = |status: Option<u16>, body: &[u8]| {
        let status = status.map(|s| StatusCode::from_u16(s).unwrap());
        let error = parse_api_error(status, &HeaderMap::new(), body);
        policy.decide(1, error.retry_outcome(), Duration::ZERO, now(), 0.0)
    };
    assert_eq!(decide(Some(429), hinted), Decision::Retry(SECS(3)));
    assert_eq!(decide(Some(503), b"{}"), Decision::Retry(MS(500)), "no hint: backoff");
    assert_eq!(decide(Some(400), hinted), Decision::GiveUp(GiveUpReason::NotRetryable));
    assert_eq!(decide(None, hinted), Decision::GiveUp(GiveUpReason::NotRetryable), "in-stream");
    let other = crate::error::Error::invalid("model", "is required");
    let decision = policy.decide(1, other.retry_outcome(), Duration::ZERO, now(), 0.0);
    assert_eq!(decision, Decision::GiveUp(GiveUpReason::NotRetryable));
}

#[test]
fn the_servers_should_retry_header_overrules_the_status() {
    let policy = RetryPolicy::default();
    let backoff = Decision::Retry(MS(500));
    let not_retryable = Decision::GiveUp(GiveUpReason::NotRetryable);
    type Headers = &'static [(&'static str, &'static str)];
    let cases: [(u16, Headers, Decision); 8] = [
        (503, &[("x-should-retry", "false")], not_retryable),
        (429, &[("x-should-retry", " FALSE ")], not_retryable),
        (400, &[("x-should-retry", "true")], backoff),
        (409, &[("x-should-retry", "True"), ("retry-after-ms", "2500")], Decision::Retry(MS(2500))),
        (503, &[("x-should-retry", "maybe")], backoff),
        (400, &[("x-should-retry", "1")], not_retryable),
        (200, &[("x-should-retry", "true")], Decision::GiveUp(GiveUpReason::Success)),
        (503, &[], backoff),
    ];
    for (status, pairs, expected) in cases {
        let map = headers(pairs);
        assert_eq!(decide_status(&policy, 1, status, &map), expected, "{status} {pairs:?}");
        if status >= 400 {
            let code = StatusCode::from_u16(status).unwrap();
            let error = crate::error::parse_api_error(Some(code), &map, b"{}");
            let outcome = Outcome::Rejected(error.api().unwrap());
            let decision = policy.decide(1, outcome, Duration::ZERO, now(), 0.0);
            assert_eq!(decision, expected, "rejected {status} {pairs:?}");
        }
    }
}

#[test]
fn an_error_without_a_status_is_not_retried_whatever_the_header_says() {
    let map = headers(&[("x-should-retry", "true")]);
    let error = crate::error::parse_api_error(None, &map, br#"{"error":{"message":"m"}}"#);
    assert_eq!(error.api().unwrap().should_retry, Some(true));
    let outcome = Outcome::Rejected(error.api().unwrap());
    let decision = RetryPolicy::default().decide(1, outcome, Duration::ZERO, now(), 0.0);
    assert_eq!(decision, Decision::GiveUp(GiveUpReason::NotRetryable));
}
