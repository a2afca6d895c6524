//! `ResponseStream`: server-sent events of a streamed response -> [`ResponseEvent`]s.

use serde_json::{Map, Value};

use super::document::replay;
use super::event::{DeltaEvent, ResponseEvent, Snapshot};
use super::object::{ResponseObject, ResponseStatus};
use crate::error::{ApiError, Error, StreamError, parse_api_error, snippet, value_text};
use crate::sse::typed::{EventFamily, typed_event_stream};

/// What an event decoding error names.
const WHAT: &str = "response stream event";

typed_event_stream! {
/// Decodes the body of a streamed response (`POST /responses` with `stream: true`) into
/// [`ResponseEvent`]s.
///
/// The stream ends cleanly at `response.completed` or `response.incomplete`: later bytes (a
/// `data: [DONE]`, or anything a server sends before it closes) are not read, so a server
/// that holds the body open does not hold the call. A `[DONE]` or the end of body before
/// either ends it with [`StreamError::Truncated`]. An `error` event, a `response.failed` event, or a chat-style
/// `{"error": ...}` frame becomes [`Error::Api`] (status `None`) and ends the stream (a
/// `response.failed` after an `error` is not reported twice). An event whose JSON does not
/// fit its `type` yields [`Error::Decode`], a broken event [`Error::Stream`]; decoding
/// continues after both. Any other end of body yields exactly one
/// [`StreamError::Truncated`]. A body that is one document instead of events is read whole
/// (up to the event size limit): Naga's error envelope becomes [`Error::Api`], a response
/// object the events that would have streamed it (each output item added, a message's
/// output texts as one `OutputTextDelta` each, the item done, then `Completed` or
/// `Incomplete`), anything else [`StreamError::UnexpectedDocument`].
///
/// ```
/// use naga_protocol::{ResponseEvent, ResponseStream};
///
/// let mut stream = ResponseStream::new();
/// stream.feed(b"event: response.output_text.delta\n");
/// stream.feed(b"data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}\n\n");
/// stream.feed(b"data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[]}}\n\n");
/// stream.feed(b"data: [DONE]\n\n");
/// stream.finish();
/// let mut text = String::new();
/// while let Some(event) = stream.next_event() {
///     if let ResponseEvent::OutputTextDelta(delta) = event? {
///         text.push_str(&delta.delta);
///     }
/// }
/// assert_eq!(text, "Hi");
/// # Ok::<(), naga_protocol::Error>(())
/// ```
    ResponseStream: Responses => ResponseEvent, for super::request::ResponsesRequest
}

/// The Responses API's events.
#[derive(Debug)]
pub(crate) enum Responses {}

impl EventFamily for Responses {
    type Event = ResponseEvent;

    fn decode(name: &str, data: &str) -> Result<ResponseEvent, Error> {
        decode_event(name, data)
    }

    fn is_terminal(event: &ResponseEvent) -> bool {
        matches!(event, ResponseEvent::Completed(_) | ResponseEvent::Incomplete(_))
    }

    fn decode_document(body: &[u8]) -> Result<Vec<ResponseEvent>, Error> {
        decode_document(body)
    }
}

/// The [`ResponseEvent`] variant a [`DeltaEvent`] goes into.
type DeltaVariant = fn(DeltaEvent) -> ResponseEvent;

/// A delta event's constructor, when `data` opens with one of the delta types (the most
/// frequent events, as every server writes `type` first): those skip the intermediate map.
fn delta_kind(data: &str) -> Option<(&str, DeltaVariant)> {
    let rest = data.strip_prefix(r#"{"type":""#)?;
    let kind = rest.get(..rest.find('"')?)?;
    let wrap: DeltaVariant = match kind {
        "response.output_text.delta" => ResponseEvent::OutputTextDelta,
        "response.function_call_arguments.delta" => ResponseEvent::FunctionCallArgumentsDelta,
        "response.reasoning_summary_text.delta" => ResponseEvent::ReasoningSummaryTextDelta,
        "response.reasoning_text.delta" => ResponseEvent::ReasoningTextDelta,
        "response.refusal.delta" => ResponseEvent::RefusalDelta,
        _ => return None,
    };
    Some((kind, wrap))
}

/// One event's data: the event, or the error it reports, or a decode error. The SSE event
/// name stands in for a missing `type`.
fn decode_event(name: &str, data: &str) -> Result<ResponseEvent, Error> {
    let decode_error = |err: serde_json::Error| Error::decode(WHAT, data.as_bytes(), &err);
    // `type` is read into `extra`. A repeated `type` with another value (the last one
    // counts), or a delta this one-pass read refuses (a repeated key whose first value is
    // wrong, say), takes the general path below, which gives the same event or the error.
    if let Some((kind, wrap)) = delta_kind(data)
        && let Ok(mut delta) = crate::surrogates::from_str::<DeltaEvent>(data)
        && delta.extra.shift_remove("type").as_ref().and_then(Value::as_str) == Some(kind)
    {
        return Ok(wrap(delta));
    }
    let mut map: Map<String, Value> = crate::surrogates::from_str(data).map_err(decode_error)?;
    let kind = match map.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => "",
        None if map.get("error").is_some_and(|e| e.is_object() || e.is_string()) => "error",
        None if name != "message" => {
            map.insert("type".to_owned(), Value::String(name.to_owned()));
            name
        }
        None => "",
    };
    match kind {
        "error" => Err(error_event(&map, data)),
        "response.failed" => Err(failed_event(&map, data)),
        _ => ResponseEvent::from_map(map).map_err(decode_error),
    }
}

/// An `error` event (`{type, code, message, param}`), or an `{"error": {...}}` frame, as
/// [`Error::Api`].
fn error_event(map: &Map<String, Value>, data: &str) -> Error {
    if let Some(Value::Object(_) | Value::String(_)) = map.get("error") {
        return parse_api_error(None, &http::HeaderMap::new(), data.as_bytes());
    }
    let message = map.get("message").and_then(Value::as_str);
    let (code, param) = (map.get("code"), map.get("param"));
    let message = message.unwrap_or("the stream reported an error");
    api_error(code.and_then(value_text), param.and_then(value_text), message, data)
}

/// A `response.failed` event as [`Error::Api`], from the response's `error`.
fn failed_event(map: &Map<String, Value>, data: &str) -> Error {
    let error = map.get("response").and_then(|response| response.get("error"));
    let field = |name: &str| error.and_then(|error| error.get(name));
    let message = field("message").and_then(Value::as_str).unwrap_or("the response failed");
    let (code, param) = (field("code").and_then(value_text), field("param").and_then(value_text));
    api_error(code, param, message, data)
}

/// An error of a stream's own shape; its `code` is also its type (these errors carry no
/// other category).
fn api_error(code: Option<String>, param: Option<String>, message: &str, data: &str) -> Error {
    let mut error = ApiError::in_stream(code.clone(), code, message.to_owned(), data.as_bytes());
    error.param = param;
    Error::Api(Box::new(error))
}

/// A whole document body: Naga's error envelope, a response object (as the events that
/// stream it, [`replay`]), or neither.
fn decode_document(body: &[u8]) -> Result<Vec<ResponseEvent>, Error> {
    let unexpected = || Error::Stream(StreamError::UnexpectedDocument { snippet: snippet(body) });
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(unexpected());
    };
    if map.get("error").is_some_and(|e| (e.is_object() || e.is_string()) && !is_response(&map)) {
        return Err(parse_api_error(None, &http::HeaderMap::new(), body));
    }
    if !is_response(&map) {
        return Err(unexpected());
    }
    let response: ResponseObject = serde_json::from_value(Value::Object(map))
        .map_err(|err| Error::decode(WHAT, body, &err))?;
    let data = String::from_utf8_lossy(body);
    let snapshot = Snapshot { response, sequence_number: None, extra: Map::new() };
    match snapshot.response.status {
        Some(ResponseStatus::Failed) => {
            let error = snapshot.response.error.unwrap_or_default();
            let message = error.message.as_deref().unwrap_or("the response failed");
            let param = error.extra.get("param").and_then(value_text);
            Err(api_error(error.code.clone(), param, message, &data))
        }
        Some(ResponseStatus::Incomplete) => Ok(replay(snapshot, ResponseEvent::Incomplete)),
        _ => Ok(replay(snapshot, ResponseEvent::Completed)),
    }
}

/// Whether a JSON object is a response object.
fn is_response(map: &Map<String, Value>) -> bool {
    map.get("object").and_then(Value::as_str) == Some("response")
        || map.get("output").is_some_and(Value::is_array)
}
