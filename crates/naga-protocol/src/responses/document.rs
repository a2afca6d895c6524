//! A streamed Responses request answered with one response object (some gateways ignore
//! `stream: true`): the events that would have streamed it.

use serde_json::Map;

use super::event::{DeltaEvent, ItemEvent, ResponseEvent, Snapshot};
use super::item::{ItemContent, ResponseItem};
use super::part::ItemPart;

/// The events of a stream of `snapshot`'s response: per output item `output_item.added`
/// (a message with its output texts empty), each output text as one `output_text.delta`,
/// `output_item.done` (the item whole); then `last` of the snapshot (`Completed` or
/// `Incomplete`).
pub(super) fn replay(
    snapshot: Snapshot,
    last: fn(Snapshot) -> ResponseEvent,
) -> Vec<ResponseEvent> {
    let mut events = Vec::new();
    for (output_index, item) in (0u32..).zip(&snapshot.response.output) {
        let mut started = item.clone();
        let texts = take_output_texts(&mut started);
        let item_id = item.id().unwrap_or_default().to_owned();
        let item_event = |item: ResponseItem| ItemEvent {
            output_index,
            item,
            sequence_number: None,
            extra: Map::new(),
        };
        events.push(ResponseEvent::OutputItemAdded(item_event(started)));
        for (content_index, delta) in texts {
            events.push(ResponseEvent::OutputTextDelta(DeltaEvent {
                item_id: item_id.clone(),
                output_index,
                content_index: Some(content_index),
                summary_index: None,
                delta,
                sequence_number: None,
                extra: Map::new(),
            }));
        }
        events.push(ResponseEvent::OutputItemDone(item_event(item.clone())));
    }
    events.push(last(snapshot));
    events
}

/// Empties the output texts of a message item; each non-empty one with its part's position.
fn take_output_texts(item: &mut ResponseItem) -> Vec<(u32, String)> {
    let ResponseItem::Message(message) = item else { return Vec::new() };
    let ItemContent::Parts(parts) = &mut message.content else { return Vec::new() };
    (0u32..)
        .zip(parts.iter_mut())
        .filter_map(|(at, part)| match part {
            ItemPart::OutputText(text) if !text.text.is_empty() => {
                Some((at, std::mem::take(&mut text.text)))
            }
            _ => None,
        })
        .collect()
}
