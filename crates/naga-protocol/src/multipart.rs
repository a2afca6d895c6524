//! `multipart/form-data` bodies (RFC 7578), for the endpoints that take files.
//!
//! The boundary is derived from the content (the same parts always give the same bytes, so a
//! retry sends what the first attempt sent) and is checked against every part: it never
//! occurs in the data. Names and file names are escaped as browsers do (`"`, CR and LF
//! percent-encoded), so no part can forge a header or end the part early.

use bytes::Bytes;
use memchr::memmem;

/// A file to upload (audio to transcribe, images to edit).
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    /// The file name (servers tell formats apart by its extension), e.g. `meeting.wav`.
    pub filename: String,
    /// The media type, e.g. `audio/wav` or `image/png` (`application/octet-stream` when
    /// unsure).
    pub content_type: String,
    /// The file's bytes.
    pub data: Bytes,
}

impl FileUpload {
    /// A file named `filename`; the media type is guessed from its extension.
    pub fn new(filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        let filename = filename.into();
        let content_type = media_type(&filename).to_owned();
        FileUpload { filename, content_type, data: data.into() }
    }
}

impl std::fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileUpload")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// The media type of a file name's extension (audio and image formats).
fn media_type(filename: &str) -> &'static str {
    let extension = filename.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("wav") => "audio/wav",
        Some("mp3" | "mpga" | "mpeg") => "audio/mpeg",
        Some("m4a" | "mp4") => "audio/mp4",
        Some("ogg" | "oga") => "audio/ogg",
        Some("opus") => "audio/opus",
        Some("flac") => "audio/flac",
        Some("webm") => "audio/webm",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => "application/octet-stream",
    }
}

/// One field of a form: text, or a file with its name and media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormPart {
    pub(crate) name: String,
    pub(crate) file: Option<(String, String)>,
    pub(crate) data: Bytes,
}

impl FormPart {
    /// A text field.
    pub(crate) fn text(name: &str, value: &str) -> Self {
        FormPart {
            name: name.to_owned(),
            file: None,
            data: Bytes::copy_from_slice(value.as_bytes()),
        }
    }

    /// A file field: `filename` and `content_type` as sent in its part headers.
    pub(crate) fn file(name: &str, filename: &str, content_type: &str, data: Bytes) -> Self {
        let file = Some((filename.to_owned(), content_type.to_owned()));
        FormPart { name: name.to_owned(), file, data }
    }

    /// A field holding `upload` (its bytes shared, not copied).
    pub(crate) fn upload(name: &str, upload: &FileUpload) -> Self {
        FormPart::file(name, &upload.filename, &upload.content_type, upload.data.clone())
    }
}

/// The body of `parts`, starting with `--<boundary>\r\n`.
pub(crate) fn encode(parts: &[FormPart]) -> Bytes {
    let boundary = boundary_for(parts);
    let size: usize = parts.iter().map(|p| p.data.len() + p.name.len() + 160).sum();
    let mut body = Vec::with_capacity(size + boundary.len() + 8);
    for part in parts {
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        body.extend_from_slice(escape(&part.name).as_bytes());
        body.push(b'"');
        if let Some((filename, content_type)) = &part.file {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(escape(filename).as_bytes());
            body.extend_from_slice(b"\"\r\nContent-Type: ");
            body.extend_from_slice(escape(content_type).as_bytes());
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(&part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--");
    body.extend_from_slice(boundary.as_bytes());
    body.extend_from_slice(b"--\r\n");
    Bytes::from(body)
}

/// The `Content-Type` of a body made by [`encode`]: `multipart/form-data` with its boundary.
pub(crate) fn form_content_type(body: &[u8]) -> std::borrow::Cow<'static, str> {
    let boundary = boundary_of(body).unwrap_or_default();
    std::borrow::Cow::Owned(format!("multipart/form-data; boundary={boundary}"))
}

/// The boundary a body made by [`encode`] declares on its first line.
fn boundary_of(body: &[u8]) -> Option<&str> {
    let line = body.strip_prefix(b"--")?;
    let end = memchr::memchr(b'\r', line)?;
    std::str::from_utf8(line.get(..end)?).ok()
}

/// `naga-rs-` and 32 hex digits from a hash of the parts, rehashed until it occurs in none
/// of them.
fn boundary_for(parts: &[FormPart]) -> String {
    let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        seed = hash(seed, part.name.as_bytes());
        seed = hash(seed, &part.data);
    }
    loop {
        let boundary = format!("naga-rs-{seed:016x}{:016x}", seed.rotate_left(29) ^ 0x9e37_79b9);
        let finder = memmem::Finder::new(boundary.as_bytes());
        if parts.iter().all(|part| finder.find(&part.data).is_none()) {
            return boundary;
        }
        seed = hash(seed, boundary.as_bytes());
    }
}

/// FNV-1a, continued from `seed`.
fn hash(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// A name for a part header: `"`, CR and LF percent-encoded (as the HTML form encoding does).
fn escape(text: &str) -> String {
    text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_and_the_boundary_is_declared_first() {
        let parts = [
            FormPart::text("model", "whisper-1"),
            FormPart::file(
                "file",
                "a \"b\"\r\n.wav",
                "audio/wav",
                Bytes::from_static(b"RIFF\r\n--x"),
            ),
        ];
        let body = encode(&parts);
        let boundary = boundary_of(&body).unwrap().to_owned();
        assert!(boundary.starts_with("naga-rs-") && boundary.len() == 40, "{boundary}");
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a %22b%22%0D%0A.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--x\r\n\
             --{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8_lossy(&body), expected);
        assert_eq!(encode(&parts), body, "the same parts, the same bytes");
    }

    #[test]
    fn the_boundary_never_occurs_in_the_data() {
        let innocent = [FormPart::text("f", "x")];
        let taken = boundary_for(&innocent);
        // Data that holds the boundary the same parts would otherwise get.
        let mut data = format!("--{taken}").into_bytes();
        let mut parts = vec![FormPart::file("f", "n", "t", Bytes::from(data.clone()))];
        let chosen = boundary_for(&parts);
        assert!(memmem::find(&parts[0].data, chosen.as_bytes()).is_none());
        data.extend_from_slice(chosen.as_bytes());
        parts[0].data = Bytes::from(data);
        let again = boundary_for(&parts);
        assert!(memmem::find(&parts[0].data, again.as_bytes()).is_none());
    }
}
