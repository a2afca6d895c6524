//! The line scanner: finds line ends once per byte.

use memchr::memchr2;

use super::{SseParser, Step};
use crate::error::StreamError;
use crate::operation::BOM;

/// The index of the first CR or LF in `bytes`. Tiny inputs are searched inline, 8 to 15
/// bytes as two 8-byte words, short ones (small reads) with SSE2 directly on x86-64, which
/// skips `memchr2`'s runtime dispatch (about 20 instructions a call, more than the search
/// of a few dozen bytes costs).
#[inline]
pub(super) fn find_eol(bytes: &[u8]) -> Option<usize> {
    /// Inputs shorter than this skip `memchr2` on x86-64.
    const SHORT: usize = 64;
    if bytes.len() < 8 {
        return bytes.iter().position(|&b| b == b'\n' || b == b'\r');
    }
    if bytes.len() < 16 {
        return find_eol_in_words(bytes);
    }
    #[cfg(target_arch = "x86_64")]
    if bytes.len() < SHORT
        && let Some(two) = memchr::arch::x86_64::sse2::memchr::Two::new(b'\n', b'\r')
    {
        return two.find(bytes);
    }
    memchr2(b'\n', b'\r', bytes)
}

/// [`find_eol`] for 8 to 15 bytes (below SSE2's block, where `memchr` loops byte by byte):
/// two overlapping 8-byte words, each tested for CR and LF at once.
fn find_eol_in_words(bytes: &[u8]) -> Option<usize> {
    let word = |at: usize| {
        let chunk: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
        let word = u64::from_le_bytes(chunk);
        let hits = zero_bytes(word ^ (LOW_BITS * u64::from(b'\n')))
            | zero_bytes(word ^ (LOW_BITS * u64::from(b'\r')));
        (hits != 0).then(|| at + (hits.trailing_zeros() / 8) as usize)
    };
    word(0).or_else(|| word(bytes.len().checked_sub(8)?))
}

/// Whether a data value is the end marker as the decoders judge a whole event's: `[DONE]`
/// with surrounding whitespace trimmed (the field's one leading space is part of it).
fn is_done_value(value: &[u8]) -> bool {
    std::str::from_utf8(value).is_ok_and(|text| text.trim() == "[DONE]")
}

/// `0x01` in every byte.
const LOW_BITS: u64 = 0x0101_0101_0101_0101;

/// The high bit set in the bytes of `word` that are zero; exact up to the lowest zero byte
/// (a borrow can mark bytes above it, never below), which is all [`find_eol_in_words`] reads.
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(LOW_BITS) & !word & (LOW_BITS << 7)
}

impl SseParser {
    /// Runs lines through the field logic until an event or error is ready, or input ends.
    pub(super) fn advance(&mut self) -> Option<Step> {
        if !self.bom_done && !self.strip_bom() {
            return None;
        }
        // After a line end that is followed by another, that blank line needs no search.
        let mut blank_next = false;
        loop {
            let end = if blank_next {
                self.scanned += 1;
                self.scan
            } else {
                match self.find_line_end() {
                    Some(end) => end,
                    None => return self.partial_line(),
                }
            };
            let line = self.line_start..end;
            blank_next = self.consume_line(end);
            if let Some(step) = self.take_line(line) {
                return Some(step);
            }
        }
    }

    /// Drops a BOM at stream start; `false` while a split BOM may still be arriving.
    fn strip_bom(&mut self) -> bool {
        if !self.in_read && self.len().saturating_sub(self.line_start) < BOM.len() {
            self.absorb(); // a BOM split across reads: join them (once per stream)
        }
        let head = self.bytes(self.line_start..self.len());
        if head.len() < BOM.len() && BOM.starts_with(head) && !self.finished {
            return false;
        }
        let has_bom = head.starts_with(BOM);
        self.bom_done = true;
        if has_bom {
            self.line_start += BOM.len();
            self.scan = self.line_start;
            self.keep = self.line_start;
            self.scanned += BOM.len() as u64;
            self.pending.offset = self.offset_of(self.line_start);
        }
        true
    }

    /// The index of the next CR or LF, searching only bytes not examined before (pulling
    /// more of the current read into the window when it is exhausted).
    fn find_line_end(&mut self) -> Option<usize> {
        loop {
            self.skip_split_lf();
            // A byte after the CR that is not an LF is counted by the search below, not twice.
            let window = window!(self);
            let rest = window.get(self.scan..).unwrap_or_default();
            // The search often resumes right at a line end found earlier (by a small read's
            // append or the single-line shortcut): no call for that.
            let found = match rest.first() {
                Some(b'\n' | b'\r') => Some(0),
                _ => find_eol(rest),
            };
            match found {
                Some(i) => {
                    self.scanned += i as u64 + 1;
                    return Some(self.scan + i);
                }
                None => {
                    self.scanned += rest.len() as u64;
                    self.scan = window.len();
                }
            }
            if !self.pull() {
                return None;
            }
        }
    }

    /// When the last line ended in a CR at the end of the bytes and a byte has arrived
    /// since: that byte, if it is an LF, belongs to the CR and is skipped.
    #[inline]
    pub(super) fn skip_split_lf(&mut self) {
        if !self.skip_lf || self.scan >= self.len() {
            return;
        }
        self.skip_lf = false;
        if window!(self).get(self.scan) == Some(&b'\n') {
            self.scanned += 1;
            // An event that starts after the CR starts after the LF instead.
            if self.keep == self.scan {
                self.keep += 1;
            }
            if self.pending.offset == self.offset_of(self.scan) {
                self.pending.offset += 1;
            }
            self.scan += 1;
            self.line_start = self.scan;
        }
    }

    /// Moves past the line ending at `end` (a CR, an LF, or a CRLF pair). `true` when a line
    /// end follows at once: the next line is blank and ends at the new `scan`.
    fn consume_line(&mut self, end: usize) -> bool {
        let mut next = end + 1;
        let window = window!(self);
        if window.get(end) == Some(&b'\r') {
            match window.get(next) {
                Some(b'\n') => {
                    next += 1;
                    self.scanned += 1;
                }
                Some(_) => {}
                None => self.skip_lf = true,
            }
        }
        self.line_start = next;
        self.scan = next;
        matches!(window.get(next), Some(b'\n' | b'\r'))
    }

    /// No line end in the buffer: bound the partial line, or finish the stream.
    fn partial_line(&mut self) -> Option<Step> {
        let len = self.len();
        if self.skipping {
            self.mid_line |= len > self.line_start;
            self.line_start = len;
            self.keep = len;
        } else if len > self.line_start && len.saturating_sub(self.keep) > self.max_event_size {
            return Some(self.oversize());
        }
        if !self.finished {
            return None;
        }
        self.line_start = len;
        self.scan = len;
        self.skipping = false;
        self.mid_line = false;
        self.skip_lf = false;
        self.reset_event();
        std::mem::take(&mut self.after_end).then_some(Step::Fail(StreamError::DataAfterEnd))
    }

    /// Fails the current event as too large and skips the rest of it.
    pub(super) fn oversize(&mut self) -> Step {
        self.reset_event();
        self.skipping = true;
        Step::Fail(StreamError::EventTooLarge { limit: self.max_event_size })
    }

    /// Whether the incomplete event [`ends_mid_event`](Self::ends_mid_event) finds is only a
    /// `data: [DONE]` line without its blank line (or without its line end too): the end
    /// marker, cut of its framing alone. Read on a drained parser (no whole line left
    /// unscanned), else `false`.
    pub(crate) fn ends_in_done_line(&self) -> bool {
        let mut rest = self.bytes(self.line_start..self.len());
        if self.skip_lf {
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
        }
        let open = self.skipping || self.mid_line || self.pending.event_type.is_some();
        if open || memchr2(b'\n', b'\r', rest).is_some() {
            return false;
        }
        match self.pending.data_lines {
            0 => rest.strip_prefix(b"data:").is_some_and(is_done_value),
            1 => rest.is_empty() && is_done_value(self.bytes(self.pending.first_data.clone())),
            _ => false,
        }
    }

    /// Whether the bytes not yet handed out end inside an event that has field lines.
    ///
    /// Normally the caller drained [`SseParser::next_event`] first and this only looks at
    /// the current state and the partial line; otherwise it walks the undrained lines.
    pub(super) fn ends_mid_event(&self) -> bool {
        let mut open = !self.skipping && self.pending.data_lines > 0;
        let mut skipping = self.skipping;
        let mut mid_line = self.mid_line;
        let mut rest = self.bytes(self.line_start..self.len());
        if self.skip_lf {
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
        }
        while let Some(i) = memchr2(b'\n', b'\r', rest) {
            let (line, tail) = rest.split_at(i);
            let width = if tail.starts_with(b"\r\n") { 2 } else { 1 };
            rest = tail.get(width..).unwrap_or_default();
            if line.is_empty() && !mid_line {
                (open, skipping) = (false, false);
            } else if !skipping && (line == b"data" || line.starts_with(b"data:")) {
                open = true;
            }
            mid_line = false;
        }
        open || (!skipping && !rest.is_empty() && !rest.starts_with(b":"))
    }
}
