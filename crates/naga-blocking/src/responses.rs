//! Responses API conveniences: a response, streamed or not, and its events added up.

use naga_protocol::{
    ResponseAccumulator, ResponseEvent, ResponseObject, ResponseStream, ResponsesRequest,
    StreamAccumulator,
};

use crate::client::Client;
use crate::error::{PartialResponse, Result};
use crate::stream::ItemStream;

/// The events of a streamed response, as they arrive.
pub type ResponseEvents = ItemStream<ResponseStream>;

impl Client {
    /// Sends a Responses API request (`POST /responses`) and returns the answer.
    pub fn response(&self, request: &ResponsesRequest) -> Result<ResponseObject> {
        self.send(request)
    }

    /// Streams a Responses API request (`stream` is set on a copy of `request` when needed).
    pub fn response_stream(&self, request: &ResponsesRequest) -> Result<ResponseEvents> {
        self.stream(request.as_streaming().as_ref())
    }
}

impl ItemStream<ResponseStream> {
    /// Reads the rest of the stream and returns the whole response, the same value a
    /// non-streaming call returns; on failure, the error with what arrived before it.
    pub fn into_response(self) -> Result<ResponseObject, PartialResponse> {
        self.into_response_with(|_| {})
    }

    /// Like [`into_response`](Self::into_response), showing each event to `on_event` first.
    ///
    /// ```no_run
    /// # use naga_blocking::Client;
    /// # use naga_protocol::ResponsesRequest;
    /// let client = Client::from_env()?;
    /// let request = ResponsesRequest::new("gpt-4.1-mini", "Write a haiku about Tokyo.");
    /// let response = client
    ///     .response_stream(&request)?
    ///     .into_response_with(|event| print!("{}", event.text_delta().unwrap_or_default()))?;
    /// println!("\n{:?}", response.usage);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_response_with(
        self,
        on_event: impl FnMut(&ResponseEvent),
    ) -> Result<ResponseObject, PartialResponse> {
        ResponseAccumulator::new()
            .add_up(self, on_event)
            .map_err(|(error, accumulator)| PartialResponse::new(error, accumulator))
    }
}
