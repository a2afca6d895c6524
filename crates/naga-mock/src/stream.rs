//! The SSE response: frames `data: <json>\n\n`, rendered one at a time as hyper asks for
//! them; a producer task applies the mid-stream faults when any is set.

use std::time::Duration;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};
use tokio::sync::mpsc::Sender;

use crate::body::{AbortError, MockBody};
use crate::error_body::error_json;
use crate::faults::Faults;
use crate::render::Chunks;

type Tx = Sender<Result<Bytes, AbortError>>;

/// A `text/event-stream` response carrying `chunks`, with `faults` applied.
pub(crate) fn sse_response(chunks: Chunks, faults: Faults) -> Response<MockBody> {
    let frames = Frames::new(chunks, &faults);
    let body = if faults.has_mid_stream_fault() {
        let (tx, body) = MockBody::channel();
        tokio::spawn(produce(tx, frames, faults));
        body
    } else {
        // Nothing to inject between events: hyper pulls the frames itself (no task, no
        // channel), as fast as the connection takes them.
        MockBody::Frames(frames)
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The events of one answer, rendered on demand: every chunk, then `data: [DONE]` unless
/// `x-mock-no-done`. The second event (the first content chunk) carries the
/// `x-mock-oversized-event-bytes` padding.
#[derive(Debug)]
pub(crate) struct Frames {
    chunks: Chunks,
    sent: usize,
    pad_to: Option<usize>,
    done: Option<Bytes>,
}

impl Frames {
    fn new(chunks: Chunks, faults: &Faults) -> Self {
        let done = (!faults.no_done).then_some(Bytes::from_static(b"data: [DONE]\n\n"));
        Frames { chunks, sent: 0, pad_to: faults.oversized_event_bytes, done }
    }

    /// How many chunks the answer has (the `[DONE]` frame follows the last).
    fn len(&self) -> usize {
        self.chunks.len()
    }
}

impl Iterator for Frames {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.sent == self.chunks.len() {
            return self.done.take();
        }
        let pad_to = if self.sent == 1 { self.pad_to } else { None };
        let frame = chunk_frame(&self.chunks, self.sent, pad_to);
        self.sent += 1;
        Some(frame)
    }
}

/// Sends the frames with the mid-stream faults applied before each event (and before
/// `[DONE]`, which counts as the event after the last chunk).
async fn produce(tx: Tx, mut frames: Frames, faults: Faults) {
    for i in 0..=frames.len() {
        if let Step::Stop = before_event(&tx, &faults, i).await {
            return;
        }
        let Some(bytes) = frames.next() else { return };
        if tx.send(Ok(bytes)).await.is_err() {
            return;
        }
    }
}

/// What to do before sending event `i`.
enum Step {
    Continue,
    Stop,
}

/// Applies the faults due after `sent` events.
async fn before_event(tx: &Tx, faults: &Faults, sent: usize) -> Step {
    let due = |n: Option<usize>| n == Some(sent);
    if due(faults.drop_after_events) {
        flushed(tx).await;
        let abort = AbortError::other("naga-mock: connection dropped on request");
        let _ = tx.send(Err(abort)).await;
        return Step::Stop;
    }
    if due(faults.stall_after_events) {
        let stall = Duration::from_millis(faults.stall_ms.unwrap_or(0));
        tokio::select! {
            () = tokio::time::sleep(stall) => {}
            () = tx.closed() => return Step::Stop,
        }
    }
    if due(faults.error_after_events) {
        let message = "naga-mock: emulated upstream provider failure";
        let error = error_json(StatusCode::INTERNAL_SERVER_ERROR, message);
        let _ = tx.send(Ok(frame(&error))).await;
        return Step::Stop;
    }
    if due(faults.malformed_after_events) && send(tx, frame(b"{\"id\": not json")).await {
        return Step::Stop;
    }
    let invalid: &[u8] = b"{\"choices\":\"\xff\xfe naga-mock invalid utf-8\"}";
    if due(faults.invalid_utf8_after_events) && send(tx, frame(invalid)).await {
        return Step::Stop;
    }
    Step::Continue
}

/// Waits until hyper has taken every queued frame and had time to write them, so an abort
/// does not discard events that were meant to arrive.
async fn flushed(tx: &Tx) {
    while tx.capacity() < tx.max_capacity() && !tx.is_closed() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// Sends `bytes`; true when the receiver is gone.
async fn send(tx: &Tx, bytes: Bytes) -> bool {
    tx.send(Ok(bytes)).await.is_err()
}

fn frame(data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(data.len() + 8);
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

/// `data: <chunk i>\n\n`, the JSON padded with trailing spaces (still valid JSON) to
/// `pad_to` bytes when given.
pub(crate) fn chunk_frame(chunks: &Chunks, i: usize, pad_to: Option<usize>) -> Bytes {
    let mut out = Vec::with_capacity(320);
    out.extend_from_slice(b"data: ");
    chunks.write(i, &mut out);
    if let Some(target) = pad_to {
        let missing = target.saturating_sub(out.len() - b"data: ".len());
        out.resize(out.len() + missing, b' ');
    }
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}
