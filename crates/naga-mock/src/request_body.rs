//! Reading a request body under the size limit and before the client's time runs out, and
//! what happens to the rest of a body over the limit.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT_ENCODING, CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, HeaderValue};
use http::{HeaderMap, Response, StatusCode, Version};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::body::MockBody;
use crate::error_body::{error_response, invalid_request};

/// How much of a body over the limit is still read (and dropped) after the 413, before the
/// stream is reset or the connection closed.
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// The longest pause in a body being dropped after its 413 (nginx's `lingering_timeout`):
/// a client that stopped sending, waiting for the close, gets it after this.
const DRAIN_PAUSE: Duration = Duration::from_secs(5);

/// What a body may be: at most `bytes` long, with no pause in it longer than `stall`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimits {
    /// The largest accepted body (413 above).
    pub(crate) bytes: usize,
    /// The longest wait for the body's next bytes (408 after).
    pub(crate) stall: Duration,
}

/// Reads the body within `limits`: a larger body is a 413, one that stalls a 408.
pub(crate) async fn read_body(
    limits: BodyLimits,
    version: Version,
    headers: &HeaderMap,
    mut body: Incoming,
) -> Result<Bytes, Response<MockBody>> {
    let limit = limits.bytes;
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(limits, version, body));
    }
    let mut collected = BytesMut::new();
    loop {
        let Ok(next) = tokio::time::timeout(limits.stall, body.frame()).await else {
            return Err(stalled(limits.stall));
        };
        let Some(frame) = next else { break };
        let Ok(frame) = frame else {
            return Err(invalid_request("could not read the request body"));
        };
        let Ok(data) = frame.into_data() else { continue };
        if collected.len() + data.len() > limit {
            return Err(too_large(limits, version, body));
        }
        collected.extend_from_slice(&data);
    }
    Ok(collected.freeze())
}

/// The 408 for a body that stopped coming; the connection closes after it (over HTTP/1.1
/// the rest of the body could still arrive, and would be read as the next request).
fn stalled(stall: Duration) -> Response<MockBody> {
    let message =
        format!("the request body stopped arriving for {} s; send it again", stall.as_secs_f64());
    let mut response = error_response(StatusCode::REQUEST_TIMEOUT, &message);
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A 415 naming the coding when a body arrived with a content coding other than `identity`
/// (e.g. gzip): the API reads bodies as they are sent, and a compressed body would otherwise
/// be reported as broken JSON. The answer's `accept-encoding: identity` says which coding is
/// taken (RFC 9110, 15.5.16).
pub(crate) fn encoded_body_rejection(
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response<MockBody>> {
    if body.is_empty() {
        return None;
    }
    let codings: Vec<&str> = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("?").split(','))
        .map(str::trim)
        .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("identity"))
        .collect();
    if codings.is_empty() {
        return None;
    }
    let message =
        format!("unsupported Content-Encoding `{}`; send the body unencoded", codings.join(", "));
    let mut response = error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, &message);
    response.headers_mut().insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    Some(response)
}

/// The 413, and what becomes of the unread rest of the body: it is read and dropped in the
/// background (up to [`DRAIN_LIMIT`], while it keeps coming), as nginx does, so a client still
/// writing it sees the answer instead of a reset. Closed at once instead, a client's failed
/// write loses the 413 (ureq reads no answer after one; hyper's client reports whichever of
/// the answer and the failed write it sees first), and over HTTP/2 curl and httpx report the
/// reset (which RFC 9113 §8.1 allows). HTTP/1.1: the connection cannot carry another request,
/// so the answer says `connection: close`.
fn too_large(limits: BodyLimits, version: Version, body: Incoming) -> Response<MockBody> {
    let message = format!("request body exceeds the limit of {} bytes", limits.bytes);
    let mut response = error_response(StatusCode::PAYLOAD_TOO_LARGE, &message);
    if version != Version::HTTP_2 {
        response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    }
    tokio::spawn(drain(body, limits.stall.min(DRAIN_PAUSE)));
    response
}

/// Reads `body` to its end (or [`DRAIN_LIMIT`] bytes, an error, or a pause longer than
/// `pause`) and drops what it reads.
async fn drain(mut body: Incoming, pause: Duration) {
    let mut left = DRAIN_LIMIT;
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(pause, body.frame()).await {
        let len = frame.data_ref().map_or(0, |data| data.len() as u64);
        let Some(rest) = left.checked_sub(len) else { return };
        left = rest;
    }
}
