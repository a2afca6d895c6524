//! `ChatStream`: server-sent events of a streamed chat completion -> chunks.

use bytes::Bytes;
use http::HeaderMap;

use super::chunk::ChatCompletionChunk;
use super::document::decode_document;
use super::fast;
use super::response::FinishReason;
use crate::error::{Error, ErrorEnvelope, parse_api_error};
use crate::operation::stream_decoder_impls;
use crate::sse::SseParser;
use crate::sse::state::StreamState;

/// What a chunk decoding error names.
const WHAT: &str = "chat completion chunk";

/// Decodes the body of a streamed chat completion into [`ChatCompletionChunk`]s.
///
/// The stream ends cleanly on `data: [DONE]` after a chunk (later bytes are ignored; a
/// `[DONE]` before any chunk is [`StreamError::Truncated`](crate::StreamError::Truncated):
/// nothing was answered), or at end of body
/// once every choice seen so far has had a (non-empty) `finish_reason`, or after a `usage`
/// trailer (a chunk with usage and no choices): Naga does not promise `[DONE]`. With several
/// choices (`n` > 1), a body that ends after one choice finished while another was still
/// streaming is cut. Choices are told apart by `index` up to 127 (OpenAI's `n` goes to 128);
/// once a choice with a larger index arrives without a `finish_reason`, only `[DONE]` or the
/// usage trailer ends the stream cleanly. When the request asked for the trailer
/// (`stream_options.include_usage`, see [`expect_usage`](Self::expect_usage)), a connection
/// lost after the finish chunks but before the trailer is a truncation too: the usage it
/// would have carried is gone (a clean end of body there stays clean, as Naga may close
/// after the finish chunk). A frame with a top-level `error` object becomes
/// [`Error::Api`] (status `None`) and ends the stream. A frame that is not a chunk yields [`Error::Decode`], and a broken
/// event (too large, invalid UTF-8) yields [`Error::Stream`]; decoding continues after both.
/// Any other end of body (including one in the middle of an event) yields exactly one
/// [`StreamError::Truncated`](crate::StreamError::Truncated): a cut stream is never a silent success.
///
/// A body that is one document instead of events (its first byte other than whitespace is
/// `{`, `[` or `<`: a proxy's error with `200 OK`, a server that ignores `stream: true`, a web
/// page at a wrong base URL) is read whole, up to the event size limit, and yields one item
/// at the end of the body: Naga's error envelope as [`Error::Api`], a chat completion as one
/// chunk (`ChatCompletionChunk::from(completion)`), a `{` document that does not read as a
/// completion (cut short, or not JSON) as [`Error::Decode`] with the place it failed, anything
/// else (other JSON, a page) as
/// [`StreamError::UnexpectedDocument`](crate::StreamError::UnexpectedDocument) with an excerpt.
///
/// ```
/// use naga_protocol::ChatStream;
///
/// let mut stream = ChatStream::new();
/// stream.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
/// stream.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
/// let mut text = String::new();
/// stream.finish();
/// while let Some(chunk) = stream.next_chunk() {
///     let chunk = chunk?;
///     text.extend(chunk.choices.iter().filter_map(|c| c.delta.text()));
/// }
/// assert_eq!(text, "Hi");
/// # Ok::<(), naga_protocol::Error>(())
/// ```
pub struct ChatStream {
    /// The parser and the stream's state; `terminal` is what `choices` says after each chunk.
    state: StreamState,
    /// Which choices are still streaming.
    choices: OpenChoices,
    /// Buffers of the chunk [`next_chunk_into`](Self::next_chunk_into) last overwrote.
    spare: fast::Spare,
    /// The request asked for the usage trailer.
    usage_expected: bool,
}

/// What one event's data is, before any JSON is read.
enum FrameKind {
    /// JSON text: a chunk or an error frame (or neither: a decode error).
    Json,
    /// Nothing to hand out (an empty `data:`).
    Skip,
    /// `[DONE]`.
    Done,
}

impl ChatStream {
    /// A decoder with the default event size limit ([`SseParser::DEFAULT_MAX_EVENT_SIZE`]).
    pub fn new() -> Self {
        Self::with_max_event_size(SseParser::DEFAULT_MAX_EVENT_SIZE)
    }

    /// A decoder that rejects events larger than `limit` bytes.
    pub fn with_max_event_size(limit: usize) -> Self {
        ChatStream {
            state: StreamState::with_max_event_size(limit),
            choices: OpenChoices::default(),
            spare: fast::Spare::default(),
            usage_expected: false,
        }
    }

    /// Whether the request asked for the usage trailer (`stream_options.include_usage`):
    /// then a body cut by a lost connection ([`finish_early`](Self::finish_early)) before
    /// the trailer is truncated even when every choice finished. `ChatRequest`'s decoder is
    /// set from the request.
    ///
    /// ```
    /// use naga_protocol::{ChatStream, Error, StreamError};
    ///
    /// let mut stream = ChatStream::new().expect_usage(true);
    /// stream.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    /// stream.finish_early(); // the connection broke before the usage trailer
    /// assert!(stream.next_chunk().unwrap().is_ok());
    /// let end = stream.next_chunk().unwrap();
    /// assert!(matches!(end, Err(Error::Stream(StreamError::Truncated { events: 1 }))));
    /// ```
    #[must_use]
    pub fn expect_usage(mut self, expected: bool) -> Self {
        self.usage_expected = expected;
        self
    }

    /// Appends response bytes; ignored once the stream is done.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.state.feed(bytes);
    }

    /// Appends a response read without copying it (see [`SseParser::feed_bytes`]); ignored
    /// once the stream is done.
    pub fn feed_bytes(&mut self, bytes: Bytes) {
        self.state.feed_bytes(bytes);
    }

    /// The next chunk, an error for a broken or error frame, or `None` when more bytes are
    /// needed (or the stream is over).
    pub fn next_chunk(&mut self) -> Option<Result<ChatCompletionChunk, Error>> {
        let choices = &mut self.choices;
        let decode = |data: &str, spare: &mut fast::Spare, result: &mut Result<_, Error>| {
            if let Ok(chunk) = result
                && let Err(err) = decode_chunk(data, chunk, spare)
            {
                *result = Err(err);
            }
            result.as_ref().is_ok_and(|chunk| choices.track(chunk))
        };
        next_item(&mut self.state, &mut self.spare, decode, |body, _| decode_document(body))
    }

    /// [`next_chunk`](Self::next_chunk) written into `chunk`, whose strings and tool-call
    /// lists are reused: a loop that hands the same chunk back allocates nothing per chunk
    /// once warm, for chunks shaped like the ones before (text or reasoning deltas,
    /// tool-call fragments). `Some(Ok(()))` leaves `chunk` equal to what `next_chunk` would
    /// have returned; after an error or `None` its contents are unspecified.
    ///
    /// ```
    /// use naga_protocol::{ChatCompletionChunk, ChatStream};
    ///
    /// let mut stream = ChatStream::new();
    /// for word in ["Hello", ", world"] {
    ///     let event = format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{word}\"}}}}]}}\n\n");
    ///     stream.feed(event.as_bytes());
    /// }
    /// let (mut chunk, mut text) = (ChatCompletionChunk::default(), String::new());
    /// while let Some(result) = stream.next_chunk_into(&mut chunk) {
    ///     result?;
    ///     text.extend(chunk.choices.iter().filter_map(|c| c.delta.text()));
    /// }
    /// assert_eq!(text, "Hello, world");
    /// # Ok::<(), naga_protocol::Error>(())
    /// ```
    pub fn next_chunk_into(
        &mut self,
        chunk: &mut ChatCompletionChunk,
    ) -> Option<Result<(), Error>> {
        let choices = &mut self.choices;
        let decode =
            |data: &str, (chunk, spare): &mut Target<'_>, result: &mut Result<(), Error>| {
                spare.take_from(chunk);
                *result = decode_chunk(data, chunk, spare);
                result.is_ok() && choices.track(chunk)
            };
        let document = |body: &[u8], (chunk, _): &mut Target<'_>| {
            decode_document(body).map(|document| **chunk = document)
        };
        next_item(&mut self.state, &mut (chunk, &mut self.spare), decode, document)
    }

    /// Marks the end of the body; drain [`next_chunk`](Self::next_chunk) afterwards.
    pub fn finish(&mut self) {
        self.state.finish();
    }

    /// Marks the end of a body cut short by a lost connection (see
    /// [`StreamDecoder::finish_early`](crate::StreamDecoder::finish_early)): events are judged
    /// as at [`finish`](Self::finish); a document in place of events is
    /// [`StreamError::Cut`](crate::StreamError::Cut).
    pub fn finish_early(&mut self) {
        if self.usage_expected && !self.state.is_finished() && !self.choices.trailer {
            // Finish chunks (seen or still buffered) no longer end the stream: only the
            // trailer, or `[DONE]`, does.
            self.choices.trailer_required = true;
            self.state.terminal = false;
        }
        self.state.finish_early();
    }

    /// Whether no more chunks will follow: `[DONE]` or an error frame arrived, or the
    /// finished stream was drained.
    pub fn is_done(&self) -> bool {
        self.state.done
    }

    /// How many events arrived so far (including empty and broken ones and `[DONE]`).
    pub fn events_seen(&self) -> usize {
        self.state.events
    }
}

impl std::fmt::Debug for ChatStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatStream")
            .field("state", &self.state)
            .field("choices", &self.choices)
            .field("usage_expected", &self.usage_expected)
            .finish()
    }
}

stream_decoder_impls!(
    ChatStream => ChatCompletionChunk,
    next_chunk,
    super::request::ChatRequest,
    |request, stream| stream.expect_usage(request.wants_usage_trailer())
);

/// Tells `[DONE]` and empty data from JSON text; a frame opening with `{` (all real ones)
/// needs no trim.
fn frame_kind(data: &str) -> FrameKind {
    if data.starts_with('{') {
        return FrameKind::Json;
    }
    match data.trim() {
        "" => FrameKind::Skip,
        "[DONE]" => FrameKind::Done,
        _ => FrameKind::Json,
    }
}

/// Reads a JSON frame into `chunk` (a default one), the fast path taking its strings from
/// `spare` (empty unless [`ChatStream::next_chunk_into`] filled it): the chunk, or the error
/// frame as [`Error::Api`], or [`Error::Decode`].
fn decode_chunk(
    data: &str,
    chunk: &mut ChatCompletionChunk,
    spare: &mut fast::Spare,
) -> Result<(), Error> {
    if fast::fill_chunk(data, chunk, spare).is_some() {
        return if is_error_frame(chunk) { Err(stream_api_error(data)) } else { Ok(()) };
    }
    *chunk = decode_slow(data)?;
    Ok(())
}

/// The next item of `state`'s stream: `decode` reads a JSON frame's data into a default
/// item (and says whether the end of the body is clean after it), `document` reads a body
/// that is one document instead of events. Both get `out`.
fn next_item<O, T: Default>(
    state: &mut StreamState,
    out: &mut O,
    decode: impl FnOnce(&str, &mut O, &mut Result<T, Error>) -> bool,
    document: impl FnOnce(&[u8], &mut O) -> Result<T, Error>,
) -> Option<Result<T, Error>> {
    while !state.done {
        let next = if state.parser_has_the_body() { state.parser.next_event() } else { None };
        let data = match next {
            None if state.done_line => return state.done_line_marker(state.answered),
            None => return state.end(|body| document(body, out)),
            Some(Ok(event)) if event.event == "error" => {
                // An `error` event fails the stream whatever its data's shape.
                state.events = state.events.saturating_add(1);
                state.done = true;
                return Some(Err(error_event(event.data)));
            }
            Some(Ok(event)) => event.data,
            Some(Err(err)) => {
                state.events = state.events.saturating_add(1);
                return Some(Err(Error::Stream(err)));
            }
        };
        state.events = state.events.saturating_add(1);
        match frame_kind(data) {
            FrameKind::Json => state.answered = true,
            FrameKind::Skip => continue,
            FrameKind::Done => match state.done_marker(state.answered) {
                Some(truncated) => return Some(truncated),
                None => continue,
            },
        }
        // Decoded in the slot that is returned: a chunk is several hundred bytes.
        let mut item = Some(Ok(T::default()));
        if let Some(result) = &mut item {
            let terminal = decode(data, out, result);
            match result {
                // Not sticky: a choice that opens after the others finished reopens the stream.
                Ok(_) => state.terminal = terminal,
                Err(Error::Api(_)) => state.done = true,
                Err(_) => {}
            }
        }
        return item;
    }
    None
}

/// What [`ChatStream::next_chunk_into`] decodes into: the caller's chunk and the spare buffers.
type Target<'a> = (&'a mut ChatCompletionChunk, &'a mut fast::Spare);

/// The serde path of [`decode_chunk`], which also makes every error.
fn decode_slow(data: &str) -> Result<ChatCompletionChunk, Error> {
    match crate::surrogates::from_str::<ChatCompletionChunk>(data) {
        Ok(chunk) if is_error_frame(&chunk) => Err(stream_api_error(data)),
        Ok(chunk) => Ok(chunk),
        // Rare path: an error frame whose other fields do not fit a chunk.
        Err(_) if is_error_envelope(data.as_bytes()) => Err(stream_api_error(data)),
        Err(err) => Err(Error::decode(WHAT, data.as_bytes(), &err)),
    }
}

/// Whether a decoded chunk is really an error frame (a top-level `error`).
fn is_error_frame(chunk: &ChatCompletionChunk) -> bool {
    chunk.extra.get("error").is_some_and(is_error_value)
}

/// A top-level `error` that makes a frame an error frame: Naga's object, or (tolerated) a
/// bare message string. `null`, an empty object or string (they carry no error: OpenAI's
/// SDKs raise only for a truthy `error`) and other values do not.
pub(crate) fn is_error_value(error: &serde_json::Value) -> bool {
    match error {
        serde_json::Value::Object(fields) => !fields.is_empty(),
        serde_json::Value::String(text) => !text.trim().is_empty(),
        _ => false,
    }
}

/// Whether `data` is Naga's error envelope with an `error`.
pub(super) fn is_error_envelope(data: &[u8]) -> bool {
    serde_json::from_slice::<ErrorEnvelope>(data).is_ok_and(|envelope| envelope.error.is_some())
}

/// An `event: error` as [`Error::Api`]: Naga's envelope, or any other data (an object's
/// `message`, `type` and `code` read as the envelope's, text as the message).
fn error_event(data: &str) -> Error {
    if is_error_envelope(data.as_bytes()) {
        return stream_api_error(data);
    }
    let error = match serde_json::from_str::<serde_json::Value>(data) {
        Ok(object @ serde_json::Value::Object(_)) => object,
        _ => serde_json::json!({ "message": data }),
    };
    stream_api_error(serde_json::json!({ "error": error }).to_string())
}

/// The error frame as [`Error::Api`] without an HTTP status.
pub(super) fn stream_api_error(data: impl AsRef<[u8]>) -> Error {
    parse_api_error(None, &HeaderMap::new(), data.as_ref())
}

/// The choices of a stream that are still streaming, told apart by index below 128 (OpenAI's
/// `n` goes up to 128) in bit sets: no allocation, whatever the server sends as an index.
#[derive(Debug, Clone, Copy, Default)]
struct OpenChoices {
    /// Bit `i`: choice `i` arrived and has not finished.
    open: u128,
    /// Bit `i`: choice `i` finished (later chunks of it do not reopen it).
    closed: u128,
    /// Some choice (of any index) finished.
    any_finished: bool,
    /// A choice with an index of 128 or more arrived without finishing; such choices are not
    /// told apart, so this stays set.
    far_open: bool,
    /// The usage trailer arrived.
    trailer: bool,
    /// Only the usage trailer ends the stream cleanly (it was asked for and the connection
    /// was lost).
    trailer_required: bool,
}

impl OpenChoices {
    /// Takes in a decoded chunk; returns whether the end of the body is now a clean end:
    /// the usage trailer arrived (a chunk with usage and no choices; servers that report
    /// usage on every chunk, as vLLM's continuous usage stats do, say nothing of the end by
    /// it), or some choice finished and every choice seen so far has (a `finish_reason` of
    /// `""`, which some servers send on every chunk, is none).
    #[inline]
    fn track(&mut self, chunk: &ChatCompletionChunk) -> bool {
        self.trailer |= chunk.usage.is_some() && chunk.choices.is_empty();
        for choice in &chunk.choices {
            let finished = is_finish(&choice.finish_reason);
            self.any_finished |= finished;
            match 1u128.checked_shl(choice.index) {
                Some(bit) if finished => {
                    self.closed |= bit;
                    self.open &= !bit;
                }
                Some(bit) => self.open |= bit & !self.closed,
                None => self.far_open |= !finished,
            }
        }
        self.trailer
            || (!self.trailer_required && self.any_finished && self.open == 0 && !self.far_open)
    }
}

/// Whether a choice's `finish_reason` says it finished (`""` does not).
pub(super) fn is_finish(reason: &Option<FinishReason>) -> bool {
    reason.as_ref().is_some_and(|reason| !reason.as_str().is_empty())
}
