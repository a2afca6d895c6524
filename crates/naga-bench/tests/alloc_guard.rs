//! Counts heap allocations (dhat): once warm, `SseParser` allocates nothing per event on
//! every generated corpus and every chunking. Its own test binary, so the counting
//! allocator affects nothing else.

use naga_bench::chunking::{self, Chunked, Chunking};
use naga_bench::corpus;
use naga_bench::ours;
use naga_protocol::SseParser;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn blocks() -> u64 {
    dhat::HeapStats::get().total_blocks
}

#[test]
fn a_warm_parser_allocates_nothing_per_event() {
    let corpora = corpus::all();
    let cases: Vec<(String, Chunked<'_>)> = corpora
        .iter()
        .flat_map(|corpus| {
            Chunking::ALL.map(|chunking| {
                (
                    format!("{} / {}", corpus.name, chunking.name()),
                    chunking::split(corpus, chunking),
                )
            })
        })
        .collect();
    let _profiler = dhat::Profiler::builder().testing().build();
    for (case, input) in &cases {
        let mut parser = SseParser::new();
        let cold = blocks();
        let warm = ours::frame(&mut parser, &input.chunks);
        assert!(blocks() > cold, "{case}: the counter sees the warm-up allocations");
        let before = blocks();
        let again = ours::frame(&mut parser, &input.chunks);
        let allocated = blocks() - before;
        assert_eq!(again, warm, "{case}");
        assert_eq!(allocated, 0, "{case}: {allocated} allocations for {} events", input.events);
    }
}
