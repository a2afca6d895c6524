//! Chat conveniences: a streamed chat completion, and its chunks added up into one answer.

use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatRequest, ChatStream,
    StreamAccumulator,
};

use crate::client::Client;
use crate::error::{PartialCompletion, Result};
use crate::stream::ItemStream;

/// The chunks of a streamed chat completion, as they arrive.
pub type ChatChunks = ItemStream<ChatStream>;

impl Client {
    /// Streams a chat completion (`stream` is set on a copy of `request` when needed).
    ///
    /// ```no_run
    /// # use naga_blocking::Client;
    /// # use naga_protocol::{ChatRequest, Message};
    /// let client = Client::from_env()?;
    /// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]);
    /// let completion = client.chat_stream(&request)?.into_completion_with(|chunk| {
    ///     chunk.choices.iter().filter_map(|c| c.delta.text()).for_each(|t| print!("{t}"));
    /// })?;
    /// println!("\n{:?}", completion.usage);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn chat_stream(&self, request: &ChatRequest) -> Result<ChatChunks> {
        self.stream(request.as_streaming().as_ref())
    }
}

impl ItemStream<ChatStream> {
    /// The next chunk written into `chunk` instead of a new one: its strings and tool-call
    /// lists are reused ([`ChatStream::next_chunk_into`]), so a loop that hands the same
    /// chunk back allocates nothing per chunk once warm. `Some(Ok(()))` leaves `chunk` equal
    /// to what [`next`](Iterator::next) would have returned; after an error or `None` its
    /// contents are unspecified.
    ///
    /// ```no_run
    /// # use naga_blocking::Client;
    /// # use naga_protocol::{ChatCompletionChunk, ChatRequest, Message};
    /// let client = Client::from_env()?;
    /// let request = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]);
    /// let mut chunks = client.chat_stream(&request)?;
    /// let mut chunk = ChatCompletionChunk::default();
    /// while let Some(result) = chunks.next_into(&mut chunk) {
    ///     result?;
    ///     chunk.choices.iter().filter_map(|c| c.delta.text()).for_each(|t| print!("{t}"));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_into(&mut self, chunk: &mut ChatCompletionChunk) -> Option<Result<()>> {
        self.next_with(|decoder| decoder.next_chunk_into(chunk))
    }

    /// Reads the rest of the stream and returns the whole completion, the same value a
    /// non-streaming call returns; on failure, the error with what arrived before it.
    pub fn into_completion(self) -> Result<ChatCompletion, PartialCompletion> {
        self.into_completion_with(|_| {})
    }

    /// Like [`into_completion`](Self::into_completion), showing each chunk to `on_chunk`
    /// first (e.g. to print text as it arrives).
    pub fn into_completion_with(
        self,
        on_chunk: impl FnMut(&ChatCompletionChunk),
    ) -> Result<ChatCompletion, PartialCompletion> {
        ChatAccumulator::new()
            .add_up(self, on_chunk)
            .map_err(|(error, accumulator)| PartialCompletion::new(error, accumulator))
    }
}
