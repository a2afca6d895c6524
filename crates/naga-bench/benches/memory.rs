//! Figure 5: peak RSS while streaming a 100 MB response, one child process per case.
//!
//! The parent re-runs this binary as `summary --child <case>`; the child streams a
//! generated body (never held whole) and prints its `VmHWM` and the `VmRSS` it started with.

use std::process::Command;

use naga_bench::big_stream::{BigStream, LARGEST_EVENT};
use naga_bench::table::{Row, size, verdict};
use naga_protocol::{ChatAccumulator, ChatStream};

use crate::common::peer;

/// The size of the streamed body.
const TOTAL: usize = 100_000_000;
/// Allowed growth above the largest event / accumulated content: buffers, allocator slack.
const SLACK: u64 = 8 << 20;

/// The cases: (name, accumulates).
const CASES: [(&str, bool); 4] = [
    ("ours discard", false),
    ("ours accumulate", true),
    ("async-openai discard", false),
    ("async-openai accumulate", true),
];

/// Runs each case in a child process and adds one row per pair (ours, peer).
pub(crate) fn peak_rss(rows: &mut Vec<Row>) {
    let results: Vec<Option<Child>> = CASES.iter().map(|(name, _)| run_child(name)).collect();
    for pair in [0, 1].map(|i| (i, i + 2)) {
        let (Some(Some(us)), Some(Some(them))) = (results.get(pair.0), results.get(pair.1)) else {
            rows.push(Row {
                figure: "5 memory".into(),
                verdict: "child failed".into(),
                ..Row::default()
            });
            continue;
        };
        let accumulates = CASES.get(pair.0).is_some_and(|case| case.1);
        let bound = if accumulates { 2 * us.content + SLACK } else { LARGEST_EVENT as u64 + SLACK };
        let growth = us.peak.saturating_sub(us.start);
        rows.push(Row {
            figure: "5 memory".into(),
            case: format!(
                "100 MB stream, {} (content {}, largest event {})",
                if accumulates { "accumulating" } else { "discarding" },
                size(us.content),
                size(LARGEST_EVENT as u64)
            ),
            ours: format!("peak {} (+{})", size(us.peak), size(growth)),
            peer: format!(
                "peak {} (+{})",
                size(them.peak),
                size(them.peak.saturating_sub(them.start))
            ),
            reference: format!("bound +{}", size(bound)),
            verdict: verdict(growth <= bound, || format!("grew {}", size(growth))),
            ..Row::default()
        });
    }
}

/// What a child reports, in bytes.
struct Child {
    start: u64,
    peak: u64,
    content: u64,
}

fn run_child(case: &str) -> Option<Child> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).args(["--child", case]).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut numbers = text.split_whitespace().filter_map(|word| word.parse::<u64>().ok());
    Some(Child { start: numbers.next()?, peak: numbers.next()?, content: numbers.next()? })
}

/// The child side: stream, then print `start_rss peak_rss content_bytes`.
pub(crate) fn child(case: &str) {
    let start = status_kib("VmRSS:") * 1024;
    let content = match case {
        "ours discard" => ours(false),
        "ours accumulate" => ours(true),
        "async-openai discard" => peer::stream_content(BigStream::new(TOTAL), false),
        "async-openai accumulate" => peer::stream_content(BigStream::new(TOTAL), true),
        _ => 0,
    };
    let peak = status_kib("VmHWM:") * 1024;
    println!("{start} {peak} {content}");
}

/// Streams with `ChatStream`, dropping chunks or pushing them into a `ChatAccumulator`.
fn ours(accumulate: bool) -> u64 {
    let mut stream = ChatStream::new();
    let mut accumulator = ChatAccumulator::new();
    let mut seen = 0u64;
    for read in BigStream::new(TOTAL) {
        stream.feed(&read);
        while let Some(Ok(chunk)) = stream.next_chunk() {
            if accumulate {
                accumulator.push(&chunk);
            } else {
                seen += chunk
                    .choices
                    .iter()
                    .filter_map(|c| c.delta.text())
                    .map(|t| t.len() as u64)
                    .sum::<u64>();
            }
        }
    }
    let completion = accumulator.finish();
    if accumulate { completion.text().map_or(0, |text| text.len() as u64) } else { seen }
}

/// A `/proc/self/status` field in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
