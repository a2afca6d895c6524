//! `MessageStream`: server-sent events of a streamed message -> [`MessageEvent`]s.

use serde_json::{Map, Value};

use serde::Deserialize;

use super::event::{
    BlockDelta, ContentDelta, InputJsonDelta, MessageEvent, SignatureDelta, TextDelta,
    ThinkingDelta,
};
use crate::chat::decode::tolerant_deserialize;
use crate::error::{ApiError, Error, parse_api_error};
use crate::sse::typed::{EventFamily, typed_event_stream};

/// What an event decoding error names.
pub(super) const WHAT: &str = "message stream event";

typed_event_stream! {
    /// Decodes the body of a streamed message (`POST /messages` with `stream: true`) into
    /// [`MessageEvent`]s.
    ///
    /// The stream ends cleanly at `message_stop`: later bytes are not read, so a server that
    /// holds the body open does not hold the call (a `data: [DONE]`, which Anthropic does not
    /// send, before it ends the stream as a
    /// [`StreamError::Truncated`](crate::StreamError::Truncated)). An `error` event (`{"type":"error","error":{type, message}}`)
    /// becomes [`Error::Api`] (status `None`) and ends the stream. An event whose JSON does
    /// not fit its `type` yields [`Error::Decode`], a broken event [`Error::Stream`];
    /// decoding continues after both. Any other end of body yields exactly one
    /// [`StreamError::Truncated`](crate::StreamError::Truncated). A body that is one
    /// document is read whole: an error becomes [`Error::Api`], a message the events that
    /// would have streamed it (its `message_start`, each block started empty when it is
    /// text, its text as one `text_delta`, the block stopped, `message_stop`), anything else
    /// [`StreamError::UnexpectedDocument`](crate::StreamError::UnexpectedDocument).
    ///
    /// ```
    /// use naga_protocol::{MessageEvent, MessageStream};
    ///
    /// let mut stream = MessageStream::new();
    /// stream.feed(b"event: content_block_delta\n");
    /// stream.feed(b"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n");
    /// stream.feed(b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    /// stream.finish();
    /// let mut text = String::new();
    /// while let Some(event) = stream.next_event() {
    ///     text.push_str(event?.text_delta().unwrap_or_default());
    /// }
    /// assert_eq!(text, "Hi");
    /// # Ok::<(), naga_protocol::Error>(())
    /// ```
    MessageStream: Messages => MessageEvent, for super::request::MessagesRequest
}

/// The Messages API's events.
#[derive(Debug)]
pub(crate) enum Messages {}

impl EventFamily for Messages {
    type Event = MessageEvent;

    fn decode(name: &str, data: &str) -> Result<MessageEvent, Error> {
        let decode_error = |err: serde_json::Error| Error::decode(WHAT, data.as_bytes(), &err);
        if let Some(delta) = fast_block_delta(data) {
            return Ok(MessageEvent::ContentBlockDelta(delta));
        }
        let mut map: Map<String, Value> =
            crate::surrogates::from_str(data).map_err(decode_error)?;
        if !map.contains_key("type") && name != "message" {
            map.insert("type".to_owned(), Value::String(name.to_owned()));
        }
        let is_error = map.get("type").and_then(Value::as_str) == Some("error")
            || (!map.contains_key("type") && map.contains_key("error"));
        if is_error {
            return Err(error_event(&map, data));
        }
        MessageEvent::from_map(map).map_err(decode_error)
    }

    fn is_terminal(event: &MessageEvent) -> bool {
        matches!(event, MessageEvent::MessageStop(_))
    }

    fn decode_document(body: &[u8]) -> Result<Vec<MessageEvent>, Error> {
        super::document::decode_document(body)
    }
}

/// A `content_block_delta` (the most frequent event; every server writes `type` first) read
/// in one pass without an intermediate map; `None` leaves anything unusual (another event,
/// a repeated or unknown key, a delta type this reader does not know) to the general path,
/// which gives the same event or the error.
fn fast_block_delta(data: &str) -> Option<BlockDelta> {
    if !data.starts_with(r#"{"type":"content_block_delta","#) {
        return None;
    }
    let flat: FlatBlockDelta = serde_json::from_str(data).ok()?;
    let delta = flat.delta;
    let plain =
        flat.kind == "content_block_delta" && flat.extra.is_empty() && delta.extra.is_empty();
    let delta = match (delta.kind.as_str(), delta.text) {
        ("text_delta", Some(text)) if plain => ContentDelta::TextDelta(TextDelta { text }),
        ("input_json_delta", _) if plain => {
            ContentDelta::InputJsonDelta(InputJsonDelta { partial_json: delta.partial_json? })
        }
        ("thinking_delta", _) if plain => {
            ContentDelta::ThinkingDelta(ThinkingDelta { thinking: delta.thinking? })
        }
        ("signature_delta", _) if plain => {
            ContentDelta::SignatureDelta(SignatureDelta { signature: delta.signature? })
        }
        _ => return None,
    };
    Some(BlockDelta { index: flat.index, delta, extra: Map::new() })
}

/// A `content_block_delta` as [`fast_block_delta`] reads it.
#[derive(Debug, Default)]
struct FlatBlockDelta {
    kind: String,
    index: u32,
    delta: FlatDelta,
    extra: Map<String, Value>,
}

tolerant_deserialize!(FlatBlockDelta {
    "type" => kind: String = read Deserialize::deserialize,
    "index" => index: u32 = read Deserialize::deserialize,
    "delta" => delta: FlatDelta = read Deserialize::deserialize,
});

/// The `delta` of a [`FlatBlockDelta`]: every known delta's field.
#[derive(Debug, Default)]
struct FlatDelta {
    kind: String,
    text: Option<String>,
    partial_json: Option<String>,
    thinking: Option<String>,
    signature: Option<String>,
    extra: Map<String, Value>,
}

tolerant_deserialize!(FlatDelta {
    "type" => kind: String = read Deserialize::deserialize,
    "text" => text: Option<String> = read Deserialize::deserialize,
    "partial_json" => partial_json: Option<String> = read Deserialize::deserialize,
    "thinking" => thinking: Option<String> = read Deserialize::deserialize,
    "signature" => signature: Option<String> = read Deserialize::deserialize,
});

/// An `error` event as [`Error::Api`]: Anthropic's `{"type":"error","error":{type, message}}`
/// (Naga's envelope has the same `error` object), or a bare `{type, message}`.
fn error_event(map: &Map<String, Value>, data: &str) -> Error {
    if map.get("error").is_some_and(|error| error.is_object() || error.is_string()) {
        return parse_api_error(None, &http::HeaderMap::new(), data.as_bytes());
    }
    let message =
        map.get("message").and_then(Value::as_str).unwrap_or("the stream reported an error");
    Error::Api(Box::new(ApiError::in_stream(None, None, message.to_owned(), data.as_bytes())))
}
