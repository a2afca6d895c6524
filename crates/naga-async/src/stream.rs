//! A streamed response as a `Stream`: body frames fed to the decoder where the stream is
//! polled; the frames come in place or through a relay task (`frames.rs`).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use naga_protocol::{
    AttemptLimits, END_OF_BODY_GRACE, Redactor, StreamAccumulator, StreamDecoder, TimeoutKind,
};
use tokio::runtime::Handle;
use tokio::time::{Instant, Sleep, sleep_until};

use crate::attempt::{MalformedAnswer, map_error};
use crate::error::{Error, Result};
use crate::frames::{FrameError, Frames};

/// The most bytes one poll reads (and drops) after the terminal event; past it, the body is
/// taken as still open. Bounds the work of a poll when bytes keep coming without a pause.
const END_SLACK: usize = 1024 * 1024;

/// The items of a streamed response, decoded as bytes arrive.
///
/// Yields `Err` for a broken event, an error frame, a truncated stream (a connection cut
/// before the terminal event is a truncation) or an idle timeout (no byte for the client's
/// stream idle timeout); after a read failure or the end of the body it yields `None`. The
/// request is never sent again.
///
/// The poll that sees the terminal event (`[DONE]`, or the API's last event) reads on to the
/// body's end, waiting at most 50 ms for it, so the connection goes back to the pool (as
/// OpenAI's SDKs read a stream to its end); a body still open then is closed with its
/// connection.
///
/// Items are decoded where the stream is polled. Unless that is a tokio task, the first poll
/// (by a `block_on` future) also starts a small task on the current tokio runtime that reads
/// the body ahead (at most 32 reads or 256 KiB) and hands the reads over in batches: taking
/// them one by one from a `block_on` future costs a thread wake-up per read.
/// Dropping the stream stops that task and closes the answer. A client built with
/// [`ClientBuilder::read_ahead(false)`](crate::ClientBuilder::read_ahead) starts no such
/// task: the body is read only when the stream is polled, wherever that is.
pub struct ItemStream<D> {
    frames: Frames,
    decoder: D,
    limits: AttemptLimits,
    idle: Option<IdleTimer>,
    /// The wait for the body's end after the terminal event, once it had to wait.
    end_grace: Option<IdleTimer>,
    finished: bool,
    items: usize,
    redactor: Redactor,
}

impl<D: StreamDecoder> ItemStream<D> {
    /// The items of `body`; `read_ahead` allows the relay task (see the type's docs).
    pub(crate) fn new(
        body: reqwest::Body,
        decoder: D,
        limits: AttemptLimits,
        read_ahead: bool,
        redactor: Redactor,
    ) -> Self {
        let idle = limits.idle.map(IdleTimer::new);
        let frames = Frames::new(body, read_ahead);
        let (end_grace, finished, items) = (None, false, 0);
        ItemStream { frames, decoder, limits, idle, end_grace, finished, items, redactor }
    }

    /// The decoder, e.g. to inspect what it accumulated.
    pub fn decoder(&self) -> &D {
        &self.decoder
    }

    fn finish(&mut self, how: &'static str) {
        self.finished = true;
        tracing::debug!(items = self.items, how, "naga stream ended");
    }

    /// Polls the body once: feeds data, marks the end, or reports a failure or idle timeout.
    fn poll_body(&mut self, cx: &mut Context<'_>) -> Poll<Option<Error>> {
        let first_poll = self.frames.is_unpolled();
        match self.frames.poll_next(cx) {
            Poll::Ready(Some(Ok(data))) => {
                self.decoder.feed_bytes(data);
                if let Some(idle) = &mut self.idle {
                    idle.saw_data();
                }
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(FrameError::RelayStopped))) => {
                self.finish("relay stopped");
                let stopped = "the task reading the stream stopped: its tokio runtime shut down";
                Poll::Ready(Some(Error::Io(stopped.into())))
            }
            Poll::Ready(Some(Err(FrameError::Read(err)))) => {
                match map_error(err, &self.limits, false) {
                    // A connection cut mid-stream ends the body early: the decoder says whether
                    // that is a truncation (no terminal event yet, or a body that cannot show its
                    // end) or a clean end. A body whose framing is broken is that error.
                    Error::Io(err) if !err.is::<MalformedAnswer>() => {
                        tracing::debug!(error = %err, "naga stream connection lost");
                        self.decoder.finish_early();
                        self.finish("connection lost");
                        Poll::Ready(None)
                    }
                    error => {
                        self.finish("read failed");
                        Poll::Ready(Some(error))
                    }
                }
            }
            Poll::Ready(None) => {
                self.decoder.finish();
                self.finish("end of body");
                Poll::Ready(None)
            }
            Poll::Pending => {
                // A relay started by this poll has had no chance to read yet: the silence
                // counts from now, not from when the head arrived (the stream may have been
                // polled long after that, its bytes waiting all along).
                if first_poll
                    && self.frames.is_relayed()
                    && let Some(idle) = &mut self.idle
                {
                    idle.saw_data();
                }
                self.poll_idle(cx)
            }
        }
    }

    /// After the terminal event: reads on to the body's end (what comes is dropped), for at
    /// most [`END_OF_BODY_GRACE`] (and [`END_SLACK`] bytes a poll), so the connection can be
    /// reused. The common case, the end read with the last event, costs one poll and no
    /// timer. Polled by another executor (no tokio runtime here, so no timer), the stream
    /// ends at once and the connection closes.
    fn poll_end(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut dropped = 0;
        loop {
            match self.frames.poll_next(cx) {
                Poll::Ready(Some(Ok(data))) if dropped + data.len() <= END_SLACK => {
                    dropped += data.len();
                }
                Poll::Ready(None) => {
                    self.finish("terminal event and end of body");
                    return Poll::Ready(());
                }
                Poll::Ready(_) => break,
                Poll::Pending if self.end_grace.is_none() && Handle::try_current().is_err() => {
                    break;
                }
                Poll::Pending => {
                    let grace =
                        self.end_grace.get_or_insert_with(|| IdleTimer::new(END_OF_BODY_GRACE));
                    if grace.poll_expired(cx).is_pending() {
                        return Poll::Pending;
                    }
                    break;
                }
            }
        }
        self.finish("terminal event, body still open");
        Poll::Ready(())
    }

    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<Option<Error>> {
        let Some(idle) = &mut self.idle else { return Poll::Pending };
        let after = idle.after;
        if idle.poll_expired(cx).is_pending() {
            return Poll::Pending;
        }
        self.finish("idle timeout");
        Poll::Ready(Some(Error::Timeout { kind: TimeoutKind::StreamIdle, after }))
    }
}

/// The stream idle limit: `after` without a body frame ends the stream. A frame only notes
/// the time (resetting the timer per frame cost about 160 instructions); a timer that fires
/// although frames came since is moved to the last frame + `after`.
struct IdleTimer {
    sleep: Pin<Box<Sleep>>,
    after: Duration,
    last_data: Instant,
}

impl IdleTimer {
    fn new(after: Duration) -> Self {
        let now = Instant::now();
        IdleTimer { sleep: Box::pin(sleep_until(now + after)), after, last_data: now }
    }

    fn saw_data(&mut self) {
        self.last_data = Instant::now();
    }

    /// Ready once `after` has passed since the last frame (or the start).
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while self.sleep.as_mut().poll(cx).is_ready() {
            let deadline = self.last_data + self.after;
            if deadline <= Instant::now() {
                return Poll::Ready(());
            }
            self.sleep.as_mut().reset(deadline);
        }
        Poll::Pending
    }
}

impl<D: StreamDecoder + Unpin> ItemStream<D> {
    /// Reads the rest of the stream into `accumulator`, showing each item to `on_item`
    /// first: the answer, or the error with what was added up before it.
    pub(crate) async fn add_up<A: StreamAccumulator<Item = D::Item>>(
        mut self,
        mut accumulator: A,
        mut on_item: impl FnMut(&D::Item),
    ) -> std::result::Result<A::Output, (Error, A)> {
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            if let Err(error) = accumulator.push_item(item, &mut on_item) {
                return Err((error, accumulator));
            }
        }
        Ok(accumulator.finish())
    }
}

impl<D: StreamDecoder + Unpin> Stream for ItemStream<D> {
    type Item = Result<D::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_with(cx, D::next_item)
    }
}

impl<D: StreamDecoder> ItemStream<D> {
    /// The next item `take` gets from the decoder, polling the body until there is one.
    pub(crate) fn poll_with<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut take: impl FnMut(&mut D) -> Option<std::result::Result<T, naga_protocol::Error>>,
    ) -> Poll<Option<Result<T>>> {
        loop {
            if let Some(item) = take(&mut self.decoder) {
                self.items += 1;
                let redactor = &self.redactor;
                return Poll::Ready(Some(item.map_err(|err| Error::Protocol(redactor.scrub(err)))));
            }
            if self.finished {
                return Poll::Ready(None);
            }
            if self.decoder.is_done() {
                return self.poll_end(cx).map(|()| None);
            }
            match self.poll_body(cx) {
                Poll::Ready(Some(err)) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(None) => {}
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<D> fmt::Debug for ItemStream<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").field("finished", &self.finished).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use super::*;

    #[tokio::test]
    async fn the_idle_limit_counts_from_the_last_frame_however_long_data_flows() {
        let after = Duration::from_millis(150);
        let mut idle = IdleTimer::new(after);
        // Frames every 40 ms for three times the limit: the timer fires early and moves on.
        for _ in 0..12 {
            tokio::time::sleep(Duration::from_millis(40)).await;
            idle.saw_data();
            let expired = poll_fn(|cx| Poll::Ready(idle.poll_expired(cx).is_ready())).await;
            assert!(!expired, "expired while frames were arriving");
        }
        let last = idle.last_data;
        poll_fn(|cx| idle.poll_expired(cx)).await;
        let now = Instant::now();
        assert!(now >= last + after, "expired {:?} after the last frame", now - last);
        assert!(now < last + after + Duration::from_secs(1), "expired late: {:?}", now - last);
    }
}
