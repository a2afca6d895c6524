//! In-process timing for the summary table: interleaved passes, medians, paired ratios.

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

/// A contender's result: its pass times round by round, their median and what a pass saw.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Median wall time of one pass.
    pub median: Duration,
    /// What one pass saw (the same on every pass).
    pub tally: Tally,
    /// Timed passes.
    pub reps: usize,
    /// The wall time of each timed pass, in round order.
    pub passes: Vec<Duration>,
}

impl Sample {
    /// How many times longer this contender's pass takes than `other`'s: the median over
    /// rounds of the two passes' ratio within one round. Both ran back to back, so a slow
    /// phase of the machine that lasts a round or longer cancels, where the ratio of two
    /// separate medians would keep it.
    pub fn ratio_to(&self, other: &Sample) -> f64 {
        paired_ratio(&self.passes, &other.passes)
    }

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
/// machine hits all alike; every other round in reverse order, so no contender always runs
/// right after the same one) until `budget` is spent or `MAX_REPS` (41) passes are done.
///
/// A contender whose warm-up pass alone takes more than half the budget (a quadratic peer
/// on an input that is large for it) is not run again: its warm-up pass is its one timed
/// pass, and the others race among themselves, so the ratios between them still rest on
/// many rounds instead of on one pass each.
pub fn race(contenders: &mut [Contender<'_>], budget: Duration) -> Vec<Sample> {
    let first: Vec<(Duration, Tally)> = contenders.iter_mut().map(|c| time(&mut c.run)).collect();
    let slow: Vec<bool> = first.iter().map(|(elapsed, _)| *elapsed > budget / 2).collect();
    let round: Duration =
        first.iter().zip(&slow).filter(|(_, slow)| !**slow).map(|((elapsed, _), _)| *elapsed).sum();
    let reps = (budget.as_secs_f64() / round.as_secs_f64().max(1e-9)) as usize;
    let reps = reps.clamp(1, MAX_REPS);
    let mut times = vec![Vec::with_capacity(reps); contenders.len()];
    for ((t, (elapsed, _)), slow) in times.iter_mut().zip(&first).zip(&slow) {
        if *slow || reps == 1 {
            t.push(*elapsed);
        }
    }
    if reps > 1 {
        for round in 0..reps {
            for i in round_order(round, contenders.len()).filter(|&i| slow.get(i) == Some(&false)) {
                if let (Some(contender), Some(t)) = (contenders.get_mut(i), times.get_mut(i)) {
                    t.push(time(&mut contender.run).0);
                }
            }
        }
    }
    times
        .into_iter()
        .zip(first)
        .map(|(passes, (_, tally))| Sample {
            median: median(passes.clone()),
            tally,
            reps: passes.len(),
            passes,
        })
        .collect()
}

/// The order in which `contenders` contenders run in round `round`: forward in even rounds,
/// backward in odd ones.
pub fn round_order(round: usize, contenders: usize) -> impl Iterator<Item = usize> {
    let backward = round % 2 == 1;
    (0..contenders).map(move |i| if backward { contenders - 1 - i } else { i })
}

/// The median of `ours[i] / theirs[i]` over the rounds both have.
pub fn paired_ratio(ours: &[Duration], theirs: &[Duration]) -> f64 {
    let mut ratios: Vec<f64> = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64().max(1e-12))
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN)
}

fn time(run: &mut dyn FnMut() -> Tally) -> (Duration, Tally) {
    let start = Instant::now();
    let tally = black_box(run());
    (start.elapsed(), tally)
}

/// The middle one of `times` (the upper middle of an even count); zero for none.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}
