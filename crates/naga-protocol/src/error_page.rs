//! The title of an HTML error page (a proxy's or a CDN's 502 or 524), so an error message
//! can name the page in one line instead of quoting its markup.

/// How far into the body the title is looked for (error pages put it in the first lines).
const SEARCH_BYTES: usize = 16 * 1024;
/// The longest title kept, in characters.
const MAX_TITLE_CHARS: usize = 200;

/// The text of the `<title>` of `body` when it is an HTML page (it starts with `<`, after
/// any whitespace), with runs of whitespace collapsed and the common entities decoded;
/// `None` for anything else or an empty title.
pub(crate) fn html_title(body: &[u8]) -> Option<String> {
    let head = body.get(..SEARCH_BYTES).unwrap_or(body);
    if head.trim_ascii_start().first() != Some(&b'<') {
        return None;
    }
    let lower = head.to_ascii_lowercase();
    let open = memchr::memmem::find(&lower, b"<title")?;
    let start = open + memchr::memchr(b'>', lower.get(open..)?)? + 1;
    let end = start + memchr::memmem::find(lower.get(start..)?, b"</title")?;
    let raw = String::from_utf8_lossy(head.get(start..end)?);
    let title = decode_entities(&raw.split_whitespace().collect::<Vec<_>>().join(" "));
    let title: String = title.chars().take(MAX_TITLE_CHARS).collect();
    (!title.is_empty()).then_some(title)
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;` as the characters they stand for.
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_of_proxy_and_cdn_pages() {
        let nginx =
            b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>..</body></html>";
        assert_eq!(html_title(nginx).as_deref(), Some("502 Bad Gateway"));
        let cloudflare = b"<!DOCTYPE html>\n<html lang=\"en-US\"><head>\n<TITLE>\n  api.naga.ac |\n  524: A timeout occurred</TITLE>";
        assert_eq!(
            html_title(cloudflare).as_deref(),
            Some("api.naga.ac | 524: A timeout occurred")
        );
        let entities = b"  <html><title lang=en>Q&amp;A &lt;down&gt;</title>";
        assert_eq!(html_title(entities).as_deref(), Some("Q&A <down>"));
    }

    #[test]
    fn anything_else_has_none() {
        for body in [
            &b"{\"error\":\"<title>x</title>\"}"[..],
            b"<html><body>no title</body></html>",
            b"<html><title>  </title>",
            b"<html><title>never closed",
            b"",
            b"plain text <title>x</title>",
        ] {
            assert_eq!(html_title(body), None, "{}", String::from_utf8_lossy(body));
        }
        let long = format!("<html><title>{}</title>", "é".repeat(500));
        assert_eq!(html_title(long.as_bytes()).unwrap().chars().count(), MAX_TITLE_CHARS);
    }
}
