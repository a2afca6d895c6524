//! What the server received: every request, minus credentials.

use std::collections::HashMap;
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

#[derive(Debug, Default)]
struct RecorderState {
    requests: Vec<RecordedRequest>,
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
        *state.counts.entry(path.to_owned()).or_default() += 1;
        state.requests.push(request);
    }

    /// A copy of every recorded request, oldest first.
    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
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
