//! Shared helpers for the SSE tests: run a parser over chunks and collect owned results.

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
    pub(crate) items: Vec<Item>,
    pub(crate) discarded: bool,
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
