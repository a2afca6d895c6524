//! `POST /v1/audio/transcriptions` and `/translations` (API digest §3.7, §3.8): a
//! `multipart/form-data` reader written against RFC 7578, and emulated transcripts that
//! name the file and, for WAV, its duration. Audio that is none of the usual containers is
//! "undecodable" (a 400, as the digest says).

use memchr::memmem;

use crate::ordered::Json;
use crate::validate::Invalid;

/// One part of a form.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Part<'a> {
    name: String,
    filename: Option<String>,
    data: &'a [u8],
}

/// The boundary of a `multipart/form-data` content type, if that is what it is.
pub(crate) fn boundary_param(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let mime = params.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let boundary = params.find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        key.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"'))
    })?;
    (!boundary.is_empty() && boundary.len() <= 70).then(|| boundary.to_owned())
}

/// The parts of `body`, framed by `boundary`.
pub(crate) fn parse_form<'a>(boundary: &str, body: &'a [u8]) -> Result<Vec<Part<'a>>, Invalid> {
    let bad = |why: &str| format!("malformed multipart/form-data body: {why}");
    let delimiter = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let start = memmem::find(body, delimiter.as_bytes()).ok_or_else(|| bad("no boundary"))?;
    let mut rest = body.get(start + delimiter.len()..).unwrap_or_default();
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or_else(|| bad("no line end after a boundary"))?;
        let head_end =
            memmem::find(rest, b"\r\n\r\n").ok_or_else(|| bad("part headers never end"))?;
        let head = std::str::from_utf8(rest.get(..head_end).unwrap_or_default())
            .map_err(|_| bad("part headers are not text"))?;
        let content = rest.get(head_end + 4..).unwrap_or_default();
        let data_end =
            memmem::find(content, next.as_bytes()).ok_or_else(|| bad("a part never ends"))?;
        let (name, filename) =
            disposition(head).ok_or_else(|| bad("a part has no form-data name"))?;
        parts.push(Part { name, filename, data: content.get(..data_end).unwrap_or_default() });
        rest = content.get(data_end + next.len()..).unwrap_or_default();
    }
}

/// `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let header = head.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case("content-disposition").then_some(value)
    })?;
    let mut params = header.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    let (mut name, mut filename) = (None, None);
    for param in params {
        let Some((key, value)) = param.trim().split_once('=') else { continue };
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim() {
            "name" => name = Some(value),
            "filename" => filename = Some(value),
            _ => {}
        }
    }
    Some((name?, filename))
}

/// The answer to a transcription (`translate`: a translation) form.
pub(crate) fn transcribe(
    parts: &[Part<'_>],
    translate: bool,
) -> Result<(String, Vec<u8>), Invalid> {
    let text_field = |name: &str| {
        parts.iter().find(|p| p.name == name).map(|p| String::from_utf8_lossy(p.data).into_owned())
    };
    let model = text_field("model").filter(|m| !m.trim().is_empty());
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
    let length = match wav_seconds(file.data) {
        Some(seconds) => format!("{seconds:.1} s of {container} audio"),
        None => format!("{} bytes of {container} audio", file.data.len()),
    };
    let what = if translate { "English translation" } else { "Transcript" };
    let text = format!("[naga-mock] {what} of {length} in `{filename}`.");
    Ok((model, Json::object([("text", text.into())]).to_vec()))
}

/// The container the bytes start like, if any of the usual ones.
fn container(data: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| data.get(offset..offset + magic.len()) == Some(magic);
    Some(match data {
        _ if at(0, b"RIFF") && at(8, b"WAVE") => "WAV",
        _ if at(0, b"ID3") => "MP3",
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
    fn forms_are_read_as_browsers_and_sdks_write_them() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--XyZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--Xy\r\n--XyZ--\r\n";
        let parts = parse_form("XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].data), ("model", &b"whisper-1"[..]));
        assert_eq!(parts[1].filename.as_deref(), Some("a.wav"));
        assert_eq!(parts[1].data, b"RIFF\r\n--Xy", "a near-boundary inside the data stays data");
        assert_eq!(boundary_param("multipart/form-data; boundary=\"XyZ\""), Some("XyZ".into()));
        assert_eq!(boundary_param("application/json"), None);
        for broken in [&b"--XyZ\r\nno headers end"[..], b"--XyZ\r\n\r\n\r\ndata", b"nothing"] {
            assert!(parse_form("XyZ", broken).is_err(), "{}", String::from_utf8_lossy(broken));
        }
    }

    #[test]
    fn containers_are_sniffed() {
        assert_eq!(container(b"RIFF\0\0\0\0WAVEfmt "), Some("WAV"));
        assert_eq!(container(b"ID3\x04"), Some("MP3"));
        assert_eq!(container(b"\0\0\0\x20ftypM4A "), Some("MP4"));
        assert_eq!(container(b"hello"), None);
    }
}
