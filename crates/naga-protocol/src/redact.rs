//! Keeping the keys out of errors: a server may echo a key back ("Incorrect API key
//! provided: ng-..."), or a proxy's error page may show the request's headers. Transports
//! pass every error they return through [`Redactor::scrub`], so neither `Display` nor `Debug`
//! of an error shows a key the client holds.

use std::fmt;

use crate::config::{Config, Secret};
use crate::error::Error;

/// What replaces a key in server text.
const REDACTED: &str = "[redacted key]";

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
    keys: Vec<Secret>,
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
    /// and body excerpt, a decode error's message and excerpt).
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
            _ => {}
        }
        err
    }

    /// Replaces every key in `text`.
    fn scrub_text(&self, text: &mut String) {
        for key in &self.keys {
            let key = key.expose();
            if !key.is_empty() && text.contains(key) {
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
