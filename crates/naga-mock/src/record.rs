//! What the server received: every request, minus credentials.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderMap, Method};

/// One request as the mock received it. Credentials (`authorization`, `x-api-key`) are
/// removed before recording.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: Method,
    /// The request path, without the query string (e.g. `/v1/chat/completions`).
    pub path: String,
    /// The headers, minus credentials.
    pub headers: HeaderMap,
    /// The body bytes (empty when the body was over the size limit).
    pub body: Bytes,
}

impl RecordedRequest {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The shared log of received requests and per-path counts.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    inner: Mutex<RecorderState>,
}

/// Newest requests kept in full; older ones are dropped (their counts stay), so a long-running
/// emulator under load keeps bounded memory.
pub const MAX_RECORDED_REQUESTS: usize = 1024;

/// The recorded bodies' total size kept at most: older requests are dropped to stay under it
/// (the newest is always kept), so large uploads do not pile up either.
pub const MAX_RECORDED_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Distinct paths counted; requests to further new paths (e.g. a scan of random 404 paths)
/// are not counted, so the count map stays bounded too.
const MAX_COUNTED_PATHS: usize = 256;

#[derive(Debug, Default)]
struct RecorderState {
    requests: VecDeque<RecordedRequest>,
    /// The total size of the kept requests' bodies.
    body_bytes: usize,
    counts: HashMap<String, usize>,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, RecorderState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records one request, stripping credentials.
    pub(crate) fn record(&self, method: &Method, path: &str, headers: &HeaderMap, body: Bytes) {
        let mut headers = headers.clone();
        headers.remove(AUTHORIZATION);
        headers.remove("x-api-key");
        let request =
            RecordedRequest { method: method.clone(), path: path.to_owned(), headers, body };
        let mut state = self.lock();
        if let Some(count) = state.counts.get_mut(path) {
            *count += 1;
        } else if state.counts.len() < MAX_COUNTED_PATHS {
            state.counts.insert(path.to_owned(), 1);
        }
        state.keep(request);
    }

    /// A copy of the recorded requests (the newest, within [`MAX_RECORDED_REQUESTS`] and
    /// [`MAX_RECORDED_BODY_BYTES`]), oldest first.
    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.iter().cloned().collect()
    }

    /// How many requests were received for `path`.
    pub(crate) fn count(&self, path: &str) -> usize {
        self.lock().counts.get(path).copied().unwrap_or(0)
    }

    /// Request counts by path.
    pub(crate) fn counts(&self) -> HashMap<String, usize> {
        self.lock().counts.clone()
    }

    /// Forgets everything.
    pub(crate) fn clear(&self) {
        let mut state = self.lock();
        state.requests.clear();
        state.body_bytes = 0;
        state.counts.clear();
    }
}

impl RecorderState {
    /// Keeps `request` as the newest, dropping the oldest while the count or the bodies'
    /// total size would be over its limit.
    fn keep(&mut self, request: RecordedRequest) {
        let size = request.body.len();
        while self.requests.len() == MAX_RECORDED_REQUESTS
            || (!self.requests.is_empty() && self.body_bytes + size > MAX_RECORDED_BODY_BYTES)
        {
            let Some(oldest) = self.requests.pop_front() else { break };
            self.body_bytes -= oldest.body.len();
        }
        self.body_bytes += size;
        self.requests.push_back(request);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(recorder: &Recorder, path: &str, n: usize) {
        let body = Bytes::from(n.to_string());
        recorder.record(&Method::POST, path, &HeaderMap::new(), body);
    }

    #[test]
    fn keeps_the_newest_requests_and_every_count() {
        let recorder = Recorder::default();
        for n in 0..MAX_RECORDED_REQUESTS + 6 {
            record(&recorder, "/v1/chat/completions", n);
        }
        let kept = recorder.requests();
        assert_eq!(kept.len(), MAX_RECORDED_REQUESTS);
        assert_eq!(kept[0].body, Bytes::from("6"));
        assert_eq!(recorder.count("/v1/chat/completions"), MAX_RECORDED_REQUESTS + 6);
    }

    #[test]
    fn keeps_the_newest_bodies_under_the_size_limit() {
        let recorder = Recorder::default();
        let big = Bytes::from(vec![b'x'; MAX_RECORDED_BODY_BYTES / 3 + 1]);
        for _ in 0..5 {
            recorder.record(&Method::POST, "/v1/embeddings", &HeaderMap::new(), big.clone());
        }
        record(&recorder, "/v1/embeddings", 7);
        let kept = recorder.requests();
        // Three big bodies and the small one would be over the limit: two big ones stay.
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[2].body, Bytes::from("7"));
        assert_eq!(recorder.lock().body_bytes, 2 * big.len() + 1);
        assert_eq!(recorder.count("/v1/embeddings"), 6);
        // A body over the whole limit is still kept, alone.
        let huge = Bytes::from(vec![b'y'; MAX_RECORDED_BODY_BYTES + 1]);
        recorder.record(&Method::POST, "/v1/embeddings", &HeaderMap::new(), huge.clone());
        assert_eq!(recorder.requests().len(), 1);
        assert_eq!(recorder.lock().body_bytes, huge.len());
        recorder.clear();
        assert_eq!(recorder.lock().body_bytes, 0);
    }

    #[test]
    fn counts_a_bounded_number_of_distinct_paths() {
        let recorder = Recorder::default();
        for n in 0..MAX_COUNTED_PATHS + 50 {
            record(&recorder, &format!("/scan/{n}"), n);
        }
        record(&recorder, "/scan/0", 0);
        assert_eq!(recorder.counts().len(), MAX_COUNTED_PATHS);
        assert_eq!(recorder.count("/scan/0"), 2);
    }
}
