//! `cargo xtask bench`: every figure in one process, printed as one markdown table.
//!
//! Ratios compare contenders timed in the same run, interleaved, by median pass time.

mod common;
mod protocol;

use naga_bench::corpus;
use naga_bench::table::{Row, print};

fn main() {
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    let wanted = |figure: &str| filter.as_deref().is_none_or(|f| figure.contains(f));
    let corpora = corpus::all();
    let mut rows: Vec<Row> = Vec::new();
    if wanted("framing") {
        protocol::framing(&corpora, &mut rows);
    }
    if wanted("decode") {
        protocol::decoding(&corpora, &mut rows);
    }
    if wanted("build") {
        protocol::request_build(&mut rows);
    }
    print("naga-rs vs async-openai", ["ours", "peer", "reference"], &rows);
}
