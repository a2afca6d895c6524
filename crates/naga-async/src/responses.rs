//! Responses API conveniences: a response, streamed or not, and its events added up.

use naga_protocol::{
    ResponseAccumulator, ResponseEvent, ResponseObject, ResponseStream, ResponsesRequest,
};

use crate::client::Client;
use crate::error::{PartialResponse, Result};
use crate::stream::ItemStream;

/// The events of a streamed response, as they arrive.
pub type ResponseEvents = ItemStream<ResponseStream>;

impl Client {
    /// Sends a Responses API request (`POST /responses`) and returns the answer.
    pub async fn response(&self, request: &ResponsesRequest) -> Result<ResponseObject> {
        self.send(request).await
    }

    /// Streams a Responses API request (`stream` is set on a copy of `request` when needed).
    pub async fn response_stream(&self, request: &ResponsesRequest) -> Result<ResponseEvents> {
        self.stream(request.as_streaming().as_ref()).await
    }
}

impl ItemStream<ResponseStream> {
    /// Reads the rest of the stream and returns the whole response, the same value a
    /// non-streaming call returns; on failure, the error with what arrived before it.
    pub async fn into_response(self) -> Result<ResponseObject, PartialResponse> {
        self.into_response_with(|_| {}).await
    }

    /// Like [`into_response`](Self::into_response), showing each event to `on_event` first.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use naga_async::Client;
    /// # use naga_protocol::ResponsesRequest;
    /// let client = Client::from_env()?;
    /// let request = ResponsesRequest::new("gpt-4.1-mini", "Write a haiku about Tokyo.");
    /// let events = client.response_stream(&request).await?;
    /// let response = events
    ///     .into_response_with(|event| print!("{}", event.text_delta().unwrap_or_default()))
    ///     .await?;
    /// println!("\n{:?}", response.usage);
    /// # Ok(()) }
    /// ```
    pub async fn into_response_with(
        self,
        on_event: impl FnMut(&ResponseEvent),
    ) -> Result<ResponseObject, PartialResponse> {
        self.add_up(ResponseAccumulator::new(), on_event)
            .await
            .map_err(|(error, accumulator)| PartialResponse::new(error, accumulator))
    }
}
