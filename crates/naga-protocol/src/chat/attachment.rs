//! Content parts from a file's bytes: the format read from the bytes (the kinds Naga accepts,
//! §2.2), the base64 done here, anything else refused before it is sent.

use super::message::{AudioFormat, ContentPart};
use crate::binary::encode_base64;
use crate::error::Error;

impl ContentPart {
    /// An image part from the bytes of a PNG, JPEG, WebP or GIF image (the formats Naga
    /// accepts), sent inline as a `data:` URL of the type the bytes show.
    ///
    /// ```
    /// use naga_protocol::{ContentPart, Message};
    /// let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"; // a file's first bytes, for the example
    /// let message = Message::user_parts([ContentPart::text("What is this?"), ContentPart::image_bytes(png)?]);
    /// # Ok::<(), naga_protocol::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] (field `image`) for bytes of any other format.
    pub fn image_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mime = image_type(bytes).ok_or_else(|| {
            Error::invalid("image", "not a PNG, JPEG, WebP or GIF image (the formats Naga accepts)")
        })?;
        Ok(ContentPart::image_data(mime, &encode_base64(bytes)))
    }

    /// A file part from a PDF's bytes (the one file type Naga accepts), sent inline as a
    /// `data:` URL under `filename`.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] (field `file`) for bytes that do not start as a PDF does.
    pub fn pdf_bytes(filename: impl Into<String>, bytes: &[u8]) -> Result<Self, Error> {
        if !bytes.starts_with(b"%PDF-") {
            return Err(Error::invalid("file", "not a PDF (Naga accepts PDF files only)"));
        }
        Ok(ContentPart::pdf_data(filename, &encode_base64(bytes)))
    }

    /// An audio part from the bytes of a WAV or MP3 file (the formats Naga accepts), sent as
    /// raw base64 with the format the bytes show.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] (field `input_audio`) for bytes of any other format.
    pub fn audio_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let format = audio_format(bytes).ok_or_else(|| {
            Error::invalid("input_audio", "not WAV or MP3 audio (the formats Naga accepts)")
        })?;
        Ok(ContentPart::input_audio(encode_base64(bytes), format))
    }
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
    use crate::chat::message::InputAudio;

    fn url_of(part: &ContentPart) -> &str {
        match part {
            ContentPart::ImageUrl { image_url } => &image_url.url,
            ContentPart::File { file } => &file.file_data,
            other => panic!("not a URL part: {other:?}"),
        }
    }

    #[test]
    fn images_are_typed_from_their_bytes() {
        let cases: [(&[u8], &str); 5] = [
            (b"\x89PNG\r\n\x1a\n\0\0", "data:image/png;base64,iVBORw0KGgoAAA=="),
            (b"\xff\xd8\xff\xe0", "data:image/jpeg;base64,/9j/4A=="),
            (b"GIF89a", "data:image/gif;base64,R0lGODlh"),
            (b"GIF87a", "data:image/gif;base64,R0lGODdh"),
            (b"RIFF\x24\0\0\0WEBPVP8 ", "data:image/webp;base64,UklGRiQAAABXRUJQVlA4IA=="),
        ];
        for (bytes, url) in cases {
            assert_eq!(url_of(&ContentPart::image_bytes(bytes).unwrap()), url);
        }
        for other in [&b""[..], b"BM\x36\0", b"RIFF\x24\0\0\0WAVEfmt ", b"\x89PNX"] {
            let err = ContentPart::image_bytes(other).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidRequest { field, .. } if field == "image"),
                "{err}"
            );
        }
    }

    #[test]
    fn pdfs_go_inline_and_other_files_are_refused() {
        let part = ContentPart::pdf_bytes("a.pdf", b"%PDF-1.7\n").unwrap();
        assert_eq!(url_of(&part), "data:application/pdf;base64,JVBERi0xLjcK");
        let ContentPart::File { file } = &part else { unreachable!() };
        assert_eq!(file.filename.as_deref(), Some("a.pdf"));
        let err = ContentPart::pdf_bytes("a.txt", b"hello").unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest { field, .. } if field == "file"), "{err}");
    }

    #[test]
    fn audio_is_wav_or_mp3_as_raw_base64() {
        let audio = |bytes: &[u8]| match ContentPart::audio_bytes(bytes) {
            Ok(ContentPart::InputAudio { input_audio: InputAudio { data, format } }) => {
                Some((data, format))
            }
            _ => None,
        };
        let wav = audio(b"RIFF\x24\0\0\0WAVEfmt ").unwrap();
        assert_eq!((wav.0.as_str(), wav.1), ("UklGRiQAAABXQVZFZm10IA==", AudioFormat::Wav));
        assert_eq!(audio(b"ID3\x04\0").unwrap().1, AudioFormat::Mp3);
        assert_eq!(audio(b"\xff\xfb\x90\x64").unwrap().1, AudioFormat::Mp3); // MPEG-1 layer III
        assert_eq!(audio(b"\xff\xf3\x40\xc4").unwrap().1, AudioFormat::Mp3); // MPEG-2 layer III
        assert_eq!(audio(b"\xff\xf1\x50\x80"), None); // AAC in ADTS
        assert_eq!(audio(b"OggS\0"), None);
        assert_eq!(audio(b"fLaC"), None);
    }
}
