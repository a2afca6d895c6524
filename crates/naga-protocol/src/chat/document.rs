//! A streaming request answered with one document instead of server-sent events (a proxy's
//! `200 OK` error body, a server that ignores `stream: true`, a web page at a wrong base
//! URL): read whole, it becomes an API error, the completion as one chunk, or a typed error
//! showing the document; never a silent empty stream.

use super::chunk::ChatCompletionChunk;
use super::response::ChatCompletion;
use super::stream::{ChatStream, is_error_envelope, is_error_value, stream_api_error};
use crate::error::{Error, StreamError, snippet};

/// What a response body turned out to be, told by its first byte that is not whitespace:
/// `{` or `[` (JSON) or `<` (HTML, XML) start a document; no event stream starts with any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
    /// Only whitespace so far.
    Unknown,
    /// Server-sent events (anything else first): the SSE parser has it.
    Events,
    /// A document, buffered in `ChatStream::document` until the end of the body.
    Document,
    /// A document larger than the event size limit; its bytes are dropped.
    TooLarge,
}

impl ChatStream {
    /// Takes `bytes` when the body is (or turns out to be) a document; `false` leaves
    /// them to the SSE parser.
    pub(super) fn take_document(&mut self, mut bytes: &[u8]) -> bool {
        if self.body == Body::Unknown {
            let start = bytes.iter().position(|byte| !matches!(byte, b' ' | b'\t' | b'\r' | b'\n'));
            match start.and_then(|start| Some((start, *bytes.get(start)?))) {
                None => return false, // blank so far: harmless to the SSE parser too
                Some((start, b'{' | b'[' | b'<')) => {
                    // The document starts at its `{` however the whitespace was split.
                    bytes = bytes.get(start..).unwrap_or_default();
                    self.body = Body::Document;
                }
                Some(_) => self.body = Body::Events,
            }
        }
        match self.body {
            Body::Document if self.document.len().saturating_add(bytes.len()) <= self.limit() => {
                self.document.extend_from_slice(bytes);
            }
            Body::Document => {
                self.body = Body::TooLarge;
                self.document = Vec::new();
            }
            Body::TooLarge => {}
            Body::Unknown | Body::Events => return false,
        }
        true
    }

    /// The one item of a document body: an oversize error at once, else the decoded
    /// document once the body is finished.
    pub(super) fn document_item(&mut self) -> Option<Result<ChatCompletionChunk, Error>> {
        if self.done || !(self.finished || self.body == Body::TooLarge) {
            return None;
        }
        self.done = true;
        if self.body == Body::TooLarge {
            return Some(Err(Error::Stream(StreamError::EventTooLarge { limit: self.limit() })));
        }
        let document = std::mem::take(&mut self.document);
        let item = decode_document(&document);
        self.terminal = item.is_ok();
        Some(item)
    }

    fn limit(&self) -> usize {
        self.parser.max_event_size()
    }
}

/// A whole document body: Naga's error envelope, a completion (as one chunk), or neither.
fn decode_document(body: &[u8]) -> Result<ChatCompletionChunk, Error> {
    let unexpected = || Error::Stream(StreamError::UnexpectedDocument { snippet: snippet(body) });
    if body.first() != Some(&b'{') {
        return Err(unexpected()); // an array or a page
    }
    let completion = match ChatCompletion::from_json(body) {
        Ok(completion) => completion,
        Err(_) if is_error_envelope(body) => return Err(stream_api_error(body)),
        Err(err) => return Err(err),
    };
    if completion.extra.get("error").is_some_and(is_error_value) {
        return Err(stream_api_error(body));
    }
    if completion.choices.is_empty() && completion.object != "chat.completion" {
        return Err(unexpected());
    }
    Ok(completion.into())
}
