//! Naga's limit on free models (§1.7): one budget of requests per minute and per day shared
//! by every `:free` model, per API key, whatever the balance.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::seed::fnv1a;

/// The free-model budget an emulator enforces when asked to
/// ([`MockServerBuilder::free_tier_limits`](crate::MockServerBuilder::free_tier_limits)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeTierLimits {
    /// Requests per sliding minute, across all `:free` models.
    pub per_minute: u32,
    /// Requests per sliding day (24 hours), across all `:free` models.
    pub per_day: u32,
}

impl FreeTierLimits {
    /// The documented limits: 10 requests a minute and 100 a day.
    pub const DOCUMENTED: FreeTierLimits = FreeTierLimits { per_minute: 10, per_day: 100 };
}

impl Default for FreeTierLimits {
    fn default() -> Self {
        FreeTierLimits::DOCUMENTED
    }
}

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Why a free-model request was refused: which budget is spent and when a slot frees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The spent budget's size.
    pub(crate) limit: u32,
    /// "minute" or "day".
    pub(crate) window: &'static str,
    /// Time until the oldest request of that window leaves it.
    pub(crate) wait: Duration,
}

impl Refusal {
    /// The 429's message: the budget, its scope and the wait in whole seconds (rounded up).
    pub(crate) fn message(&self) -> String {
        let secs = self.wait.as_secs() + u64::from(self.wait.subsec_nanos() > 0);
        let requests = if self.limit == 1 { "request" } else { "requests" };
        format!(
            "rate limit exceeded for free models: {} {requests} per {} across all `:free` \
             models; try again in {secs} s",
            self.limit, self.window
        )
    }
}

/// The times of the admitted free-model requests of each API key within the last day, by a
/// hash of the key (keys are secrets: the server's `Debug` output must not show them).
#[derive(Debug)]
pub(crate) struct FreeTierLedger {
    limits: FreeTierLimits,
    admitted: Mutex<HashMap<u64, VecDeque<Instant>>>,
}

impl FreeTierLedger {
    /// An empty ledger enforcing `limits`.
    pub(crate) fn new(limits: FreeTierLimits) -> Self {
        FreeTierLedger { limits, admitted: Mutex::default() }
    }

    /// Counts a request of `key` at `now` if both budgets allow it; otherwise the refusal
    /// (a refused request is not counted).
    pub(crate) fn admit(&self, key: &str, now: Instant) -> Result<(), Refusal> {
        let mut admitted = self.admitted.lock().unwrap_or_else(PoisonError::into_inner);
        let times = admitted.entry(fnv1a(key.as_bytes())).or_default();
        while times.front().is_some_and(|&t| now.saturating_duration_since(t) >= DAY) {
            times.pop_front();
        }
        let within_a_minute = |t: &&Instant| now.saturating_duration_since(**t) < MINUTE;
        let in_minute = times.iter().rev().take_while(within_a_minute).count();
        let spent = [
            (self.limits.per_minute, "minute", MINUTE, in_minute),
            (self.limits.per_day, "day", DAY, times.len()),
        ];
        for (limit, window, span, used) in spent {
            if used >= limit as usize {
                // A slot frees when the `limit`-th most recent request leaves the window; a
                // zero budget never frees one (the wait given is then a whole window).
                let oldest = times.len().checked_sub(limit as usize).filter(|_| limit > 0);
                let age =
                    oldest.map_or(Duration::ZERO, |i| now.saturating_duration_since(times[i]));
                return Err(Refusal { limit, window, wait: span.saturating_sub(age) });
            }
        }
        times.push_back(now);
        Ok(())
    }

    /// Forgets every admitted request.
    pub(crate) fn clear(&self) {
        self.admitted.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, secs: u64) -> Instant {
        start + Duration::from_secs(secs)
    }

    #[test]
    fn the_eleventh_request_in_a_minute_waits_for_the_first_to_leave_it() {
        let ledger = FreeTierLedger::new(FreeTierLimits::DOCUMENTED);
        let start = Instant::now();
        for i in 0..10 {
            assert_eq!(ledger.admit("k", at(start, i * 3)), Ok(()), "request {i}");
        }
        let refused = ledger.admit("k", at(start, 45)).unwrap_err();
        assert_eq!((refused.limit, refused.window), (10, "minute"));
        assert_eq!(refused.wait, Duration::from_secs(15));
        assert!(refused.message().contains("10 requests per minute"), "{}", refused.message());
        assert!(refused.message().ends_with("try again in 15 s"), "{}", refused.message());
        // A refusal is not counted: a slot frees when the first request is a minute old.
        assert!(ledger.admit("k", at(start, 59)).is_err());
        assert_eq!(ledger.admit("k", at(start, 60)), Ok(()));
        assert!(ledger.admit("k", at(start, 61)).is_err());
        assert_eq!(ledger.admit("k", at(start, 63)), Ok(()));
    }

    #[test]
    fn keys_have_budgets_of_their_own() {
        let ledger = FreeTierLedger::new(FreeTierLimits { per_minute: 1, per_day: 5 });
        let start = Instant::now();
        assert_eq!(ledger.admit("a", start), Ok(()));
        assert!(ledger.admit("a", start).is_err());
        assert_eq!(ledger.admit("b", start), Ok(()));
    }

    #[test]
    fn the_daily_budget_holds_across_minutes_and_frees_a_day_after() {
        let ledger = FreeTierLedger::new(FreeTierLimits { per_minute: 10, per_day: 3 });
        let start = Instant::now();
        for minute in 0..3 {
            assert_eq!(ledger.admit("k", at(start, minute * 60)), Ok(()));
        }
        let refused = ledger.admit("k", at(start, 600)).unwrap_err();
        assert_eq!((refused.limit, refused.window), (3, "day"));
        assert_eq!(refused.wait, DAY - Duration::from_secs(600));
        assert_eq!(ledger.admit("k", at(start, 24 * 3600)), Ok(()));
        assert!(ledger.admit("k", at(start, 24 * 3600 + 1)).is_err());
        ledger.clear();
        assert_eq!(ledger.admit("k", at(start, 24 * 3600 + 1)), Ok(()));
    }

    #[test]
    fn debug_output_does_not_show_keys() {
        let ledger = FreeTierLedger::new(FreeTierLimits::DOCUMENTED);
        ledger.admit("ng-secret-key-1234", Instant::now()).unwrap();
        let shown = format!("{ledger:?}");
        assert!(shown.contains("per_minute: 10") && !shown.contains("secret"), "{shown}");
    }

    #[test]
    fn a_zero_budget_refuses_everything() {
        let ledger = FreeTierLedger::new(FreeTierLimits { per_minute: 0, per_day: 0 });
        let refused = ledger.admit("k", Instant::now()).unwrap_err();
        assert_eq!(refused.window, "minute");
    }
}
