//! The one error type of the protocol crate, split by who is at fault.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, HeaderName, StatusCode};

use crate::retry::{Outcome, RetryAfter};

/// Longest body or frame excerpt kept inside an error, in bytes.
pub const MAX_SNIPPET_BYTES: usize = 512;

/// Everything that can go wrong while building a request or reading a response.
///
/// The variants say who is at fault: [`Error::InvalidRequest`] is the caller's,
/// [`Error::Api`] is the server saying no, [`Error::Decode`] and [`Error::Stream`] are the
/// server (or something between us and it) sending bytes we cannot use. There is no I/O
/// variant: transports wrap this type in their own error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request is invalid and was not sent.
    #[error("invalid request: `{field}` {reason}")]
    InvalidRequest {
        /// Dotted path of the offending field, e.g. `messages[2].tool_call_id`.
        field: Cow<'static, str>,
        /// Why the value was rejected.
        reason: Cow<'static, str>,
    },
    /// The server answered with an error: an HTTP error status, an error frame in a stream,
    /// or Naga's error envelope as the body of a success status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The server sent bytes that do not decode as the expected type.
    #[error("could not decode {what} at byte {offset}: {}{}", Escaped(.message), Near(.snippet))]
    Decode {
        /// What was being decoded, e.g. `chat completion` or `chat completion chunk`.
        what: &'static str,
        /// Byte offset in the decoded text where decoding failed.
        offset: usize,
        /// The decoder's own explanation.
        message: String,
        /// A bounded excerpt of the input around `offset`.
        snippet: String,
    },
    /// A streamed response broke: truncated, oversized event, invalid UTF-8.
    #[error("{0}")]
    Stream(StreamError),
}

impl Error {
    /// Builds [`Error::InvalidRequest`].
    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Error::InvalidRequest { field: field.into(), reason: reason.into() }
    }

    /// Builds [`Error::Decode`] from a serde_json error over `input`.
    pub fn decode(what: &'static str, input: &[u8], err: &serde_json::Error) -> Self {
        let offset = offset_of(input, err.line(), err.column());
        Error::Decode {
            what,
            offset,
            message: err.to_string(),
            snippet: snippet_around(input, offset),
        }
    }

    /// The API error, if the server said no (with an error status, inside a stream, or as an
    /// error body under a success status).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The kind of API error, if the server said no.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        self.api().map(|api| api.kind)
    }

    /// The HTTP status of an API error that came with an error status; `None` for any other
    /// error, including an API error that came under a success status (see
    /// [`ApiError::status`]).
    pub fn status(&self) -> Option<StatusCode> {
        self.api().and_then(|api| api.status)
    }

    /// What the retry policy is told about an attempt that ended in this error as the
    /// server's answer: [`Outcome::Rejected`] for an API error, else
    /// [`Outcome::ResponseStarted`] (never resent).
    pub fn retry_outcome(&self) -> Outcome<'_> {
        match self {
            Error::Api(api) => Outcome::Rejected(api),
            _ => Outcome::ResponseStarted,
        }
    }
}

/// What the server said when it refused or failed a request.
///
/// ```
/// use http::{HeaderMap, StatusCode};
/// use naga_protocol::parse_api_error;
///
/// let body = br#"{"error":{"type":"invalid_request_error","message":"bad size","code":400,"param":"size"}}"#;
/// let error = parse_api_error(Some(StatusCode::BAD_REQUEST), &HeaderMap::new(), body);
/// let api = error.api().unwrap();
/// assert_eq!((api.code.as_deref(), api.param.as_deref()), (Some("400"), Some("size")));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP error status the error came with. `None` when the response's status said
    /// success and the error was in its body: an error frame inside a stream (Display: "API
    /// error in stream"), or Naga's error envelope as the whole body of a success status
    /// (Display: "API error in a success response"), which the status did not announce.
    pub status: Option<StatusCode>,
    /// Category derived from the status and `error.type`.
    pub kind: ApiErrorKind,
    /// `error.type` as sent (e.g. `rate_limit_exceeded`), when the body had one.
    pub error_type: Option<String>,
    /// `error.code` as text (a number code becomes its digits), when the body had one.
    /// Naga does not document it; OpenAI-style gateways send e.g. `invalid_api_key`.
    pub code: Option<String>,
    /// `error.param` as text: the request field the error is about, when the body named one.
    pub param: Option<String>,
    /// `error.message`, or a description of the body when it was not Naga's error JSON.
    pub message: String,
    /// How long the server asked us to wait (`retry-after-ms` / `Retry-After`, else the
    /// body's `error.metadata.retry_after_seconds`).
    pub retry_after: Option<RetryAfter>,
    /// A request id from the response headers, when the server sent one.
    pub request_id: Option<String>,
    /// The server's own verdict on retrying, from its `x-should-retry` header (`true` or
    /// `false`; OpenAI sends it): [`RetryPolicy`](crate::RetryPolicy) obeys it over the
    /// status, as OpenAI's SDKs do.
    pub should_retry: Option<bool>,
    /// A bounded excerpt of the raw body (at most [`MAX_SNIPPET_BYTES`]).
    pub body_snippet: String,
    /// Where an error without a status was found (what Display names).
    pub(crate) origin: Origin,
}

/// Where an [`ApiError`] without an HTTP error status was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Origin {
    /// An error frame in a stream (or a stream's body that was one error document).
    #[default]
    Stream,
    /// The whole body of a non-streaming answer under a success status.
    SuccessBody,
}

impl ApiError {
    /// The message without the status's reason phrase it opens with (`: an HTML page …`,
    /// ` (empty body)`), so the status line shown before it is not said twice.
    fn message_after_reason(&self) -> Option<&str> {
        let reason = self.status?.canonical_reason()?;
        let rest = self.message.strip_prefix(reason)?;
        (rest.starts_with(": ") || rest.starts_with(" (")).then_some(rest)
    }

    /// An error a stream reported in an event of its own shape (not Naga's envelope).
    pub(crate) fn in_stream(
        error_type: Option<String>,
        code: Option<String>,
        message: String,
        data: &[u8],
    ) -> Self {
        ApiError {
            status: None,
            kind: ApiErrorKind::classify(None, error_type.as_deref()),
            error_type,
            code,
            param: None,
            message,
            retry_after: None,
            request_id: None,
            should_retry: None,
            body_snippet: snippet(data),
            origin: Origin::Stream,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.status, self.origin) {
            (Some(status), _) => match status.canonical_reason() {
                Some(_) => write!(f, "API error {status}")?,
                // `StatusCode`'s own text for these is `529 <unknown status code>`.
                None => write!(f, "API error {}", status.as_u16())?,
            },
            (None, Origin::Stream) => f.write_str("API error in stream")?,
            (None, Origin::SuccessBody) => f.write_str("API error in a success response")?,
        }
        if let Some(kind) = &self.error_type {
            write!(f, " ({})", Escaped(kind))?;
        }
        match self.message_after_reason() {
            Some(rest) => write!(f, "{}", Escaped(rest))?,
            None => write!(f, ": {}", Escaped(&self.message))?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

/// Category of an API error; branch on this rather than on status codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400 / 422 `invalid_request_error`: fix the request.
    InvalidRequest,
    /// 401 `authentication_error`: the key is missing, wrong or of the wrong kind.
    Authentication,
    /// 402 `insufficient_quota`: not enough credits.
    InsufficientQuota,
    /// 403: blocked, denied or filtered.
    PermissionDenied,
    /// 404 / 410: unknown or retired model or path.
    NotFound,
    /// 429 `rate_limit_exceeded`.
    RateLimited,
    /// 5xx or `server_error`: the server or an upstream provider failed.
    Server,
    /// Anything else.
    Other,
}

impl ApiErrorKind {
    /// Classifies by HTTP status first, then by `error.type` (for in-stream errors).
    pub fn classify(status: Option<StatusCode>, error_type: Option<&str>) -> Self {
        if let Some(status) = status {
            match status.as_u16() {
                400 | 422 => return Self::InvalidRequest,
                401 => return Self::Authentication,
                402 => return Self::InsufficientQuota,
                403 => return Self::PermissionDenied,
                404 | 410 => return Self::NotFound,
                429 => return Self::RateLimited,
                500..=599 => return Self::Server,
                _ => {}
            }
        }
        match error_type {
            Some("invalid_request_error") => Self::InvalidRequest,
            Some("authentication_error") => Self::Authentication,
            Some("insufficient_quota") => Self::InsufficientQuota,
            Some("inappropriate_content" | "permission_denied" | "permission_error") => {
                Self::PermissionDenied
            }
            Some("not_found_error" | "not_found") => Self::NotFound,
            Some("rate_limit_exceeded" | "rate_limit_error") => Self::RateLimited,
            Some("server_error" | "api_error" | "overloaded_error" | "upstream_error") => {
                Self::Server
            }
            _ => Self::Other,
        }
    }
}

/// How a streamed response broke.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The stream did not end cleanly: the body (or `[DONE]`) came before a terminal event
    /// (a finish_reason or usage trailer, a completed response, a message stop), or the
    /// body ended partway through an event, even one after the terminal event.
    #[error(
        "stream ended early after {events} event{}: without a terminal event after an answer, or partway through an event",
        if *events == 1 { "" } else { "s" }
    )]
    Truncated {
        /// Events received before the end.
        events: usize,
    },
    /// One event grew beyond the configured limit; its bytes were discarded.
    #[error("stream event exceeds the limit of {limit} bytes (the client's max_event_size)")]
    EventTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The connection was lost before the body's end (a short `content-length`, a missing
    /// last chunk, a reset) in a body that cannot show whether it was complete: audio, or
    /// one document in place of events. (An event stream's own end decides instead: see
    /// [`StreamError::Truncated`].)
    #[error("the response body was cut after {bytes} bytes")]
    Cut {
        /// Bytes of the body received before the cut.
        bytes: u64,
    },
    /// One event's data was not valid UTF-8; later events are unaffected.
    #[error("stream event at byte {offset} is not valid UTF-8")]
    InvalidUtf8 {
        /// Offset of the event's first byte in the whole stream.
        offset: u64,
    },
    /// Bytes were fed after `[DONE]` or after the stream was finished.
    #[error("data after the end of the stream")]
    DataAfterEnd,
    /// The body was one document (JSON that is neither the expected answer nor an error, or
    /// an HTML page) instead of server-sent events.
    #[error("stream body is a document, not server-sent events: `{}`", Escaped(.snippet))]
    UnexpectedDocument {
        /// A bounded excerpt of the document.
        snippet: String,
    },
}

impl From<StreamError> for Error {
    fn from(err: StreamError) -> Self {
        Error::Stream(err)
    }
}

/// Reads Naga's `{"error": {"type", "message"}}` envelope and the response headers into an
/// [`Error::Api`]. Any body is accepted: a non-JSON body (an HTML page from a proxy) keeps a
/// readable excerpt as the message.
pub fn parse_api_error(status: Option<StatusCode>, headers: &HeaderMap, body: &[u8]) -> Error {
    // Nothing of a body in a content coding (`gzip`, ...) is read: it would show as binary
    // noise; the status, headers and coding say what is known.
    let encoded = crate::operation::content_coding(headers).filter(|_| !body.is_empty());
    let mut retry_after = RetryAfter::from_headers(headers);
    let fields = match &encoded {
        Some(coding) => {
            let reason = status.and_then(|s| s.canonical_reason()).unwrap_or("error");
            EnvelopeFields {
                message: format!(
                    "{reason}: the body arrived in the content coding `{coding}`, not decoded"
                ),
                ..EnvelopeFields::default()
            }
        }
        None => envelope_fields(status, body, &mut retry_after),
    };
    let EnvelopeFields { error_type, code, param, message } = fields;
    let message = match redirect_target(status, headers).filter(|_| encoded.is_none()) {
        Some(location) => format!(
            "the server redirected to {location}; redirects are not followed (the request \
             and its key would go elsewhere), so check the base URL"
        ),
        None => message,
    };
    Error::Api(Box::new(ApiError {
        status,
        kind: ApiErrorKind::classify(status, error_type.as_deref()),
        error_type,
        code,
        param,
        message,
        retry_after,
        request_id: request_id(headers),
        should_retry: crate::retry::should_retry(headers),
        body_snippet: if encoded.is_some() { String::new() } else { snippet(body) },
        origin: Origin::Stream,
    }))
}

/// What an error body's envelope says.
#[derive(Default)]
struct EnvelopeFields {
    error_type: Option<String>,
    code: Option<String>,
    param: Option<String>,
    message: String,
}

/// The `type`, `code`, `param` and message of an error body's envelope (a description of
/// the body when it has no message); the wait in its `metadata` when the headers named none.
fn envelope_fields(
    status: Option<StatusCode>,
    body: &[u8],
    retry_after: &mut Option<RetryAfter>,
) -> EnvelopeFields {
    match error_object(body) {
        Some(ErrorObject { error_type, message, extra }) => {
            if retry_after.is_none()
                && let Some(serde_json::Value::Object(metadata)) = extra.get("metadata")
            {
                *retry_after = RetryAfter::from_error_metadata(metadata);
            }
            EnvelopeFields {
                error_type,
                code: extra.get("code").and_then(value_text),
                param: extra.get("param").and_then(value_text),
                message: message.unwrap_or_else(|| describe_body(status, body)),
            }
        }
        None => {
            EnvelopeFields { message: describe_body(status, body), ..EnvelopeFields::default() }
        }
    }
}

/// A loosely typed envelope field as text: a string as it is, `null` as none, anything else
/// (a number code, say) as its JSON text.
pub(crate) fn value_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// The [`Error::Api`] of a JSON answer whose top-level `error` is an object, under a success
/// status; the answer is searched for `"error"` first, so a large answer without it (an
/// embedding) is not parsed twice.
pub(crate) fn error_envelope_in(json: &[u8]) -> Option<Error> {
    memchr::memmem::find(json, b"\"error\"")?;
    api_error_in_success(json)
}

/// The [`Error::Api`] a success answer's body holds when it is Naga's error envelope (the
/// status then said nothing of the failure).
pub(crate) fn api_error_in_success(body: &[u8]) -> Option<Error> {
    error_object(body)?;
    Some(success_body_error(body))
}

/// The [`Error::Api`] of `body`, the whole body of a non-streaming answer under a success
/// status, known to hold an error: without a status, shown as found in a success response.
pub(crate) fn success_body_error(body: &[u8]) -> Error {
    let mut error = parse_api_error(None, &HeaderMap::new(), body);
    if let Error::Api(api) = &mut error {
        api.origin = Origin::SuccessBody;
    }
    error
}

/// The `error` object of an error body: the body as JSON, or, when it is a stream of
/// server-sent events (a gateway answering a streaming request's failure in the stream's own
/// format, e.g. LiteLLM's proxy: `data: {"error": ...}` then `data: [DONE]`), its first event.
fn error_object(body: &[u8]) -> Option<ErrorObject> {
    let json = crate::operation::without_bom(body);
    if let Ok(envelope) = serde_json::from_slice::<ErrorEnvelope>(json) {
        return envelope.error;
    }
    let mut events = crate::SseParser::new();
    events.feed(body);
    events.finish();
    let first = events.next_event()?.ok()?;
    serde_json::from_str::<ErrorEnvelope>(first.data).ok()?.error
}

/// Naga's error body: `{"error": {"type": "...", "message": "..."}}`, also sent as an error
/// frame inside a stream. Read leniently: any field may be missing or of another type.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ErrorResponse {
    /// The error itself; one sent as a string (not empty) reads as its message.
    #[serde(default, deserialize_with = "error_object_or_text")]
    pub error: Option<ErrorObject>,
}

/// An envelope's `error`: an object, or a string that is not blank as the message; `null`
/// and a blank string as none. Any other value does not read (the body is no envelope).
fn error_object_or_text<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Option<ErrorObject>, D::Error> {
    use serde::Deserialize;
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Text(String),
        Object(ErrorObject),
    }
    Ok(match Option::<Wire>::deserialize(de)? {
        Some(Wire::Text(text)) if !text.trim().is_empty() => {
            Some(ErrorObject { message: Some(text), ..ErrorObject::default() })
        }
        Some(Wire::Object(object)) => Some(object),
        _ => None,
    })
}

/// The `error` object of an [`ErrorResponse`].
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ErrorObject {
    /// Machine-readable category, e.g. `invalid_request_error`.
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub error_type: Option<String>,
    /// Human-readable description.
    #[serde(default, deserialize_with = "lenient_string")]
    pub message: Option<String>,
    /// Other fields (e.g. `code`, `param`, `metadata`), kept; [`ApiError`] reads `code` and
    /// `param` as text and the wait in `metadata`.
    #[serde(flatten, default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The crate-internal name of [`ErrorResponse`].
pub(crate) type ErrorEnvelope = ErrorResponse;

/// Accepts a string, a number or anything else (turned into its JSON text) for a text field.
fn lenient_string<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let value: Option<serde_json::Value> = serde::Deserialize::deserialize(de)?;
    Ok(match value {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// Header names that carry a request id, in order of preference.
/// Parsed once: looking a header up by `&str` parses the name on every call.
static REQUEST_ID_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("request-id"),
    HeaderName::from_static("x-naga-request-id"),
    HeaderName::from_static("cf-ray"),
];

/// The first request-id header present with a printable value.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .filter_map(|name| headers.get(name))
        .find_map(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Where a 3xx answer points: its `Location`, bounded like a snippet.
fn redirect_target(status: Option<StatusCode>, headers: &HeaderMap) -> Option<String> {
    if !status?.is_redirection() {
        return None;
    }
    headers.get(http::header::LOCATION).map(|value| snippet(value.as_bytes()))
}

/// The message of an error body that is not Naga's JSON: the status's reason with the title
/// of an HTML page, or with the start of the body.
fn describe_body(status: Option<StatusCode>, body: &[u8]) -> String {
    let text = snippet(body);
    let reason = status.and_then(|s| s.canonical_reason()).unwrap_or("error");
    if let Some(title) = crate::error_page::html_title(body) {
        // A proxy's or CDN's page: its title says it; the markup stays in the snippet.
        format!("{reason}: an HTML page titled “{title}”")
    } else if text.trim().is_empty() {
        format!("{reason} (empty body)")
    } else {
        format!("{reason}: {}", text.trim())
    }
}

/// Server text inside an error message: control characters (line breaks, terminal escape
/// sequences) are written escaped, as `\n` or `\u{1b}`, so an odd or hostile body can neither
/// split a log line nor drive a terminal. The fields keep the text as it came.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(char::is_control) {
            let (plain, tail) = rest.split_at(at);
            f.write_str(plain)?;
            let mut chars = tail.chars();
            if let Some(control) = chars.next() {
                write!(f, "{}", control.escape_debug())?;
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// ` (near `excerpt`)` after a decode error, escaped; nothing when there is no excerpt.
struct Near<'a>(&'a str);

impl fmt::Display for Near<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { Ok(()) } else { write!(f, " (near `{}`)", Escaped(self.0)) }
    }
}

/// A bounded, lossy UTF-8 excerpt of the start of `bytes`.
pub fn snippet(bytes: &[u8]) -> String {
    bounded_text(bytes.get(..MAX_SNIPPET_BYTES).unwrap_or(bytes))
}

/// A bounded excerpt of `bytes` centred on `offset`.
pub(crate) fn snippet_around(bytes: &[u8], offset: usize) -> String {
    let half = MAX_SNIPPET_BYTES / 4;
    let start = offset.saturating_sub(half).min(bytes.len());
    let end = offset.saturating_add(half).min(bytes.len());
    bounded_text(bytes.get(start..end).unwrap_or_default())
}

/// `bytes` as text (invalid UTF-8 as U+FFFD, three bytes each), cut to at most
/// [`MAX_SNIPPET_BYTES`] bytes on a character boundary.
fn bounded_text(bytes: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if text.len() > MAX_SNIPPET_BYTES {
        let end = (0..=MAX_SNIPPET_BYTES).rev().find(|&at| text.is_char_boundary(at));
        text.truncate(end.unwrap_or(0));
    }
    text
}

/// Converts serde_json's 1-based line and column into a byte offset.
pub(crate) fn offset_of(input: &[u8], line: usize, column: usize) -> usize {
    if line <= 1 {
        return column.saturating_sub(1).min(input.len());
    }
    let line_start =
        memchr::memchr_iter(b'\n', input).nth(line - 2).map_or(input.len(), |newline| newline + 1);
    line_start.saturating_add(column.saturating_sub(1)).min(input.len())
}
