//! The response body: complete bytes, bytes in pieces (chunked transfer), SSE frames
//! rendered as hyper asks for them, or frames pushed by a producer task, which can end
//! cleanly or abort the connection.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::mpsc;

use crate::stream::Frames;

/// The error that aborts a streamed body (hyper then closes the connection without the
/// terminating chunk).
pub(crate) type AbortError = std::io::Error;

/// A response body.
#[derive(Debug)]
pub(crate) enum MockBody {
    /// All bytes at once (taken on the first poll).
    Full(Option<Bytes>),
    /// Bytes handed out at most `piece` at a time, with no length announced: hyper sends them
    /// with chunked transfer, one chunk per piece.
    Pieces {
        /// What is left to send.
        rest: Bytes,
        /// The largest piece.
        piece: usize,
    },
    /// SSE frames rendered on each poll (always ready).
    Frames(Frames),
    /// Frames from a producer; an `Err` aborts the connection.
    Channel(mpsc::Receiver<Result<Bytes, AbortError>>),
}

impl MockBody {
    /// A complete body.
    pub(crate) fn full(bytes: Bytes) -> Self {
        MockBody::Full(Some(bytes))
    }

    /// `bytes` sent in chunks of at most `piece` bytes (at least 1).
    pub(crate) fn pieces(bytes: Bytes, piece: usize) -> Self {
        MockBody::Pieces { rest: bytes, piece: piece.max(1) }
    }

    /// A streamed body and the sender that feeds it.
    pub(crate) fn channel() -> (mpsc::Sender<Result<Bytes, AbortError>>, Self) {
        let (tx, rx) = mpsc::channel(16);
        (tx, MockBody::Channel(rx))
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = AbortError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, AbortError>>> {
        match self.get_mut() {
            MockBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            MockBody::Pieces { rest, piece } => Poll::Ready(
                (!rest.is_empty())
                    .then(|| Ok(Frame::data(rest.split_to((*piece).min(rest.len()))))),
            ),
            MockBody::Frames(frames) => Poll::Ready(frames.next().map(|b| Ok(Frame::data(b)))),
            MockBody::Channel(rx) => rx.poll_recv(cx).map(|item| item.map(|r| r.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            MockBody::Full(bytes) => bytes.is_none(),
            MockBody::Pieces { rest, .. } => rest.is_empty(),
            MockBody::Frames(_) | MockBody::Channel(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Full(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            MockBody::Full(None) => SizeHint::with_exact(0),
            MockBody::Pieces { .. } | MockBody::Frames(_) | MockBody::Channel(_) => {
                SizeHint::default()
            }
        }
    }
}
