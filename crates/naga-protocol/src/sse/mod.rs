//! Server-sent events framing (WHATWG EventSource rules), sans-IO.
//!
//! Lines end in LF, CR or CRLF (also split across feeds); a UTF-8 BOM is dropped at stream
//! start only; `:` lines are comments; `data`, `event`, `id` and `retry` are the known fields.
//! See [`SseParser`] for the call order and the cost model.

/// The bytes positions index: the current read, or the own buffer. A macro (not a method)
/// so that it borrows only those two fields.
macro_rules! window {
    ($parser:expr) => {
        if $parser.in_read { &$parser.read[..] } else { &$parser.own[..] }
    };
}

pub(crate) mod document;
mod field;
mod scan;
mod single;
pub(crate) mod state;
pub(crate) mod typed;
mod window;

use std::fmt;
use std::ops::Range;

use bytes::Bytes;

use crate::error::StreamError;

/// An incremental, allocation-free (once warm) parser of a `text/event-stream` body.
///
/// Call order: [`feed`](Self::feed) the bytes as they arrive, then call
/// [`next_event`](Self::next_event) until it returns `None`; repeat. At end of input call
/// [`finish`](Self::finish) once and drain `next_event` again. An incomplete event at the
/// end (no blank line after it) is discarded, as the WHATWG rules say; `finish` tells you
/// whether that happened.
///
/// Each [`Event`] borrows the parser, so it must be used (or copied) before the next call.
/// An event whose lines (line breaks and comments between its fields included) grow past the
/// size limit yields [`StreamError::EventTooLarge`] once and its remaining bytes, up to its
/// blank line, are skipped without being buffered; an event with invalid UTF-8
/// yields [`StreamError::InvalidUtf8`]. Parsing resumes with the next event in both cases.
///
/// Cost: every byte is examined once by the line scanner (see
/// [`bytes_scanned`](Self::bytes_scanned)), whatever the chunking. Reads given to
/// [`feed_bytes`](Self::feed_bytes) are scanned in place: only the part of an event that
/// spans two reads is copied into the parser's own buffer (and a read that ends mid-line
/// and holds no line end). [`feed`](Self::feed) copies every byte. A single-line `data` is
/// handed out straight from the read (or the own buffer); multi-line data is joined in a
/// reused scratch buffer. An event that is one `data` line and its blank line, whole in the
/// window, is taken in one step from one line-end search (the common shape), also after one
/// `event` line (the shape of the Responses and Messages APIs' events). UTF-8 is
/// checked once, on what is handed out (a single data line together with up to 63 bytes
/// after it when the window holds them, so the validator works in whole 64-byte blocks;
/// only if those bytes are not text is the line checked again).
///
/// ```
/// use naga_protocol::SseParser;
///
/// let mut parser = SseParser::new();
/// let mut seen = Vec::new();
/// for chunk in [&b"data: hel"[..], b"lo\r\n\r\nevent: end\ndata: [DONE]\n\n", b"data: cut"] {
///     parser.feed(chunk);
///     while let Some(event) = parser.next_event() {
///         let event = event?;
///         seen.push(format!("{}={}", event.event, event.data));
///     }
/// }
/// let discarded = parser.finish();
/// while let Some(event) = parser.next_event() {
///     seen.push(event?.data.to_owned());
/// }
/// assert_eq!(seen, ["message=hello", "end=[DONE]"]);
/// assert!(discarded, "`data: cut` had no blank line after it");
/// # Ok::<(), naga_protocol::StreamError>(())
/// ```
pub struct SseParser {
    /// Copied bytes: the tail of an event that spans reads, or everything `feed` was given.
    own: Vec<u8>,
    /// The current read given to `feed_bytes`; the window while `in_read`, else the bytes
    /// after `pulled` are still to be brought into `own`.
    read: Bytes,
    /// Positions index `read` (not `own`).
    in_read: bool,
    /// Bytes of `read` already copied into `own` (while not `in_read`).
    pulled: usize,
    /// First byte the current event (or the current line) still needs.
    keep: usize,
    /// Start of the line being scanned.
    line_start: usize,
    /// Where the line-end search resumes; bytes before it were already examined.
    scan: usize,
    /// Stream offset of the window's first byte.
    base: u64,
    /// Total bytes examined by the line scanner.
    scanned: u64,
    max_event_size: usize,
    /// The last line ended in CR at the end of the buffer: a leading LF belongs to it.
    skip_lf: bool,
    /// The BOM check at stream start is done.
    bom_done: bool,
    /// Skipping the rest of an oversized event, up to its blank line.
    skipping: bool,
    /// While skipping, part of the current line was already dropped (so it is not blank).
    mid_line: bool,
    /// `finish` was called.
    finished: bool,
    /// Bytes were fed after `finish`; reported once.
    after_end: bool,
    /// An event (or its error) was handed out; reset the event state at the next call.
    dispatched: bool,
    /// What the next `next_event` can skip (set by the call or feed before it).
    next: NextCall,
    pending: Pending,
    /// Joined multi-line data (validated when handed out), reused across events.
    scratch: Vec<u8>,
    last_event_id: String,
    reconnection_time: Option<u64>,
}

/// The fields of the event being parsed; ranges index the window (`own` or `read`).
#[derive(Debug, Default)]
struct Pending {
    /// Stream offset of the event's first line.
    offset: u64,
    event_type: Option<Range<usize>>,
    first_data: Range<usize>,
    data_lines: usize,
    retry: Option<u64>,
    invalid_utf8: bool,
}

/// One dispatched server-sent event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    /// The event type; `"message"` when the event had no (or an empty) `event` field.
    pub event: &'a str,
    /// The `data` lines joined with `\n`.
    pub data: &'a str,
    /// The last event id seen on the stream so far (ids persist across events).
    pub id: &'a str,
    /// The valid `retry` value (milliseconds) carried by this event, if any.
    pub retry: Option<u64>,
}

/// What the next [`SseParser::next_event`] call has to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NextCall {
    /// Scan for the next event.
    Scan,
    /// Nothing: the last read was appended already scanned and holds no line end.
    Idle,
    /// Only release the handed-out event and park: it ended exactly at the end of the read.
    Park,
}

/// What one parsing step produced.
enum Step {
    /// A complete event is ready in the parser's state.
    Dispatch,
    /// The current event failed.
    Fail(StreamError),
}

impl SseParser {
    /// Default bound on one event's size: 64 MiB, as large as a whole non-streaming answer
    /// may be ([`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES)): one event can carry a generated
    /// image (a Responses `image_generation_call` result, a chat message's image) or large
    /// tool input. Nothing is reserved for it; an event only takes what it holds.
    pub const DEFAULT_MAX_EVENT_SIZE: usize = 64 * 1024 * 1024;

    /// A parser with [`Self::DEFAULT_MAX_EVENT_SIZE`].
    pub fn new() -> Self {
        Self::with_max_event_size(Self::DEFAULT_MAX_EVENT_SIZE)
    }

    /// A parser that rejects events (or single lines, comments included) longer than `limit`
    /// bytes; memory use stays near `limit` plus the largest chunk fed.
    pub fn with_max_event_size(limit: usize) -> Self {
        SseParser {
            own: Vec::new(),
            read: Bytes::new(),
            in_read: false,
            pulled: 0,
            keep: 0,
            line_start: 0,
            scan: 0,
            base: 0,
            scanned: 0,
            max_event_size: limit,
            skip_lf: false,
            bom_done: false,
            skipping: false,
            mid_line: false,
            finished: false,
            after_end: false,
            dispatched: false,
            next: NextCall::Scan,
            pending: Pending::default(),
            scratch: Vec::new(),
            last_event_id: String::new(),
            reconnection_time: None,
        }
    }

    /// Appends received bytes. Bytes fed after [`finish`](Self::finish) are dropped and
    /// reported once as [`StreamError::DataAfterEnd`].
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.accepts_input(bytes.len()) {
            self.push_copy(bytes);
        }
    }

    /// Appends a received read without copying it: the parser keeps the (reference-counted)
    /// `Bytes` and events borrow from it; only the part of an event that spans into the next
    /// read is copied. Same events, errors and [`bytes_scanned`](Self::bytes_scanned) as
    /// [`feed`](Self::feed). The read is released once drained (`next_event` returned
    /// `None`), so a caller can reuse its buffer. Reads of up to 256 bytes that continue an
    /// event are copied (cheaper than switching to them).
    ///
    /// ```
    /// use bytes::Bytes;
    /// use naga_protocol::SseParser;
    ///
    /// let body = Bytes::from_static(b"data: one\n\ndata: t");
    /// let mut parser = SseParser::new();
    /// parser.feed_bytes(body.clone());
    /// let one = parser.next_event().unwrap()?;
    /// assert_eq!(one.data, "one");
    /// assert!(body.as_ptr_range().contains(&one.data.as_ptr()), "borrowed, not copied");
    /// assert!(parser.next_event().is_none()); // `data: t` is kept (copied) for the next read
    /// parser.feed_bytes(Bytes::from_static(b"wo\n\n"));
    /// assert_eq!(parser.next_event().unwrap()?.data, "two");
    /// # Ok::<(), naga_protocol::StreamError>(())
    /// ```
    #[inline]
    pub fn feed_bytes(&mut self, bytes: Bytes) {
        // Inlined into the caller: a small read that continues a line (most reads, when
        // reads are tiny) is appended without a call.
        if self.appends_quietly(bytes.len()) {
            self.append_quietly(&bytes);
        } else {
            self.feed_read(bytes);
        }
    }

    /// [`feed_bytes`](Self::feed_bytes) beyond the quiet append.
    #[inline(never)]
    fn feed_read(&mut self, bytes: Bytes) {
        if self.accepts_input(bytes.len()) {
            self.push_read(bytes);
        }
    }

    /// What every feed does first: ends a shortcut and drops the handed-out event;
    /// `false` after [`finish`](Self::finish), when `len` input bytes are refused (and
    /// reported once as [`StreamError::DataAfterEnd`] if there are any).
    fn accepts_input(&mut self, len: usize) -> bool {
        self.next = NextCall::Scan;
        self.release();
        self.after_end |= self.finished && len > 0;
        !self.finished
    }

    /// The next complete event, an error for a broken event, or `None` when more input is
    /// needed (or, after [`finish`](Self::finish), when the stream is exhausted).
    #[must_use]
    #[inline]
    pub fn next_event(&mut self) -> Option<Result<Event<'_>, StreamError>> {
        // Inlined into the caller: an idle call (common with tiny reads) costs no call, and
        // the call after an event that used up its read only the release.
        if self.next != NextCall::Scan {
            if self.next == NextCall::Idle {
                self.next = NextCall::Scan;
            } else {
                self.release_read();
            }
            return None;
        }
        self.step()
    }

    /// The read was used up by the last event: releases both.
    #[inline(never)]
    fn release_read(&mut self) {
        self.next = NextCall::Scan;
        self.release();
        self.park();
    }

    /// [`next_event`](Self::next_event) when it has to scan: the single-line shortcut, or
    /// the general path.
    #[inline(never)]
    fn step(&mut self) -> Option<Result<Event<'_>, StreamError>> {
        self.release();
        if let Some(data) = self.single_line_event() {
            return Some(self.single_data_event(data));
        }
        self.line_by_line()
    }

    /// [`step`](Self::step) beyond the common event: the general line-by-line path.
    #[inline(always)]
    fn line_by_line(&mut self) -> Option<Result<Event<'_>, StreamError>> {
        let Some(step) = self.advance() else {
            self.park();
            return None;
        };
        match step {
            Step::Dispatch => Some(self.build_event()),
            Step::Fail(err) => Some(Err(err)),
        }
    }

    /// Marks the end of input. Complete events still buffered are returned by later
    /// [`next_event`](Self::next_event) calls; the unterminated tail is discarded. Returns
    /// `true` if that tail held an incomplete event (field lines without their blank line).
    pub fn finish(&mut self) -> bool {
        self.next = NextCall::Scan;
        self.release();
        if self.finished {
            return false;
        }
        self.absorb();
        self.finished = true;
        self.ends_mid_event()
    }

    /// The largest event accepted, in bytes.
    pub fn max_event_size(&self) -> usize {
        self.max_event_size
    }

    /// Total bytes examined by the line scanner; never more than about once per input byte.
    pub fn bytes_scanned(&self) -> u64 {
        self.scanned
    }

    /// The last event id seen (`""` until an `id` field arrives).
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The last valid `retry` value in milliseconds, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.reconnection_time
    }

    /// Resets the event state after an event was handed out (its borrow has ended).
    fn release(&mut self) {
        if std::mem::take(&mut self.dispatched) {
            self.reset_event();
        }
    }

    /// Starts a fresh event at the current line.
    fn reset_event(&mut self) {
        self.pending = Pending { offset: self.offset_of(self.line_start), ..Pending::default() };
        self.keep = self.line_start;
    }

    fn offset_of(&self, pos: usize) -> u64 {
        self.base.saturating_add(pos as u64)
    }

    fn bytes(&self, range: Range<usize>) -> &[u8] {
        window!(self).get(range).unwrap_or_default()
    }
}

impl Default for SseParser {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SseParser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseParser")
            .field("buffered", &self.buffered())
            .field("stream_offset", &self.offset_of(self.scan))
            .field("max_event_size", &self.max_event_size)
            .field("last_event_id", &self.last_event_id)
            .field("reconnection_time", &self.reconnection_time)
            .field("skipping", &self.skipping)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
