//! Field logic: what each complete line does to the event being built.

use std::ops::Range;

use super::{Event, NextCall, SseParser, Step};
use crate::error::StreamError;

/// The longest known field name (`event`, `retry`).
const NAME_MAX: usize = 5;

impl SseParser {
    /// Applies one complete line (without its terminator) at `line`.
    pub(super) fn take_line(&mut self, line: Range<usize>) -> Option<Step> {
        if self.skipping {
            let blank = line.is_empty() && !self.mid_line;
            self.mid_line = false;
            self.keep = self.line_start;
            if blank {
                self.skipping = false;
                self.reset_event();
            }
            return None;
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.end.saturating_sub(self.keep) > self.max_event_size {
            return Some(self.oversize());
        }
        self.take_field(line);
        if self.pending.data_lines == 0 && self.pending.event_type.is_none() {
            self.keep = self.line_start;
        }
        None
    }

    /// A blank line: hand out the event if it has data, else start over.
    fn dispatch(&mut self) -> Option<Step> {
        if self.pending.data_lines == 0 && !self.pending.invalid_utf8 {
            self.reset_event();
            return None;
        }
        self.dispatched = true;
        if self.in_read && self.scan == self.read.len() {
            // The read is used up: the next call has nothing to scan (nor to pull).
            self.next = NextCall::Park;
        }
        Some(Step::Dispatch)
    }

    /// Splits `name:value` (one space after the colon dropped) and applies the field.
    fn take_field(&mut self, line: Range<usize>) {
        let bytes = self.bytes(line.clone());
        if let Some(value) = bytes.strip_prefix(b"data:") {
            // The common line, without searching for the colon.
            let space = usize::from(value.first() == Some(&b' '));
            return self.push_data(line.start + 5 + space..line.end);
        }
        // The known names are at most 5 bytes long: only a colon among the first 6 bytes can
        // end one, so the search stops there (a longer name is an unknown field, ignored).
        let head = bytes.get(..=NAME_MAX).unwrap_or(bytes);
        let (name_len, value_start) = match head.iter().position(|&b| b == b':') {
            Some(0) => return, // comment
            Some(colon) => {
                let space = usize::from(bytes.get(colon + 1) == Some(&b' '));
                (colon, line.start + colon + 1 + space)
            }
            None if bytes.len() > NAME_MAX => return,
            None => (bytes.len(), line.end),
        };
        let apply: fn(&mut Self, Range<usize>) = match bytes.get(..name_len).unwrap_or_default() {
            b"data" => Self::push_data,
            b"event" => Self::set_event_type,
            b"id" => Self::set_id,
            b"retry" => Self::set_retry,
            _ => return, // unknown fields are ignored
        };
        apply(self, value_start..line.end);
    }

    /// `event`: the type of the event being built (last one wins).
    fn set_event_type(&mut self, value: Range<usize>) {
        self.pending.event_type = Some(value);
    }

    /// Records a data line; from the second one on, data is joined in the scratch buffer.
    /// (Inlined: the first data line is the common case and only records its range.)
    #[inline]
    fn push_data(&mut self, value: Range<usize>) {
        if self.pending.data_lines == 0 {
            self.pending.first_data = value;
            self.pending.data_lines = 1;
        } else {
            self.join_data(value);
        }
    }

    /// A second or later data line: joins it (and, at the second, the first) in the scratch
    /// buffer, unchecked: the joined data is validated once when handed out (valid lines
    /// joined with LF are valid, and an invalid line stays invalid between LFs).
    fn join_data(&mut self, value: Range<usize>) {
        let window = window!(self);
        if self.pending.data_lines == 1 {
            self.scratch.clear();
            let first = window.get(self.pending.first_data.clone()).unwrap_or_default();
            self.scratch.extend_from_slice(first);
        }
        self.scratch.push(b'\n');
        self.scratch.extend_from_slice(window.get(value).unwrap_or_default());
        self.pending.data_lines = self.pending.data_lines.saturating_add(1);
    }

    /// `id`: becomes the last event id unless it contains NUL.
    fn set_id(&mut self, value: Range<usize>) {
        let bytes = window!(self).get(value).unwrap_or_default();
        if bytes.contains(&0) {
            return;
        }
        match utf8(bytes) {
            Ok(id) => {
                self.last_event_id.clear();
                self.last_event_id.push_str(id);
            }
            Err(_) => self.pending.invalid_utf8 = true,
        }
    }

    /// `retry`: only ASCII digits (that fit in a `u64`) count; anything else is ignored.
    fn set_retry(&mut self, value: Range<usize>) {
        let bytes = self.bytes(value);
        if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
            return;
        }
        let millis = bytes
            .iter()
            .try_fold(0u64, |acc, digit| acc.checked_mul(10)?.checked_add(u64::from(digit - b'0')));
        if let Some(millis) = millis {
            self.pending.retry = Some(millis);
            self.reconnection_time = Some(millis);
        }
    }

    /// The dispatched event, borrowing the buffer (single data line) or the scratch buffer.
    pub(super) fn build_event(&self) -> Result<Event<'_>, StreamError> {
        let pending = &self.pending;
        let invalid = || StreamError::InvalidUtf8 { offset: pending.offset };
        if pending.invalid_utf8 {
            return Err(invalid());
        }
        let data = match pending.data_lines {
            0 => "",
            1 => self.data_text(pending.first_data.clone()).map_err(|_| invalid())?,
            _ => utf8(&self.scratch).map_err(|_| invalid())?,
        };
        let event = match &pending.event_type {
            Some(range) => event_type(self.bytes(range.clone())).map_err(|_| invalid())?,
            None => "message",
        };
        Ok(Event { event, data, id: &self.last_event_id, retry: pending.retry })
    }

    /// The single data line at `range` as text. When the window holds the bytes after it,
    /// a whole number of 64-byte blocks from its start is validated instead (without
    /// AVX-512, the validator copies a shorter tail block first) and the data cut from that;
    /// the line end after the data makes the cut a character boundary. If that wider check
    /// fails (the bytes after the data are not text), the data alone is checked, so the
    /// result is the same.
    pub(super) fn data_text(
        &self,
        range: Range<usize>,
    ) -> Result<&str, simdutf8::basic::Utf8Error> {
        /// The validator's block size.
        const BLOCK: usize = 64;
        let window = window!(self);
        let len = range.len();
        let wide = range.start..range.start.saturating_add(len.next_multiple_of(BLOCK));
        if !len.is_multiple_of(BLOCK)
            && let Some(bytes) = window.get(wide)
            && let Ok(text) = utf8(bytes)
            && let Some(data) = text.get(..len)
        {
            return Ok(data);
        }
        utf8(window.get(range).unwrap_or_default())
    }
}

/// The event type named by an `event` field: `message` when empty; the default type spelled
/// out (`event: message`) needs no validation.
pub(super) fn event_type(bytes: &[u8]) -> Result<&str, simdutf8::basic::Utf8Error> {
    match bytes {
        b"" | b"message" => Ok("message"),
        _ => utf8(bytes),
    }
}

/// Validates UTF-8 with SIMD (several times faster than `std::str::from_utf8` on text with
/// non-ASCII characters); only the error's presence matters here.
fn utf8(bytes: &[u8]) -> Result<&str, simdutf8::basic::Utf8Error> {
    simdutf8::basic::from_utf8(bytes)
}
