//! Where the bytes live: the caller's current read (a `Bytes`, scanned in place) or the
//! parser's own buffer (copied bytes: the tail of an event that spans reads, or whatever
//! `feed` was given). Positions always index one of them, the window; an event never
//! spans both, because the window moves to a read only when the own buffer holds nothing
//! still needed.

use super::scan::find_eol;
use super::{NextCall, SseParser};
use bytes::Bytes;

impl SseParser {
    /// The window's length.
    #[inline]
    pub(super) fn len(&self) -> usize {
        window!(self).len()
    }

    /// Bytes held that are still needed or not yet scanned.
    pub(super) fn buffered(&self) -> usize {
        let pending = if self.in_read { 0 } else { self.read.len().saturating_sub(self.pulled) };
        self.len().saturating_sub(self.keep).saturating_add(pending)
    }

    /// `feed`: copies `bytes` into the own buffer.
    pub(super) fn push_copy(&mut self, bytes: &[u8]) {
        self.absorb();
        self.compact();
        self.own.extend_from_slice(bytes);
    }

    /// `feed_bytes`: a small read that continues an event in the own buffer is copied
    /// (cheaper than switching windows for the few bytes it holds); otherwise the read
    /// becomes the window when nothing in the own buffer is still needed, or its bytes are
    /// pulled into the own buffer line by line until that event is complete.
    pub(super) fn push_read(&mut self, read: Bytes) {
        /// Reads up to this size that continue an event are copied.
        const SMALL: usize = 256;
        if read.is_empty() {
            return;
        }
        self.absorb();
        if self.keep < self.own.len() {
            if read.len() <= SMALL {
                self.append_small(&read);
                return;
            }
            self.compact();
            self.read = read;
            self.pulled = 0;
        } else {
            // `absorb` left no read behind, only `Bytes::new()` (static, nothing to release):
            // forgetting it skips a call through its vtable per read.
            debug_assert!(self.read.is_empty(), "a read forgotten while still held");
            std::mem::forget(std::mem::replace(&mut self.read, read));
            self.pulled = 0;
            self.enter_read();
        }
    }

    /// Whether a read of `len` bytes can take [`append_quietly`](Self::append_quietly): the
    /// parser holds a line in progress in its own buffer, scanned to its end, with no event
    /// to release, no split CR, nothing being skipped and nothing to compact; the read is
    /// small and not empty.
    #[inline(always)]
    pub(super) fn appends_quietly(&self, len: usize) -> bool {
        /// Reads up to this size that continue a line are appended here.
        const SMALL: usize = 256;
        let own = self.own.len();
        len.wrapping_sub(1) < SMALL
            && !self.in_read
            && self.keep < own
            && self.scan == own
            && own - self.keep > self.keep
            && self.read.is_empty()
            && !(self.finished | self.dispatched | self.skip_lf | self.skipping | !self.bom_done)
    }

    /// Appends a read [`appends_quietly`](Self::appends_quietly) accepted and searches it
    /// once: up to its first line end, or whole (the parser is then idle).
    #[inline(always)]
    pub(super) fn append_quietly(&mut self, read: &[u8]) {
        self.next = NextCall::Scan;
        self.push_own(read);
        self.search_appended(read);
    }

    /// Copies a small read into the own buffer. When everything before it was scanned, it
    /// is searched here (once): up to its first line end, or whole if it has none and the
    /// line stays within the size limit, which leaves the parser idle (the next
    /// `next_event` has nothing to find).
    fn append_small(&mut self, read: &[u8]) {
        self.compact();
        let quiet = self.scan == self.own.len() && self.bom_done && !self.skip_lf && !self.skipping;
        self.push_own(read);
        if quiet {
            self.search_appended(read);
        }
    }

    /// Appends `read` to the own buffer (a single byte without a copy call).
    #[inline(always)]
    fn push_own(&mut self, read: &[u8]) {
        match read {
            [byte] => self.own.push(*byte),
            _ => self.own.extend_from_slice(read),
        }
    }

    /// Searches `read`, just appended after bytes all scanned, for a line end: the scanner
    /// resumes at the one found and counts it; with none, the whole read is scanned and the
    /// parser idle, unless the line grew past the size limit (the scanner reports it).
    #[inline(always)]
    fn search_appended(&mut self, read: &[u8]) {
        match find_eol(read) {
            Some(i) => {
                self.scanned += i as u64;
                self.scan += i;
            }
            None if self.own.len() - self.keep <= self.max_event_size => {
                self.scanned += read.len() as u64;
                self.scan = self.own.len();
                self.next = NextCall::Idle;
            }
            None => {}
        }
    }

    /// Makes the current read the window from `pulled` on; the own buffer must hold
    /// nothing still needed.
    fn enter_read(&mut self) {
        let from = self.pulled;
        self.base = self.offset_of(self.own.len()).saturating_sub(from as u64);
        self.own.clear();
        self.keep = from;
        self.line_start = from;
        self.scan = from;
        self.in_read = true;
    }

    /// The window is exhausted: brings in more of the current read (the rest of the line
    /// being scanned, or the read itself as the window). `false` when there is no more.
    pub(super) fn pull(&mut self) -> bool {
        if self.in_read || self.pulled >= self.read.len() {
            return false;
        }
        if self.skipping {
            // The partial line of an oversized event is dropped, not copied.
            self.mid_line |= self.own.len() > self.line_start;
            self.line_start = self.own.len();
            self.keep = self.own.len();
        }
        if self.keep >= self.own.len() {
            self.enter_read();
            return true;
        }
        let rest = self.read.get(self.pulled..).unwrap_or_default();
        // After a split CR only its possible LF is brought in; the scanner decides.
        let (take, found) = if self.skip_lf {
            (1, true)
        } else {
            match find_eol(rest) {
                Some(i) => (i + 1, true),
                None => (rest.len(), false),
            }
        };
        let piece = rest.get(..take).unwrap_or_default();
        self.own.extend_from_slice(piece);
        self.pulled += take;
        // The bytes before the line end were examined here; the scanner sees the end itself.
        let examined = if found { take - 1 } else { take };
        self.scanned += examined as u64;
        self.scan += examined;
        true
    }

    /// Nothing is left to scan: keeps only the needed tail of the window and releases the
    /// read, so the caller's buffer can be reused.
    pub(super) fn park(&mut self) {
        if self.in_read && self.keep >= self.read.len() {
            // Nothing in the read is needed (so `line_start` and `scan` are at its end too).
            self.base = self.offset_of(self.read.len());
            (self.keep, self.line_start, self.scan) = (0, 0, 0);
            self.own.clear();
            self.in_read = false;
            self.read = Bytes::new();
        } else if self.in_read {
            self.carry();
        } else if self.pulled >= self.read.len() && !self.read.is_empty() {
            self.read = Bytes::new();
            self.pulled = 0;
        }
    }

    /// Moves every byte held (the needed tail and unscanned bytes) into the own buffer.
    pub(super) fn absorb(&mut self) {
        if self.in_read {
            self.carry();
        }
        if self.read.is_empty() {
            return; // (the common case: a drained parser holds no read)
        }
        self.own.extend_from_slice(self.read.get(self.pulled..).unwrap_or_default());
        self.read = Bytes::new();
        self.pulled = 0;
    }

    /// The window is the read: copies its bytes from `keep` on into the own buffer (which
    /// holds nothing needed) and makes that the window.
    fn carry(&mut self) {
        let keep = self.keep;
        self.own.clear();
        self.own.extend_from_slice(self.read.get(keep..).unwrap_or_default());
        self.in_read = false;
        self.read = Bytes::new();
        self.pulled = 0;
        self.shift(keep);
    }

    /// Drops the own buffer's bytes before `keep` when that moves no more bytes than it
    /// frees.
    pub(super) fn compact(&mut self) {
        let dead = self.keep;
        let live = self.own.len().saturating_sub(dead);
        if self.in_read || dead == 0 || live > dead {
            return;
        }
        self.own.drain(..dead);
        self.shift(dead);
    }

    /// The window lost its first `dead` bytes: moves the positions and ranges down.
    fn shift(&mut self, dead: usize) {
        self.base = self.base.saturating_add(dead as u64);
        self.keep = self.keep.saturating_sub(dead);
        self.line_start = self.line_start.saturating_sub(dead);
        self.scan = self.scan.saturating_sub(dead);
        let shift = |r: &mut std::ops::Range<usize>| {
            *r = r.start.saturating_sub(dead)..r.end.saturating_sub(dead);
        };
        shift(&mut self.pending.first_data);
        if let Some(range) = &mut self.pending.event_type {
            shift(range);
        }
    }
}
