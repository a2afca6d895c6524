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

/// Distinct paths counted; requests to further new paths (e.g. a scan of random 404 paths)
/// are not counted, so the count map stays bounded too.
const MAX_COUNTED_PATHS: usize = 256;

#[derive(Debug, Default)]
struct RecorderState {
    requests: VecDeque<RecordedRequest>,
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
        if state.requests.len() == MAX_RECORDED_REQUESTS {
            state.requests.pop_front();
        }
        state.requests.push_back(request);
    }

    /// A copy of the recorded requests (the newest [`MAX_RECORDED_REQUESTS`]), oldest first.
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
        state.counts.clear();
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
