//! Binary payloads carried as base64 text inside JSON answers (embedding vectors, images).

use base64::Engine as _;

use crate::error::{Error, snippet};

/// Decodes standard base64 (with padding); ASCII whitespace in it (MIME's line breaks every
/// 76 characters, as some encoders write) is skipped. Invalid text is an [`Error::Decode`]
/// of `what`.
pub(crate) fn decode_base64(what: &'static str, text: &str) -> Result<Vec<u8>, Error> {
    let engine = base64::engine::general_purpose::STANDARD;
    let decoded = engine.decode(text).or_else(|err| {
        if !text.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(err);
        }
        let packed: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        engine.decode(packed)
    });
    decoded.map_err(|err| Error::Decode {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_broken_base64_decodes_and_other_junk_does_not() {
        let bytes: Vec<u8> = (0..=255).collect();
        let encoded = encode_base64(&bytes);
        let wrapped: String = encoded
            .as_bytes()
            .chunks(76)
            .map(|line| format!("{}\r\n", String::from_utf8_lossy(line)))
            .collect();
        assert_eq!(decode_base64("image", &wrapped).unwrap(), bytes);
        assert_eq!(decode_base64("image", &format!(" {encoded}\n")).unwrap(), bytes);
        let err = decode_base64("image", "QUJD*RA==").unwrap_err();
        assert!(err.to_string().contains("invalid base64"), "{err}");
        assert!(
            decode_base64("image", "QUJ D=").is_err(),
            "whitespace does not excuse a bad length"
        );
    }
}
