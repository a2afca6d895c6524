//! The retry loop: send, classify (protocol), maybe sleep and send again.

use std::io::Read;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use naga_protocol::{
    AttemptLimits, AttemptRequests, Attempts, Decision, MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES,
    Operation, Outcome, body_capacity, check_content_encoding, parse_api_error,
};

use crate::client::Client;
use crate::connection::watch_answer;
use crate::error::{Error, Result};

/// Sends `op` until it gets a success status or the retry policy gives up. Returns the
/// response with its body unread.
pub(crate) fn execute<O: Operation + ?Sized>(
    client: &Client,
    op: &O,
    streaming: bool,
) -> Result<(http::Response<ureq::Body>, AttemptLimits)> {
    let mut requests = AttemptRequests::new(&client.requests, op)?;
    let start = Instant::now();
    let mut attempts = Attempts::new(&client.settings, streaming);
    loop {
        let limits = attempts.start(start.elapsed());
        let request = requests.next_attempt()?;
        let (path, attempt) = (request.uri().path(), attempts.count());
        tracing::debug!(method = %request.method(), path, attempt, "naga request");
        let (decision, error) = match run_once(client, request, &limits) {
            Ok(response) if response.status().is_success() => {
                check_content_encoding(response.headers())?;
                return Ok((response, limits));
            }
            Ok(response) => {
                let (parts, body) = response.into_parts();
                let error = parse_api_error(Some(parts.status), &parts.headers, &read_error(body));
                let error = client.redactor.scrub(error);
                (decide(&attempts, error.retry_outcome(), start), Error::Protocol(error))
            }
            Err(error) => (decide(&attempts, error.outcome(), start), error),
        };
        match decision {
            Decision::Retry(delay) => {
                tracing::info!(attempt, delay_ms = delay.as_millis() as u64, reason = %error, "naga retry");
                std::thread::sleep(delay);
            }
            Decision::GiveUp(reason) => return Err(error.given_up(reason, attempt)),
        }
    }
}

/// The retry policy's verdict, with this loop's clock and jitter.
fn decide(attempts: &Attempts<'_>, outcome: Outcome<'_>, start: Instant) -> Decision {
    attempts.decide(outcome, start.elapsed(), SystemTime::now(), fastrand::f64())
}

/// One attempt: set this attempt's limits, send, wait for the headers. A request without a
/// body (a `GET` or `DELETE`) goes without one, so no `Content-Length: 0` is sent for it (RFC
/// 9110 §8.6: not for a method that defines no meaning for a body).
fn run_once(
    client: &Client,
    request: http::Request<Bytes>,
    limits: &AttemptLimits,
) -> Result<http::Response<ureq::Body>> {
    let (parts, body) = request.into_parts();
    if body.is_empty() && !method_has_body(&parts.method) {
        return run_configured(client, http::Request::from_parts(parts, ()), limits);
    }
    run_configured(client, http::Request::from_parts(parts, &body[..]), limits)
}

/// Whether requests of `method` carry a body, empty or not (`Content-Length: 0` then).
fn method_has_body(method: &http::Method) -> bool {
    matches!(*method, http::Method::POST | http::Method::PUT | http::Method::PATCH)
}

/// [`run_once`] with the request's body in the form ureq sends.
fn run_configured(
    client: &Client,
    request: http::Request<impl ureq::AsSendBody>,
    limits: &AttemptLimits,
) -> Result<http::Response<ureq::Body>> {
    // A stream is bounded by the attempt limit only until its headers arrive; after that
    // only by the idle timeout, so a long answer is never cut.
    // Sending is bounded for a stream too: a server (or a dead pooled connection) that reads
    // none of a large body would otherwise hold the call forever.
    let attempt_limit = limits.attempt.map(|(after, _)| after);
    let (global, before_head) =
        if limits.streaming { (None, attempt_limit) } else { (attempt_limit, None) };
    let configured = client
        .agent
        .configure_request(request)
        .http_status_as_error(false)
        // A redirect is answered as an error, never followed: ureq would resend a POST as a
        // GET without its body (301/302/303) or fail (307/308), and a request's key must not
        // follow it elsewhere.
        .max_redirects(0)
        .timeout_connect(limits.connect)
        .timeout_global(global)
        .timeout_send_request(before_head)
        .timeout_send_body(before_head)
        .timeout_recv_response(before_head)
        .timeout_per_read(limits.idle)
        .timeout_per_write(limits.idle)
        .build();
    let (result, answer_began) = watch_answer(|| client.agent.run(configured));
    result.map_err(|err| map_error(err, limits, !answer_began))
}

/// Whether an I/O error is a TLS failure (rustls reports a handshake's through `io::Error`).
fn is_tls_failure(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
}

/// Reads a whole success body (at most [`MAX_BODY_BYTES`]) under the attempt's limits.
/// The buffer is sized from `content-length`, so a whole answer takes one read and never
/// moves to a larger buffer.
pub(crate) fn read_body(body: ureq::Body, limits: AttemptLimits) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(body_capacity(body.content_length()));
    let mut reader = body.into_with_config().limit(MAX_BODY_BYTES as u64).reader();
    match reader.read_to_end(&mut bytes) {
        Ok(_) => Ok(bytes),
        Err(err) => Err(map_error(ureq::Error::from(err), &limits, false)),
    }
}

/// Reads at most [`MAX_ERROR_BODY_BYTES`] of an error body; a failed read keeps what arrived.
fn read_error(body: ureq::Body) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = body.into_reader().take(MAX_ERROR_BODY_BYTES as u64).read_to_end(&mut bytes);
    bytes
}

/// ureq's "Peer disconnected" (a close where more was due) said as what it means: the
/// server closed the connection before any answer, or before the answer's end.
fn closed_early(io: std::io::Error, before_answer: bool) -> std::io::Error {
    if io.kind() != std::io::ErrorKind::UnexpectedEof || io.to_string() != "Peer disconnected" {
        return io;
    }
    let message = if before_answer {
        "the server closed the connection before any answer"
    } else {
        "the server closed the connection before the answer ended"
    };
    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, message)
}

/// Maps a ureq error to ours. I/O errors before any byte of the answer (`before_answer`) are
/// connect failures, which may be retried; after one, the request reached the server and its
/// answer began, so they are I/O errors and the request is not sent again.
pub(crate) fn map_error(err: ureq::Error, limits: &AttemptLimits, before_answer: bool) -> Error {
    use ureq::Timeout as T;
    match err {
        ureq::Error::Timeout(T::Connect | T::Resolve) => Error::timed_out(limits.connect_timeout()),
        ureq::Error::Timeout(T::PerRead | T::PerWrite) => Error::timed_out(limits.idle_timeout()),
        ureq::Error::Timeout(_) => Error::timed_out(limits.attempt_or_request()),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
            Error::Tls(Box::new(err))
        }
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => Error::Connect(Box::new(err)),
        // A certificate the client does not trust fails the same way every time: not retried.
        ureq::Error::Io(io) if is_tls_failure(&io) => Error::Tls(Box::new(io)),
        // The `io::Error` itself is kept, so the error's `source()` reaches it (ureq's own
        // error has no source).
        ureq::Error::Io(io) if before_answer => Error::Connect(Box::new(closed_early(io, true))),
        ureq::Error::BodyExceedsLimit(_) => Error::body_too_large(),
        ureq::Error::Io(io) => Error::Io(Box::new(closed_early(io, false))),
        other => Error::Io(Box::new(other)),
    }
}
