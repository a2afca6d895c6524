//! The summary's estimators: paired ratios and the order of contenders within a round.

#![allow(clippy::indexing_slicing)] // test helper

use std::time::Duration;

use naga_bench::timing::{paired_ratio, round_order};

fn micros(values: &[u64]) -> Vec<Duration> {
    values.iter().map(|&v| Duration::from_micros(v)).collect()
}

#[test]
fn a_slow_phase_that_hits_both_contenders_cancels_in_the_paired_ratio() {
    // Rounds 3-5 ran on a machine twice as slow; within every round ours takes 1.1x theirs.
    let ours = micros(&[110, 110, 220, 220, 220, 110, 110]);
    let theirs = micros(&[100, 100, 200, 200, 200, 100, 100]);
    assert!((paired_ratio(&ours, &theirs) - 1.1).abs() < 1e-9);
    // When the slow phase covers more of one contender's passes than the other's (here it
    // began during round 2, after their pass), the ratio of separate medians is 220 / 100,
    // the paired ratio still 1.1: only round 2 is off.
    let ours = micros(&[110, 220, 220, 220, 110]);
    let theirs = micros(&[100, 100, 200, 200, 100]);
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let separate = median(ours.clone()).as_secs_f64() / median(theirs.clone()).as_secs_f64();
    assert!((separate - 2.2).abs() < 1e-9);
    assert!((paired_ratio(&ours, &theirs) - 1.1).abs() < 1e-9);
}

#[test]
fn the_paired_ratio_is_the_median_of_the_rounds() {
    let ours = micros(&[100, 300, 120]);
    let theirs = micros(&[100, 100, 100]);
    assert!((paired_ratio(&ours, &theirs) - 1.2).abs() < 1e-9);
    assert!(paired_ratio(&[], &[]).is_nan(), "no rounds, no ratio");
}

#[test]
fn every_other_round_runs_the_contenders_backwards() {
    assert_eq!(round_order(0, 3).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(round_order(1, 3).collect::<Vec<_>>(), [2, 1, 0]);
    assert_eq!(round_order(2, 3).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(round_order(1, 0).count(), 0);
}

#[test]
fn a_contender_slower_than_half_the_budget_runs_once_and_the_others_keep_racing() {
    use naga_bench::ours::Tally;
    use naga_bench::timing::{Contender, race};
    let budget = Duration::from_millis(200);
    let mut contenders = [
        Contender::new("fast", Tally::default),
        Contender::new("slow", || {
            std::thread::sleep(Duration::from_millis(150));
            Tally::default()
        }),
        Contender::new("also fast", Tally::default),
    ];
    let samples = race(&mut contenders, budget);
    let reps: Vec<usize> = samples.iter().map(|sample| sample.reps).collect();
    assert_eq!(reps, [41, 1, 41], "the slow one's warm-up is its one pass");
    assert!(samples[1].passes[0] >= Duration::from_millis(150));
    assert_eq!(samples[0].passes.len(), 41);
}
