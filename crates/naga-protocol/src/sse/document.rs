//! A streaming request answered with one document instead of server-sent events (a proxy's
//! `200 OK` error body, a server that ignores `stream: true`, a web page at a wrong base
//! URL): told apart by the body's first byte, and buffered whole for the stream decoder to
//! turn into an API error, the answer, or a typed error showing the document; never a
//! silent empty stream.

use std::fmt;

use crate::error::{Error, StreamError};
use crate::operation::BOM;

/// What a response body turned out to be, told by its first byte that is not whitespace:
/// `{` or `[` (JSON) or `<` (HTML, XML) start a document; no event stream starts with any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// Only whitespace so far.
    Unknown,
    /// Server-sent events (anything else first): the SSE parser has it.
    Events,
    /// A document, buffered until the end of the body.
    Document,
    /// A document larger than the event size limit; its bytes are dropped.
    TooLarge,
}

/// Sniffs a stream body and buffers it when it is a document.
pub(crate) struct BodySniffer {
    /// What the body is so far.
    pub(crate) kind: BodyKind,
    /// The document so far (empty unless `kind` is `Document`).
    document: Vec<u8>,
    /// Bytes examined while the kind was unknown.
    seen: usize,
    /// Bytes of a byte order mark at the body's start matched so far.
    bom: usize,
}

impl BodySniffer {
    /// Nothing seen yet.
    pub(crate) fn new() -> Self {
        BodySniffer { kind: BodyKind::Unknown, document: Vec::new(), seen: 0, bom: 0 }
    }

    /// Takes `bytes` when the body is (or turns out to be) a document of at most `limit`
    /// bytes; `false` leaves them to the SSE parser.
    pub(crate) fn take(&mut self, mut bytes: &[u8], limit: usize) -> bool {
        if self.kind == BodyKind::Unknown {
            let start = self.first_significant(bytes);
            match start.and_then(|start| Some((start, *bytes.get(start)?))) {
                None => return false, // blank so far: harmless to the SSE parser too
                Some((start, b'{' | b'[' | b'<')) => {
                    // The document starts at its `{` however the whitespace was split.
                    bytes = bytes.get(start..).unwrap_or_default();
                    self.kind = BodyKind::Document;
                }
                Some(_) => self.kind = BodyKind::Events,
            }
        }
        match self.kind {
            BodyKind::Document if self.document.len().saturating_add(bytes.len()) <= limit => {
                self.document.extend_from_slice(bytes);
            }
            BodyKind::Document => {
                self.kind = BodyKind::TooLarge;
                self.document = Vec::new();
            }
            BodyKind::TooLarge => {}
            BodyKind::Unknown | BodyKind::Events => return false,
        }
        true
    }

    /// The index in `bytes` of the body's first byte that is neither whitespace nor part of
    /// a byte order mark at its very start (as the SSE parser, and JSON readers, skip one).
    fn first_significant(&mut self, bytes: &[u8]) -> Option<usize> {
        let first = bytes.iter().enumerate().position(|(index, &byte)| {
            let at = self.seen + index;
            if self.bom == at && BOM.get(at) == Some(&byte) {
                self.bom += 1;
                return false;
            }
            !matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
        });
        self.seen = self.seen.saturating_add(bytes.len());
        first
    }

    /// Whether the body is a document (the SSE parser never saw it).
    pub(crate) fn is_document(&self) -> bool {
        matches!(self.kind, BodyKind::Document | BodyKind::TooLarge)
    }

    /// The whole document, or [`StreamError::EventTooLarge`] for one over `limit`.
    pub(crate) fn take_document(&mut self, limit: usize) -> Result<Vec<u8>, Error> {
        if self.kind == BodyKind::TooLarge {
            return Err(Error::Stream(StreamError::EventTooLarge { limit }));
        }
        Ok(std::mem::take(&mut self.document))
    }
}

impl fmt::Debug for BodySniffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A document body can be megabytes: only its length is shown.
        f.debug_struct("BodySniffer")
            .field("kind", &self.kind)
            .field("document_bytes", &self.document.len())
            .finish()
    }
}
