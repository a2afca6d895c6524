//! Socket time limits that are set again only when they must change.
//!
//! A per-request limit (`timeout_global`, the deadline) is a point in time, so the time left
//! differs at every read and write, and ureq's TCP transport calls `setsockopt` before each
//! one whose limit differs from the last: three extra syscalls per request. [`steady`] hands
//! the transport the limit it last set whenever that expires no earlier than asked and at
//! most [`SLACK`] later, and rounds a new limit up by half the slack so the next requests can
//! keep it too. A limit never expires early; a zero or absent limit is passed as it is.

use ureq::unversioned::transport::NextTimeout;
use ureq::unversioned::transport::time::Duration;

/// How much later than asked a socket time limit may expire. Linux keeps socket timeouts in
/// scheduler ticks (1-10 ms) and rounds them up, so this adds no imprecision that was not
/// there already.
const SLACK: std::time::Duration = std::time::Duration::from_millis(1);

/// `timeout` with its limit replaced by `last` when that expires no earlier and at most
/// [`SLACK`] later; otherwise with the limit rounded up by half the slack, remembered in
/// `last`. Zero and absent limits pass unchanged.
pub(crate) fn steady(timeout: NextTimeout, last: &mut Option<std::time::Duration>) -> NextTimeout {
    let Duration::Exact(asked) = timeout.after else { return timeout };
    if asked.is_zero() {
        return timeout;
    }
    let kept = match *last {
        Some(set) if set >= asked && set - asked <= SLACK => set,
        _ => asked.saturating_add(SLACK / 2),
    };
    *last = Some(kept);
    NextTimeout { after: Duration::Exact(kept), ..timeout }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(after: Duration) -> NextTimeout {
        NextTimeout { after, ..NextTimeout::default() }
    }

    fn exact(timeout: NextTimeout) -> std::time::Duration {
        match timeout.after {
            Duration::Exact(after) => after,
            Duration::NotHappening => panic!("no limit"),
        }
    }

    #[test]
    fn a_close_limit_is_kept_and_never_expires_early() {
        let us = std::time::Duration::from_micros;
        let mut last = None;
        let first = exact(steady(limit(Duration::Exact(us(600_000))), &mut last));
        assert_eq!(first, us(600_500));
        for asked in [us(600_000), us(599_990), us(599_600), us(599_500)] {
            assert_eq!(exact(steady(limit(Duration::Exact(asked)), &mut last)), first);
        }
        // Less than half the slack left of the rounding: a new limit, again rounded up.
        assert_eq!(exact(steady(limit(Duration::Exact(us(599_400))), &mut last)), us(599_900));
        // A longer limit than the one set is never shortened.
        assert_eq!(exact(steady(limit(Duration::Exact(us(700_000))), &mut last)), us(700_500));
    }

    #[test]
    fn zero_and_absent_limits_pass_unchanged() {
        let mut last = Some(std::time::Duration::from_secs(1));
        let zero = limit(Duration::Exact(std::time::Duration::ZERO));
        assert_eq!(steady(zero, &mut last), zero);
        let none = limit(Duration::NotHappening);
        assert_eq!(steady(none, &mut last), none);
        assert_eq!(last, Some(std::time::Duration::from_secs(1)));
    }

    #[test]
    fn per_read_and_per_write_caps_are_applied_before_keeping() {
        let secs = std::time::Duration::from_secs;
        let per_read = Some(Duration::Exact(secs(2)));
        let timeout = NextTimeout { per_read, ..limit(Duration::Exact(secs(600))) };
        let mut last = None;
        let read = steady(timeout.for_read(), &mut last);
        assert_eq!(exact(read), secs(2) + SLACK / 2);
        assert_eq!(read.reason, ureq::Timeout::PerRead);
    }
}
