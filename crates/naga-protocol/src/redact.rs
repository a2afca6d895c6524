//! Keeping the keys out of errors: a server may echo a key back ("Incorrect API key
//! provided: ng-..."), or a proxy's error page may show the request's headers. Transports
//! pass every error they return through [`Redactor::scrub`], so neither `Display` nor `Debug`
//! of an error shows a key the client holds.

use std::fmt;
use std::sync::Arc;

use crate::config::{Config, Secret};
use crate::error::{Error, StreamError};

/// What replaces a key in server text.
const REDACTED: &str = "[redacted key]";

/// Shorter keys are not looked for: no real key is that short, and replacing every `e` of a
/// message because a test server took the key `e` would only garble it.
const MIN_KEY_LEN: usize = 8;

/// The shortest piece of a key looked for where an excerpt was cut (its end, or its start):
/// a key cut by the excerpt's bounds is redacted too, down to its last few characters.
const MIN_CUT_LEN: usize = 4;

/// Removes a config's keys (API and provisioning) from the server text errors carry. Cheap
/// to clone; `Debug` shows no key.
///
/// ```
/// use http::{HeaderMap, StatusCode};
/// use naga_protocol::{Config, parse_api_error};
///
/// let config = Config::new("ng-secret-123")?;
/// let body = br#"{"error":{"type":"authentication_error","message":"Incorrect API key provided: ng-secret-123"}}"#;
/// let err = parse_api_error(Some(StatusCode::UNAUTHORIZED), &HeaderMap::new(), body);
/// let err = config.redactor().scrub(err);
/// assert_eq!(err.api().unwrap().message, "Incorrect API key provided: [redacted key]");
/// assert!(!format!("{err} {err:?}").contains("ng-secret-123"));
/// # Ok::<(), naga_protocol::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Redactor {
    keys: Arc<[Secret]>,
}

impl Config {
    /// A [`Redactor`] for this config's keys.
    pub fn redactor(&self) -> Redactor {
        let keys = [self.api_key(), self.provisioning_key()];
        Redactor { keys: keys.into_iter().flatten().cloned().collect() }
    }
}

impl Redactor {
    /// `err` with every key replaced in the server text it carries (an API error's message,
    /// type, code, param, body excerpt and request id, a decode error's message and excerpt,
    /// the excerpt of a document that came in place of a stream): written as it is, with
    /// JSON's `\uXXXX` or `\/` escapes, or cut by the end or the start of the text (an
    /// excerpt's bounds).
    pub fn scrub(&self, mut err: Error) -> Error {
        match &mut err {
            Error::Api(api) => {
                self.scrub_text(&mut api.message);
                self.scrub_text(&mut api.body_snippet);
                let named = [&mut api.error_type, &mut api.code, &mut api.param];
                for text in named.into_iter().chain([&mut api.request_id]).flatten() {
                    self.scrub_text(text);
                }
            }
            Error::Decode { message, snippet, .. } => {
                self.scrub_text(message);
                self.scrub_text(snippet);
            }
            Error::Stream(StreamError::UnexpectedDocument { snippet }) => self.scrub_text(snippet),
            _ => {}
        }
        err
    }

    /// Replaces every key in `text`, whole, escaped or cut.
    fn scrub_text(&self, text: &mut String) {
        for key in self.keys.iter().map(Secret::expose).filter(|key| key.len() >= MIN_KEY_LEN) {
            if text.contains(key) {
                *text = text.replace(key, REDACTED);
            }
            if text.contains("\\u") {
                let unescaped = unescape_unicode(text);
                if unescaped.contains(key) {
                    *text = unescaped.replace(key, REDACTED);
                }
            }
            if key.contains('/') && text.contains("\\/") {
                *text = text.replace(&key.replace('/', "\\/"), REDACTED);
            }
            redact_cut_key(text, key);
        }
    }
}

/// `text` with each JSON `\uXXXX` escape of a character written as the character (a server
/// may escape any character of a key it echoes).
fn unescape_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\u") {
        let (before, escape) = rest.split_at(at);
        out.push_str(before);
        let hex = escape.get(2..6);
        match hex.and_then(|hex| u32::from_str_radix(hex, 16).ok()).and_then(char::from_u32) {
            Some(c) => {
                out.push(c);
                rest = escape.get(6..).unwrap_or_default();
            }
            None => {
                out.push_str("\\u");
                rest = escape.get(2..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// Redacts the start of `key` where `text` ends, and the end of `key` where `text` starts
/// (at least [`MIN_CUT_LEN`] characters): what is left of a key an excerpt cut.
fn redact_cut_key(text: &mut String, key: &str) {
    let longest = |fits: &dyn Fn(usize) -> bool| (MIN_CUT_LEN..key.len()).rev().find(|&n| fits(n));
    let ends_with = |n: usize| key.get(..n).is_some_and(|start| text.ends_with(start));
    if let Some(n) = longest(&ends_with) {
        text.truncate(text.len() - n);
        text.push_str(REDACTED);
    }
    let starts_with = |n: usize| key.get(key.len() - n..).is_some_and(|end| text.starts_with(end));
    if let Some(n) = longest(&starts_with) {
        text.replace_range(..n, REDACTED);
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor").field("keys", &self.keys.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, StatusCode};

    use crate::{Config, parse_api_error};

    fn scrubbed(key: &str, message: &str) -> String {
        let body = serde_json::json!({"error": {"type": "x", "message": message}}).to_string();
        let err = parse_api_error(Some(StatusCode::NOT_FOUND), &HeaderMap::new(), body.as_bytes());
        let err = Config::new(key).map(|config| config.redactor().scrub(err));
        err.ok().and_then(|err| err.api().map(|api| api.message.clone())).unwrap_or_default()
    }

    #[test]
    fn a_document_in_place_of_a_stream_loses_the_key_too() {
        let redactor = Config::new("ng-12345678").map(|c| c.redactor()).unwrap_or_default();
        let snippet = "<p>Authorization: Bearer ng-12345678</p>".to_owned();
        let err = crate::Error::Stream(crate::StreamError::UnexpectedDocument { snippet });
        assert!(!redactor.scrub(err).to_string().contains("ng-12345678"));
    }

    #[test]
    fn a_key_cut_by_an_excerpt_escaped_or_in_the_request_id_is_redacted() {
        let key = "ng-SUPERSECRET-abc123";
        let redactor = Config::new(key).map(|c| c.redactor()).unwrap_or_default();
        // An HTML page whose excerpt ends inside the key.
        let page = format!("<pre>{}{key}</pre>", "x".repeat(488));
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("ng-SUPERSECRET-abc123"));
        let err = parse_api_error(Some(StatusCode::UNAUTHORIZED), &headers, page.as_bytes());
        let err = redactor.scrub(err);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("ng-SUPER"), "{shown}");
        let api = err.api().unwrap();
        assert!(api.body_snippet.ends_with("x[redacted key]"), "{}", api.body_snippet);
        assert_eq!(api.request_id.as_deref(), Some("[redacted key]"));

        // An excerpt that starts inside the key; one that ends with a key's first characters.
        let mut start = crate::Error::Stream(crate::StreamError::UnexpectedDocument {
            snippet: "SECRET-abc123\"}}".to_owned(),
        });
        start = redactor.scrub(start);
        assert!(start.to_string().contains("[redacted key]\"}}"), "{start}");
        assert_eq!(scrubbed(key, "ends in ng-S"), "ends in [redacted key]");
        assert_eq!(scrubbed(key, "ends in ng-"), "ends in ng-", "three characters stay");

        // A JSON echo with escapes: decoded, the message loses it; the raw excerpt too.
        let body = br#"{"error":{"type":"x","message":"bad key ng\u002dSUPERSECRET\u002Dabc123"}}"#;
        let err = parse_api_error(Some(StatusCode::UNAUTHORIZED), &HeaderMap::new(), body);
        let err = redactor.scrub(err);
        let api = err.api().unwrap();
        assert_eq!(api.message, "bad key [redacted key]");
        assert!(api.body_snippet.contains("bad key [redacted key]"), "{}", api.body_snippet);
        assert!(!format!("{err:?}").contains("SUPERSECRET"));
    }

    #[test]
    fn a_key_echoed_in_the_type_code_or_param_or_with_escaped_slashes_is_redacted() {
        let key = "ng-secret/123456";
        let redactor = Config::new(key).map(|c| c.redactor()).unwrap_or_default();
        let body = r#"{"error":{"type":"ng-secret/123456","code":"ng-secret/123456","param":"key ng-secret\/123456","message":"bad"}}"#;
        let err =
            parse_api_error(Some(StatusCode::UNAUTHORIZED), &HeaderMap::new(), body.as_bytes());
        let err = redactor.scrub(err);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("secret"), "{shown}");
        let api = err.api().unwrap();
        assert_eq!(api.error_type.as_deref(), Some("[redacted key]"));
        assert_eq!(api.code.as_deref(), Some("[redacted key]"));
        assert_eq!(api.param.as_deref(), Some("key [redacted key]"));
    }

    #[test]
    fn text_without_a_key_is_left_as_it_is() {
        let redactor =
            Config::new("ng-SUPERSECRET-abc123").map(|c| c.redactor()).unwrap_or_default();
        let snippet = r#"{"a":"\u00e9\uZZZZ \u"} ng"#.to_owned();
        let err = crate::Error::Stream(crate::StreamError::UnexpectedDocument {
            snippet: snippet.clone(),
        });
        let err = redactor.scrub(err);
        assert!(
            matches!(err, crate::Error::Stream(crate::StreamError::UnexpectedDocument { snippet: s }) if s == snippet)
        );
    }

    #[test]
    fn a_key_too_short_to_be_real_is_not_looked_for() {
        assert_eq!(scrubbed("e", "model `nope` does not exist"), "model `nope` does not exist");
        assert_eq!(scrubbed("ng-12345", "bad key ng-12345"), "bad key [redacted key]");
    }
}
