//! The common event in one straight line: a fresh event that is a single `data` line
//! followed by its blank line (each ended by LF, CRLF or CR), all in the window. Everything
//! else, and any doubt, takes the general line-by-line path, which gives the same events,
//! errors, offsets and `bytes_scanned`.

use std::ops::Range;

use super::scan::find_eol;
use super::{Event, NextCall, SseParser};
use crate::error::StreamError;

impl SseParser {
    /// Takes a whole single-data-line event at the current line and returns its data's
    /// range, with the event dispatched. `None` when the shape does not fit; then only the
    /// line-end search may have advanced (the general scanner resumes at the line end found,
    /// so no byte is examined twice).
    #[inline]
    pub(super) fn single_line_event(&mut self) -> Option<Range<usize>> {
        // The last event may have ended in a CR at the end of a read.
        self.skip_split_lf();
        let start = self.line_start;
        if !self.at_fresh_line() {
            return None;
        }
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
        let Some((terminator, split_cr)) = ends.filter(|_| line_end - start <= self.max_event_size)
        else {
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

    /// The event [`single_line_event`](Self::single_line_event) dispatched, its data at
    /// `data`: what `build_event` gives for it, without asking about the other fields.
    #[inline]
    pub(super) fn single_data_event(&self, data: Range<usize>) -> Result<Event<'_>, StreamError> {
        match self.data_text(data) {
            Ok(data) => Ok(Event { event: "message", data, id: &self.last_event_id, retry: None }),
            Err(_) => Err(StreamError::InvalidUtf8 { offset: self.pending.offset }),
        }
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
