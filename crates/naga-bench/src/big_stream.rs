//! A large streamed response generated on the fly (never held whole), for the memory figure.

use crate::corpus::{chunk_json, content_delta_for};
use crate::rng::Rng;

/// Bytes per read handed to the consumer (like a network read).
const READ: usize = 16 * 1024;

/// A content stream of about `total` bytes cut into 16 KiB reads: a role chunk, content
/// deltas, one 1 MiB content delta in the middle (the largest event), a finish chunk,
/// `[DONE]`. Each read is a fresh `Vec`, dropped by the consumer.
#[derive(Debug)]
pub struct BigStream {
    rng: Rng,
    total: usize,
    produced: usize,
    big_done: bool,
    ended: bool,
    pending: Vec<u8>,
}

/// Size of the one large event in a [`BigStream`].
pub const LARGEST_EVENT: usize = 1 << 20;

impl BigStream {
    /// A stream of about `total` bytes.
    pub fn new(total: usize) -> Self {
        let role = chunk_json(r#"{"role":"assistant","content":""}"#, "null");
        let pending = format!("data: {role}\n\n").into_bytes();
        BigStream {
            rng: Rng::new(0xB16_5EED),
            total,
            produced: 0,
            big_done: false,
            ended: false,
            pending,
        }
    }

    fn push_event(&mut self) {
        let delta = if !self.big_done && self.produced >= self.total / 2 {
            self.big_done = true;
            content_delta_for(&mut self.rng, LARGEST_EVENT)
        } else {
            content_delta_for(&mut self.rng, 0)
        };
        let json = chunk_json(&delta, "null");
        self.pending.extend_from_slice(b"data: ");
        self.pending.extend_from_slice(json.as_bytes());
        self.pending.extend_from_slice(b"\n\n");
    }

    fn push_end(&mut self) {
        let finish = chunk_json("{}", r#""stop""#);
        self.pending.extend_from_slice(format!("data: {finish}\n\ndata: [DONE]\n\n").as_bytes());
        self.ended = true;
    }
}

impl Iterator for BigStream {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        while self.pending.len() < READ && !self.ended {
            if self.produced + self.pending.len() >= self.total {
                self.push_end();
            } else {
                self.push_event();
            }
        }
        if self.pending.is_empty() {
            return None;
        }
        let rest = self.pending.split_off(READ.min(self.pending.len()));
        let read = std::mem::replace(&mut self.pending, rest);
        self.produced += read.len();
        Some(read)
    }
}
