//! One framing pass per corpus x chunking, for instruction counts that stay put on a busy
//! machine: `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect='framing_cost::measured*' target/release/examples/framing_cost MODE CASE`
//! (MODE: `reads` | `copied` | `memchr` | `peer` (eventsource-stream); CASE: a substring of
//! `corpus / chunking`).

#[path = "../benches/common/mod.rs"]
mod common;

use naga_bench::chunking::{self, Chunking};
use naga_bench::corpus;
use naga_bench::ours::{self, Tally};
use naga_protocol::SseParser;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let case = std::env::args().nth(2).unwrap_or_default();
    for corpus in corpus::all() {
        for chunking in Chunking::ALL {
            if !format!("{} / {}", corpus.name, chunking.name()).contains(&case) {
                continue;
            }
            let input = chunking::split(&corpus, chunking);
            let reads = ours::as_reads(&input.chunks);
            let tally = measured(&mode, &input.chunks, &reads);
            println!("{} / {}: {tally:?}", corpus.name, chunking.name());
        }
    }
}

#[inline(never)]
fn measured(mode: &str, chunks: &[&[u8]], reads: &[ours::Read]) -> Tally {
    match mode {
        "copied" => ours::frame_copied(&mut SseParser::new(), chunks),
        "memchr" => ours::frame_memchr(chunks),
        "peer" => common::peer::frame(chunks),
        _ => ours::frame(&mut SseParser::new(), reads),
    }
}
