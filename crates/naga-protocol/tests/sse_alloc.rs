//! Counts heap allocations: a warm `SseParser` allocates nothing per single-line event.
//!
//! This file is its own test binary so that the counting allocator affects nothing else.

use bytes::Bytes;
use naga_protocol::SseParser;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const EVENTS: usize = 1000;

fn stream() -> Vec<u8> {
    let mut input = Vec::new();
    for i in 0..EVENTS {
        let frame = format!(
            "id: {i}\ndata: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"tok{i}\"}}}}]}}\n\n"
        );
        input.extend_from_slice(frame.as_bytes());
    }
    input.extend_from_slice(b"data: line one\ndata: line two\n\n");
    input
}

/// Feeds `input` in `chunk`-byte pieces and returns how many events came out and their total
/// data length (so the work cannot be optimised away).
fn parse(parser: &mut SseParser, input: &[u8], chunk: usize) -> (usize, usize) {
    let (mut events, mut bytes) = (0, 0);
    for piece in input.chunks(chunk) {
        parser.feed(piece);
        while let Some(Ok(event)) = parser.next_event() {
            events += 1;
            bytes += event.data.len() + event.id.len();
        }
    }
    (events, bytes)
}

/// Like [`parse`], with the pieces handed over as `Bytes` reads (sliced beforehand).
fn parse_reads(parser: &mut SseParser, reads: &[Bytes]) -> (usize, usize) {
    let (mut events, mut bytes) = (0, 0);
    for read in reads {
        parser.feed_bytes(read.clone());
        while let Some(Ok(event)) = parser.next_event() {
            events += 1;
            bytes += event.data.len() + event.id.len();
        }
    }
    (events, bytes)
}

fn blocks() -> u64 {
    dhat::HeapStats::get().total_blocks
}

/// One test: dhat allows one profiler at a time, and counts every thread's allocations.
#[test]
fn a_warm_parser_allocates_nothing_per_event() {
    let reads = bytes_reads();
    let _profiler = dhat::Profiler::builder().testing().build();
    fed_slices();
    fed_bytes(&reads);
}

fn fed_slices() {
    let input = stream();
    for chunk in [7, 64, 4096] {
        let mut parser = SseParser::new();
        let cold = blocks();
        let warm = parse(&mut parser, &input, chunk);
        assert_eq!(warm.0, EVENTS + 1);
        assert!(blocks() > cold, "the counter sees the warm-up allocations");

        let before = blocks();
        let again = parse(&mut parser, &input, chunk);
        let allocated = blocks() - before;

        assert_eq!(again, warm);
        assert_eq!(
            allocated, 0,
            "{allocated} allocations for {EVENTS} events in {chunk}-byte chunks"
        );
    }
}

/// The stream cut into `Bytes` reads of 1, 7, 64, 4096 bytes and whole, sliced from one
/// shared buffer as a transport's reads are.
fn bytes_reads() -> Vec<Vec<Bytes>> {
    let input = Bytes::from(stream());
    [1, 7, 64, 4096, input.len()]
        .iter()
        .map(|&size| {
            let starts = (0..input.len()).step_by(size);
            starts.map(|at| input.slice(at..(at + size).min(input.len()))).collect()
        })
        .collect()
}

fn fed_bytes(all: &[Vec<Bytes>]) {
    for reads in all {
        let mut parser = SseParser::new();
        let warm = parse_reads(&mut parser, reads);
        assert_eq!(warm.0, EVENTS + 1);
        let before = blocks();
        let again = parse_reads(&mut parser, reads);
        let allocated = blocks() - before;
        assert_eq!(again, warm);
        assert_eq!(allocated, 0, "{allocated} allocations for {} reads", reads.len());
    }
}
