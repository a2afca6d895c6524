//! The common event in one straight line: a fresh event that is a single `data` line
//! followed by its blank line (each ended by LF, CRLF or CR), all in the window, optionally
//! after one `event` line (the shape of every Responses and Messages API event). Everything
//! else, and any doubt, takes the general line-by-line path, which gives the same events,
//! errors, offsets and `bytes_scanned`.

use std::ops::Range;

use super::field::event_type;
use super::scan::find_eol;
use super::{Event, NextCall, SseParser};
use crate::error::StreamError;

impl SseParser {
    /// Takes a whole single-data-line event at the current line (after its `event` line,
    /// if it starts with one) and returns its data's range, with the event dispatched.
    /// `None` when the shape does not fit; then the `event` line may have been taken and
    /// the line-end search may have advanced, as the general path would have done (it
    /// resumes there, so no byte is examined twice).
    #[inline]
    pub(super) fn single_line_event(&mut self) -> Option<Range<usize>> {
        // The last event may have ended in a CR at the end of a read.
        self.skip_split_lf();
        if !self.at_fresh_line() {
            return None;
        }
        if window!(self).get(self.line_start..)?.starts_with(b"data:") {
            self.data_line_event()
        } else {
            self.named_event()
        }
    }

    /// [`single_line_event`](Self::single_line_event) at an `event` line: takes it, then
    /// the data line.
    #[inline(never)]
    fn named_event(&mut self) -> Option<Range<usize>> {
        if !window!(self).get(self.line_start..)?.starts_with(b"event:") || !self.take_event_line()
        {
            return None;
        }
        self.data_line_event()
    }

    /// [`single_line_event`](Self::single_line_event) from its data line on.
    #[inline(always)]
    fn data_line_event(&mut self) -> Option<Range<usize>> {
        let start = self.line_start;
        let window = window!(self);
        let value = window.get(start..)?.strip_prefix(b"data:")?;
        let Some(eol) = find_eol(value) else {
            // No line end: the scanner would find none either; it resumes at the end.
            self.scanned += (window.len() - start) as u64;
            self.scan = window.len();
            return None;
        };
        let line_end = start + 5 + eol;
        let ends = match value.get(eol..eol + 2) {
            // The usual ending, checked first: `blank_line_after` says the same, with about
            // a dozen more instructions per event.
            Some(b"\n\n") => Some((2, false)),
            _ => blank_line_after(value.get(eol..).unwrap_or_default()),
        };
        let fits = line_end - self.keep <= self.max_event_size;
        let Some((terminator, split_cr)) = ends.filter(|_| fits) else {
            // Not this shape (or too long): the scanner takes over at the line end.
            self.scanned += (line_end - start) as u64;
            self.scan = line_end;
            return None;
        };
        let space = usize::from(value.first() == Some(&b' '));
        let data = start + 5 + space..line_end;
        let next = line_end + terminator;
        self.scanned += (next - start) as u64;
        (self.line_start, self.scan) = (next, next);
        self.skip_lf = split_cr;
        self.pending.first_data = data.clone();
        self.pending.data_lines = 1;
        self.dispatched = true;
        if self.in_read && next == self.read.len() {
            self.next = NextCall::Park;
        }
        Some(data)
    }

    /// Takes the `event` line the current (fresh) line is, as the line-by-line path would:
    /// its value becomes the event type and the scanner moves to the next line. `false`
    /// when the line is not whole in the window (or ends in a CR the window ends with, or
    /// is too long): then only the search has advanced, and the general path goes on.
    fn take_event_line(&mut self) -> bool {
        /// `event:`
        const NAME: usize = 6;
        let window = window!(self);
        let start = self.line_start;
        let value = window.get(start + NAME..).unwrap_or_default();
        let Some(eol) = find_eol(value) else {
            self.scanned += (window.len() - start) as u64;
            self.scan = window.len();
            return false;
        };
        let line_end = start + NAME + eol;
        let next = match value.get(eol..).unwrap_or_default() {
            [b'\r', b'\n', ..] => line_end + 2,
            [b'\n', ..] | [b'\r', _, ..] => line_end + 1,
            _ => 0, // a CR that ends the window: an LF may follow in the next read
        };
        if next == 0 || line_end - self.keep > self.max_event_size {
            self.scanned += (line_end - start) as u64;
            self.scan = line_end;
            return false;
        }
        let space = usize::from(value.first() == Some(&b' '));
        self.pending.event_type = Some(start + NAME + space..line_end);
        self.scanned += (next - start) as u64;
        (self.line_start, self.scan) = (next, next);
        true
    }

    /// The event [`single_line_event`](Self::single_line_event) dispatched, its data at
    /// `data`: what `build_event` gives for it, without asking about the other fields.
    #[inline]
    pub(super) fn single_data_event(&self, data: Range<usize>) -> Result<Event<'_>, StreamError> {
        let invalid = || StreamError::InvalidUtf8 { offset: self.pending.offset };
        let data = self.data_text(data).map_err(|_| invalid())?;
        let event = match &self.pending.event_type {
            None => "message",
            Some(range) => self.named_type(range.clone()).ok_or_else(invalid)?,
        };
        Ok(Event { event, data, id: &self.last_event_id, retry: None })
    }

    /// The event type an `event` line at `range` named, if it is text.
    #[inline(never)]
    fn named_type(&self, range: Range<usize>) -> Option<&str> {
        event_type(self.bytes(range)).ok()
    }

    /// Whether the scanner stands at the start of a line that begins a fresh event, with
    /// nothing pending that the general path would have to handle.
    #[inline]
    fn at_fresh_line(&self) -> bool {
        let pending = &self.pending;
        self.bom_done
            && !self.skip_lf
            && !self.skipping
            && self.scan == self.line_start
            && self.keep == self.line_start
            && pending.data_lines == 0
            && pending.event_type.is_none()
            && pending.retry.is_none()
            && !pending.invalid_utf8
    }
}

/// The two line ends that close a one-line event at the start of `bytes` (the data line's,
/// then the blank line's; each LF, CRLF or CR): their length, and whether the last is a CR
/// that ends `bytes` (an LF at the start of the next bytes still belongs to it). `None` when
/// `bytes` does not start that way, or when the data line's own CR ends `bytes` (whether a
/// blank line follows is not known yet).
#[inline]
fn blank_line_after(bytes: &[u8]) -> Option<(usize, bool)> {
    let first = match bytes {
        [b'\r', b'\n', ..] => 2,
        [b'\n', ..] | [b'\r', _, ..] => 1,
        _ => return None,
    };
    match bytes.get(first..)? {
        [b'\r', b'\n', ..] => Some((first + 2, false)),
        [b'\n', ..] | [b'\r', _, ..] => Some((first + 1, false)),
        [b'\r'] => Some((first + 1, true)),
        _ => None,
    }
}
