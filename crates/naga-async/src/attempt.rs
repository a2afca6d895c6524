//! The retry loop: send, classify (protocol), maybe sleep and send again.

use std::io::ErrorKind::{InvalidData, InvalidInput};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use naga_protocol::{
    AttemptLimits, AttemptRequests, Attempts, Decision, MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES,
    Operation, Outcome, body_capacity, check_content_encoding, parse_api_error,
};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::origin::url_of;

/// Sends `op` until it gets a success status or the retry policy gives up. Returns the
/// response with its body unread.
pub(crate) async fn execute<O: Operation + ?Sized>(
    client: &Client,
    op: &O,
    streaming: bool,
) -> Result<(reqwest::Response, AttemptLimits)> {
    let mut requests = AttemptRequests::new(&client.settings.config, op)?;
    let start = Instant::now();
    let mut attempts = Attempts::new(&client.settings, streaming);
    loop {
        let limits = attempts.start(start.elapsed());
        let request = to_reqwest(client, requests.next_attempt()?)?;
        let (path, attempt) = (request.url().path(), attempts.count());
        tracing::debug!(method = %request.method(), path, attempt, "naga request");
        let (decision, error) = match run_once(client, request, &limits).await {
            Ok(response) if response.status().is_success() => {
                check_content_encoding(response.headers())?;
                return Ok((response, limits));
            }
            Ok(mut response) => {
                let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
                let body = read_error(response, &limits).await;
                let error = parse_api_error(Some(status), &headers, &body);
                let error = client.redactor.scrub(error);
                (decide(&attempts, error.retry_outcome(), start), Error::Protocol(error))
            }
            Err(error) => (decide(&attempts, error.outcome(), start), error),
        };
        match decision {
            Decision::Retry(delay) => {
                tracing::info!(attempt, delay_ms = delay.as_millis() as u64, reason = %error, "naga retry");
                tokio::time::sleep(delay).await;
            }
            Decision::GiveUp(reason) => return Err(error.given_up(reason, attempt)),
        }
    }
}

/// The request as reqwest takes it: the headers and body are moved, and the URL reuses the
/// client's parse of its base URL.
fn to_reqwest(client: &Client, request: http::Request<Bytes>) -> Result<reqwest::Request> {
    let (parts, body) = request.into_parts();
    let url = url_of(client.origin.as_deref(), &parts.uri)?;
    let mut request = reqwest::Request::new(parts.method, url);
    *request.headers_mut() = parts.headers;
    *request.body_mut() = Some(body.into());
    Ok(request)
}

/// The retry policy's verdict, with this loop's clock and jitter.
fn decide(attempts: &Attempts<'_>, outcome: Outcome<'_>, start: Instant) -> Decision {
    attempts.decide(outcome, start.elapsed(), SystemTime::now(), fastrand::f64())
}

/// One attempt: set this attempt's limits, send, wait for the headers.
async fn run_once(
    client: &Client,
    mut request: reqwest::Request,
    limits: &AttemptLimits,
) -> Result<reqwest::Response> {
    if !limits.streaming {
        *request.timeout_mut() = limits.attempt.map(|(after, _)| after);
        return client.http.execute(request).await.map_err(|err| map_error(err, limits, true));
    }
    let send = client.http.execute(request);
    match limits.header_wait() {
        Some((after, kind)) => match tokio::time::timeout(after, send).await {
            Ok(result) => result.map_err(|err| map_error(err, limits, true)),
            Err(_) => Err(Error::timed_out(limits.reported(kind, after))),
        },
        None => send.await.map_err(|err| map_error(err, limits, true)),
    }
}

/// Reads a whole success body (at most [`MAX_BODY_BYTES`]). A body that arrives as one
/// frame is returned as it is, with no copy; a body of several frames is gathered into a buffer
/// sized from `content-length`.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limits: &AttemptLimits,
) -> Result<Bytes> {
    let Some(first) = next_frame(&mut response, limits, 0).await? else { return Ok(Bytes::new()) };
    let Some(second) = next_frame(&mut response, limits, first.len()).await? else {
        return Ok(first);
    };
    let mut body = Vec::with_capacity(body_capacity(response.content_length()));
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(frame) = next_frame(&mut response, limits, body.len()).await? {
        body.extend_from_slice(&frame);
    }
    Ok(body.into())
}

/// The body's next frame, or an error when it would take the body past [`MAX_BODY_BYTES`].
async fn next_frame(
    response: &mut reqwest::Response,
    limits: &AttemptLimits,
    read: usize,
) -> Result<Option<Bytes>> {
    let frame = response.chunk().await.map_err(|e| map_error(e, limits, false))?;
    match frame {
        Some(frame) if read + frame.len() > MAX_BODY_BYTES => Err(Error::body_too_large()),
        frame => Ok(frame),
    }
}

/// Reads at most [`MAX_ERROR_BODY_BYTES`] of an error body; a failed read keeps what arrived.
/// A streamed request's body waits for each frame as its head did (the stream's idle limit
/// or what is left of the attempt's): reqwest's own timeout is not set for those requests, and
/// a stalled error body would otherwise hold the call forever.
async fn read_error(mut response: reqwest::Response, limits: &AttemptLimits) -> Vec<u8> {
    let wait = if limits.streaming { limits.header_wait() } else { None };
    let mut body = Vec::new();
    loop {
        let next = response.chunk();
        let chunk = match wait {
            Some((after, _)) => tokio::time::timeout(after, next).await.unwrap_or(Ok(None)),
            None => next.await,
        };
        let Ok(Some(chunk)) = chunk else { break };
        let room = MAX_ERROR_BODY_BYTES.saturating_sub(body.len());
        body.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        if body.len() >= MAX_ERROR_BODY_BYTES {
            break;
        }
    }
    body
}

/// Maps a reqwest error to ours; failures before the response are connect failures.
pub(crate) fn map_error(
    err: reqwest::Error,
    limits: &AttemptLimits,
    before_response: bool,
) -> Error {
    let err = without_credentials(err);
    if err.is_timeout() {
        if err.is_connect() {
            return Error::timed_out(limits.connect_timeout());
        }
        return Error::timed_out(limits.attempt_or_request());
    }
    if is_tls(&err) {
        return Error::Tls(Box::new(err));
    }
    // A connection closed or reset before the head ended counts as a connect failure, so the
    // request is sent again, even when part of a head had arrived (naga-blocking does not
    // resend then): hyper reports both alike (`IncompleteMessage`, or the reset), and reqwest
    // 0.13 lets no connector wrap a connection to count the bytes it read.
    let malformed = malformed_answer(&err).map(ToString::to_string);
    if let Some(cause) = malformed.or_else(|| malformed_body(&err).map(ToString::to_string)) {
        return Error::Io(Box::new(MalformedAnswer { cause, error: err }));
    }
    if err.is_connect() || (before_response && err.is_request()) {
        return Error::Connect(Box::new(err));
    }
    Error::Io(Box::new(err))
}

/// An answer that is not HTTP, named by hyper's reason (reqwest's own message only names the
/// URL the request went to): a head, or a body whose framing is broken. Never a lost
/// connection.
#[derive(Debug)]
pub(crate) struct MalformedAnswer {
    /// What hyper found wrong.
    cause: String,
    error: reqwest::Error,
}

impl std::fmt::Display for MalformedAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the answer is not valid HTTP: {}", self.cause)
    }
}

impl std::error::Error for MalformedAnswer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// `err` with the user name and password of its URL (a base URL may carry them) shown as
/// `***`: reqwest's messages print the URL.
fn without_credentials(err: reqwest::Error) -> reqwest::Error {
    match err.url() {
        Some(url) if !url.username().is_empty() || url.password().is_some() => {
            let mut url = url.clone();
            // Both only fail for URLs that cannot carry credentials at all.
            let _ = url.set_password(None);
            let _ = url.set_username("***");
            err.with_url(url)
        }
        _ => err,
    }
}

/// hyper's error when the server answered with bytes that are not HTTP (a bad status line or
/// header): the request reached it, so this is never a connect failure and never resent.
fn malformed_answer(err: &reqwest::Error) -> Option<&hyper::Error> {
    find_source::<hyper::Error>(err, hyper::Error::is_parse)
}

/// hyper's error when a body's framing is broken (a chunk size that is no number, a chunk
/// line ended by a bare LF): its cause, an I/O error of kind `InvalidInput` or `InvalidData`
/// (a lost connection is `UnexpectedEof` or a reset).
fn malformed_body(err: &reqwest::Error) -> Option<&std::io::Error> {
    if !err.is_body() && !err.is_decode() {
        return None;
    }
    let broken = |io: &std::io::Error| matches!(io.kind(), InvalidInput | InvalidData);
    find_source::<std::io::Error>(err, broken)
}

/// Whether a rustls error is somewhere in the source chain.
fn is_tls(err: &reqwest::Error) -> bool {
    has_source::<rustls::Error>(err, |_| true)
}

/// Whether `err` or one of its sources is an `E` for which `test` holds.
fn has_source<E: std::error::Error + 'static>(
    err: &reqwest::Error,
    test: impl Fn(&E) -> bool,
) -> bool {
    find_source(err, test).is_some()
}

/// The first of `err` and its sources that is an `E` for which `test` holds. The errors an
/// `io::Error` wraps count too, however deep: its `source()` skips the wrapped error (which is
/// how a certificate rustls refused hides, inside two `io::Error`s, under hyper-util's error).
fn find_source<E: std::error::Error + 'static>(
    err: &reqwest::Error,
    test: impl Fn(&E) -> bool,
) -> Option<&E> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        let mut wrapped = Some(current);
        while let Some(error) = wrapped {
            if let Some(found) = error.downcast_ref::<E>().filter(|found| test(found)) {
                return Some(found);
            }
            let io = error.downcast_ref::<std::io::Error>();
            wrapped = io
                .and_then(|io| io.get_ref())
                .map(|inner| inner as &(dyn std::error::Error + 'static));
        }
        source = current.source();
    }
    None
}
