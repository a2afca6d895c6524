//! The connection naga-blocking's own agent puts over ureq's: steady socket time limits, one
//! write for a small request, one liveness probe per reuse, a note of whether an answer
//! began to arrive, and a watch on chunked framing (see [`crate::framing`]).

use std::cell::Cell;
use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, InvalidData};

use ureq::Error;
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

use crate::framing::{BareLineFeed, FramingWatch};
use crate::steady::steady;

thread_local! {
    /// Whether a [`Connection`] read any byte on this thread since [`watch_answer`] began.
    /// ureq runs a call from start to end on its caller's thread, so during a call this is
    /// that call's own.
    static ANSWER_BEGAN: Cell<bool> = const { Cell::new(false) };

    /// While set, the longest a [`Connection`] on this thread waits for input.
    static READ_GRACE: Cell<Option<std::time::Duration>> = const { Cell::new(None) };
}

/// Runs `read` (reads of a response body on this thread) with every wait for input cut to
/// at most `grace`: for reading what may already have arrived without waiting the body's
/// full idle limit. Connections of an agent without [`ConnectionConnector`] wait as usual.
pub(crate) fn with_read_grace<T>(grace: std::time::Duration, read: impl FnOnce() -> T) -> T {
    let before = READ_GRACE.replace(Some(grace));
    let result = read();
    READ_GRACE.set(before);
    result
}

/// `timeout` for a read, cut to the grace when one is set.
fn read_limit(timeout: NextTimeout) -> NextTimeout {
    let Some(grace) = READ_GRACE.get() else { return timeout.for_read() };
    let grace = ureq::unversioned::transport::time::Duration::Exact(grace);
    let per_read = timeout.per_read.map_or(grace, |limit| limit.min(grace));
    NextTimeout { per_read: Some(per_read), ..timeout }.for_read()
}

/// Runs `call` (one ureq call) and tells whether any byte of an answer arrived meanwhile.
/// ureq reports a connection closed or reset before the answer's head ended alike whether
/// part of that head had come or none. With none, the server may never have read the request
/// (a pooled connection it had closed), so sending it again is safe; with part of a head, the
/// request reached the server and its answer began. Connections of an agent without
/// [`ConnectionConnector`] (one given to the builder) report nothing: `false`.
pub(crate) fn watch_answer<T>(call: impl FnOnce() -> T) -> (T, bool) {
    ANSWER_BEGAN.set(false);
    let result = call();
    (result, ANSWER_BEGAN.replace(false))
}

/// Wraps every connection of the agent in a [`Connection`].
#[derive(Debug, Default)]
pub(crate) struct ConnectionConnector;

impl<In: Transport> Connector<In> for ConnectionConnector {
    type Out = Connection<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        Ok(chained.map(Connection::new))
    }
}

/// A connection that sets socket time limits only when they must change (see
/// [`steady`](crate::steady)) and holds back what ureq writes until it waits for the
/// answer or the output buffer is full. ureq writes a request's head and body separately:
/// two syscalls, and a server that often wakes up for the head alone and again for the body.
/// Held back, a small request leaves in one write.
///
/// ureq asks whether a connection is still open twice between two requests: when the answer
/// is read and the connection goes back to the pool, and when the pool hands it out again.
/// Over TCP each ask is a probe of three syscalls (non-blocking on, a one-byte read, off).
/// Only the second tells anything about the connection the next request gets (bytes the
/// server sent after the answer, or its close, are seen by then), so a connection that just
/// read is put back without a probe and probed when it is taken.
#[derive(Debug)]
pub(crate) struct Connection<T> {
    inner: T,
    /// Bytes ureq asked to transmit that are not written yet.
    held: Vec<u8>,
    /// Whether the connection read since ureq last asked whether it is open.
    read_since_asked: bool,
    read: Option<std::time::Duration>,
    write: Option<std::time::Duration>,
    /// Whether the server closed its side while the request was being written. The rest of
    /// the request is dropped and the answer read: a server refusing a body (a 413) answers
    /// and closes before it has read it all, and ureq reads no answer after a failed write.
    write_closed: bool,
    /// Follows each answer's chunked framing for bare LFs (see [`FramingWatch`]).
    framing: FramingWatch,
    /// A bare LF the watch found, reported by the next read: the read that found it may
    /// hold the answer's head and body bytes before it too, which ureq is to read first (a
    /// 429's status and `Retry-After` are kept so, and the events before the LF).
    bare_line_feed: Option<BareLineFeed>,
}

impl<T: Transport> Connection<T> {
    fn new(inner: T) -> Self {
        Connection {
            inner,
            held: Vec::new(),
            read_since_asked: false,
            read: None,
            write: None,
            write_closed: false,
            framing: FramingWatch::default(),
            bare_line_feed: None,
        }
    }

    /// [`transmit`](Self::transmit), unless the server closed its side: then the bytes are
    /// dropped, and the read that follows gets the server's answer, or the close (reported
    /// as before, as a failure with no byte of an answer when none came).
    fn transmit_or_drop(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        if self.write_closed {
            self.held.clear();
            return Ok(());
        }
        match self.transmit(amount, timeout) {
            Err(Error::Io(err)) if closed_by_peer(&err) => {
                self.write_closed = true;
                self.held.clear();
                Ok(())
            }
            result => result,
        }
    }

    /// Writes the held bytes followed by the first `amount` bytes of the output buffer.
    fn transmit(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let timeout = steady(timeout.for_write(), &mut self.write);
        let held = self.held.len();
        let output = self.inner.buffers().output();
        if held + amount <= output.len() {
            output.copy_within(..amount, held);
            put(output, &self.held)?;
            self.held.clear();
            return self.inner.transmit_output(held + amount, timeout);
        }
        // Too much for one buffer: the held bytes first, then the new ones.
        let new = output.get(..amount).unwrap_or_default().to_vec();
        if held > 0 {
            put(output, &self.held)?;
            self.held.clear();
            self.inner.transmit_output(held, timeout)?;
        }
        put(self.inner.buffers().output(), &new)?;
        self.inner.transmit_output(amount, timeout)
    }

    /// Writes whatever is held, under the limit of the read that waits for the answer.
    fn flush(&mut self, timeout: NextTimeout) -> Result<(), Error> {
        if self.held.is_empty() { Ok(()) } else { self.transmit_or_drop(0, timeout) }
    }
}

impl<T: Transport> Transport for Connection<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.framing.request_sent();
        self.bare_line_feed = None;
        let room = self.inner.buffers().output().len();
        if self.write_closed || self.held.len() + amount > room {
            return self.transmit_or_drop(amount, timeout);
        }
        let output = self.inner.buffers().output();
        self.held.extend_from_slice(output.get(..amount).unwrap_or_default());
        Ok(())
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.flush(timeout)?;
        if self.inner.buffers().can_use_input() {
            return Ok(true);
        }
        self.await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.flush(timeout)?;
        if let Some(bare) = self.bare_line_feed.take() {
            return Err(Error::Io(std::io::Error::new(InvalidData, bare)));
        }
        let timeout = steady(read_limit(timeout), &mut self.read);
        self.read_since_asked = true;
        let before = self.inner.buffers().input().len();
        let arrived = self.inner.await_input(timeout).map_err(reset_is_no_end)?;
        if arrived {
            ANSWER_BEGAN.set(true);
            let input = self.inner.buffers().input();
            self.bare_line_feed =
                self.framing.arrived(input.get(before..).unwrap_or_default()).err();
        }
        Ok(arrived)
    }

    fn is_open(&mut self) -> bool {
        let just_read = std::mem::replace(&mut self.read_since_asked, false);
        !self.write_closed && self.held.is_empty() && (just_read || self.inner.is_open())
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// A read that failed because the server reset the connection, as an error ureq does not
/// take for the end of the body. ureq reads a reset like a close: for a body whose end is
/// the close (no length, no chunks: a speech answer through a proxy, say), a reset partway
/// through became a complete answer, which RFC 9112 §8 says to record as incomplete. The
/// error keeps the reset as its source and its message.
fn reset_is_no_end(err: Error) -> Error {
    match err {
        Error::Io(io) if matches!(io.kind(), ConnectionReset | ConnectionAborted) => {
            Error::Io(std::io::Error::other(io))
        }
        other => other,
    }
}

/// Whether a write failed because the server closed the connection (or reset it).
fn closed_by_peer(err: &std::io::Error) -> bool {
    matches!(err.kind(), BrokenPipe | ConnectionReset | ConnectionAborted)
}

/// Copies `bytes` to the start of `output`.
fn put(output: &mut [u8], bytes: &[u8]) -> Result<(), Error> {
    let start = output.get_mut(..bytes.len()).ok_or_else(|| {
        Error::Io(std::io::Error::other("held request bytes exceed the output buffer"))
    })?;
    start.copy_from_slice(bytes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use ureq::unversioned::transport::LazyBuffers;

    use super::*;

    /// What a [`Recorder`] wrote, one entry a write.
    type Writes = Arc<Mutex<Vec<Vec<u8>>>>;

    /// Records each write and counts liveness probes; every read delivers `HTTP`.
    #[derive(Debug)]
    struct Recorder {
        buffers: LazyBuffers,
        writes: Writes,
        probes: usize,
    }

    impl Transport for Recorder {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }

        fn transmit_output(&mut self, amount: usize, _: NextTimeout) -> Result<(), Error> {
            let bytes = self.buffers.output()[..amount].to_vec();
            self.writes.lock().unwrap().push(bytes);
            Ok(())
        }

        fn await_input(&mut self, _: NextTimeout) -> Result<bool, Error> {
            self.buffers.input_append_buf()[..4].copy_from_slice(b"HTTP");
            self.buffers.input_appended(4);
            Ok(true)
        }

        fn is_open(&mut self) -> bool {
            self.probes += 1;
            true
        }
    }

    fn connection(output_size: usize) -> (Connection<Recorder>, Writes) {
        let writes = Arc::new(Mutex::new(Vec::new()));
        let buffers = LazyBuffers::new(64, output_size);
        (Connection::new(Recorder { buffers, writes: writes.clone(), probes: 0 }), writes)
    }

    /// Has `connection` transmit `bytes` the way ureq does: through the output buffer.
    fn send(connection: &mut Connection<Recorder>, bytes: &[u8]) {
        connection.buffers().output()[..bytes.len()].copy_from_slice(bytes);
        connection.transmit_output(bytes.len(), NextTimeout::default()).unwrap();
    }

    #[test]
    fn head_and_body_leave_in_one_write_when_the_answer_is_awaited() {
        let (mut connection, writes) = connection(64);
        send(&mut connection, b"POST / HTTP/1.1\r\n\r\n");
        send(&mut connection, b"{\"a\":1}");
        assert!(writes.lock().unwrap().is_empty());
        assert!(!connection.is_open(), "a connection holding bytes is not reused");
        assert!(connection.maybe_await_input(NextTimeout::default()).unwrap());
        assert_eq!(*writes.lock().unwrap(), [b"POST / HTTP/1.1\r\n\r\n{\"a\":1}".to_vec()]);
        assert_eq!(connection.buffers().input(), b"HTTP");
        assert!(connection.is_open());
    }

    #[test]
    fn more_than_a_buffer_is_written_in_order() {
        let (mut connection, writes) = connection(16);
        send(&mut connection, b"head-0123");
        send(&mut connection, b"body-abcdefgh");
        send(&mut connection, b"tail");
        connection.await_input(NextTimeout::default()).unwrap();
        let expected: [&[u8]; 3] = [b"head-0123", b"body-abcdefgh", b"tail"];
        assert_eq!(*writes.lock().unwrap(), expected);
    }

    #[test]
    fn a_read_during_a_watched_call_is_seen_and_forgotten_after_it() {
        let (mut connection, _) = connection(64);
        let (_, began) = watch_answer(|| send(&mut connection, b"GET / HTTP/1.1\r\n\r\n"));
        assert!(!began, "only a write");
        let (_, began) = watch_answer(|| connection.await_input(NextTimeout::default()));
        assert!(began, "a read that delivered bytes");
        assert!(!watch_answer(|| ()).1, "the next call starts afresh");
    }

    #[test]
    fn a_connection_is_probed_when_taken_again_not_when_put_back() {
        let (mut connection, _) = connection(64);
        send(&mut connection, b"GET / HTTP/1.1\r\n\r\n");
        connection.await_input(NextTimeout::default()).unwrap();
        assert!(connection.is_open(), "put back after its answer");
        assert_eq!(connection.inner.probes, 0);
        assert!(connection.is_open(), "taken for the next request");
        assert_eq!(connection.inner.probes, 1);
        assert!(connection.is_open(), "asked again without a read in between");
        assert_eq!(connection.inner.probes, 2);
    }
}
