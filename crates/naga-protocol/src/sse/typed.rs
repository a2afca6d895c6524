//! Streams of typed JSON events (the Responses and Messages APIs): the SSE framing, the
//! `[DONE]` and end-of-body rules and document bodies are shared; each API brings how one
//! event decodes ([`EventFamily`]).

use bytes::Bytes;

use super::SseParser;
use super::document::{BodyKind, BodySniffer};
use crate::error::{Error, StreamError};

/// How one API's events decode.
pub(crate) trait EventFamily {
    /// One decoded event.
    type Event;

    /// An event from its SSE event name and (trimmed, non-empty) data: the event, the error
    /// it reports ([`Error::Api`] ends the stream), or a decode error.
    fn decode(name: &str, data: &str) -> Result<Self::Event, Error>;

    /// Whether the end of the body after `event` is a clean end.
    fn is_terminal(event: &Self::Event) -> bool;

    /// The one item of a body that is a document instead of events.
    fn decode_document(body: &[u8]) -> Result<Self::Event, Error>;
}

/// The decoding state shared by typed event streams.
pub(crate) struct TypedEvents<F> {
    parser: SseParser,
    /// Events (and broken events) handed out by the parser so far.
    events: usize,
    /// `[DONE]` or an API error arrived, or the stream was drained after `finish`.
    done: bool,
    /// A terminal event arrived: EOF from now on is clean.
    terminal: bool,
    /// `finish` was called.
    finished: bool,
    /// The parser discarded an incomplete event at end of body.
    cut: bool,
    /// Events, or a single document.
    body: BodySniffer,
    family: std::marker::PhantomData<fn() -> F>,
}

impl<F: EventFamily> TypedEvents<F> {
    /// A decoder that rejects events larger than `limit` bytes.
    pub(crate) fn with_max_event_size(limit: usize) -> Self {
        TypedEvents {
            parser: SseParser::with_max_event_size(limit),
            events: 0,
            done: false,
            terminal: false,
            finished: false,
            cut: false,
            body: BodySniffer::new(),
            family: std::marker::PhantomData,
        }
    }

    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if !self.done && !self.take_document(bytes) {
            self.parser.feed(bytes);
        }
    }

    pub(crate) fn feed_bytes(&mut self, bytes: Bytes) {
        if !self.done && !self.take_document(&bytes) {
            self.parser.feed_bytes(bytes);
        }
    }

    pub(crate) fn next_event(&mut self) -> Option<Result<F::Event, Error>> {
        while !self.done {
            let item = match self.parser.next_event() {
                None => return self.end(),
                Some(Err(err)) => Err(Error::Stream(err)),
                Some(Ok(event)) => match event.data.trim() {
                    "" => {
                        self.events = self.events.saturating_add(1);
                        continue;
                    }
                    "[DONE]" => {
                        self.events = self.events.saturating_add(1);
                        self.done = true;
                        continue;
                    }
                    data => F::decode(event.event, data),
                },
            };
            self.events = self.events.saturating_add(1);
            match &item {
                Ok(event) => self.terminal |= F::is_terminal(event),
                Err(Error::Api(_)) => self.done = true,
                Err(_) => {}
            }
            return Some(item);
        }
        None
    }

    pub(crate) fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.cut = self.parser.finish();
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    pub(crate) fn events_seen(&self) -> usize {
        self.events
    }

    /// Takes `bytes` when the body is a document (see `sse::document`).
    fn take_document(&mut self, bytes: &[u8]) -> bool {
        self.body.kind != BodyKind::Events && self.body.take(bytes, self.parser.max_event_size())
    }

    /// Called when the parser has nothing more: the truncation verdict at end of body, or a
    /// document body's one item.
    fn end(&mut self) -> Option<Result<F::Event, Error>> {
        if !(self.finished || self.body.kind == BodyKind::TooLarge) || self.done {
            return None;
        }
        self.done = true;
        if self.body.is_document() {
            let item = self.body.take_document(self.parser.max_event_size());
            let item = item.and_then(|body| F::decode_document(&body));
            self.terminal = item.is_ok();
            return Some(item);
        }
        let clean = self.terminal && !self.cut;
        (!clean).then_some(Err(Error::Stream(StreamError::Truncated { events: self.events })))
    }
}

impl<F> std::fmt::Debug for TypedEvents<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedEvents")
            .field("parser", &self.parser)
            .field("events", &self.events)
            .field("done", &self.done)
            .field("terminal", &self.terminal)
            .field("finished", &self.finished)
            .field("cut", &self.cut)
            .field("body", &self.body)
            .finish()
    }
}

/// Declares a public typed event stream decoder `$name` over [`TypedEvents`] of `$family`:
/// its inherent API (`new`, `with_max_event_size`, `feed`, `feed_bytes`, `next_event`,
/// `finish`, `is_done`, `events_seen`), `Debug`, and the impls of `stream_decoder_impls!`.
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
