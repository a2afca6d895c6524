//! A streamed response as an iterator: bytes from the socket, items from the decoder.

use std::fmt;
use std::io::Read;

use naga_protocol::{AttemptLimits, Redactor, StreamDecoder};

use crate::attempt::map_error;
use crate::error::{Error, Result};

/// Bytes read from the socket per call.
const READ_CHUNK: usize = 16 * 1024;

/// The items of a streamed response, decoded as bytes arrive.
///
/// Yields `Err` for a broken event, an error frame, a truncated stream (a connection cut
/// before the terminal event is a truncation) or a read timeout; after a read failure or the
/// end of the body it yields `None`. The request is never sent again.
pub struct ItemStream<D> {
    reader: ureq::BodyReader<'static>,
    decoder: D,
    limits: AttemptLimits,
    buffer: Box<[u8]>,
    finished: bool,
    items: usize,
    redactor: Redactor,
}

impl<D: StreamDecoder> ItemStream<D> {
    pub(crate) fn new(
        reader: ureq::BodyReader<'static>,
        decoder: D,
        limits: AttemptLimits,
        redactor: Redactor,
    ) -> Self {
        let buffer = vec![0; READ_CHUNK].into_boxed_slice();
        ItemStream { reader, decoder, limits, buffer, finished: false, items: 0, redactor }
    }

    /// The decoder, e.g. to inspect what it accumulated.
    pub fn decoder(&self) -> &D {
        &self.decoder
    }

    /// Reads once from the socket into the decoder; marks the end of the body on EOF.
    fn fill(&mut self) -> Result<()> {
        match self.reader.read(&mut self.buffer) {
            Ok(0) => {
                self.decoder.finish();
                self.finish("end of body");
                Ok(())
            }
            Ok(n) => {
                self.decoder.feed(self.buffer.get(..n).unwrap_or_default());
                Ok(())
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => Ok(()),
            Err(err) => match map_error(ureq::Error::from(err), &self.limits, false) {
                // A connection cut mid-stream ends the body early: the decoder says whether
                // that is a truncation (no terminal event yet, or a body that cannot show its
                // end) or a clean end.
                Error::Io(err) => {
                    tracing::debug!(error = %err, "naga stream connection lost");
                    self.decoder.finish_early();
                    self.finish("connection lost");
                    Ok(())
                }
                error => {
                    self.finish("read failed");
                    Err(error)
                }
            },
        }
    }

    fn finish(&mut self, how: &'static str) {
        self.finished = true;
        tracing::debug!(items = self.items, how, "naga stream ended");
    }
}

impl<D: StreamDecoder> Iterator for ItemStream<D> {
    type Item = Result<D::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_with(D::next_item)
    }
}

impl<D: StreamDecoder> ItemStream<D> {
    /// The next item `take` gets from the decoder, reading the body until there is one.
    pub(crate) fn next_with<T>(
        &mut self,
        mut take: impl FnMut(&mut D) -> Option<std::result::Result<T, naga_protocol::Error>>,
    ) -> Option<Result<T>> {
        loop {
            if let Some(item) = take(&mut self.decoder) {
                self.items += 1;
                let redactor = &self.redactor;
                return Some(item.map_err(|err| Error::Protocol(redactor.scrub(err))));
            }
            if self.finished {
                return None;
            }
            if self.decoder.is_done() {
                self.finish("terminal event");
                return None;
            }
            if let Err(err) = self.fill() {
                return Some(Err(err));
            }
        }
    }
}

impl<D> fmt::Debug for ItemStream<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").field("finished", &self.finished).finish_non_exhaustive()
    }
}
