//! Our contenders (and the memchr lower bound): plain functions over prepared reads.

use bytes::Bytes;
use memchr::memchr2_iter;
use naga_protocol::{ChatCompletionChunk, ChatStream, SseParser};

/// What a contender saw, so work cannot be optimised away and contenders can be compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Events (framing) or chunks (decoding) handed out.
    pub items: usize,
    /// Data bytes (framing) or content + argument bytes (decoding) seen.
    pub bytes: usize,
    /// Errors handed out.
    pub errors: usize,
}

impl Tally {
    /// Counts one decoded chunk: its content and tool-call argument text.
    pub fn add_chunk(&mut self, chunk: &ChatCompletionChunk) {
        self.items += 1;
        for choice in &chunk.choices {
            self.bytes += choice.delta.text().map_or(0, |text| text.len());
            for call in choice.delta.tool_calls() {
                let arguments = call.function.as_ref().and_then(|f| f.arguments.as_deref());
                self.bytes += arguments.map_or(0, str::len);
            }
        }
    }
}

/// One prepared read: a slice of one leaked buffer, handed to every contender the same way
/// (a 16-byte handle per read).
pub type Read = &'static [u8];

/// The reads as `'static` slices of one leaked copy of `chunks`, prepared before timing, so
/// that ours can wrap each in a `Bytes` (what a transport hands over: reqwest's body frames)
/// inside the timed loop with `Bytes::from_static`, which costs no reference count and no
/// allocation, while the other contenders take the same kind of handle as a `&[u8]`.
pub fn as_reads(chunks: &[&[u8]]) -> Vec<Read> {
    let whole: &'static [u8] = Box::leak(chunks.concat().into_boxed_slice());
    let mut start = 0;
    let mut reads = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let end = start + chunk.len();
        reads.push(whole.get(start..end).unwrap_or_default());
        start = end;
    }
    reads
}

/// SSE framing with [`SseParser`] as the async transport does it: each read handed over as
/// a `Bytes` to `feed_bytes` (no copy), every event drained.
pub fn frame(parser: &mut SseParser, reads: &[Read]) -> Tally {
    let mut tally = Tally::default();
    for &read in reads {
        parser.feed_bytes(Bytes::from_static(read));
        drain(parser, &mut tally);
    }
    tally
}

/// SSE framing through the copying `feed` (as the blocking transport, which reads into its
/// own buffer, does it).
pub fn frame_copied(parser: &mut SseParser, chunks: &[&[u8]]) -> Tally {
    let mut tally = Tally::default();
    for chunk in chunks {
        parser.feed(chunk);
        drain(parser, &mut tally);
    }
    tally
}

/// Takes every event the parser has ready. Inlined into the read loop, as a consumer's own
/// loop would be (the peer's loop is one function too): a call per read would be harness cost.
#[inline(always)]
fn drain(parser: &mut SseParser, tally: &mut Tally) {
    while let Some(event) = parser.next_event() {
        match event {
            Ok(event) => {
                tally.items += 1;
                tally.bytes += event.data.len();
            }
            Err(_) => tally.errors += 1,
        }
    }
}

/// The lower bound for framing: find every line end with memchr and count blank lines
/// (CRLF counted once). Extracts no fields, so blank lines after comments count too.
pub fn frame_memchr(chunks: &[&[u8]]) -> Tally {
    let mut tally = Tally::default();
    let (mut offset, mut line_start, mut cr_at) = (0usize, 0usize, usize::MAX);
    for chunk in chunks {
        for i in memchr2_iter(b'\n', b'\r', chunk) {
            let at = offset + i;
            let is_lf = chunk.get(i) == Some(&b'\n');
            if is_lf && cr_at.wrapping_add(1) == at {
                line_start = at + 1;
                continue;
            }
            if at == line_start {
                tally.items += 1;
            }
            line_start = at + 1;
            cr_at = if is_lf { usize::MAX } else { at };
        }
        offset += chunk.len();
    }
    tally.bytes = offset;
    tally
}

/// Framing and typed decoding with [`ChatStream`], as the async transport does it.
pub fn decode(reads: &[Read]) -> Tally {
    let mut stream = ChatStream::new();
    let mut tally = Tally::default();
    for &read in reads {
        stream.feed_bytes(Bytes::from_static(read));
        while let Some(item) = stream.next_chunk() {
            match item {
                Ok(chunk) => tally.add_chunk(&chunk),
                Err(_) => tally.errors += 1,
            }
        }
    }
    tally
}

/// [`decode`] with [`ChatStream::next_chunk_into`]: one chunk reused for every event.
pub fn decode_into(reads: &[Read]) -> Tally {
    let mut stream = ChatStream::new();
    let mut chunk = ChatCompletionChunk::default();
    let mut tally = Tally::default();
    for &read in reads {
        stream.feed_bytes(Bytes::from_static(read));
        while let Some(item) = stream.next_chunk_into(&mut chunk) {
            match item {
                Ok(()) => tally.add_chunk(&chunk),
                Err(_) => tally.errors += 1,
            }
        }
    }
    tally
}

/// The JSON-only cost of our chunk type: [`ChatCompletionChunk::from_json`] (the decoder
/// `ChatStream` uses) on each prepared data string.
pub fn decode_json_only(datas: &[&str]) -> Tally {
    let mut tally = Tally::default();
    for data in datas {
        match ChatCompletionChunk::from_json(data) {
            Ok(chunk) => tally.add_chunk(&chunk),
            Err(_) => tally.errors += 1,
        }
    }
    tally
}

/// The data of every chunk event in `chunks` (not `[DONE]`), extracted before timing: slices
/// of one buffer (leaked once), in stream order, as the stream's own bytes lie in one
/// buffer for [`decode`], so both read the same kind of memory layout.
pub fn chunk_datas(chunks: &[&[u8]]) -> Vec<&'static str> {
    let mut parser = SseParser::new();
    let (mut all, mut ends) = (String::new(), Vec::new());
    for chunk in chunks {
        parser.feed(chunk);
        while let Some(event) = parser.next_event() {
            if let Ok(event) = event
                && event.data != "[DONE]"
            {
                all.push_str(event.data);
                ends.push(all.len());
            }
        }
    }
    let all: &'static str = Box::leak(all.into_boxed_str());
    let mut start = 0;
    let mut datas = Vec::with_capacity(ends.len());
    for end in ends {
        datas.push(all.get(start..end).unwrap_or_default());
        start = end;
    }
    datas
}
