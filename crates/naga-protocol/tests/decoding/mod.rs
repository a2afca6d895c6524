//! Shared helper of the typed stream tests: a decoder fed a body in pieces, drained.

use naga_protocol::{Error, StreamDecoder};

/// Feeds `body` to `decoder` in pieces of `step` bytes, draining after each, then finishes
/// and drains again: every item in order.
pub(crate) fn drain<D: StreamDecoder>(
    mut decoder: D,
    body: &[u8],
    step: usize,
) -> Vec<Result<D::Item, Error>> {
    let mut items = Vec::new();
    for piece in body.chunks(step.max(1)) {
        decoder.feed(piece);
        items.extend(std::iter::from_fn(|| decoder.next_item()));
    }
    decoder.finish();
    items.extend(std::iter::from_fn(|| decoder.next_item()));
    items
}
