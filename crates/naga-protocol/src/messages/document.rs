//! A streamed Messages request answered with one JSON document (some gateways ignore
//! `stream: true`): the events that would have streamed it.

use serde_json::{Map, Value};

use super::block::ContentBlock;
use super::event::{
    BlockDelta, BlockStart, BlockStop, ContentDelta, MessageEvent, MessageStart, TextDelta, Unit,
};
use super::response::MessagesResponse;
use super::stream::WHAT;
use crate::error::{Error, StreamError, parse_api_error, snippet};

/// A whole document body: an error, a message (as the events that stream it), or neither.
pub(super) fn decode_document(body: &[u8]) -> Result<Vec<MessageEvent>, Error> {
    let unexpected = || Error::Stream(StreamError::UnexpectedDocument { snippet: snippet(body) });
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(unexpected());
    };
    let is_message = map.get("type").and_then(Value::as_str) == Some("message");
    if !is_message && map.get("error").is_some_and(|e| e.is_object() || e.is_string()) {
        return Err(parse_api_error(None, &http::HeaderMap::new(), body));
    }
    if !is_message && !map.get("content").is_some_and(Value::is_array) {
        return Err(unexpected());
    }
    let message: MessagesResponse = serde_json::from_value(Value::Object(map))
        .map_err(|err| Error::decode(WHAT, body, &err))?;
    Ok(replay(message))
}

/// The events of a stream of `message`: `message_start` (the message without its blocks),
/// per block `content_block_start` (a text block empty, its text then as one `text_delta`;
/// any other block whole) and `content_block_stop`, then `message_stop`.
fn replay(mut message: MessagesResponse) -> Vec<MessageEvent> {
    let blocks = std::mem::take(&mut message.content);
    let mut events = Vec::with_capacity(2 + 3 * blocks.len());
    events.push(MessageEvent::MessageStart(MessageStart { message, extra: Map::new() }));
    for (index, mut block) in (0u32..).zip(blocks) {
        let text = match &mut block {
            ContentBlock::Text(text) => Some(std::mem::take(&mut text.text)),
            _ => None,
        };
        events.push(MessageEvent::ContentBlockStart(BlockStart {
            index,
            content_block: block,
            extra: Map::new(),
        }));
        if let Some(text) = text.filter(|text| !text.is_empty()) {
            events.push(MessageEvent::ContentBlockDelta(BlockDelta {
                index,
                delta: ContentDelta::TextDelta(TextDelta { text }),
                extra: Map::new(),
            }));
        }
        events.push(MessageEvent::ContentBlockStop(BlockStop { index, extra: Map::new() }));
    }
    events.push(MessageEvent::MessageStop(Unit::default()));
    events
}
