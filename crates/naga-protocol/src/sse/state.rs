//! The state every stream decoder keeps around its SSE parser: events counted, whether the
//! stream is done, whether its end is clean, and a body that turned out to be one document.
//! `ChatStream` and the typed event streams build on it and add only how an event decodes.

use std::fmt;

use bytes::Bytes;

use super::SseParser;
use super::document::{BodyKind, BodySniffer};
use crate::error::{Error, StreamError};

/// See the module docs.
pub(crate) struct StreamState {
    pub(crate) parser: SseParser,
    /// Events (and broken events) handed out by the parser so far.
    pub(crate) events: usize,
    /// `[DONE]` or an API error arrived, or the stream was drained after `finish`.
    pub(crate) done: bool,
    /// A terminal item arrived: the end of the body from now on is clean.
    pub(crate) terminal: bool,
    /// An item's data arrived (decoded or not): a `[DONE]` before any answered nothing.
    pub(crate) answered: bool,
    /// `finish` was called.
    finished: bool,
    /// The parser discarded an incomplete event at end of body.
    cut: bool,
    /// That incomplete event was a `data: [DONE]` line alone: the end marker without its
    /// blank line, taken as the marker (see [`done_line_marker`](Self::done_line_marker)).
    pub(crate) done_line: bool,
    /// The connection was lost before the body's end (`finish_early`).
    lost: bool,
    /// Events, or a single document.
    body: BodySniffer,
}

impl StreamState {
    /// Nothing seen yet; events larger than `limit` bytes are rejected.
    pub(crate) fn with_max_event_size(limit: usize) -> Self {
        StreamState {
            parser: SseParser::with_max_event_size(limit),
            events: 0,
            done: false,
            terminal: false,
            answered: false,
            finished: false,
            cut: false,
            done_line: false,
            lost: false,
            body: BodySniffer::new(),
        }
    }

    /// Appends response bytes; ignored once the stream is done.
    #[inline]
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if self.done || (self.body.kind != BodyKind::Events && self.take_document(bytes)) {
            return;
        }
        self.parser.feed(bytes);
    }

    /// Appends a response read without copying it; ignored once the stream is done.
    #[inline]
    pub(crate) fn feed_bytes(&mut self, bytes: Bytes) {
        if self.body.kind == BodyKind::Events && !self.done {
            self.parser.feed_bytes(bytes);
        } else {
            self.feed_bytes_unsure(bytes);
        }
    }

    /// [`feed_bytes`](Self::feed_bytes) at the start of the body or after the end.
    #[cold]
    fn feed_bytes_unsure(&mut self, bytes: Bytes) {
        if !self.done && !self.take_document(&bytes) {
            self.parser.feed_bytes(bytes);
        }
    }

    /// Marks the end of the body.
    pub(crate) fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.cut = self.parser.finish();
            if self.cut && self.parser.ends_in_done_line() {
                (self.cut, self.done_line) = (false, true);
            }
        }
    }

    /// Whether the end of the body was marked.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }

    /// Marks the end of a body cut short by a lost connection: events are judged as at
    /// [`finish`](Self::finish), a document is [`StreamError::Cut`].
    pub(crate) fn finish_early(&mut self) {
        self.lost |= !self.finished;
        self.finish();
    }

    /// Whether the SSE parser's items count: the body is events, or it ended blank (a blank
    /// body is an empty stream). While the body is blank so far, the parser can hold only
    /// oversize errors for blank lines, which a document after them would not give (whole,
    /// the body is judged by its first byte that is not blank, and the parser never sees
    /// it): they wait for the verdict, so every split of a body gives the same items. A
    /// document's one item comes from [`end`](Self::end).
    #[inline]
    pub(crate) fn parser_has_the_body(&self) -> bool {
        match self.body.kind {
            BodyKind::Events => true,
            BodyKind::Unknown => self.finished,
            BodyKind::Document | BodyKind::TooLarge => false,
        }
    }

    /// `[DONE]` arrived (an event, or the line the body ended with): the stream is done, and
    /// its end is clean when `clean` (chat: after an answer; the typed APIs: after their
    /// terminal event), else [`StreamError::Truncated`].
    pub(crate) fn done_marker<T>(&mut self, clean: bool) -> Option<Result<T, Error>> {
        self.done = true;
        (!clean).then_some(Err(Error::Stream(StreamError::Truncated { events: self.events })))
    }

    /// The `[DONE]` line the body ended with (see [`done_line`](Self::done_line)), taken:
    /// counted as an event and judged as [`done_marker`](Self::done_marker) judges one.
    pub(crate) fn done_line_marker<T>(&mut self, clean: bool) -> Option<Result<T, Error>> {
        self.done_line = false;
        self.count_event();
        self.done_marker(clean)
    }

    /// Counts one event handed out by the parser (a broken one included).
    pub(crate) fn count_event(&mut self) {
        self.events = self.events.saturating_add(1);
    }

    /// Takes `bytes` when the body is (or turns out to be) a document; `false` leaves
    /// them to the SSE parser.
    fn take_document(&mut self, bytes: &[u8]) -> bool {
        self.body.take(bytes, self.parser.max_event_size())
    }

    /// Called when the parser has nothing more. A document body: its one item (an oversize
    /// error at once, else `decode_document` of the whole body once it is finished). Events:
    /// at the end of the body, the truncation verdict (`None` for a clean end).
    #[inline]
    pub(crate) fn end<T>(
        &mut self,
        decode_document: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> Option<Result<T, Error>> {
        if self.done || !(self.finished || self.body.kind == BodyKind::TooLarge) {
            return None;
        }
        self.done = true;
        if self.body.is_document() {
            let item = self.body.take_document(self.parser.max_event_size());
            let item = item.and_then(|body| {
                if self.lost {
                    // What arrived may even be a whole document: the framing says it is not.
                    return Err(Error::Stream(StreamError::Cut { bytes: body.len() as u64 }));
                }
                decode_document(&body)
            });
            self.terminal = item.is_ok();
            return Some(item);
        }
        let clean = self.terminal && !self.cut;
        (!clean).then_some(Err(Error::Stream(StreamError::Truncated { events: self.events })))
    }
}

impl fmt::Debug for StreamState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamState")
            .field("parser", &self.parser)
            .field("events", &self.events)
            .field("done", &self.done)
            .field("terminal", &self.terminal)
            .field("answered", &self.answered)
            .field("finished", &self.finished)
            .field("cut", &self.cut)
            .field("done_line", &self.done_line)
            .field("lost", &self.lost)
            .field("body", &self.body)
            .finish()
    }
}
