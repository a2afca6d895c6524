//! Chat content parts from a file's bytes (see [`crate::media`]).

use super::message::ContentPart;
use crate::error::Error;
use crate::media;

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
        let (mime, base64) = media::image(bytes)?;
        Ok(ContentPart::image_data(mime, &base64))
    }

    /// A file part from a PDF's bytes (the one file type Naga accepts), sent inline as a
    /// `data:` URL under `filename`.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] (field `file`) for bytes that do not start as a PDF does.
    pub fn pdf_bytes(filename: impl Into<String>, bytes: &[u8]) -> Result<Self, Error> {
        Ok(ContentPart::pdf_data(filename, &media::pdf(bytes)?))
    }

    /// An audio part from the bytes of a WAV or MP3 file (the formats Naga accepts), sent as
    /// raw base64 with the format the bytes show.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] (field `input_audio`) for bytes of any other format.
    pub fn audio_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let (format, base64) = media::audio(bytes)?;
        Ok(ContentPart::input_audio(base64, format))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{AudioFormat, FileInput, ImageUrl, InputAudio};

    #[test]
    fn parts_carry_the_typed_bytes() {
        let image = ContentPart::image_bytes(b"GIF89a").unwrap();
        let url = "data:image/gif;base64,R0lGODlh".to_owned();
        assert_eq!(image, ContentPart::ImageUrl { image_url: ImageUrl { url, detail: None } });
        let pdf = ContentPart::pdf_bytes("a.pdf", b"%PDF-1.7\n").unwrap();
        let file_data = "data:application/pdf;base64,JVBERi0xLjcK".to_owned();
        let file = FileInput { filename: Some("a.pdf".into()), file_data };
        assert_eq!(pdf, ContentPart::File { file });
        let audio = ContentPart::audio_bytes(b"ID3\x04").unwrap();
        let input_audio = InputAudio { data: "SUQzBA==".into(), format: AudioFormat::Mp3 };
        assert_eq!(audio, ContentPart::InputAudio { input_audio });
        assert!(ContentPart::image_bytes(b"%PDF-1.7").is_err());
    }
}
