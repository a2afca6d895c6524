//! Where a streamed body's frames come from: read in place by the consumer, or by a relay
//! task that passes them on in batches.
//!
//! hyper's connection task hands a body over one frame at a time and waits until that frame
//! is taken. A consumer that is a tokio task is woken through the runtime's scheduler like
//! the connection's task, so reading in place is cheapest there (on a multi-thread runtime
//! too: figure 3 of the benchmarks gave 1.53-1.83x async-openai's rate in place against
//! 1.23-1.81x through a relay, in the same runs). A `block_on` future is not a task: each
//! frame costs a driver poll on a current-thread runtime, and two thread wake-ups when the
//! connection runs on a worker of a multi-thread runtime. Measured: a `#[tokio::main]`
//! consumer read in place was 3.4x slower than async-openai, which reads through a task;
//! with the relay it is about 2x faster. There a relay task reads the frames next to the
//! connection and hands up to [`AHEAD`] of them over at once; the decoding still happens
//! where the stream is polled. A client built with `read_ahead(false)` reads in place
//! everywhere.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Body as _;
use tokio::sync::{Notify, mpsc};
use tokio::task::AbortHandle;

/// How many frames a relay reads ahead of its consumer at most.
const AHEAD: usize = 32;
/// A relay reads no further while this many bytes wait for the consumer (so at most this
/// plus one frame are held, however large the server's frames).
const AHEAD_BYTES: usize = 256 * 1024;

/// One frame's data, a read failure, or `None` at the end of the body.
pub(crate) type Frame = Option<Result<Bytes, FrameError>>;

/// Why no more frames come although the body did not end.
#[derive(Debug)]
pub(crate) enum FrameError {
    /// Reading the body failed.
    Read(reqwest::Error),
    /// The relay task stopped before the body ended: the runtime it ran on shut down.
    RelayStopped,
}

/// The body of a stream, read in place or through a relay task.
pub(crate) enum Frames {
    /// Not polled yet: the first poll decides how it is read.
    Unpolled(reqwest::Body),
    /// Polled in place by the consumer.
    InPlace(reqwest::Body),
    /// Read by a relay task.
    Relayed(Relay),
}

impl Frames {
    /// A body whose reading is decided at its first poll, or (without `read_ahead`) read in
    /// place wherever it is polled.
    pub(crate) fn new(body: reqwest::Body, read_ahead: bool) -> Self {
        if read_ahead { Frames::Unpolled(body) } else { Frames::InPlace(body) }
    }

    /// The next data frame (other frames are skipped), a failure, or the end.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Frame> {
        loop {
            match self {
                Frames::InPlace(body) => return poll_data(body, cx),
                Frames::Relayed(relay) => return relay.poll_next(cx),
                Frames::Unpolled(_) => self.decide(),
            }
        }
    }

    /// Reads in place inside a tokio task or without a tokio runtime; otherwise (a
    /// `block_on` future) starts a relay.
    fn decide(&mut self) {
        let Frames::Unpolled(body) = std::mem::replace(self, Frames::Unpolled(Default::default()))
        else {
            return;
        };
        *self = match tokio::runtime::Handle::try_current() {
            Ok(runtime) if tokio::task::try_id().is_none() => {
                Frames::Relayed(Relay::start(&runtime, body))
            }
            _ => Frames::InPlace(body),
        };
    }

    /// Whether the first poll has yet to decide how the body is read.
    pub(crate) fn is_unpolled(&self) -> bool {
        matches!(self, Frames::Unpolled(_))
    }

    /// Whether the frames come through a relay task.
    pub(crate) fn is_relayed(&self) -> bool {
        matches!(self, Frames::Relayed(_))
    }
}

/// A task reading a body ahead of its consumer; stopped when dropped.
pub(crate) struct Relay {
    /// What the relay read; its last message is the end of the body or a failure, so a
    /// channel closed without one means the relay was stopped.
    frames: mpsc::Receiver<Result<Option<Bytes>, reqwest::Error>>,
    room: Arc<Room>,
    task: AbortHandle,
    /// The relay passed on the end of the body or a failure: nothing more follows.
    done: bool,
}

impl Relay {
    fn start(runtime: &tokio::runtime::Handle, body: reqwest::Body) -> Self {
        let (to, frames) = mpsc::channel(AHEAD);
        let room = Arc::new(Room { ahead: AtomicUsize::new(0), freed: Notify::new() });
        let task = runtime.spawn(relay(body, to, room.clone())).abort_handle();
        Relay { frames, room, task, done: false }
    }

    /// The next frame the relay passed on; its bytes no longer count as read ahead.
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Frame> {
        Poll::Ready(match std::task::ready!(self.frames.poll_recv(cx)) {
            Some(Ok(Some(data))) => {
                self.room.give_back(data.len());
                Some(Ok(data))
            }
            Some(Ok(None)) => {
                self.done = true;
                None
            }
            Some(Err(err)) => {
                self.done = true;
                Some(Err(FrameError::Read(err)))
            }
            None if self.done => None,
            None => {
                self.done = true;
                Some(Err(FrameError::RelayStopped))
            }
        })
    }
}

/// The bytes a relay has read ahead of its consumer.
struct Room {
    ahead: AtomicUsize,
    freed: Notify,
}

impl Room {
    /// Waits until fewer than [`AHEAD_BYTES`] are ahead, then counts `len` more.
    async fn take(&self, len: usize) {
        loop {
            // Created before the check: a `give_back` in between leaves a permit.
            let freed = self.freed.notified();
            if self.ahead.load(Ordering::Acquire) < AHEAD_BYTES {
                self.ahead.fetch_add(len, Ordering::AcqRel);
                return;
            }
            freed.await;
        }
    }

    /// Counts `len` bytes as taken by the consumer; wakes the relay if that made room.
    fn give_back(&self, len: usize) {
        let before = self.ahead.fetch_sub(len, Ordering::AcqRel);
        if before >= AHEAD_BYTES && before - len < AHEAD_BYTES {
            self.freed.notify_one();
        }
    }
}

impl Drop for Relay {
    /// Stops the relay, which drops the body and with it the connection's answer.
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Passes `body`'s data frames on until its end, a failure, or the consumer is gone.
async fn relay(
    mut body: reqwest::Body,
    to: mpsc::Sender<Result<Option<Bytes>, reqwest::Error>>,
    room: Arc<Room>,
) {
    while let Some(frame) = poll_fn(|cx| poll_body_data(&mut body, cx)).await {
        match frame {
            Ok(data) => {
                room.take(data.len()).await;
                if to.send(Ok(Some(data))).await.is_err() {
                    return;
                }
            }
            Err(err) => {
                // The body (and its connection) goes before the consumer hears of the failure.
                drop(body);
                let _ = to.send(Err(err)).await;
                return;
            }
        }
    }
    // Likewise at the end: the body is dropped before the consumer hears of the end.
    drop(body);
    let _ = to.send(Ok(None)).await;
}

/// Polls `body` for its next data frame, skipping trailers.
fn poll_data(body: &mut reqwest::Body, cx: &mut Context<'_>) -> Poll<Frame> {
    poll_body_data(body, cx).map(|frame| frame.map(|read| read.map_err(FrameError::Read)))
}

/// Polls `body` for its next data frame, skipping trailers, with the error as reqwest gives it.
fn poll_body_data(
    body: &mut reqwest::Body,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Bytes, reqwest::Error>>> {
    loop {
        return match Pin::new(&mut *body).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => Poll::Ready(Some(Ok(data))),
                Err(_) => continue,
            },
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(err))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        };
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use http_body::Frame as BodyFrame;

    use super::*;

    /// A body of scripted frames that then fails, ends or stalls; counts the frames taken
    /// from it and notes when it is dropped.
    struct Scripted {
        frames: VecDeque<Bytes>,
        then: Then,
        taken: Arc<AtomicUsize>,
        dropped: Arc<AtomicBool>,
    }

    #[derive(Clone, Copy)]
    enum Then {
        End,
        Fail,
        Stall,
    }

    impl Scripted {
        fn body(frames: &[&'static str], then: Then) -> (reqwest::Body, Probe) {
            Scripted::of(frames.iter().map(|frame| Bytes::from_static(frame.as_bytes())), then)
        }

        fn of(frames: impl Iterator<Item = Bytes>, then: Then) -> (reqwest::Body, Probe) {
            let probe = Probe::default();
            let body = Scripted {
                frames: frames.collect(),
                then,
                taken: probe.taken.clone(),
                dropped: probe.dropped.clone(),
            };
            (reqwest::Body::wrap(body), probe)
        }
    }

    #[derive(Default)]
    struct Probe {
        taken: Arc<AtomicUsize>,
        dropped: Arc<AtomicBool>,
    }

    impl http_body::Body for Scripted {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<BodyFrame<Bytes>, std::io::Error>>> {
            let this = self.get_mut();
            if let Some(frame) = this.frames.pop_front() {
                this.taken.fetch_add(1, Ordering::SeqCst);
                return Poll::Ready(Some(Ok(BodyFrame::data(frame))));
            }
            match this.then {
                Then::End => Poll::Ready(None),
                Then::Fail => Poll::Ready(Some(Err(std::io::Error::other("connection reset")))),
                Then::Stall => Poll::Pending,
            }
        }
    }

    impl Drop for Scripted {
        fn drop(&mut self) {
            self.dropped.store(true, Ordering::SeqCst);
        }
    }

    /// Reads `frames` to its end: the data joined, whether a read failed, and the mode.
    async fn read_all(mut frames: Frames) -> (String, bool, bool) {
        let (mut text, mut failed) = (String::new(), false);
        while let Some(frame) = poll_fn(|cx| frames.poll_next(cx)).await {
            match frame {
                Ok(data) => text.push_str(std::str::from_utf8(&data).unwrap_or("<not UTF-8>")),
                Err(_) => failed = true,
            }
        }
        (text, failed, frames.is_relayed())
    }

    fn runtimes() -> [(&'static str, tokio::runtime::Runtime); 2] {
        let current = tokio::runtime::Builder::new_current_thread().enable_all().build();
        let multi =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
        [("current-thread", current.unwrap()), ("multi-thread", multi.unwrap())]
    }

    /// Takes the first frame, which must be data.
    fn take_a_frame(runtime: &tokio::runtime::Runtime, frames: &mut Frames, name: &str) {
        let first = runtime.block_on(poll_fn(|cx| frames.poll_next(cx)));
        assert!(matches!(first, Some(Ok(_))), "{name}");
    }

    /// Gives a relay every chance to run (ahead, or to its end once aborted).
    fn let_the_relay_run(runtime: &tokio::runtime::Runtime) {
        runtime.block_on(async { tokio::time::sleep(std::time::Duration::from_millis(50)).await });
    }

    /// Lets the relay run until `done` holds (at most 10 s: a loaded machine may take its
    /// time, a broken relay never gets there), then a little longer, so that a relay that
    /// would go too far has the chance to.
    fn let_the_relay_run_until(runtime: &tokio::runtime::Runtime, done: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !done() && std::time::Instant::now() < deadline {
            let_the_relay_run(runtime);
        }
        let_the_relay_run(runtime);
    }

    #[test]
    fn a_task_reads_in_place_and_a_block_on_future_through_a_relay() {
        let script = ["data: a\n", "\n", "data: b\n\n"];
        for (name, runtime) in runtimes() {
            let (body, _) = Scripted::body(&script, Then::End);
            let by_block_on = runtime.block_on(read_all(Frames::new(body, true)));
            assert_eq!(by_block_on, ("data: a\n\ndata: b\n\n".into(), false, true), "{name}");

            let (body, _) = Scripted::body(&script, Then::End);
            let in_task = runtime.block_on(runtime.spawn(read_all(Frames::new(body, true))));
            assert_eq!(in_task.ok(), Some(("data: a\n\ndata: b\n\n".into(), false, false)));
        }
        // Without a tokio runtime (another executor) the body is read in place.
        let (body, _) = Scripted::body(&script, Then::End);
        let outside = futures_util::FutureExt::now_or_never(read_all(Frames::new(body, true)));
        assert_eq!(outside, Some(("data: a\n\ndata: b\n\n".into(), false, false)));
    }

    #[test]
    fn without_read_ahead_every_consumer_reads_in_place() {
        let script = ["data: a\n", "\n", "data: b\n\n"];
        let whole = ("data: a\n\ndata: b\n\n".to_owned(), false, false);
        for (name, runtime) in runtimes() {
            let (body, probe) = Scripted::body(&script, Then::End);
            let by_block_on = runtime.block_on(read_all(Frames::new(body, false)));
            assert_eq!(by_block_on, whole, "{name}");
            assert!(probe.dropped.load(Ordering::SeqCst), "{name}: the body outlived its reader");

            let (body, _) = Scripted::body(&script, Then::End);
            let in_task = runtime.block_on(runtime.spawn(read_all(Frames::new(body, false))));
            assert_eq!(in_task.ok(), Some(whole.clone()), "{name}");
        }
    }

    #[test]
    fn without_read_ahead_nothing_is_read_before_the_consumer_asks() {
        let script = ["data: a\n\n"; 8];
        for (name, runtime) in runtimes() {
            let (body, probe) = Scripted::body(&script, Then::Stall);
            let mut frames = Frames::new(body, false);
            take_a_frame(&runtime, &mut frames, name);
            let_the_relay_run(&runtime);
            assert_eq!(probe.taken.load(Ordering::SeqCst), 1, "{name}: read ahead");
            drop(frames);
            assert!(probe.dropped.load(Ordering::SeqCst), "{name}");
        }
    }

    #[test]
    fn a_relay_hands_over_every_frame_before_the_failure() {
        for (name, runtime) in runtimes() {
            let (body, probe) = Scripted::body(&["data: a\n\n", "data: b"], Then::Fail);
            let read = runtime.block_on(read_all(Frames::new(body, true)));
            assert_eq!(read, ("data: a\n\ndata: b".into(), true, true), "{name}");
            assert!(probe.dropped.load(Ordering::SeqCst), "{name}: the body outlived its relay");
        }
    }

    #[test]
    fn a_relay_reads_at_most_its_window_ahead_of_the_consumer() {
        let script = [": keep-alive\n\n"; 200];
        for (name, runtime) in runtimes() {
            let (body, probe) = Scripted::body(&script, Then::End);
            let mut frames = Frames::new(body, true);
            take_a_frame(&runtime, &mut frames, name);
            let_the_relay_run_until(&runtime, || probe.taken.load(Ordering::SeqCst) >= AHEAD);
            let taken = probe.taken.load(Ordering::SeqCst);
            // One frame consumed, AHEAD queued, one held by a relay waiting for room.
            assert!((AHEAD..=AHEAD + 2).contains(&taken), "{name}: {taken} frames read");
        }
    }

    #[test]
    fn a_relay_holds_about_its_byte_budget_of_large_frames() {
        let frame = Bytes::from(vec![b':'; 100 * 1024]);
        for (name, runtime) in runtimes() {
            let (body, probe) = Scripted::of(std::iter::repeat_n(frame.clone(), 50), Then::End);
            let mut frames = Frames::new(body, true);
            take_a_frame(&runtime, &mut frames, name);
            let_the_relay_run_until(&runtime, || probe.taken.load(Ordering::SeqCst) >= 4);
            // One consumed; 100, 200, 300 KiB ahead (the budget is 256); one held for room.
            let taken = probe.taken.load(Ordering::SeqCst);
            assert!((4..=5).contains(&taken), "{name}: {taken} frames of 100 KiB read");
            // Taking the frames makes room again: the whole body arrives.
            let rest = runtime.block_on(read_all(frames));
            assert_eq!(rest.0.len(), 49 * 100 * 1024, "{name}");
        }
    }

    #[test]
    fn a_relay_stopped_by_its_runtime_shutting_down_is_not_the_end_of_the_body() {
        for (name, runtime) in runtimes() {
            let (body, probe) = Scripted::body(&["data: a\n\n"], Then::Stall);
            let mut frames = Frames::new(body, true);
            take_a_frame(&runtime, &mut frames, name);
            assert!(frames.is_relayed(), "{name}");
            drop(runtime);
            assert!(probe.dropped.load(Ordering::SeqCst), "{name}: the body outlived its runtime");
            let next = futures_util::FutureExt::now_or_never(poll_fn(|cx| frames.poll_next(cx)));
            assert!(matches!(next, Some(Some(Err(FrameError::RelayStopped)))), "{name}: {next:?}");
        }
    }

    #[test]
    fn dropping_a_relayed_stream_drops_the_body_it_waits_on() {
        for (name, runtime) in runtimes() {
            let (body, probe) = Scripted::body(&["data: a\n\n"], Then::Stall);
            let mut frames = Frames::new(body, true);
            take_a_frame(&runtime, &mut frames, name);
            assert!(frames.is_relayed());
            drop(frames);
            let_the_relay_run_until(&runtime, || probe.dropped.load(Ordering::SeqCst));
            assert!(probe.dropped.load(Ordering::SeqCst), "{name}: the stalled body was kept");
        }
    }
}
