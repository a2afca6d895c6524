//! A chat stream whose body is one document (see `crate::sse::document`): read whole, it
//! becomes an API error, the completion as one chunk, or a typed error showing the
//! document; never a silent empty stream.

use super::chunk::ChatCompletionChunk;
use super::response::ChatCompletion;
use super::stream::{is_error_envelope, is_error_value, stream_api_error};
use crate::error::{Error, StreamError, snippet};

/// A whole document body: Naga's error envelope, a completion (as one chunk), or neither.
pub(super) fn decode_document(body: &[u8]) -> Result<ChatCompletionChunk, Error> {
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
