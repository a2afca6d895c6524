//! Chat conveniences: a streamed chat completion, and its chunks added up into one answer.

use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatRequest, ChatStream,
};

use crate::client::Client;
use crate::error::{PartialCompletion, Result};
use crate::stream::ItemStream;

/// The chunks of a streamed chat completion, as they arrive.
pub type ChatChunks = ItemStream<ChatStream>;

impl Client {
    /// Streams a chat completion (`stream` is set on a copy of `request` when needed).
    ///
    /// Chunks are decoded where the stream is polled. Inside a tokio task the body is read
    /// there too; polled by a `block_on` future (a `#[tokio::main]` function's body) the
    /// first poll starts a small task that reads the body ahead and hands its frames over in
    /// batches ([`ItemStream`] says more; a client built with
    /// [`read_ahead(false)`](crate::ClientBuilder::read_ahead) starts none).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use naga_async::Client;
    /// # use naga_protocol::{ChatRequest, Message};
    /// let client = Client::from_env()?;
    /// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]);
    /// let chunks = client.chat_stream(&request).await?;
    /// let completion = chunks
    ///     .into_completion_with(|chunk| {
    ///         chunk.choices.iter().filter_map(|c| c.delta.text()).for_each(|t| print!("{t}"));
    ///     })
    ///     .await?;
    /// println!("\n{:?}", completion.usage);
    /// # Ok(()) }
    /// ```
    pub async fn chat_stream(&self, request: &ChatRequest) -> Result<ChatChunks> {
        self.stream(request.as_streaming().as_ref()).await
    }
}

impl ItemStream<ChatStream> {
    /// The next chunk written into `chunk` instead of a new one: its strings and tool-call
    /// lists are reused ([`ChatStream::next_chunk_into`]), so a loop that hands the same
    /// chunk back allocates nothing per chunk once warm. `Some(Ok(()))` leaves `chunk` equal
    /// to what the stream's next item would have been; after an error or `None` its
    /// contents are unspecified.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use naga_async::Client;
    /// # use naga_protocol::{ChatCompletionChunk, ChatRequest, Message};
    /// let client = Client::from_env()?;
    /// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]);
    /// let mut chunks = client.chat_stream(&request).await?;
    /// let mut chunk = ChatCompletionChunk::default();
    /// while let Some(result) = chunks.next_into(&mut chunk).await {
    ///     result?;
    ///     chunk.choices.iter().filter_map(|c| c.delta.text()).for_each(|t| print!("{t}"));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn next_into(&mut self, chunk: &mut ChatCompletionChunk) -> Option<Result<()>> {
        std::future::poll_fn(|cx| self.poll_with(cx, |decoder| decoder.next_chunk_into(chunk)))
            .await
    }

    /// Reads the rest of the stream and returns the whole completion, the same value a
    /// non-streaming call returns; on failure, the error with what arrived before it.
    pub async fn into_completion(self) -> Result<ChatCompletion, PartialCompletion> {
        self.into_completion_with(|_| {}).await
    }

    /// Like [`into_completion`](Self::into_completion), showing each chunk to `on_chunk`
    /// first (e.g. to print text as it arrives).
    pub async fn into_completion_with(
        self,
        on_chunk: impl FnMut(&ChatCompletionChunk),
    ) -> Result<ChatCompletion, PartialCompletion> {
        self.add_up(ChatAccumulator::new(), on_chunk)
            .await
            .map_err(|(error, accumulator)| PartialCompletion::new(error, accumulator))
    }
}
