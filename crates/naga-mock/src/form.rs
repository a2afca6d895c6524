//! `multipart/form-data` request bodies (RFC 7578), read as SDKs and browsers write them.

use memchr::memmem;

use crate::validate::Invalid;

/// One part of a form.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Part<'a> {
    /// The field name.
    pub(crate) name: String,
    /// The file name, for a file part.
    pub(crate) filename: Option<String>,
    /// The part's bytes.
    pub(crate) data: &'a [u8],
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

/// The text of the first field named `name`.
pub(crate) fn text_field(parts: &[Part<'_>], name: &str) -> Option<String> {
    let part = parts.iter().find(|p| p.name == name)?;
    Some(String::from_utf8_lossy(part.data).into_owned())
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
}
