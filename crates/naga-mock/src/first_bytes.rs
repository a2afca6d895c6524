//! A deadline on a connection's first bytes, before hyper's own limits apply.
//!
//! hyper's HTTP/1 header timeout starts once the connection is known to be HTTP/1, and its
//! HTTP/2 keep-alive once the handshake is done; before either, while the first bytes tell
//! one protocol from the other, nothing would close a client that connects and says nothing
//! (or part of the HTTP/2 preface). [`FirstBytes`] fails the read with `TimedOut` when the
//! first [`FIRST_BYTES`] bytes have not come within the limit; after that it only passes
//! reads and writes on.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// The bytes that decide the protocol and start it: HTTP/2's 24-byte preface and the header
/// of the frame after it (every HTTP/1 request a client sends is longer).
pub(crate) const FIRST_BYTES: usize = 24 + 9;

/// A connection whose first [`FIRST_BYTES`] bytes must arrive before a deadline.
#[derive(Debug)]
pub(crate) struct FirstBytes<T> {
    inner: T,
    /// Bytes still to come under the deadline.
    awaited: usize,
    /// The deadline, until the awaited bytes came.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<T> FirstBytes<T> {
    /// `inner`, whose first bytes must come within `limit` of now.
    pub(crate) fn new(inner: T, limit: Duration) -> Self {
        FirstBytes {
            inner,
            awaited: FIRST_BYTES,
            deadline: Some(Box::pin(tokio::time::sleep(limit))),
        }
    }

    /// Counts `n` bytes read; the deadline goes once the awaited bytes came.
    fn arrived(&mut self, n: usize) {
        self.awaited = self.awaited.saturating_sub(n);
        if self.awaited == 0 {
            self.deadline = None;
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for FirstBytes<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.arrived(buf.filled().len() - before);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => match this.deadline.as_mut().map(|sleep| sleep.as_mut().poll(cx)) {
                Some(Poll::Ready(())) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client sent no request in time",
                ))),
                _ => Poll::Pending,
            },
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for FirstBytes<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_times_out_and_a_prompt_one_never_does() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut silent = FirstBytes::new(server, Duration::from_secs(60));
        let mut buf = [0u8; 8];
        let err = silent.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);

        let (mut client2, server2) = tokio::io::duplex(64);
        let mut prompt = FirstBytes::new(server2, Duration::from_secs(60));
        client2.write_all(&[b'x'; FIRST_BYTES]).await.unwrap();
        let mut got = [0u8; FIRST_BYTES];
        prompt.read_exact(&mut got).await.unwrap();
        assert!(prompt.deadline.is_none());
        // Silence after the first bytes is hyper's to judge: the read waits past the limit.
        let later = tokio::time::timeout(Duration::from_secs(600), prompt.read(&mut buf)).await;
        assert!(later.is_err(), "the read ended: {later:?}");
        client.write_all(b"late").await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn part_of_the_first_bytes_is_not_enough() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut conn = FirstBytes::new(server, Duration::from_secs(60));
        client.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(conn.read(&mut buf).await.unwrap(), 16);
        assert_eq!(conn.awaited, FIRST_BYTES - 16);
        let err = conn.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }
}
