//! Files sent inline: the format read from a file's bytes (the kinds Naga accepts, §2.2) and
//! the bytes as base64; anything else refused before it is sent. Shared by the content
//! parts of chat, Responses and Messages.

use crate::binary::encode_base64;
use crate::chat::AudioFormat;
use crate::error::Error;

/// The MIME type of a PDF.
pub(crate) const PDF: &str = "application/pdf";

/// `base64` of type `mime` inline in a `data:` URL, as the APIs take images and files.
pub(crate) fn data_url(mime: &str, base64: &str) -> String {
    format!("data:{mime};base64,{base64}")
}

/// An image's MIME type and its bytes as base64.
///
/// # Errors
/// [`Error::InvalidRequest`] (field `image`) unless the bytes are PNG, JPEG, WebP or GIF.
pub(crate) fn image(bytes: &[u8]) -> Result<(&'static str, String), Error> {
    let mime = image_type(bytes).ok_or_else(|| {
        Error::invalid("image", "not a PNG, JPEG, WebP or GIF image (the formats Naga accepts)")
    })?;
    Ok((mime, encode_base64(bytes)))
}

/// A PDF's bytes as base64.
///
/// # Errors
/// [`Error::InvalidRequest`] (field `file`) unless the bytes start as a PDF does.
pub(crate) fn pdf(bytes: &[u8]) -> Result<String, Error> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(Error::invalid("file", "not a PDF (Naga accepts PDF files only)"));
    }
    Ok(encode_base64(bytes))
}

/// Audio's format and its bytes as base64.
///
/// # Errors
/// [`Error::InvalidRequest`] (field `input_audio`) unless the bytes are WAV or MP3.
pub(crate) fn audio(bytes: &[u8]) -> Result<(AudioFormat, String), Error> {
    let format = audio_format(bytes).ok_or_else(|| {
        Error::invalid("input_audio", "not WAV or MP3 audio (the formats Naga accepts)")
    })?;
    Ok((format, encode_base64(bytes)))
}

/// The MIME type of an image Naga accepts, from its signature.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// The format of audio Naga accepts: a RIFF/WAVE file, or MP3 (an ID3 tag or a frame sync).
fn audio_format(bytes: &[u8]) -> Option<AudioFormat> {
    match bytes {
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E', ..] => Some(AudioFormat::Wav),
        [b'I', b'D', b'3', ..] => Some(AudioFormat::Mp3),
        // MPEG audio frame sync, layer III (not AAC's ADTS, whose layer bits are 00).
        [0xff, second, ..] if second & 0xe0 == 0xe0 && second & 0x06 == 0x02 => {
            Some(AudioFormat::Mp3)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_typed_from_their_bytes() {
        let cases: [(&[u8], &str, &str); 5] = [
            (b"\x89PNG\r\n\x1a\n\0\0", "image/png", "iVBORw0KGgoAAA=="),
            (b"\xff\xd8\xff\xe0", "image/jpeg", "/9j/4A=="),
            (b"GIF89a", "image/gif", "R0lGODlh"),
            (b"GIF87a", "image/gif", "R0lGODdh"),
            (b"RIFF\x24\0\0\0WEBPVP8 ", "image/webp", "UklGRiQAAABXRUJQVlA4IA=="),
        ];
        for (bytes, mime, base64) in cases {
            assert_eq!(image(bytes).unwrap(), (mime, base64.to_owned()));
        }
        for other in [&b""[..], b"BM\x36\0", b"RIFF\x24\0\0\0WAVEfmt ", b"\x89PNX"] {
            let err = image(other).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidRequest { field, .. } if field == "image"),
                "{err}"
            );
        }
    }

    #[test]
    fn pdfs_are_told_by_their_header() {
        assert_eq!(pdf(b"%PDF-1.7\n").unwrap(), "JVBERi0xLjcK");
        let err = pdf(b"hello").unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest { field, .. } if field == "file"), "{err}");
    }

    #[test]
    fn audio_is_wav_or_mp3() {
        let format = |bytes: &[u8]| audio(bytes).ok().map(|(format, _)| format);
        let wav = audio(b"RIFF\x24\0\0\0WAVEfmt ").unwrap();
        assert_eq!(wav, (AudioFormat::Wav, "UklGRiQAAABXQVZFZm10IA==".to_owned()));
        assert_eq!(format(b"ID3\x04\0"), Some(AudioFormat::Mp3));
        assert_eq!(format(b"\xff\xfb\x90\x64"), Some(AudioFormat::Mp3)); // MPEG-1 layer III
        assert_eq!(format(b"\xff\xf3\x40\xc4"), Some(AudioFormat::Mp3)); // MPEG-2 layer III
        assert_eq!(format(b"\xff\xf1\x50\x80"), None); // AAC in ADTS
        assert_eq!(format(b"OggS\0"), None);
        assert_eq!(format(b"fLaC"), None);
        let err = audio(b"fLaC").unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest { field, .. } if field == "input_audio"));
    }
}
