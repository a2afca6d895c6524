//! In-process timing for the summary table: interleaved passes, medians, ratios.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::ours::Tally;

/// Most timed passes per contender in one race.
const MAX_REPS: usize = 41;

/// One contender in a race: a name and one full pass over prepared input.
pub struct Contender<'a> {
    /// The name used in tables.
    pub name: &'static str,
    run: Box<dyn FnMut() -> Tally + 'a>,
}

impl std::fmt::Debug for Contender<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contender").field("name", &self.name).finish_non_exhaustive()
    }
}

impl<'a> Contender<'a> {
    /// A contender whose pass is `run`.
    pub fn new(name: &'static str, run: impl FnMut() -> Tally + 'a) -> Self {
        Contender { name, run: Box::new(run) }
    }
}

/// A contender's result: the median pass time and what the pass saw.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Median wall time of one pass.
    pub median: Duration,
    /// What one pass saw (the same on every pass).
    pub tally: Tally,
    /// Timed passes.
    pub reps: usize,
}

impl Sample {
    /// Items per second for `items` items per pass.
    pub fn per_second(&self, items: usize) -> f64 {
        items as f64 / self.median.as_secs_f64().max(1e-12)
    }

    /// Nanoseconds per item.
    pub fn nanos_per(&self, items: usize) -> f64 {
        self.median.as_secs_f64() * 1e9 / items.max(1) as f64
    }
}

/// Runs every contender once to warm up, then in round-robin passes (so drift on a shared
/// machine hits all alike) until `budget` is spent or `MAX_REPS` (41) passes are done.
pub fn race(contenders: &mut [Contender<'_>], budget: Duration) -> Vec<Sample> {
    let first: Vec<(Duration, Tally)> = contenders.iter_mut().map(|c| time(&mut c.run)).collect();
    let round: Duration = first.iter().map(|(elapsed, _)| *elapsed).sum();
    let reps = (budget.as_secs_f64() / round.as_secs_f64().max(1e-9)) as usize;
    let reps = reps.clamp(1, MAX_REPS);
    let mut times = vec![Vec::with_capacity(reps); contenders.len()];
    if reps == 1 {
        times.iter_mut().zip(&first).for_each(|(t, (elapsed, _))| t.push(*elapsed));
    } else {
        for _ in 0..reps {
            for (contender, t) in contenders.iter_mut().zip(&mut times) {
                t.push(time(&mut contender.run).0);
            }
        }
    }
    times
        .into_iter()
        .zip(first)
        .map(|(t, (_, tally))| Sample { median: median(t), tally, reps })
        .collect()
}

fn time(run: &mut dyn FnMut() -> Tally) -> (Duration, Tally) {
    let start = Instant::now();
    let tally = black_box(run());
    (start.elapsed(), tally)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}
