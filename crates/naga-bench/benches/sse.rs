//! Detailed numbers (divan): framing and decoding per corpus and chunking, with allocation
//! counts. `cargo bench -p naga-bench --bench sse`.

mod common;

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use naga_bench::chunking::{self, Chunking};
use naga_bench::corpus::{self, Corpus};
use naga_bench::ours;
use naga_protocol::SseParser;

use common::peer;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

static CORPORA: LazyLock<Vec<Corpus>> = LazyLock::new(corpus::all);

fn main() {
    divan::main();
}

const CORPUS: [usize; 3] = [0, 1, 2];

fn with_input(
    corpus: usize,
    chunking: Chunking,
    bencher: Bencher,
    run: impl Fn(&[&[u8]]) -> ours::Tally + Sync,
) {
    let Some(corpus) = CORPORA.get(corpus) else { return };
    let input = chunking::split(corpus, chunking);
    let chunks = input.chunks.as_slice();
    bencher.counter(divan::counter::ItemsCount::new(input.events)).bench(|| run(black_box(chunks)));
}

/// Like [`with_input`], with the reads as `'static` slices ours wraps in `Bytes` (prepared
/// before timing).
fn with_reads(
    corpus: usize,
    chunking: Chunking,
    bencher: Bencher,
    run: impl Fn(&[ours::Read]) -> ours::Tally + Sync,
) {
    let Some(corpus) = CORPORA.get(corpus) else { return };
    let input = chunking::split(corpus, chunking);
    let reads = ours::as_reads(&input.chunks);
    bencher.counter(divan::counter::ItemsCount::new(input.events)).bench(|| run(black_box(&reads)));
}

mod framing {
    use super::*;

    #[divan::bench(args = Chunking::ALL, consts = CORPUS)]
    fn ours<const C: usize>(bencher: Bencher, chunking: Chunking) {
        with_reads(C, chunking, bencher, |reads| ours::frame(&mut SseParser::new(), reads));
    }

    #[divan::bench(args = Chunking::ALL, consts = CORPUS)]
    fn ours_copied<const C: usize>(bencher: Bencher, chunking: Chunking) {
        with_input(C, chunking, bencher, |chunks| {
            ours::frame_copied(&mut SseParser::new(), chunks)
        });
    }

    #[divan::bench(args = Chunking::ALL, consts = CORPUS)]
    fn eventsource_stream<const C: usize>(bencher: Bencher, chunking: Chunking) {
        with_input(C, chunking, bencher, peer::frame);
    }

    #[divan::bench(args = Chunking::ALL, consts = CORPUS)]
    fn memchr_bound<const C: usize>(bencher: Bencher, chunking: Chunking) {
        with_input(C, chunking, bencher, ours::frame_memchr);
    }
}

mod decoding {
    use super::*;

    #[divan::bench(args = Chunking::ALL, consts = CORPUS)]
    fn ours<const C: usize>(bencher: Bencher, chunking: Chunking) {
        with_reads(C, chunking, bencher, ours::decode);
    }

    #[divan::bench(args = Chunking::ALL, consts = CORPUS)]
    fn async_openai<const C: usize>(bencher: Bencher, chunking: Chunking) {
        with_input(C, chunking, bencher, peer::decode);
    }
}
