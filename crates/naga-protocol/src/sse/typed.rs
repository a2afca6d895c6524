//! Streams of typed JSON events (the Responses and Messages APIs): the SSE framing, the
//! `[DONE]` and end-of-body rules and document bodies are shared; each API brings how one
//! event decodes ([`EventFamily`]).

use bytes::Bytes;

use super::state::StreamState;
use crate::error::Error;

/// How one API's events decode.
pub(crate) trait EventFamily {
    /// One decoded event.
    type Event;

    /// An event from its SSE event name and (trimmed, non-empty) data: the event, the error
    /// it reports ([`Error::Api`] ends the stream), or a decode error.
    fn decode(name: &str, data: &str) -> Result<Self::Event, Error>;

    /// Whether `event` is the stream's last: it ends the stream, cleanly, and later bytes
    /// are not read (a server may hold the body open after it, or send `[DONE]`).
    fn is_terminal(event: &Self::Event) -> bool;

    /// The events a body that is a document instead of events stands for, in the order a
    /// stream would have sent them, the last one terminal (so a caller echoing deltas, or
    /// adding the events up, gets what the document holds).
    fn decode_document(body: &[u8]) -> Result<Vec<Self::Event>, Error>;
}

/// A typed event stream: the shared stream state and how `F`'s events decode.
pub(crate) struct TypedEvents<F: EventFamily> {
    state: StreamState,
    /// The events of a document body not handed out yet.
    document: std::vec::IntoIter<F::Event>,
}

impl<F: EventFamily> TypedEvents<F> {
    /// A decoder that rejects events larger than `limit` bytes.
    pub(crate) fn with_max_event_size(limit: usize) -> Self {
        let state = StreamState::with_max_event_size(limit);
        TypedEvents { state, document: Vec::new().into_iter() }
    }

    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        self.state.feed(bytes);
    }

    pub(crate) fn feed_bytes(&mut self, bytes: Bytes) {
        self.state.feed_bytes(bytes);
    }

    pub(crate) fn next_event(&mut self) -> Option<Result<F::Event, Error>> {
        if let Some(event) = self.document.next() {
            return Some(Ok(event));
        }
        let state = &mut self.state;
        while !state.done {
            let next = if state.parser_has_the_body() { state.parser.next_event() } else { None };
            let item = match next {
                None if state.done_line => return state.done_line_marker(state.terminal),
                None => {
                    return match state.end(F::decode_document)? {
                        Ok(events) => {
                            self.document = events.into_iter();
                            self.document.next().map(Ok)
                        }
                        Err(err) => Some(Err(err)),
                    };
                }
                Some(Err(err)) => Err(Error::Stream(err)),
                Some(Ok(event)) => match event.data.trim() {
                    "" => {
                        state.count_event();
                        continue;
                    }
                    "[DONE]" => {
                        state.count_event();
                        // These APIs always send their terminal event first: `[DONE]`
                        // without one ends a stream that did not finish.
                        match state.done_marker(state.terminal) {
                            Some(truncated) => return Some(truncated),
                            None => continue,
                        }
                    }
                    data => F::decode(event.event, data),
                },
            };
            state.count_event();
            match &item {
                Ok(event) if F::is_terminal(event) => (state.terminal, state.done) = (true, true),
                Ok(_) => {}
                Err(Error::Api(_)) => state.done = true,
                Err(_) => {}
            }
            return Some(item);
        }
        None
    }

    pub(crate) fn finish(&mut self) {
        self.state.finish();
    }

    pub(crate) fn finish_early(&mut self) {
        self.state.finish_early();
    }

    pub(crate) fn is_done(&self) -> bool {
        self.state.done && self.document.len() == 0
    }

    pub(crate) fn events_seen(&self) -> usize {
        self.state.events
    }
}

impl<F: EventFamily> std::fmt::Debug for TypedEvents<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.state.fmt(f)
    }
}

/// Declares a public typed event stream decoder `$name` over [`TypedEvents`] of `$family`:
/// its inherent API (`new`, `with_max_event_size`, `feed`, `feed_bytes`, `next_event`,
/// `finish`, `finish_early`, `is_done`, `events_seen`), `Debug`, and the impls of
/// `stream_decoder_impls!`.
macro_rules! typed_event_stream {
    ($(#[$doc:meta])* $name:ident: $family:ty => $event:ty, for $request:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name($crate::sse::typed::TypedEvents<$family>);

        impl $name {
            /// A decoder with the default event size limit
            /// ([`SseParser::DEFAULT_MAX_EVENT_SIZE`](crate::SseParser::DEFAULT_MAX_EVENT_SIZE)).
            pub fn new() -> Self {
                Self::with_max_event_size($crate::sse::SseParser::DEFAULT_MAX_EVENT_SIZE)
            }

            /// A decoder that rejects events larger than `limit` bytes.
            pub fn with_max_event_size(limit: usize) -> Self {
                $name($crate::sse::typed::TypedEvents::with_max_event_size(limit))
            }

            /// Appends response bytes; ignored once the stream is done.
            pub fn feed(&mut self, bytes: &[u8]) {
                self.0.feed(bytes);
            }

            /// Appends a response read without copying it (see
            /// [`SseParser::feed_bytes`](crate::SseParser::feed_bytes)).
            pub fn feed_bytes(&mut self, bytes: bytes::Bytes) {
                self.0.feed_bytes(bytes);
            }

            /// The next event, an error for a broken or error event, or `None` when more
            /// bytes are needed (or the stream is over).
            pub fn next_event(&mut self) -> Option<Result<$event, $crate::Error>> {
                self.0.next_event()
            }

            /// Marks the end of the body; drain [`next_event`](Self::next_event) afterwards.
            pub fn finish(&mut self) {
                self.0.finish();
            }

            /// Marks the end of a body cut short by a lost connection: events are judged as
            /// at [`finish`](Self::finish); a document in place of events is
            /// [`StreamError::Cut`](crate::StreamError::Cut).
            pub fn finish_early(&mut self) {
                self.0.finish_early();
            }

            /// Whether no more events will follow.
            pub fn is_done(&self) -> bool {
                self.0.is_done()
            }

            /// How many events arrived so far (including empty and broken ones and `[DONE]`).
            pub fn events_seen(&self) -> usize {
                self.0.events_seen()
            }
        }

        $crate::operation::stream_decoder_impls!($name => $event, next_event, $request);
    };
}

pub(crate) use typed_event_stream;
