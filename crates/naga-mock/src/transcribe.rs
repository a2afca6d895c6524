//! `POST /v1/audio/transcriptions` and `/translations` (API digest §3.7, §3.8): emulated
//! transcripts that name the file and, for WAV, its duration. Audio that is none of the usual containers is
//! "undecodable" (a 400, as the digest says). The answer comes in the `response_format` asked
//! for (see [`transcript_format`](crate::transcript_format)).

use crate::form::{Part, text_field};
use crate::transcript_format::{Transcript, render};
use crate::validate::Invalid;

/// Bytes per second assumed for compressed audio whose duration is not read (128 kbit/s).
const COMPRESSED_BYTES_PER_SECOND: f64 = 16_000.0;

/// The answer to a transcription (`translate`: a translation) form: the model, and the
/// transcript in the format asked for.
pub(crate) fn transcribe(
    parts: &[Part<'_>],
    translate: bool,
) -> Result<(String, Transcript), Invalid> {
    let model = text_field(parts, "model").filter(|m| !m.trim().is_empty());
    let model = model.ok_or_else(|| "`model` is required".to_owned())?;
    let file = parts.iter().find(|p| p.name == "file" && p.filename.is_some());
    let file = file.ok_or_else(|| "`file` is required (a file part)".to_owned())?;
    let filename = file.filename.clone().unwrap_or_default();
    if file.data.is_empty() {
        return Err(format!("`file` `{filename}` is empty"));
    }
    let Some(container) = container(file.data) else {
        return Err(format!("could not decode the audio in `{filename}`"));
    };
    let (length, seconds) = match wav_seconds(file.data) {
        Some(seconds) => (format!("{seconds:.1} s of {container} audio"), seconds),
        None => {
            let estimate = (file.data.len() as f64 / COMPRESSED_BYTES_PER_SECOND * 10.0).ceil();
            (format!("{} bytes of {container} audio", file.data.len()), estimate / 10.0)
        }
    };
    let what = if translate { "English translation" } else { "Transcript" };
    let text = format!("[naga-mock] {what} of {length} in `{filename}`.");
    let format = text_field(parts, "response_format");
    Ok((model, render(format.as_deref(), &text, seconds, translate)?))
}

/// The container the bytes start like, if any of the usual ones.
fn container(data: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| data.get(offset..offset + magic.len()) == Some(magic);
    Some(match data {
        _ if at(0, b"RIFF") && at(8, b"WAVE") => "WAV",
        _ if at(0, b"ID3") => "MP3",
        // A frame sync: layer bits 00 are an ADTS (AAC) frame, the others MPEG audio.
        [0xff, second, ..] if second & 0xf6 == 0xf0 => "AAC",
        [0xff, second, ..] if second & 0xe0 == 0xe0 => "MP3",
        _ if at(0, b"OggS") => "Ogg",
        _ if at(0, b"fLaC") => "FLAC",
        _ if at(4, b"ftyp") => "MP4",
        _ if at(0, &[0x1a, 0x45, 0xdf, 0xa3]) => "WebM",
        _ => return None,
    })
}

/// The duration of a canonical PCM WAV file (`fmt ` then `data` after the RIFF header).
fn wav_seconds(data: &[u8]) -> Option<f64> {
    let u32_at = |at: usize| Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?));
    if data.get(12..16)? != b"fmt " || data.get(36..40)? != b"data" {
        return None;
    }
    let (byte_rate, size) = (u32_at(28)?, u32_at(40)?);
    (byte_rate > 0).then(|| f64::from(size) / f64::from(byte_rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_sniffed() {
        assert_eq!(container(b"RIFF\0\0\0\0WAVEfmt "), Some("WAV"));
        assert_eq!(container(b"ID3\x04"), Some("MP3"));
        assert_eq!(container(&[0xFF, 0xF3, 0x44, 0xC0]), Some("MP3"));
        assert_eq!(container(&[0xFF, 0xF1, 0x58, 0x40]), Some("AAC"));
        assert_eq!(container(b"\0\0\0\x20ftypM4A "), Some("MP4"));
        assert_eq!(container(b"hello"), None);
    }
}
