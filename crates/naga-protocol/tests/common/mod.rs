//! Shared helpers for the SSE tests: run a parser over chunks and collect owned results.

use bytes::Bytes;
use naga_protocol::{SseParser, StreamError};

/// An owned copy of what `next_event` returned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// A dispatched event.
    Event { event: String, data: String, id: String, retry: Option<u64> },
    /// A failed event.
    Error(StreamError),
}

/// What a whole run produced: the items, and `finish`'s answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub items: Vec<Item>,
    pub discarded: bool,
}

/// Feeds `chunks` in order, draining after each, then finishes and drains again.
pub(crate) fn run<'a>(parser: &mut SseParser, chunks: impl IntoIterator<Item = &'a [u8]>) -> Run {
    let mut items = Vec::new();
    for chunk in chunks {
        parser.feed(chunk);
        drain(parser, &mut items);
    }
    let discarded = parser.finish();
    drain(parser, &mut items);
    Run { items, discarded }
}

/// How [`run_reads`] hands reads to the parser.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Feeding {
    /// Every read through `feed_bytes`, draining after each.
    Bytes,
    /// `feed_bytes` and `feed` alternately, draining after each.
    Mixed,
    /// `feed_bytes`, draining only after every third read (and before `finish`).
    Batched,
}

/// Like [`run`], with the reads handed over as `Bytes` (sliced from one shared buffer, as
/// a transport's reads are) according to `how`.
pub(crate) fn run_reads<'a>(
    parser: &mut SseParser,
    chunks: impl IntoIterator<Item = &'a [u8]>,
    how: Feeding,
) -> Run {
    let chunks: Vec<&[u8]> = chunks.into_iter().collect();
    let shared = Bytes::from(chunks.concat());
    let mut items = Vec::new();
    let mut start = 0;
    for (i, chunk) in chunks.iter().enumerate() {
        let read = shared.slice(start..start + chunk.len());
        start += chunk.len();
        match how {
            Feeding::Mixed if i % 2 == 1 => parser.feed(&read),
            _ => parser.feed_bytes(read),
        }
        if !matches!(how, Feeding::Batched) || i % 3 == 2 {
            drain(parser, &mut items);
        }
    }
    drain(parser, &mut items);
    let discarded = parser.finish();
    drain(parser, &mut items);
    Run { items, discarded }
}

/// Collects every pending item.
pub(crate) fn drain(parser: &mut SseParser, items: &mut Vec<Item>) {
    while let Some(item) = parser.next_event() {
        items.push(match item {
            Ok(e) => Item::Event {
                event: e.event.to_owned(),
                data: e.data.to_owned(),
                id: e.id.to_owned(),
                retry: e.retry,
            },
            Err(err) => Item::Error(err),
        });
    }
}

/// Splits `input` at the given (unsorted, possibly out of range) offsets.
pub(crate) fn split_at<'a>(input: &'a [u8], offsets: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = offsets.iter().map(|&at| at.min(input.len())).collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        chunks.push(&input[start..cut]);
        start = cut;
    }
    chunks.push(&input[start..]);
    chunks
}
