//! A watch on how each answer's chunked body begins. ureq's chunked decoder waits for the
//! CRLF that ends a chunk-size line; a server that ends those lines with a bare LF never
//! sends one, and the call would wait out its read limit (ten minutes by default) or the
//! server's close. The watch reads each answer's head as it arrives and, for a chunked
//! HTTP/1.1 body, the line of the first chunk size: a bare LF there fails the read (hyper,
//! under naga-async, refuses such a body as well). It looks at nothing after that line (a
//! bare LF only in a later line still waits), and stops looking, without a word, at anything
//! it cannot follow: ureq then reads the answer as it would have anyway.

use std::fmt;

/// The most head bytes the watch keeps (ureq refuses a longer head itself).
const MAX_HEAD: usize = 64 * 1024;
/// The longest first chunk-size line the watch waits for (ureq takes at most 20 characters
/// before an extension).
const MAX_SIZE_LINE: usize = 1024;
/// The most buffer a connection's watch keeps between answers (a head that came in pieces).
const KEPT_CAPACITY: usize = 4096;
/// The most header fields of a head the watch reads.
const MAX_HEADERS: usize = 128;

/// See the module docs; one per connection.
#[derive(Debug, Default)]
pub(crate) struct FramingWatch {
    stage: Stage,
    /// What arrived of a head or a size line that is not whole yet (empty otherwise: bytes
    /// that hold what the stage needs are read where they arrive, not copied).
    seen: Vec<u8>,
}

/// What the watch reads next.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Nothing: between answers, or after the first chunk-size line, or given up.
    #[default]
    Idle,
    /// An answer's head.
    Head,
    /// The line of a chunked body's first chunk size.
    FirstSize,
}

/// A chunked body whose first chunk-size line ends in a bare LF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BareLineFeed;

impl fmt::Display for BareLineFeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the answer's chunked body ends a chunk-size line with a bare LF (HTTP/1.1 needs CRLF there)")
    }
}

impl std::error::Error for BareLineFeed {}

impl FramingWatch {
    /// A request is going out: its answer's head comes next.
    pub(crate) fn request_sent(&mut self) {
        self.stage = Stage::Head;
        self.forget();
    }

    /// Reads `bytes`, the next bytes of the connection: an error once a chunked body's first
    /// chunk-size line ends in a bare LF.
    pub(crate) fn arrived(&mut self, bytes: &[u8]) -> Result<(), BareLineFeed> {
        if self.stage == Stage::Idle || bytes.is_empty() {
            return Ok(());
        }
        if self.seen.is_empty() {
            let (result, read) = self.read(bytes, 0);
            self.keep(bytes.get(read..).unwrap_or_default());
            return result;
        }
        // A head past the limit, or a size line past its own, is given up: more is not kept.
        let searched = self.seen.len().saturating_sub(2);
        let room = (MAX_HEAD + MAX_SIZE_LINE + 2).saturating_sub(self.seen.len());
        self.seen.extend_from_slice(bytes.get(..room).unwrap_or(bytes));
        let mut seen = std::mem::take(&mut self.seen);
        let (result, read) = self.read(&seen, searched);
        seen.drain(..read.min(seen.len()));
        self.seen = seen;
        if self.stage == Stage::Idle {
            self.forget();
        }
        result
    }

    /// Keeps `rest`, the unread end of bytes read where they arrived, while a stage waits
    /// for more of it.
    fn keep(&mut self, rest: &[u8]) {
        if self.stage != Stage::Idle {
            let limit = if self.stage == Stage::Head { MAX_HEAD } else { MAX_SIZE_LINE };
            self.seen.extend_from_slice(rest.get(..=limit).unwrap_or(rest));
        }
    }

    /// Drops what was kept, and the buffer too when a long head made it large.
    fn forget(&mut self) {
        self.seen.clear();
        if self.seen.capacity() > KEPT_CAPACITY {
            self.seen = Vec::new();
        }
    }

    /// Goes through the stages `data` holds enough for: the result, and how many bytes of
    /// `data` are read and no longer needed. A head is parsed only once its blank line is
    /// there (at or after `searched`), so a head trickled in byte by byte is parsed once.
    fn read(&mut self, data: &[u8], mut searched: usize) -> (Result<(), BareLineFeed>, usize) {
        let mut read = 0;
        loop {
            let rest = data.get(read..).unwrap_or_default();
            match self.stage {
                Stage::Idle => return (Ok(()), data.len()),
                Stage::FirstSize => return (self.read_first_size(rest), read),
                Stage::Head => {
                    let Some(end) = head_end(rest, searched) else {
                        if rest.len() > MAX_HEAD {
                            self.stage = Stage::Idle;
                        }
                        return (Ok(()), read);
                    };
                    if !may_lead_to_chunks(rest.get(..end).unwrap_or_default()) {
                        self.stage = Stage::Idle;
                        return (Ok(()), data.len());
                    }
                    read += self.read_head(rest);
                    searched = 0;
                }
            }
        }
    }

    /// Reads the head at the start of `data`: its length, and the stage its status and
    /// framing lead to (another head after an interim `1xx`).
    fn read_head(&mut self, data: &[u8]) -> usize {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        let (next, length) = match response.parse(data) {
            Ok(httparse::Status::Complete(length)) => {
                let next = match response.code {
                    Some(101 | 204 | 304) => Stage::Idle,
                    Some(100..=199) => Stage::Head,
                    // HTTP/1.0 has no chunked coding: ureq reads such a body to the close.
                    _ if response.version == Some(1) && is_chunked(response.headers) => {
                        Stage::FirstSize
                    }
                    _ => Stage::Idle,
                };
                (next, length)
            }
            // Not a head the watch can follow (it has a blank line, yet is no whole head):
            // ureq judges it.
            _ => (Stage::Idle, 0),
        };
        self.stage = next;
        length
    }

    /// Reads the first chunk-size line at the start of `data` once its LF is there.
    fn read_first_size(&mut self, data: &[u8]) -> Result<(), BareLineFeed> {
        let line = data.get(..=MAX_SIZE_LINE).unwrap_or(data);
        let Some(end) = memchr::memchr(b'\n', line) else {
            if data.len() > MAX_SIZE_LINE {
                self.stage = Stage::Idle;
            }
            return Ok(());
        };
        self.stage = Stage::Idle;
        let before = end.checked_sub(1).and_then(|at| data.get(at));
        if before == Some(&b'\r') { Ok(()) } else { Err(BareLineFeed) }
    }
}

/// Where the head at the start of `bytes` ends, after its empty line (ended by CRLF or a
/// bare LF), looking from `searched` on.
fn head_end(bytes: &[u8], searched: usize) -> Option<usize> {
    let from = bytes.get(searched..)?;
    memchr::memchr_iter(b'\n', from).find_map(|at| match from.get(at + 1..) {
        Some([b'\n', ..]) => Some(searched + at + 2),
        Some([b'\r', b'\n', ..]) => Some(searched + at + 3),
        _ => None,
    })
}

/// Whether `head` may be, or come before, the head of a chunked body: it names the coding
/// (in any case), or is an interim `1xx` answer. The common answer, with a length, is let go
/// without a parse.
fn may_lead_to_chunks(head: &[u8]) -> bool {
    let interim = head.get(9) == Some(&b'1');
    // Found by its `k`, a rare letter in a head.
    let names_chunked = memchr::memchr2_iter(b'k', b'K', head).any(|at| {
        let word = at.checked_sub(4).and_then(|start| head.get(start..at + 3));
        word.is_some_and(|word| word.eq_ignore_ascii_case(b"chunked"))
    });
    interim || names_chunked
}

/// Whether a `Transfer-Encoding` field names the chunked coding (ureq reads a body as
/// chunked when any of them does).
fn is_chunked(headers: &[httparse::Header<'_>]) -> bool {
    let fields = headers.iter().filter(|h| h.name.eq_ignore_ascii_case("transfer-encoding"));
    fields
        .flat_map(|h| h.value.split(|&byte| byte == b','))
        .any(|coding| coding.trim_ascii().eq_ignore_ascii_case(b"chunked"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHUNKED: &[u8] = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";

    /// Feeds `pieces` to a watch after a request: the first error, if any.
    fn watch(pieces: &[&[u8]]) -> Result<(), BareLineFeed> {
        let mut watch = FramingWatch::default();
        watch.request_sent();
        pieces.iter().try_for_each(|piece| watch.arrived(piece))
    }

    /// `whole`, one byte per read.
    fn bytewise(whole: &[u8]) -> Result<(), BareLineFeed> {
        let mut watch = FramingWatch::default();
        watch.request_sent();
        whole.iter().try_for_each(|byte| watch.arrived(std::slice::from_ref(byte)))
    }

    #[test]
    fn a_bare_lf_after_the_first_chunk_size_is_refused_however_it_is_read() {
        let whole = [CHUNKED, b"5\nhello\n0\n\n"].concat();
        assert_eq!(watch(&[&whole]), Err(BareLineFeed));
        assert_eq!(bytewise(&whole), Err(BareLineFeed));
        assert_eq!(watch(&[CHUNKED, b"5;ext=1\n"]), Err(BareLineFeed));
        let bare_head = b"HTTP/1.1 200 OK\ntransfer-encoding: gzip, Chunked\n\n5\nhello";
        assert_eq!(watch(&[bare_head]), Err(BareLineFeed));
        let not_last = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, gzip\r\n\r\n5\n";
        assert_eq!(watch(&[not_last]), Err(BareLineFeed), "ureq reads it as chunked too");
        // Split anywhere, the head and the line still read the same.
        let whole = [CHUNKED, b"5\nhello"].concat();
        for at in 0..whole.len() {
            let (head, rest) = whole.split_at(at);
            assert_eq!(watch(&[head, rest]), Err(BareLineFeed), "split at {at}");
        }
    }

    #[test]
    fn crlf_framing_and_other_bodies_pass() {
        let whole = [CHUNKED, b"5\r\nhello\n\r\n0\n\n"].concat();
        assert_eq!(watch(&[&whole]), Ok(()), "only the first size line is looked at");
        assert_eq!(bytewise(&whole), Ok(()));
        let length = b"HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n5\nhello\n";
        assert_eq!(watch(&[length]), Ok(()));
        let http10 = b"HTTP/1.0 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{\"a\":1}\n";
        assert_eq!(watch(&[http10]), Ok(()), "HTTP/1.0: read to the close");
        let no_body = b"HTTP/1.1 204 No Content\r\ntransfer-encoding: chunked\r\n\r\n5\n";
        assert_eq!(watch(&[no_body]), Ok(()));
    }

    #[test]
    fn the_answer_after_an_interim_one_is_the_one_read() {
        let continued = [b"HTTP/1.1 100 Continue\r\n\r\n".as_slice(), CHUNKED, b"5\n"].concat();
        assert_eq!(watch(&[&continued]), Err(BareLineFeed));
        assert_eq!(bytewise(&continued), Err(BareLineFeed));
    }

    #[test]
    fn what_the_watch_cannot_follow_it_leaves_alone() {
        assert_eq!(watch(&[b"garbage\r\n\r\n5\n"]), Ok(()));
        assert_eq!(watch(&[b"\x16\x03\x01 tls bytes\n\n5\n"]), Ok(()));
        let long_size = [CHUNKED, &[b'0'; MAX_SIZE_LINE + 1]].concat();
        assert_eq!(watch(&[&long_size, b"\n"]), Ok(()), "given up before the LF came");
        // Without a request going out the watch reads nothing.
        let mut idle = FramingWatch::default();
        assert_eq!(idle.arrived(&[CHUNKED, b"5\n"].concat()), Ok(()));
        // Every request starts afresh: the second answer's framing is read too.
        let mut watch = FramingWatch::default();
        watch.request_sent();
        assert_eq!(watch.arrived(&[CHUNKED, b"5\r\nhello\r\n0\r\n\r\n"].concat()), Ok(()));
        watch.request_sent();
        assert_eq!(watch.arrived(&[CHUNKED, b"5\n"].concat()), Err(BareLineFeed));
    }
}
