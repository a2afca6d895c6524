//! Messages API conveniences (Anthropic compatibility): a message, streamed or not, and its
//! events added up.

use naga_protocol::{
    MessageAccumulator, MessageEvent, MessageStream, MessagesRequest, MessagesResponse,
    StreamAccumulator,
};

use crate::client::Client;
use crate::error::{PartialMessage, Result};
use crate::stream::ItemStream;

/// The events of a streamed message, as they arrive.
pub type MessageEvents = ItemStream<MessageStream>;

impl Client {
    /// Sends a Messages API request (`POST /messages`) and returns the answer.
    pub fn message(&self, request: &MessagesRequest) -> Result<MessagesResponse> {
        self.send(request)
    }

    /// Streams a Messages API request (`stream` is set on a copy of `request` when needed).
    pub fn message_stream(&self, request: &MessagesRequest) -> Result<MessageEvents> {
        self.stream(request.as_streaming().as_ref())
    }
}

impl ItemStream<MessageStream> {
    /// Reads the rest of the stream and returns the whole message, the same value a
    /// non-streaming call returns; on failure, the error with what arrived before it.
    pub fn into_message(self) -> Result<MessagesResponse, PartialMessage> {
        self.into_message_with(|_| {})
    }

    /// Like [`into_message`](Self::into_message), showing each event to `on_event` first.
    pub fn into_message_with(
        self,
        on_event: impl FnMut(&MessageEvent),
    ) -> Result<MessagesResponse, PartialMessage> {
        MessageAccumulator::new()
            .add_up(self, on_event)
            .map_err(|(error, accumulator)| PartialMessage::new(error, accumulator))
    }
}
