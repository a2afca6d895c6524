//! Endpoints as types: one trait, one generic request builder, one generic response parser.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HOST, HeaderMap,
    HeaderValue, USER_AGENT,
};
use http::{Method, Request, StatusCode};
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::{Error, parse_api_error};

/// Which key authenticates an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// The standard API key (inference endpoints).
    ApiKey,
    /// The standard API key when one is set; anonymous otherwise (e.g. `GET /models`).
    OptionalApiKey,
    /// The provisioning key (`/account/*`).
    Provisioning,
}

/// One endpoint of the API: everything a transport needs to send it and read the answer.
pub trait Operation {
    /// The parsed successful response.
    type Output: DeserializeOwned;

    /// HTTP method.
    fn method(&self) -> Method;

    /// Path below the base URL, starting with `/` (e.g. `/chat/completions`).
    fn path(&self) -> Cow<'_, str>;

    /// The JSON body, validated first; `None` for bodiless requests.
    fn body(&self) -> Result<Option<Bytes>, Error>;

    /// Which key authenticates the request.
    fn auth(&self) -> Auth {
        Auth::ApiKey
    }

    /// Whether the response is a stream of server-sent events.
    fn is_streaming(&self) -> bool {
        false
    }

    /// The `Content-Type` of `body` (what [`body`](Self::body) built): JSON unless the
    /// operation sends something else (a multipart form names its boundary here).
    fn content_type(&self, body: &[u8]) -> Cow<'static, str> {
        let _ = body;
        Cow::Borrowed("application/json")
    }

    /// The `Accept` header: server-sent events for a streaming request, else JSON.
    fn accept(&self) -> &'static str {
        if self.is_streaming() { "text/event-stream" } else { "application/json" }
    }

    /// Short name used in errors and logs (e.g. `chat completion`).
    const NAME: &'static str;

    /// Decodes a successful response body: [`decode_json`] past a leading UTF-8 byte order
    /// mark (Naga's error envelope, sent with a success status, is that [`Error::Api`]),
    /// unless the output type has a faster reader that gives the same value or error (chat
    /// completions do) or is not JSON (speech audio).
    fn decode_output(body: &[u8]) -> Result<Self::Output, Error> {
        let json = without_bom(body);
        match crate::error::error_envelope_in(json) {
            Some(error) => Err(error),
            None => decode_json(Self::NAME, json),
        }
    }
}

/// An operation whose response can be a stream of server-sent events.
pub trait StreamingOperation: Operation {
    /// The decoder that turns response bytes into items.
    type Decoder: StreamDecoder;

    /// A fresh decoder for one response.
    fn decoder(&self) -> Self::Decoder;

    /// A fresh decoder that rejects events larger than `limit` bytes; what clients call with
    /// their `max_event_size` setting. The default ignores the limit and returns
    /// [`decoder`](Self::decoder); SSE operations override it.
    fn decoder_with_max_event_size(&self, limit: usize) -> Self::Decoder {
        let _ = limit;
        self.decoder()
    }
}

/// A push-pull decoder of a streamed response body.
///
/// Call order: after each [`feed`](StreamDecoder::feed), drain
/// [`next_item`](StreamDecoder::next_item) until it returns `None`; at end of body call
/// [`finish`](StreamDecoder::finish) and drain again. A stream that ends without its terminal
/// event yields a truncation error at the end of the drain, never a silent success.
pub trait StreamDecoder {
    /// One decoded item (e.g. a chat completion chunk).
    type Item;

    /// Appends response bytes.
    fn feed(&mut self, bytes: &[u8]);

    /// Appends a response read handed over as `Bytes` (what async HTTP clients produce).
    /// Decoders that can keep the read without copying it override this; the default
    /// copies it through [`feed`](StreamDecoder::feed).
    fn feed_bytes(&mut self, bytes: Bytes) {
        self.feed(&bytes);
    }

    /// The next complete item, or an error for a broken event; `None` when more bytes are
    /// needed (or the stream is over).
    fn next_item(&mut self) -> Option<Result<Self::Item, Error>>;

    /// Marks the end of the body.
    fn finish(&mut self);

    /// Marks the end of the body when the connection was lost before the body's own end (a
    /// short `content-length`, a missing last chunk, a reset). A decoder whose items show
    /// the end (a terminal event) judges the cut as at [`finish`](StreamDecoder::finish);
    /// one whose items cannot (audio, a document in place of events) yields
    /// [`StreamError::Cut`](crate::StreamError::Cut) instead of ending as if complete.
    /// Defaults to `finish`.
    fn finish_early(&mut self) {
        self.finish();
    }

    /// Whether the stream is over: no more items will follow, and none is waiting to be
    /// taken (an item still held, e.g. the last one after [`finish`](StreamDecoder::finish),
    /// keeps this `false` until [`next_item`](StreamDecoder::next_item) hands it out).
    fn is_done(&self) -> bool;
}

/// Adds up the items of a stream into the answer a non-streaming call returns (the
/// transports' `into_completion`, `into_response` and `into_message` drive one).
pub trait StreamAccumulator: Default {
    /// One stream item (e.g. a chat completion chunk).
    type Item;
    /// The answer (e.g. a chat completion).
    type Output;

    /// Adds one item.
    fn push(&mut self, item: &Self::Item);

    /// The answer added up.
    fn finish(self) -> Self::Output;

    /// Adds one item of a stream: shown to `on_item`, then added; an error comes back as is
    /// (what was added so far stays).
    fn push_item<E>(
        &mut self,
        item: Result<Self::Item, E>,
        on_item: &mut impl FnMut(&Self::Item),
    ) -> Result<(), E> {
        let item = item?;
        on_item(&item);
        self.push(&item);
        Ok(())
    }

    /// Adds up `items`, each shown to `on_item` first, to the first error: the answer, or
    /// the error with what was added up before it.
    fn add_up<E>(
        mut self,
        items: impl IntoIterator<Item = Result<Self::Item, E>>,
        mut on_item: impl FnMut(&Self::Item),
    ) -> Result<Self::Output, (E, Self)> {
        for item in items {
            if let Err(error) = self.push_item(item, &mut on_item) {
                return Err((error, self));
            }
        }
        Ok(self.finish())
    }
}

/// Room left in a built request's header map for what a hyper-based transport adds to it
/// (`Host`, `Content-Length`, both through `HeaderMap::entry`, which grows a full map even
/// for a name it holds: a reallocation and rehash per request). None when the defaults
/// carry `Host`: such a config ([`Config::with_host_header`]) is made for a client that
/// writes the head from the map as it is, and a larger map only costs it a larger allocation.
fn transport_room(defaults: &HeaderMap) -> usize {
    if defaults.contains_key(HOST) { 0 } else { 2 }
}

/// Builds the HTTP request for `op`: URL, method, headers (auth, content type, user agent,
/// defaults) and the validated body.
///
/// Connection and framing headers are the transport's job and are not in the request:
/// `Host`, `Content-Length` and `Transfer-Encoding`. An HTTP library (hyper, reqwest, ureq)
/// adds them from the URI and the body; a hand-written HTTP/1.1 writer must write `Host`
/// (or get it as a default header from [`Config::with_host_header`]) and frame the body
/// itself (`Content-Length: <body length>`, or chunked transfer coding).
///
/// ```
/// use naga_protocol::{build_request, ChatRequest, Config, Message};
/// use naga_protocol::http::header::{CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
/// let config = Config::new("ng-key")?;
/// let req = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]);
/// let http = build_request(&config, &req)?;
/// assert_eq!(http.uri(), "https://api.naga.ac/v1/chat/completions");
/// assert!([HOST, CONTENT_LENGTH, TRANSFER_ENCODING].iter().all(|h| !http.headers().contains_key(h)));
///
/// // For a client that writes the head from the map as it is:
/// let http = build_request(&config.with_host_header(), &req)?;
/// assert_eq!(http.headers()[HOST], "api.naga.ac");
/// # Ok::<(), naga_protocol::Error>(())
/// ```
pub fn build_request<O: Operation + ?Sized>(
    config: &Config,
    op: &O,
) -> Result<Request<Bytes>, Error> {
    let body = op.body()?;
    let invalid_url = || Error::invalid("base_url", "does not form a valid request URL");
    let uri = config.request_uri(&op.path()).ok_or_else(invalid_url)?;
    // The default headers are the start of the map, which has room for the five below and
    // for what the transport adds.
    let defaults = config.default_headers();
    let mut headers = HeaderMap::with_capacity(defaults.len() + 5 + transport_room(defaults));
    for (name, value) in defaults {
        headers.append(name.clone(), value.clone());
    }
    headers.insert(USER_AGENT, config.user_agent().clone());
    headers.insert(ACCEPT, HeaderValue::from_static(op.accept()));
    // Without it a server may pick any content coding (RFC 9110, 12.5.3); bodies are parsed
    // as they arrive, so ask for them as they are (unless the caller's defaults say else).
    headers.entry(ACCEPT_ENCODING).or_insert(HeaderValue::from_static("identity"));
    if let Some(body) = &body {
        let content_type = match op.content_type(body) {
            Cow::Borrowed(text) => HeaderValue::from_static(text),
            Cow::Owned(text) => HeaderValue::try_from(text)
                .map_err(|_| Error::invalid("body", "has a content type no header can carry"))?,
        };
        headers.insert(CONTENT_TYPE, content_type);
    }
    if let Some(secret) = auth_secret(config, op.auth())? {
        headers.insert(AUTHORIZATION, secret.bearer().clone());
    }
    let mut request = Request::new(body.unwrap_or_default());
    *request.method_mut() = op.method();
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(request)
}

/// The request of each attempt of one call: built once up front (so a bad request fails
/// before anything is sent), moved into the first attempt, and built again only for a retry.
/// Copying every request in case it is retried costs every call; building it again costs
/// only the rare retry, and gives the same bytes (building is deterministic for a given
/// `op`: [`Operation::body`] is called again).
///
/// ```
/// use naga_protocol::{AttemptRequests, ChatRequest, Config, Message};
/// let config = Config::new("ng-key")?;
/// let req = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]);
/// let mut requests = AttemptRequests::new(&config, &req)?;
/// let first = requests.next_attempt()?;
/// let retry = requests.next_attempt()?;
/// assert_eq!((first.uri(), first.headers(), first.body()), (retry.uri(), retry.headers(), retry.body()));
/// # Ok::<(), naga_protocol::Error>(())
/// ```
pub struct AttemptRequests<'a, O: ?Sized> {
    config: &'a Config,
    op: &'a O,
    /// The request built up front, until the first attempt takes it.
    first: Option<Request<Bytes>>,
}

impl<'a, O: Operation + ?Sized> AttemptRequests<'a, O> {
    /// Builds the first attempt's request (see [`build_request`]).
    pub fn new(config: &'a Config, op: &'a O) -> Result<Self, Error> {
        Ok(AttemptRequests { config, op, first: Some(build_request(config, op)?) })
    }

    /// The request for the next attempt: the one built up front, then a new build.
    pub fn next_attempt(&mut self) -> Result<Request<Bytes>, Error> {
        match self.first.take() {
            Some(request) => Ok(request),
            None => build_request(self.config, self.op),
        }
    }
}

impl<O: ?Sized> std::fmt::Debug for AttemptRequests<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The request holds the secret in its headers: only say whether it is still held.
        f.debug_struct("AttemptRequests")
            .field("first_held", &self.first.is_some())
            .finish_non_exhaustive()
    }
}

fn auth_secret(config: &Config, auth: Auth) -> Result<Option<&crate::Secret>, Error> {
    match auth {
        Auth::ApiKey => config
            .api_key()
            .map(Some)
            .ok_or_else(|| Error::invalid("api_key", "is required (set NAGA_API_KEY)")),
        Auth::OptionalApiKey => Ok(config.api_key()),
        Auth::Provisioning => config.provisioning_key().map(Some).ok_or_else(|| {
            Error::invalid("provisioning_key", "is required (set NAGA_PROVISIONING_KEY)")
        }),
    }
}

/// Parses a complete response for `O`: an error status becomes [`Error::Api`], a success
/// body is decoded into `O::Output` (or [`Error::Decode`] naming the offset).
pub fn parse_response<O: Operation + ?Sized>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<O::Output, Error> {
    check_status(status, headers, body)?;
    O::decode_output(body)
}

/// Returns the API error for a non-success status, so a transport can stop before reading a
/// stream body as events.
pub fn check_status(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<(), Error> {
    if status.is_success() { Ok(()) } else { Err(parse_api_error(Some(status), headers, body)) }
}

/// Refuses a success response whose body is in a content coding (`Content-Encoding: gzip`,
/// ...), before it is read: requests ask for `identity` and nothing here decompresses, so
/// such a body would otherwise fail later as garbled JSON or as a stream without events.
///
/// ```
/// use http::HeaderMap;
/// use naga_protocol::check_content_encoding;
///
/// let mut headers = HeaderMap::new();
/// assert!(check_content_encoding(&headers).is_ok());
/// headers.insert("content-encoding", "gzip".parse()?);
/// let err = check_content_encoding(&headers).unwrap_err();
/// assert!(err.to_string().contains("`gzip`"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_content_encoding(headers: &HeaderMap) -> Result<(), Error> {
    let Some(coding) = content_coding(headers) else { return Ok(()) };
    Err(Error::Decode {
        what: "response body",
        offset: 0,
        message: format!(
            "it arrived in the content coding `{coding}`, which is not decoded (requests ask \
             for `identity` unless a default `Accept-Encoding` header asks for more)"
        ),
        snippet: String::new(),
    })
}

/// The first content coding of a response other than `identity`, if any.
pub(crate) fn content_coding(headers: &HeaderMap) -> Option<String> {
    let codings = headers.get_all(CONTENT_ENCODING).iter();
    let mut names = codings.flat_map(|value| value.as_bytes().split(|&byte| byte == b','));
    let coding = names.find(|name| !is_identity(name))?;
    Some(String::from_utf8_lossy(coding.trim_ascii()).into_owned())
}

/// Whether a listed content coding leaves the body as it is (`identity`, or an empty
/// list element).
fn is_identity(name: &[u8]) -> bool {
    let name = name.trim_ascii();
    name.is_empty() || name.eq_ignore_ascii_case(b"identity")
}

/// Implements [`Operation`] for a request sent as `POST <path>` with its validated JSON
/// (`validate()` first, then [`json_body`]).
macro_rules! json_post_operation {
    ($request:ty => $output:ty, $name:literal, $path:literal) => {
        impl $crate::operation::Operation for $request {
            type Output = $output;

            const NAME: &'static str = $name;

            fn method(&self) -> http::Method {
                http::Method::POST
            }

            fn path(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed($path)
            }

            fn body(&self) -> Result<Option<bytes::Bytes>, $crate::error::Error> {
                self.validate()?;
                $crate::operation::json_body(self)
            }
        }
    };
}

pub(crate) use json_post_operation;

/// For a stream decoder `$decoder` with inherent `new`, `with_max_event_size`, `feed`,
/// `feed_bytes`, `finish`, `finish_early`, `is_done` and `$next` (yielding `$item`):
/// implements `Default`, [`StreamDecoder`] through those methods, and
/// [`StreamingOperation`] for `$request`, whose decoders `$configure(request, decoder)` sets
/// up from the request when given.
macro_rules! stream_decoder_impls {
    ($decoder:ident => $item:ty, $next:ident, $request:ty) => {
        $crate::operation::stream_decoder_impls!(
            $decoder => $item, $next, $request, |_request, decoder| decoder
        );
    };
    ($decoder:ident => $item:ty, $next:ident, $request:ty, $configure:expr) => {
        impl Default for $decoder {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $crate::operation::StreamDecoder for $decoder {
            type Item = $item;

            fn feed(&mut self, bytes: &[u8]) {
                $decoder::feed(self, bytes);
            }

            fn feed_bytes(&mut self, bytes: bytes::Bytes) {
                $decoder::feed_bytes(self, bytes);
            }

            fn next_item(&mut self) -> Option<Result<$item, $crate::error::Error>> {
                self.$next()
            }

            fn finish(&mut self) {
                $decoder::finish(self);
            }

            fn finish_early(&mut self) {
                $decoder::finish_early(self);
            }

            fn is_done(&self) -> bool {
                $decoder::is_done(self)
            }
        }

        impl $crate::operation::StreamingOperation for $request {
            type Decoder = $decoder;

            fn decoder(&self) -> $decoder {
                let configure: fn(&$request, $decoder) -> $decoder = $configure;
                configure(self, $decoder::new())
            }

            fn decoder_with_max_event_size(&self, limit: usize) -> $decoder {
                let configure: fn(&$request, $decoder) -> $decoder = $configure;
                configure(self, $decoder::with_max_event_size(limit))
            }
        }
    };
}

pub(crate) use stream_decoder_impls;

/// The answer `decode` reads from `body` (past a leading byte order mark), unless that fails
/// on a body of server-sent events (a server that streams although `stream` was not asked
/// for): then the answer those events add up to (decoder `D`, accumulator `A`), or the
/// stream's first error (an error event, a truncation).
pub(crate) fn or_event_stream<D, A>(
    body: &[u8],
    decode: impl FnOnce(&[u8]) -> Result<A::Output, Error>,
) -> Result<A::Output, Error>
where
    D: StreamDecoder + Default,
    A: StreamAccumulator<Item = D::Item>,
{
    let decoded = decode(without_bom(body));
    if decoded.is_ok() || !is_event_stream(body) {
        return decoded;
    }
    let mut decoder = D::default();
    decoder.feed(body);
    decoder.finish();
    let events = std::iter::from_fn(|| decoder.next_item());
    A::default().add_up(events, |_| {}).map_err(|(error, _)| error)
}

/// `decoded`, a success answer's body read as the operation's output, unless the body is
/// really an error: the output holds a top-level error (`error_in`, as Naga's envelope
/// decodes into it) or, failing to decode, the body is the envelope. Then that error, as
/// [`Error::Api`] without a status (the status said success), shown as found in a success
/// response.
pub(crate) fn unless_error_body<T>(
    body: &[u8],
    decoded: Result<T, Error>,
    error_in: impl FnOnce(&T) -> bool,
) -> Result<T, Error> {
    match decoded {
        Ok(output) if error_in(&output) => Err(crate::error::success_body_error(body)),
        Err(err) => Err(crate::error::api_error_in_success(body).unwrap_or(err)),
        ok => ok,
    }
}

/// Whether `body` opens like server-sent events: a `data`, `event` or `id` field, or a
/// comment, on its first line that is not blank.
fn is_event_stream(body: &[u8]) -> bool {
    let body = without_bom(body); // the SSE parser skips it too
    let start = body.iter().position(|byte| !byte.is_ascii_whitespace()).unwrap_or(body.len());
    let head = body.get(start..).unwrap_or_default();
    [b":".as_slice(), b"data:", b"event:", b"id:"].iter().any(|field| head.starts_with(field))
}

/// A request for a streamed answer (what the `as_streaming` methods return): `request`
/// itself when its `stream` is already `Some(true)`, else a copy with `stream` set by `set`.
pub(crate) fn streaming_request<T: Clone>(
    request: &T,
    stream: Option<bool>,
    set: fn(&mut T),
) -> Cow<'_, T> {
    if stream == Some(true) {
        return Cow::Borrowed(request);
    }
    let mut copy = request.clone();
    set(&mut copy);
    Cow::Owned(copy)
}

/// Rejects an empty (or blank) model id.
pub(crate) fn check_model(model: &str) -> Result<(), Error> {
    if model.trim().is_empty() {
        return Err(Error::invalid("model", "must not be empty"));
    }
    Ok(())
}

/// Rejects a blank text, or one longer than `max` characters (not bytes).
pub(crate) fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), Error> {
    let chars = text.chars().count();
    if chars > 0 && text.trim().is_empty() {
        return Err(Error::invalid(field, "must not be only whitespace"));
    }
    if chars == 0 || chars > max {
        let reason = format!("must hold 1..={max} characters (has {chars})");
        return Err(Error::invalid(field, reason));
    }
    Ok(())
}

/// Rejects an extra field (of a body's `extra` map or a form's extra fields; `names`) that
/// repeats one of the typed fields `known` (the typed field is the one to set; two values
/// for one key would be ambiguous on the wire).
pub(crate) fn check_extra<'a>(
    names: impl IntoIterator<Item = &'a String>,
    known: &[&str],
) -> Result<(), Error> {
    match names.into_iter().find(|name| known.contains(&name.as_str())) {
        Some(name) => Err(Error::invalid(
            format!("extra.{name}"),
            "repeats a typed field; set the field itself",
        )),
        None => Ok(()),
    }
}

/// `value` as a JSON request body (for [`Operation::body`]); a value serde cannot encode is
/// an [`Error::InvalidRequest`] on `body`.
/// An object would hold a key twice (an `extra` entry named like a typed field, at any depth)
/// is an [`Error::InvalidRequest`] naming its path.
pub(crate) fn json_body<T: serde::Serialize>(value: &T) -> Result<Option<Bytes>, Error> {
    Ok(Some(Bytes::from(crate::json_out::to_json_unique(value)?)))
}

/// Decodes JSON into `T`, reporting failures as [`Error::Decode`]. A lone UTF-16 surrogate
/// escape (`"\ud83d"` without its other half), which RFC 8259 allows and serde_json
/// refuses, reads as U+FFFD.
/// An empty body (a `204 No Content` to a call that expects an answer, say) is said to be
/// empty.
pub fn decode_json<T: DeserializeOwned>(what: &'static str, body: &[u8]) -> Result<T, Error> {
    if body.trim_ascii().is_empty() {
        let message = "the answer's body is empty".to_owned();
        return Err(Error::Decode { what, offset: 0, message, snippet: String::new() });
    }
    crate::surrogates::from_slice(body).map_err(|err| Error::decode(what, body, &err))
}

/// `body` without a leading UTF-8 byte order mark (some servers and proxies write one before
/// JSON; Python's `json` and the Fetch standard's UTF-8 decoding both skip it).
pub(crate) fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(BOM).unwrap_or(body)
}

/// The UTF-8 byte order mark: skipped before a JSON answer, and at the start of an event
/// stream (the SSE parser and the stream's document sniffer, split across reads or not).
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";
