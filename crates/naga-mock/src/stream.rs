//! The SSE response: frames rendered one at a time as hyper asks for them; a producer task
//! applies the mid-stream faults when any is set. What the events are is up to an [`Events`]
//! (chat chunks, Responses API events).

use std::fmt::Debug;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONNECTION, CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};
use tokio::sync::mpsc::Sender;

use crate::body::{AbortError, MockBody};
use crate::error_body::error_json;
use crate::faults::Faults;
use crate::ordered::Json;
use crate::render::Chunks;

type Tx = Sender<Result<Bytes, AbortError>>;

/// The events of one streamed answer, each rendered when asked for.
pub(crate) trait Events: Debug + Send {
    /// How many events the answer has (the `[DONE]` frame follows the last).
    fn len(&self) -> usize;

    /// Appends the whole frame of event `i` to `out` (its `data:` JSON padded with spaces to
    /// `pad_to` bytes when given, see [`data_line`]); nothing when `i >= len()`.
    fn write_frame(&self, i: usize, pad_to: Option<usize>, out: &mut Vec<u8>);

    /// The event `x-mock-oversized-event-bytes` pads.
    fn padded_event(&self) -> usize;

    /// The frames of a late failure (`x-mock-error-after-events`) after `sent` events, and
    /// whether `[DONE]` follows them.
    fn failure(&self, sent: usize) -> (Vec<u8>, bool);

    /// Whether `data: [DONE]` follows the last event (Anthropic's streams have no such frame).
    fn ends_with_done(&self) -> bool {
        true
    }
}

/// Events that are `event: <name>\n` + `data: <json>\n\n` frames (the Responses and
/// Messages APIs): each is an [`Events`] whose frames and late failure are written from these
/// names and JSON values.
pub(crate) trait NamedEvents: Debug + Send {
    /// How many events the answer has.
    fn count(&self) -> usize;

    /// The name and JSON of event `i` (`None` past the end).
    fn named_event(&self, i: usize) -> Option<(&'static str, Json)>;

    /// The event `x-mock-oversized-event-bytes` pads.
    fn padded(&self) -> usize;

    /// The events of a late failure after `sent` events, and whether `[DONE]` follows them.
    fn failure_events(&self, sent: usize) -> (Vec<(&'static str, Json)>, bool);

    /// Whether `data: [DONE]` follows the last event.
    fn then_done(&self) -> bool;
}

impl<T: NamedEvents> Events for T {
    fn len(&self) -> usize {
        self.count()
    }

    fn write_frame(&self, i: usize, pad_to: Option<usize>, out: &mut Vec<u8>) {
        if let Some((name, json)) = self.named_event(i) {
            write_event(out, name, &json, pad_to);
        }
    }

    fn padded_event(&self) -> usize {
        self.padded()
    }

    fn failure(&self, sent: usize) -> (Vec<u8>, bool) {
        let (events, then_done) = self.failure_events(sent);
        let mut out = Vec::new();
        for (name, json) in &events {
            write_event(&mut out, name, json, None);
        }
        (out, then_done)
    }

    fn ends_with_done(&self) -> bool {
        self.then_done()
    }
}

/// A `text/event-stream` response carrying `events`, with `faults` applied.
pub(crate) fn sse_response(events: impl Events + 'static, faults: Faults) -> Response<MockBody> {
    let frames = Frames::new(Box::new(events), &faults);
    let closes = faults.error_after_events.is_some();
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
    if closes {
        // Naga closes the connection after an error frame (hyper drops this on HTTP/2).
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The frames of one answer, rendered on demand: every event, then `data: [DONE]` unless
/// `x-mock-no-done`. The events' padded event carries the `x-mock-oversized-event-bytes`
/// padding.
#[derive(Debug)]
pub(crate) struct Frames {
    events: Box<dyn Events>,
    sent: usize,
    pad_to: Option<usize>,
    done: Option<Bytes>,
}

impl Frames {
    fn new(events: Box<dyn Events>, faults: &Faults) -> Self {
        let with_done = !faults.no_done && events.ends_with_done();
        let done = with_done.then_some(Bytes::from_static(b"data: [DONE]\n\n"));
        Frames { events, sent: 0, pad_to: faults.oversized_event_bytes, done }
    }

    /// How many events the answer has (the `[DONE]` frame follows the last).
    fn len(&self) -> usize {
        self.events.len()
    }

    /// The late-failure frames after the events sent so far, `[DONE]` included when the
    /// events ask for it (and `x-mock-no-done` does not forbid it).
    fn failure(&mut self) -> Bytes {
        let (mut out, then_done) = self.events.failure(self.sent);
        if let Some(done) = self.done.take().filter(|_| then_done) {
            out.extend_from_slice(&done);
        }
        Bytes::from(out)
    }
}

impl Iterator for Frames {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.sent == self.events.len() {
            return self.done.take();
        }
        let pad_to = if self.sent == self.events.padded_event() { self.pad_to } else { None };
        let mut out = Vec::with_capacity(320);
        self.events.write_frame(self.sent, pad_to, &mut out);
        self.sent += 1;
        Some(Bytes::from(out))
    }
}

/// Sends the frames with the mid-stream faults applied before each event (and before
/// `[DONE]`, which counts as the event after the last chunk).
async fn produce(tx: Tx, mut frames: Frames, faults: Faults) {
    for i in 0..=frames.len() {
        if let Step::Stop = before_event(&tx, &mut frames, &faults, i).await {
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
async fn before_event(tx: &Tx, frames: &mut Frames, faults: &Faults, sent: usize) -> Step {
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
        let _ = tx.send(Ok(frames.failure())).await;
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

/// Appends `data: <json>\n\n`, the JSON written by `write_json` and padded with trailing
/// spaces (still valid JSON) to `pad_to` bytes when given.
pub(crate) fn data_line(
    out: &mut Vec<u8>,
    pad_to: Option<usize>,
    write_json: impl FnOnce(&mut Vec<u8>),
) {
    out.extend_from_slice(b"data: ");
    let start = out.len();
    write_json(out);
    if let Some(target) = pad_to {
        let missing = target.saturating_sub(out.len() - start);
        out.resize(out.len() + missing, b' ');
    }
    out.extend_from_slice(b"\n\n");
}

/// Appends `event: <name>\n` and the `data:` line of `json` (padded to `pad_to` bytes when
/// given).
fn write_event(out: &mut Vec<u8>, name: &str, json: &Json, pad_to: Option<usize>) {
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(name.as_bytes());
    out.push(b'\n');
    data_line(out, pad_to, |out| json.write_to(out));
}

/// `data: <chunk i>\n\n`, padded to `pad_to` bytes when given.
pub(crate) fn chunk_frame(chunks: &Chunks, i: usize, pad_to: Option<usize>) -> Bytes {
    let mut out = Vec::with_capacity(320);
    chunks.write_frame(i, pad_to, &mut out);
    Bytes::from(out)
}

/// Chat chunks: `data: <chunk>\n\n` each; the first content chunk (after the role chunk) is
/// the padded one; a late failure is one `{"error":{..}}` frame, then the connection closes.
impl Events for Chunks {
    fn len(&self) -> usize {
        Chunks::len(self)
    }

    fn write_frame(&self, i: usize, pad_to: Option<usize>, out: &mut Vec<u8>) {
        data_line(out, pad_to, |out| self.write(i, out));
    }

    fn padded_event(&self) -> usize {
        1
    }

    fn failure(&self, _sent: usize) -> (Vec<u8>, bool) {
        let message = "naga-mock: emulated upstream provider failure";
        let error = error_json(StatusCode::INTERNAL_SERVER_ERROR, message);
        (frame(&error).to_vec(), false)
    }
}
