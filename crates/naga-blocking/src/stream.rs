//! A streamed response as an iterator: bytes from the socket, items from the decoder.

use std::fmt;
use std::io::Read;
use std::time::Instant;

use naga_protocol::{AttemptLimits, END_OF_BODY_GRACE, Redactor, StreamDecoder};

use crate::attempt::map_error;
use crate::connection::with_read_grace;
use crate::error::{BoxError, Error, Result};
use crate::framing::BareLineFeed;

/// Bytes read from the socket per call.
const READ_CHUNK: usize = 16 * 1024;

/// The items of a streamed response, decoded as bytes arrive.
///
/// Yields `Err` for a broken event, an error frame, a truncated stream (a connection cut
/// before the terminal event is a truncation) or a read timeout; after a read failure or the
/// end of the body it yields `None`. The request is never sent again.
///
/// The `next` that sees the terminal event (`[DONE]`, or the API's last event) reads on to
/// the body's end, waiting at most 50 ms for it, so the connection goes back to the pool
/// (as OpenAI's SDKs read a stream to its end); a body still open then is closed with its
/// connection. A client on an agent given to the builder does not wait and does not reuse.
pub struct ItemStream<D> {
    reader: ureq::BodyReader<'static>,
    decoder: D,
    limits: AttemptLimits,
    buffer: Box<[u8]>,
    finished: bool,
    items: usize,
    redactor: Redactor,
    /// After the terminal event, wait (at most [`END_OF_BODY_GRACE`]) for the body's end to
    /// keep the connection; only the client's own agent can bound that wait.
    keep_connection: bool,
}

impl<D: StreamDecoder> ItemStream<D> {
    pub(crate) fn new(
        reader: ureq::BodyReader<'static>,
        decoder: D,
        limits: AttemptLimits,
        redactor: Redactor,
        keep_connection: bool,
    ) -> Self {
        let buffer = vec![0; READ_CHUNK].into_boxed_slice();
        ItemStream {
            reader,
            decoder,
            limits,
            buffer,
            finished: false,
            items: 0,
            redactor,
            keep_connection,
        }
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
            Err(err) => match classify(ureq::Error::from(err), &self.limits) {
                // A connection cut mid-stream ends the body early: the decoder says whether
                // that is a truncation (no terminal event yet, or a body that cannot show its
                // end) or a clean end. A body whose framing is broken is that error.
                Error::Io(err) if !err.is::<BrokenFraming>() => {
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

    /// Reads what follows the terminal event, up to the body's end, which hands the
    /// connection back to ureq's pool. Gives up (the connection is then closed, as it is
    /// when a stream is dropped early) after [`END_OF_BODY_GRACE`]; what is read is dropped, as
    /// anything after the terminal event is.
    fn read_to_end(&mut self) {
        let started = Instant::now();
        let mut dropped = 0;
        while let Some(left) =
            END_OF_BODY_GRACE.checked_sub(started.elapsed()).filter(|left| !left.is_zero())
        {
            match with_read_grace(left, || self.reader.read(&mut self.buffer)) {
                Ok(0) => {
                    tracing::debug!("naga stream body ended after its terminal event");
                    return;
                }
                Ok(n) => dropped += n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        tracing::debug!(dropped, "naga stream body still open after its terminal event");
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
                if self.keep_connection {
                    self.read_to_end();
                }
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

/// A failed read of the body as the error to report: a lost connection is an I/O error
/// (judged by the decoder); a body whose framing is broken (ureq's protocol error, or the
/// bare LF the connection's watch found) is a [`BrokenFraming`] I/O error, reported as it is.
fn classify(err: ureq::Error, limits: &AttemptLimits) -> Error {
    let broken = match &err {
        ureq::Error::Protocol(_) => true,
        ureq::Error::Io(io) => io.get_ref().is_some_and(|inner| inner.is::<BareLineFeed>()),
        _ => false,
    };
    match map_error(err, limits, false) {
        Error::Io(err) if broken => Error::Io(Box::new(BrokenFraming(err))),
        error => error,
    }
}

/// A body whose framing is broken: not a lost connection.
#[derive(Debug)]
struct BrokenFraming(BoxError);

impl fmt::Display for BrokenFraming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the answer's body is not valid HTTP: {}", self.0)
    }
}

impl std::error::Error for BrokenFraming {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}
