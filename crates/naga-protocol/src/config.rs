//! Client configuration: where to send requests and with which credentials.

use std::fmt;

use http::header::{HOST, HeaderMap, HeaderName, HeaderValue};

use crate::error::Error;

/// The public NagaAI endpoint.
pub const DEFAULT_BASE_URL: &str = "https://api.naga.ac/v1";

/// `User-Agent` sent by default: `naga-rs/<version>`.
pub const USER_AGENT: &str = concat!("naga-rs/", env!("CARGO_PKG_VERSION"));

/// An API or provisioning key. `Debug` and `Display` print `***`; the header value built from
/// it is marked sensitive so HTTP libraries do not log it either.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    bearer: HeaderValue,
}

impl Secret {
    /// Wraps a key, rejecting empty keys and bytes a header cannot carry (CR, LF, controls).
    pub fn new(key: &str, field: &'static str) -> Result<Self, Error> {
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        if key.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
            return Err(Error::invalid(
                field,
                "must be printable ASCII without spaces or line breaks",
            ));
        }
        let mut bearer = HeaderValue::try_from(format!("Bearer {key}"))
            .map_err(|_| Error::invalid(field, "is not a valid header value"))?;
        bearer.set_sensitive(true);
        Ok(Secret { bearer })
    }

    /// The `Authorization` header value (`Bearer <key>`), marked sensitive.
    pub fn bearer(&self) -> &HeaderValue {
        &self.bearer
    }

    /// The key itself, for callers that must hand it to another client.
    pub fn expose(&self) -> &str {
        let text = self.bearer.to_str().unwrap_or_default();
        text.strip_prefix("Bearer ").unwrap_or(text)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where and how to reach the Naga API. Cheap to clone.
///
/// Every setter validates its input, so a `Config` that exists can always build requests.
///
/// ```
/// use naga_protocol::Config;
/// let config = Config::new("ng-test-key")?.with_base_url("http://127.0.0.1:8080/v1/")?;
/// assert_eq!(config.base_url(), "http://127.0.0.1:8080/v1");
/// assert!(!format!("{config:?}").contains("ng-test-key"));
/// # Ok::<(), naga_protocol::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Config {
    base_url: String,
    api_key: Option<Secret>,
    provisioning_key: Option<Secret>,
    default_headers: HeaderMap,
    user_agent: HeaderValue,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            provisioning_key: None,
            default_headers: HeaderMap::new(),
            user_agent: HeaderValue::from_static(USER_AGENT),
        }
    }
}

impl Config {
    /// A config for the public endpoint with the given API key.
    pub fn new(api_key: &str) -> Result<Self, Error> {
        Config::default().with_api_key(api_key)
    }

    /// Reads `NAGA_API_KEY` (optional) and `NAGA_BASE_URL` (optional) from the environment.
    pub fn from_env() -> Result<Self, Error> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests and sandboxes).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut config = Config::default();
        if let Some(key) = lookup("NAGA_API_KEY").filter(|k| !k.trim().is_empty()) {
            config = config.with_api_key(&key)?;
        }
        if let Some(url) = lookup("NAGA_BASE_URL").filter(|u| !u.trim().is_empty()) {
            config = config.with_base_url(&url)?;
        }
        if let Some(key) = lookup("NAGA_PROVISIONING_KEY").filter(|k| !k.trim().is_empty()) {
            config = config.with_provisioning_key(&key)?;
        }
        Ok(config)
    }

    /// Sets the API key used for inference endpoints.
    pub fn with_api_key(mut self, key: &str) -> Result<Self, Error> {
        self.api_key = Some(Secret::new(key, "api_key")?);
        Ok(self)
    }

    /// Sets the provisioning key used for `/account/*` endpoints.
    pub fn with_provisioning_key(mut self, key: &str) -> Result<Self, Error> {
        self.provisioning_key = Some(Secret::new(key, "provisioning_key")?);
        Ok(self)
    }

    /// Sets the base URL (`http` or `https`, with an optional path; a trailing slash is
    /// tolerated).
    pub fn with_base_url(mut self, url: &str) -> Result<Self, Error> {
        self.base_url = normalize_base_url(url)?;
        Ok(self)
    }

    /// Adds a header sent with every request. Invalid names or values (CR, LF, ...) are
    /// rejected here, not when a request is sent.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::try_from(name)
            .map_err(|_| Error::invalid("default_headers", "header name is not a valid token"))?;
        let value = HeaderValue::try_from(value).map_err(|_| {
            Error::invalid("default_headers", "header value contains CR, LF or other invalid bytes")
        })?;
        self.default_headers.append(name, value);
        Ok(self)
    }

    /// This config with `Host` (the base URL's host, and its port when that is not the
    /// scheme's default) as the first default header, so an HTTP/1.1 client that would
    /// format it for every request finds it made. Not for HTTP/2, where the authority
    /// travels as `:authority`. A `Host` default already set is kept; set the base URL
    /// first.
    ///
    /// ```
    /// use naga_protocol::Config;
    /// let config = Config::default()
    ///     .with_header("x-team", "a")?
    ///     .with_base_url("http://127.0.0.1:8080/v1")?
    ///     .with_host_header();
    /// let names: Vec<_> = config.default_headers().keys().map(|n| n.as_str()).collect();
    /// assert_eq!(names, ["host", "x-team"]);
    /// assert_eq!(config.default_headers()["host"], "127.0.0.1:8080");
    /// # Ok::<(), naga_protocol::Error>(())
    /// ```
    pub fn with_host_header(mut self) -> Self {
        if self.default_headers.contains_key(HOST) {
            return self;
        }
        let Some(host) = host_of(&self.base_url) else { return self };
        let mut headers = HeaderMap::with_capacity(self.default_headers.len() + 1);
        headers.insert(HOST, host);
        headers.extend(std::mem::take(&mut self.default_headers));
        self.default_headers = headers;
        self
    }

    /// Replaces the `User-Agent` header value.
    pub fn with_user_agent(mut self, user_agent: &str) -> Result<Self, Error> {
        self.user_agent = HeaderValue::try_from(user_agent)
            .map_err(|_| Error::invalid("user_agent", "contains CR, LF or other invalid bytes"))?;
        Ok(self)
    }

    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API key, if one is set.
    pub fn api_key(&self) -> Option<&Secret> {
        self.api_key.as_ref()
    }

    /// The provisioning key, if one is set.
    pub fn provisioning_key(&self) -> Option<&Secret> {
        self.provisioning_key.as_ref()
    }

    /// Headers added to every request.
    pub fn default_headers(&self) -> &HeaderMap {
        &self.default_headers
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> &HeaderValue {
        &self.user_agent
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("provisioning_key", &self.provisioning_key)
            .field("default_headers", &self.default_headers.keys().collect::<Vec<_>>())
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// The `Host` value for requests to `base_url`: its host, and its port unless that is the
/// scheme's default (as HTTP/1.1 clients write it).
fn host_of(base_url: &str) -> Option<HeaderValue> {
    let uri: http::Uri = base_url.parse().ok()?;
    let authority = uri.authority()?;
    let default_port = if uri.scheme_str() == Some("https") { 443 } else { 80 };
    match authority.port_u16() {
        Some(port) if port != default_port => {
            HeaderValue::try_from(format!("{}:{port}", authority.host())).ok()
        }
        _ => HeaderValue::from_str(authority.host()).ok(),
    }
}

fn normalize_base_url(url: &str) -> Result<String, Error> {
    let trimmed = url.trim().trim_end_matches('/');
    let uri: http::Uri =
        trimmed.parse().map_err(|_| Error::invalid("base_url", "is not a valid URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(Error::invalid("base_url", "must start with http:// or https://")),
    }
    if uri.authority().is_none() {
        return Err(Error::invalid("base_url", "must name a host"));
    }
    if uri.query().is_some() {
        return Err(Error::invalid("base_url", "must not contain a query string"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(base_url: &str) -> String {
        let config = Config::default().with_base_url(base_url).unwrap().with_host_header();
        config.default_headers()[HOST].to_str().unwrap().to_owned()
    }

    #[test]
    fn the_host_header_has_the_port_only_when_it_is_not_the_schemes_default() {
        assert_eq!(host("https://api.naga.ac/v1"), "api.naga.ac");
        assert_eq!(host("https://api.naga.ac:443/v1"), "api.naga.ac");
        assert_eq!(host("https://api.naga.ac:8443/v1"), "api.naga.ac:8443");
        assert_eq!(host("http://h:80"), "h");
        assert_eq!(host("http://h:443"), "h:443");
        assert_eq!(host("http://[::1]:8080/v1"), "[::1]:8080");
        assert_eq!(host("http://user:pw@h:81/v1"), "h:81");
    }

    #[test]
    fn the_host_header_comes_first_and_a_set_one_is_kept() {
        let config = Config::default()
            .with_header("x-a", "1")
            .and_then(|c| c.with_header("x-a", "2"))
            .unwrap()
            .with_host_header();
        let pairs: Vec<_> = config
            .default_headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
            .collect();
        assert_eq!(pairs, [("host", "api.naga.ac"), ("x-a", "1"), ("x-a", "2")]);
        let set = Config::default().with_header("host", "proxy.local").unwrap().with_host_header();
        assert_eq!(set.default_headers().get_all(HOST).iter().collect::<Vec<_>>(), ["proxy.local"]);
    }
}
