//! Binary payloads carried as base64 text inside JSON answers (embedding vectors, images).

use base64::Engine as _;

use crate::error::{Error, snippet};

/// Decodes standard base64 (with padding); invalid text is an [`Error::Decode`] of `what`.
pub(crate) fn decode_base64(what: &'static str, text: &str) -> Result<Vec<u8>, Error> {
    base64::engine::general_purpose::STANDARD.decode(text).map_err(|err| Error::Decode {
        what,
        offset: 0,
        message: format!("invalid base64: {err}"),
        snippet: snippet(text.as_bytes()),
    })
}

/// Encodes `bytes` as standard base64 (with padding).
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
