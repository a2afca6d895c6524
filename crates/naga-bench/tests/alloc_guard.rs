//! Counts heap allocations (dhat): once warm, `SseParser` allocates nothing per event on
//! every generated corpus and every chunking, fed `Bytes` reads or copied slices. Its own test binary, so the counting
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
    let cases: Vec<(String, Chunked<'_>, Vec<ours::Read>)> = corpora
        .iter()
        .flat_map(|corpus| {
            Chunking::ALL.map(|chunking| {
                let input = chunking::split(corpus, chunking);
                let reads = ours::as_reads(&input.chunks);
                (format!("{} / {}", corpus.name, chunking.name()), input, reads)
            })
        })
        .collect();
    let _profiler = dhat::Profiler::builder().testing().build();
    for (case, input, reads) in &cases {
        // (Fed one event per read, the parser never needs its own buffer: no warm-up either.)
        let mut parser = SseParser::new();
        let warm = ours::frame(&mut parser, reads);
        let before = blocks();
        let again = ours::frame(&mut parser, reads);
        let allocated = blocks() - before;
        assert_eq!(again, warm, "{case}");
        assert_eq!(allocated, 0, "{case}: {allocated} allocations for {} events", input.events);

        let mut copying = SseParser::new();
        let cold = blocks();
        let warm = ours::frame_copied(&mut copying, &input.chunks);
        assert!(blocks() > cold, "{case}: the counter sees the warm-up allocations");
        let before = blocks();
        let again = ours::frame_copied(&mut copying, &input.chunks);
        let allocated = blocks() - before;
        assert_eq!(again, warm, "{case} (feed)");
        assert_eq!(allocated, 0, "{case} (feed): {allocated} allocations");
    }
}
