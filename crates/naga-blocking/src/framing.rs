//! A watch on the chunked framing of each answer. ureq's chunked decoder waits for the CRLF
//! that ends a chunk-size line, the CRLF after a chunk's data, and those of the trailer
//! lines and the final empty line; a server that ends such a line with a bare LF never sends
//! one, and the call would wait out its read limit (ten minutes by default) or the server's
//! close. The watch reads each answer's head as it arrives and, for a chunked HTTP/1.1 body,
//! follows the chunks (their size lines and the line end after their data, counting the
//! data without reading it) and the trailer section: a bare LF in any of those places fails
//! the next read (hyper, under naga-async, refuses such a body as well). It stops looking,
//! without a word, at anything it cannot follow (a size that is no number, a line too
//! long), which ureq then refuses or reads as it would have anyway.

use std::fmt;

/// The most head bytes the watch keeps (ureq refuses a longer head itself).
const MAX_HEAD: usize = 64 * 1024;
/// The longest chunk-size line the watch waits for (ureq takes at most 20 characters before
/// an extension).
const MAX_SIZE_LINE: usize = 1024;
/// The most buffer a connection's watch keeps between answers (a head that came in pieces).
const KEPT_CAPACITY: usize = 4096;
/// The most header fields of a head the watch reads.
const MAX_HEADERS: usize = 128;

/// See the module docs; one per connection.
#[derive(Debug, Default)]
pub(crate) struct FramingWatch {
    stage: Stage,
    /// What arrived of a head or a line that is not whole yet (empty otherwise: bytes that
    /// hold what the stage needs are read where they arrive, not copied).
    seen: Vec<u8>,
}

/// What the watch reads next.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Nothing: between answers, after the last chunk, or given up.
    #[default]
    Idle,
    /// An answer's head.
    Head,
    /// A chunk-size line.
    Size,
    /// This many bytes of a chunk's data, counted, not read.
    Data(u64),
    /// The CRLF after a chunk's data.
    DataEnd,
    /// A line of the trailer section after the last chunk (the empty one ends the body).
    Trailer,
}

/// What one step of the watch did.
enum Step {
    /// Read this many bytes (the stage moved on).
    Read(usize),
    /// The stage needs more bytes than there are.
    More,
    /// A bare LF where CRLF belongs.
    Bare,
    /// Nothing the watch can follow: it stops.
    GiveUp,
}

/// A chunked body with a bare LF where HTTP/1.1 needs CRLF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BareLineFeed;

impl fmt::Display for BareLineFeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the answer's chunked body ends a line with a bare LF where HTTP/1.1 needs CRLF (after a chunk size or a chunk's data)")
    }
}

impl std::error::Error for BareLineFeed {}

impl FramingWatch {
    /// A request is going out: its answer's head comes next.
    pub(crate) fn request_sent(&mut self) {
        self.stage = Stage::Head;
        self.forget();
    }

    /// Reads `bytes`, the next bytes of the connection: an error once a chunked body has a
    /// bare LF where CRLF belongs.
    pub(crate) fn arrived(&mut self, bytes: &[u8]) -> Result<(), BareLineFeed> {
        if self.stage == Stage::Idle || bytes.is_empty() {
            return Ok(());
        }
        let rest = self.complete_kept(bytes)?;
        if self.stage == Stage::Idle {
            self.forget();
            return Ok(());
        }
        if !self.seen.is_empty() || rest.is_empty() {
            return Ok(());
        }
        let (result, read) = self.read(rest, 0);
        self.keep(rest.get(read..).unwrap_or_default());
        result
    }

    /// Completes what is kept (a head or a line cut between reads) with as little of
    /// `bytes` as it needs, and reads it: the rest of `bytes`, to be read where it is.
    fn complete_kept<'a>(&mut self, mut bytes: &'a [u8]) -> Result<&'a [u8], BareLineFeed> {
        while !self.seen.is_empty() && !bytes.is_empty() && self.stage != Stage::Idle {
            let completing = self.completing(bytes);
            if completing == 0 {
                self.stage = Stage::Idle;
                break;
            }
            let (completing, rest) = bytes.split_at(completing);
            let searched = self.seen.len().saturating_sub(2);
            self.seen.extend_from_slice(completing);
            let mut seen = std::mem::take(&mut self.seen);
            let (result, read) = self.read(&seen, searched);
            seen.drain(..read.min(seen.len()));
            self.seen = seen;
            if let Err(bare) = result {
                self.forget();
                return Err(bare);
            }
            bytes = rest;
        }
        Ok(bytes)
    }

    /// How much of `bytes` completes what is kept: a head takes what arrived (up to the
    /// limit), a size line up to its LF, the line end after data its one missing byte.
    fn completing(&self, bytes: &[u8]) -> usize {
        let wanted = match self.stage {
            Stage::Head => (MAX_HEAD + 1).saturating_sub(self.seen.len()),
            Stage::Size | Stage::Trailer => {
                bytes.iter().position(|&byte| byte == b'\n').map_or(MAX_SIZE_LINE + 1, |lf| lf + 1)
            }
            Stage::DataEnd => 1,
            Stage::Idle | Stage::Data(_) => 0,
        };
        wanted.min(bytes.len())
    }

    /// Keeps `rest`, the unread end of bytes read where they arrived, while a stage waits
    /// for more of it.
    fn keep(&mut self, rest: &[u8]) {
        let limit = match self.stage {
            Stage::Idle | Stage::Data(_) => return,
            Stage::Head => MAX_HEAD,
            Stage::Size | Stage::DataEnd | Stage::Trailer => MAX_SIZE_LINE,
        };
        self.seen.extend_from_slice(rest.get(..=limit).unwrap_or(rest));
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
            let step = match self.stage {
                Stage::Idle => return (Ok(()), data.len()),
                Stage::Head => {
                    let step = self.read_head(rest, searched);
                    searched = 0;
                    step
                }
                Stage::Size => self.read_line(rest, after_size_line),
                Stage::Data(left) => self.count_data(rest, left),
                Stage::DataEnd => self.read_data_end(rest),
                Stage::Trailer => self.read_line(rest, after_trailer_line),
            };
            match step {
                Step::Read(length) => read += length,
                Step::More => return (Ok(()), read),
                Step::Bare => {
                    self.stage = Stage::Idle;
                    return (Err(BareLineFeed), data.len());
                }
                Step::GiveUp => self.stage = Stage::Idle,
            }
        }
    }

    /// Reads the head at the start of `data` once its blank line is there (at or after
    /// `searched`); the next stage follows from its status and framing (another head after
    /// an interim `1xx`).
    fn read_head(&mut self, data: &[u8], searched: usize) -> Step {
        let Some(end) = head_end(data, searched) else {
            return if data.len() > MAX_HEAD { Step::GiveUp } else { Step::More };
        };
        if !may_lead_to_chunks(data.get(..end).unwrap_or_default()) {
            return Step::GiveUp;
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        // Not a head the watch can follow (it has a blank line, yet is no whole head):
        // ureq judges it.
        let Ok(httparse::Status::Complete(length)) = response.parse(data) else {
            return Step::GiveUp;
        };
        self.stage = match response.code {
            Some(101 | 204 | 304) => return Step::GiveUp,
            Some(100..=199) => Stage::Head,
            // HTTP/1.0 has no chunked coding: ureq reads such a body to the close.
            _ if response.version == Some(1) && is_chunked(response.headers) => Stage::Size,
            _ => return Step::GiveUp,
        };
        Step::Read(length)
    }

    /// Reads the CRLF-ended line at the start of `data` once it is whole: `next` gives the
    /// stage after it from the line (without its CRLF), `None` for a line it cannot follow.
    fn read_line(&mut self, data: &[u8], next: fn(&[u8]) -> Option<Stage>) -> Step {
        match crlf_line(data) {
            Ok((line, length)) => match next(line) {
                Some(stage) => {
                    self.stage = stage;
                    Step::Read(length)
                }
                None => Step::GiveUp,
            },
            Err(step) => step,
        }
    }

    /// Counts the chunk's data in `data`: `left` bytes of it are still to come. The CRLF
    /// after it is read in the same step when it is there.
    fn count_data(&mut self, data: &[u8], left: u64) -> Step {
        let here = u64::try_from(data.len()).unwrap_or(u64::MAX).min(left);
        if here == 0 {
            return Step::More;
        }
        let length = usize::try_from(here).unwrap_or(data.len());
        if here < left {
            self.stage = Stage::Data(left - here);
            return Step::Read(length);
        }
        self.stage = Stage::DataEnd;
        match self.read_data_end(data.get(length..).unwrap_or_default()) {
            Step::Read(end) => Step::Read(length + end),
            // Still at the line end: the next step reads it (and says what it holds).
            _ => Step::Read(length),
        }
    }

    /// Reads the CRLF after a chunk's data.
    fn read_data_end(&mut self, data: &[u8]) -> Step {
        match data {
            [] | [b'\r'] => Step::More,
            [b'\r', b'\n', ..] => {
                self.stage = Stage::Size;
                Step::Read(2)
            }
            [b'\n', ..] => Step::Bare,
            _ => Step::GiveUp,
        }
    }
}

/// The stage after a chunk-size line: the chunk's data, or the trailer section after the
/// last chunk; `None` for a size that is no number.
fn after_size_line(line: &[u8]) -> Option<Stage> {
    match chunk_size(line)? {
        0 => Some(Stage::Trailer),
        size => Some(Stage::Data(size)),
    }
}

/// The stage after a trailer line: more of them, or the end of the body after the empty one.
fn after_trailer_line(line: &[u8]) -> Option<Stage> {
    Some(if line.is_empty() { Stage::Idle } else { Stage::Trailer })
}

/// The line at the start of `data` without its CRLF, and its length with it; or the step
/// when it is not whole yet, too long to follow, or ends in a bare LF.
fn crlf_line(data: &[u8]) -> Result<(&[u8], usize), Step> {
    // A line here is a few bytes: a plain loop finds its end sooner than memchr's setup.
    let line = data.get(..=MAX_SIZE_LINE).unwrap_or(data);
    let Some(end) = line.iter().position(|&byte| byte == b'\n') else {
        return Err(if data.len() > MAX_SIZE_LINE { Step::GiveUp } else { Step::More });
    };
    let cr = end.checked_sub(1).filter(|&cr| data.get(cr) == Some(&b'\r'));
    let text = cr.and_then(|cr| data.get(..cr)).ok_or(Step::Bare)?;
    Ok((text, end + 1))
}

/// The size a chunk-size line (without its CRLF) gives: hex digits before any extension
/// (`;...`), spaces around them allowed; `None` for anything else.
fn chunk_size(line: &[u8]) -> Option<u64> {
    let end = memchr::memchr(b';', line).unwrap_or(line.len());
    let digits = line.get(..end)?.trim_ascii();
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    digits.iter().try_fold(0u64, |size, &digit| {
        let value = char::from(digit).to_digit(16)?;
        Some(size << 4 | u64::from(value))
    })
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
        let whole =
            [CHUNKED, b"5;x=\"y\"\r\nhello\r\n 1A \r\n", &[b'.'; 26], b"\r\n0\r\nt: v\r\n\r\n"]
                .concat();
        assert_eq!(watch(&[&whole]), Ok(()), "extensions, spaces, hex, a trailer");
        assert_eq!(bytewise(&whole), Ok(()));
        for at in 0..whole.len() {
            let (head, rest) = whole.split_at(at);
            assert_eq!(watch(&[head, rest]), Ok(()), "split at {at}");
        }
        let length = b"HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n5\nhello\n";
        assert_eq!(watch(&[length]), Ok(()));
        let http10 = b"HTTP/1.0 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{\"a\":1}\n";
        assert_eq!(watch(&[http10]), Ok(()), "HTTP/1.0: read to the close");
        let no_body = b"HTTP/1.1 204 No Content\r\ntransfer-encoding: chunked\r\n\r\n5\n";
        assert_eq!(watch(&[no_body]), Ok(()));
    }

    #[test]
    fn a_bare_lf_after_a_later_size_or_after_data_is_refused() {
        let later_size = [CHUNKED, b"5\r\nhello\r\n3\nabc"].concat();
        let after_data = [CHUNKED, b"5\r\nhello\n0\r\n\r\n"].concat();
        let final_line = [CHUNKED, b"5\r\nhello\r\n0\r\n\n"].concat();
        let trailer = [CHUNKED, b"0\r\nx-t: 1\n\r\n"].concat();
        for whole in [later_size, after_data, final_line, trailer] {
            assert_eq!(watch(&[&whole]), Err(BareLineFeed));
            assert_eq!(bytewise(&whole), Err(BareLineFeed));
        }
        // A chunk's data is counted, not read: a LF inside it is data.
        let data_lf = [CHUNKED, b"3\r\na\nb\r\n0\r\n\r\n"].concat();
        assert_eq!(watch(&[&data_lf]), Ok(()));
        // A large chunk across many reads.
        let mut watch = FramingWatch::default();
        watch.request_sent();
        assert_eq!(watch.arrived(&[CHUNKED, b"100000\r\n"].concat()), Ok(()));
        for _ in 0..16 {
            assert_eq!(watch.arrived(&[b'\n'; 0x10000]), Ok(()));
        }
        assert_eq!(watch.arrived(b"\n"), Err(BareLineFeed), "the line end after the data");
    }

    /// Valid chunked bodies (data with any bytes, extensions, spaces around the size,
    /// upper-case hex, trailers), after interim answers or not, cut into random reads: never
    /// refused, and the watch is done at the last chunk.
    #[test]
    fn valid_chunked_bodies_cut_anywhere_are_never_refused() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        for _ in 0..300 {
            let mut whole = Vec::new();
            if next(3) == 0 {
                whole.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            whole.extend_from_slice(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for _ in 0..next(6) {
                let size = 1 + next(300) as usize;
                let spelled =
                    if next(2) == 0 { format!("{size:x}") } else { format!(" {size:X}\t") };
                let extension = if next(3) == 0 { ";name=\"v;w\"" } else { "" };
                whole.extend_from_slice(format!("{spelled}{extension}\r\n").as_bytes());
                whole.extend((0..size).map(|_| [b'\n', b'\r', b'a', 0xe6][next(4) as usize]));
                whole.extend_from_slice(b"\r\n");
            }
            whole.extend_from_slice(b"0\r\n");
            if next(2) == 0 {
                whole.extend_from_slice(b"x-trailer: 1\r\n");
            }
            whole.extend_from_slice(b"\r\n");
            let mut watch = FramingWatch::default();
            watch.request_sent();
            let mut rest = whole.as_slice();
            while !rest.is_empty() {
                let take = (1 + next(40) as usize).min(rest.len());
                let (piece, after) = rest.split_at(take);
                assert_eq!(watch.arrived(piece), Ok(()), "{}", String::from_utf8_lossy(&whole));
                rest = after;
            }
            assert_eq!(watch.stage, Stage::Idle, "{}", String::from_utf8_lossy(&whole));
            assert!(watch.seen.is_empty());
        }
    }

    /// A head that came in pieces, then one read of many chunks far longer than a head may
    /// be: every chunk is followed, to the last.
    #[test]
    fn a_long_read_after_a_head_in_pieces_is_followed_to_its_end() {
        let chunk = [b"7\r\nabc\ndef\r\n".as_slice()].concat();
        let body: Vec<u8> = chunk.iter().copied().cycle().take(chunk.len() * 20_000).collect();
        let (first, second) = CHUNKED.split_at(20);
        let mut watch = FramingWatch::default();
        watch.request_sent();
        assert_eq!(watch.arrived(first), Ok(()));
        assert_eq!(watch.arrived(&[second, &body].concat()), Ok(()));
        assert_eq!(watch.stage, Stage::Size);
        assert_eq!(watch.arrived(b"0\r\n\r\n"), Ok(()));
        assert_eq!(watch.stage, Stage::Idle);
        // The same with a bare LF in the last chunk of the long read.
        let mut watch = FramingWatch::default();
        watch.request_sent();
        assert_eq!(watch.arrived(first), Ok(()));
        let broken = [second, &body, b"3\nabc"].concat();
        assert_eq!(watch.arrived(&broken), Err(BareLineFeed));
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
        assert_eq!(watch(&[CHUNKED, b"zz\r\n5\n"]), Ok(()), "a size that is no number: ureq's");
        assert_eq!(watch(&[CHUNKED, b"5\r\nhelloXY\n"]), Ok(()), "no line end after the data");
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
