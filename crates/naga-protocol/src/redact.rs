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
    /// `err` with every key replaced in the server text it carries (an API error's message
    /// and body excerpt, a decode error's message and excerpt, the excerpt of a document
    /// that came in place of a stream).
    pub fn scrub(&self, mut err: Error) -> Error {
        match &mut err {
            Error::Api(api) => {
                self.scrub_text(&mut api.message);
                self.scrub_text(&mut api.body_snippet);
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

    /// Replaces every key in `text`.
    fn scrub_text(&self, text: &mut String) {
        for key in self.keys.iter() {
            let key = key.expose();
            if key.len() >= MIN_KEY_LEN && text.contains(key) {
                *text = text.replace(key, REDACTED);
            }
        }
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
    fn a_key_too_short_to_be_real_is_not_looked_for() {
        assert_eq!(scrubbed("e", "model `nope` does not exist"), "model `nope` does not exist");
        assert_eq!(scrubbed("ng-12345", "bad key ng-12345"), "bad key [redacted key]");
    }
}
