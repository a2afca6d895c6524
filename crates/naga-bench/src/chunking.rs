//! How a body is cut into reads: prepared before any timing starts.

use crate::corpus::Corpus;
use crate::rng::Rng;

/// Blocks fed byte by byte: 1-byte chunking runs on this prefix, so slow contenders finish.
pub const ONE_BYTE_PREFIX_BLOCKS: usize = 1_000;

/// One way of cutting a body into reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunking {
    /// One read per event (or comment) block.
    PerEvent,
    /// Random read sizes in `1..=4096`.
    Upto4096,
    /// Random read sizes in `1..=64`.
    Upto64,
    /// One byte per read, on the first [`ONE_BYTE_PREFIX_BLOCKS`] blocks.
    OneByte,
    /// 256 KiB reads.
    Big256K,
}

impl Chunking {
    /// Every chunking, in table order.
    pub const ALL: [Chunking; 5] = [
        Chunking::PerEvent,
        Chunking::Upto4096,
        Chunking::Upto64,
        Chunking::OneByte,
        Chunking::Big256K,
    ];

    /// The name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Chunking::PerEvent => "per event",
            Chunking::Upto4096 => "rand 1..=4096",
            Chunking::Upto64 => "rand 1..=64",
            Chunking::OneByte => "1 byte (prefix)",
            Chunking::Big256K => "256 KiB",
        }
    }
}

/// A corpus cut into reads, with the number of events those reads hold.
#[derive(Debug, Clone)]
pub struct Chunked<'a> {
    /// The reads, borrowing the corpus.
    pub chunks: Vec<&'a [u8]>,
    /// Total bytes in `chunks`.
    pub bytes: usize,
    /// Events a conforming parser dispatches from `chunks`.
    pub events: usize,
}

/// Cuts `corpus` according to `chunking` (fixed seed per chunking).
pub fn split(corpus: &Corpus, chunking: Chunking) -> Chunked<'_> {
    let body = corpus.bytes.as_slice();
    let (chunks, events) = match chunking {
        Chunking::PerEvent => (per_block(corpus), corpus.events),
        Chunking::Upto4096 => (random(body, 0x4096, 4096), corpus.events),
        Chunking::Upto64 => (random(body, 0x64, 64), corpus.events),
        Chunking::OneByte => {
            let end = corpus.ends.get(ONE_BYTE_PREFIX_BLOCKS - 1).copied().unwrap_or(body.len());
            let prefix = body.get(..end).unwrap_or(body);
            (prefix.chunks(1).collect(), corpus.events_in_prefix(ONE_BYTE_PREFIX_BLOCKS))
        }
        Chunking::Big256K => (body.chunks(256 * 1024).collect(), corpus.events),
    };
    let bytes = chunks.iter().map(|chunk| chunk.len()).sum();
    Chunked { chunks, bytes, events }
}

fn per_block(corpus: &Corpus) -> Vec<&[u8]> {
    let mut start = 0;
    let mut chunks = Vec::with_capacity(corpus.ends.len());
    for &end in &corpus.ends {
        chunks.push(corpus.bytes.get(start..end).unwrap_or_default());
        start = end;
    }
    chunks
}

fn random(body: &[u8], seed: u64, max: u64) -> Vec<&[u8]> {
    let mut rng = Rng::new(seed);
    let mut chunks = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let size = (rng.below(max) as usize + 1).min(rest.len());
        let (chunk, tail) = rest.split_at(size);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}
