//! `MessageAccumulator`: stream events -> the `MessagesResponse` a non-streaming call returns.

use serde_json::Value;

use super::block::ContentBlock;
use super::event::{BlockDelta, ContentDelta, MessageDelta, MessageEvent};
use super::response::{MessagesResponse, MessagesUsage};
use crate::error::Error;
use crate::operation::StreamAccumulator;

/// Adds up the events of a streamed message into one [`MessagesResponse`]: the message of
/// `message_start`, each block from its `content_block_start`, grown by its deltas (tool
/// input JSON is parsed at `content_block_stop`), then the stop reason and usage of
/// `message_delta`. Keeps what it has when the stream fails, so a caller can show partial
/// output.
///
/// ```
/// use naga_protocol::{MessageAccumulator, MessageStream};
///
/// let mut stream = MessageStream::new();
/// stream.feed(br#"data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}
///
/// data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}}
///
/// data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}}
///
/// data: {"type":"content_block_stop","index":0}
///
/// "#);
/// stream.finish();
/// let mut accumulator = MessageAccumulator::new();
/// while let Some(Ok(event)) = stream.next_event() {
///     accumulator.push(&event);
/// }
/// let message = accumulator.finish();
/// assert_eq!(message.tool_uses().next().unwrap().input["city"], "Paris");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MessageAccumulator {
    message: MessagesResponse,
    /// Each block's tool input JSON text so far (by block position).
    input_json: Vec<String>,
    /// The position in `content` of each block index the stream named, in order of arrival
    /// (indices need not start at 0 or follow each other).
    positions: Vec<(u32, usize)>,
}

/// A streamed message that failed: the error, and what had arrived before it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct PartialMessage {
    /// Why the stream stopped.
    pub error: Error,
    /// The message added up from the events received before the error.
    pub partial: Box<MessagesResponse>,
}

impl MessageAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        MessageAccumulator::default()
    }

    /// Adds up `events` to the first error; the error comes back with the partial message.
    pub fn accumulate(
        events: impl IntoIterator<Item = Result<MessageEvent, Error>>,
    ) -> Result<MessagesResponse, PartialMessage> {
        Self::new().add_up(events, |_| {}).map_err(|(error, accumulator)| PartialMessage {
            error,
            partial: Box::new(accumulator.finish()),
        })
    }

    /// Adds one event.
    pub fn push(&mut self, event: &MessageEvent) {
        match event {
            MessageEvent::MessageStart(start) => {
                let mut message = start.message.clone();
                if message.content.is_empty() {
                    message.content = std::mem::take(&mut self.message.content);
                } else {
                    // Blocks the start carries are the first indices.
                    self.positions = (0..message.content.len())
                        .filter_map(|at| Some((u32::try_from(at).ok()?, at)))
                        .collect();
                }
                self.message = message;
            }
            MessageEvent::ContentBlockStart(start) => {
                if let Some(block) = self.block(start.index) {
                    *block = start.content_block.clone();
                }
            }
            MessageEvent::ContentBlockDelta(delta) => self.grow(delta),
            MessageEvent::ContentBlockStop(stop) => self.end_block(stop.index),
            MessageEvent::MessageDelta(delta) => self.take_delta(delta),
            MessageEvent::MessageStop(_) | MessageEvent::Ping(_) | MessageEvent::Other(_) => {}
        }
    }

    /// The message as it stands (tool input still streaming shows as it was at its start).
    pub fn snapshot(&self) -> MessagesResponse {
        self.message.clone()
    }

    /// The text so far.
    pub fn text(&self) -> String {
        self.message.text()
    }

    /// The message added up (tool input JSON text that does not parse, cut short by a failed
    /// stream say, is kept whole as a JSON string in `input`).
    pub fn finish(mut self) -> MessagesResponse {
        for at in 0..self.input_json.len() {
            self.end_block_at(at);
        }
        self.message
    }

    /// Where the block the stream calls `index` sits in `content`.
    fn position(&self, index: u32) -> Option<usize> {
        self.positions.iter().find(|(named, _)| *named == index).map(|(_, at)| *at)
    }

    /// The block the stream calls `index`: the one it started, or a new empty text block
    /// appended for an index not seen before (nothing is padded, whatever the index).
    fn block(&mut self, index: u32) -> Option<&mut ContentBlock> {
        let at = match self.position(index) {
            Some(at) => at,
            None => {
                let at = self.message.content.len();
                self.message.content.push(ContentBlock::text(""));
                self.positions.push((index, at));
                at
            }
        };
        self.message.content.get_mut(at)
    }

    fn grow(&mut self, delta: &BlockDelta) {
        if let ContentDelta::InputJsonDelta(json) = &delta.delta {
            let Some(index) = self.position(delta.index) else {
                return; // no such block
            };
            if self.input_json.len() <= index {
                self.input_json.resize(index + 1, String::new());
            }
            if let Some(text) = self.input_json.get_mut(index) {
                text.push_str(&json.partial_json);
            }
            return;
        }
        let Some(block) = self.block(delta.index) else { return };
        match (&delta.delta, block) {
            (ContentDelta::TextDelta(delta), ContentBlock::Text(text)) => {
                text.text.push_str(&delta.text)
            }
            (ContentDelta::ThinkingDelta(delta), ContentBlock::Thinking(thinking)) => {
                thinking.thinking.push_str(&delta.thinking);
            }
            (ContentDelta::SignatureDelta(delta), ContentBlock::Thinking(thinking)) => {
                thinking.signature.clone_from(&delta.signature);
            }
            (ContentDelta::Other(delta), ContentBlock::Text(text)) => add_citation(delta, text),
            _ => {} // a delta for a block of another kind: dropped, not invented
        }
    }

    /// `content_block_stop`: a tool call's input JSON text becomes its `input`.
    fn end_block(&mut self, index: u32) {
        if let Some(at) = self.position(index) {
            self.end_block_at(at);
        }
    }

    /// [`end_block`](Self::end_block) for the block at position `at`.
    fn end_block_at(&mut self, at: usize) {
        let Some(text) = self.input_json.get_mut(at).map(std::mem::take) else { return };
        if text.is_empty() {
            return;
        }
        let input = || serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
        match self.message.content.get_mut(at) {
            Some(ContentBlock::ToolUse(call)) => call.input = input(),
            // A server tool's call (`server_tool_use`, `mcp_tool_use`, ...) streams its input
            // the same way.
            Some(ContentBlock::Other(block)) if block.contains_key("input") => {
                block.insert("input".to_owned(), input());
            }
            _ => {}
        }
    }

    /// `message_delta`: stop reason and sequence, and the usage counts it carries.
    fn take_delta(&mut self, delta: &MessageDelta) {
        if delta.delta.stop_reason.is_some() {
            self.message.stop_reason.clone_from(&delta.delta.stop_reason);
            self.message.stop_sequence.clone_from(&delta.delta.stop_sequence);
        }
        let Some(counts) = &delta.usage else { return };
        let usage = self.message.usage.get_or_insert_with(MessagesUsage::default);
        // Each count the delta gives replaces the one so far (as Anthropic's SDKs take them);
        // a `null` or a value that is not a count leaves it.
        for (name, value) in counts {
            let count = value.as_u64();
            match (name.as_str(), count) {
                ("output_tokens", Some(count)) => usage.output_tokens = count,
                ("input_tokens", Some(count)) => usage.input_tokens = count,
                ("cache_read_input_tokens", Some(_)) => usage.cache_read_input_tokens = count,
                ("cache_creation_input_tokens", Some(_)) => {
                    usage.cache_creation_input_tokens = count;
                }
                (
                    "output_tokens"
                    | "input_tokens"
                    | "cache_read_input_tokens"
                    | "cache_creation_input_tokens",
                    None,
                ) => {}
                _ if value.is_null() => {}
                _ => {
                    usage.extra.insert(name.clone(), value.clone());
                }
            }
        }
    }
}

/// A `citations_delta`: its citation joins the text block's `citations` (made a list).
fn add_citation(delta: &serde_json::Map<String, Value>, text: &mut super::block::TextBlock) {
    let (Some("citations_delta"), Some(citation)) =
        (delta.get("type").and_then(Value::as_str), delta.get("citation"))
    else {
        return;
    };
    let citations = text.extra.entry("citations").or_insert(Value::Null);
    if !citations.is_array() {
        *citations = Value::Array(Vec::new());
    }
    if let Value::Array(list) = citations {
        list.push(citation.clone());
    }
}

impl crate::operation::StreamAccumulator for MessageAccumulator {
    type Item = MessageEvent;
    type Output = MessagesResponse;

    fn push(&mut self, item: &MessageEvent) {
        MessageAccumulator::push(self, item);
    }

    fn finish(self) -> MessagesResponse {
        MessageAccumulator::finish(self)
    }
}
