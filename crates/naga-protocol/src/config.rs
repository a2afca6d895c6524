//! Client configuration: where to send requests and with which credentials.

use std::borrow::Cow;
use std::fmt;

use http::header::{HOST, HeaderMap, HeaderName, HeaderValue};
use http::uri::{Authority, PathAndQuery, Scheme};

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
/// Every setter validates its input, so a `Config` that has an API key can always build
/// requests (`Config::default()` has none: requests that need one are refused until it is
/// set).
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
    base: BaseUri,
    api_key: Option<Secret>,
    provisioning_key: Option<Secret>,
    default_headers: HeaderMap,
    user_agent: HeaderValue,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: DEFAULT_BASE_URL.to_owned(),
            base: default_base_uri(),
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

    /// Reads from the environment, each optional (unset or blank leaves the default):
    /// `NAGA_API_KEY` (the API key, [`with_api_key`](Self::with_api_key)), `NAGA_BASE_URL`
    /// (the base URL, [`with_base_url`](Self::with_base_url)) and `NAGA_PROVISIONING_KEY`
    /// (the key for `/account/*`, [`with_provisioning_key`](Self::with_provisioning_key)).
    /// A set value that its setter refuses is that error.
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
        (self.base_url, self.base) = normalize_base_url(url)?;
        Ok(self)
    }

    /// Sets a header sent with every request: one value per name, so setting a name again
    /// replaces its value (in place). Invalid names or values (CR, LF, ...) are rejected
    /// here, not when a request is sent.
    ///
    /// The headers the SDK writes itself are refused with [`Error::InvalidRequest`] naming
    /// what sets them: `Authorization` ([`with_api_key`](Self::with_api_key) or
    /// [`with_provisioning_key`](Self::with_provisioning_key), as the endpoint needs),
    /// `User-Agent` ([`with_user_agent`](Self::with_user_agent)), and `Accept` and
    /// `Content-Type` (each operation's own). An `Accept-Encoding` set here replaces the
    /// `identity` requests ask for; the clients do not decompress, so a body that then
    /// arrives compressed is refused with [`Error::Decode`].
    ///
    /// ```
    /// use naga_protocol::{Config, Error};
    /// let config = Config::default().with_header("x-team", "a")?.with_header("X-Team", "b")?;
    /// assert_eq!(config.default_headers().get_all("x-team").iter().collect::<Vec<_>>(), ["b"]);
    ///
    /// let Err(Error::InvalidRequest { field, reason }) = config.with_header("User-Agent", "me/1")
    /// else { panic!("the SDK's own header was taken") };
    /// assert_eq!(field, "default_headers.user-agent");
    /// assert!(reason.contains("with_user_agent"), "{reason}");
    /// # Ok::<(), naga_protocol::Error>(())
    /// ```
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::try_from(name)
            .map_err(|_| Error::invalid("default_headers", "header name is not a valid token"))?;
        if let Some(setter) = owned_header(&name) {
            return Err(Error::invalid(
                format!("default_headers.{name}"),
                format!("is written by the SDK on every request; {setter}"),
            ));
        }
        let value = HeaderValue::try_from(value).map_err(|_| {
            Error::invalid("default_headers", "header value contains CR, LF or other invalid bytes")
        })?;
        self.default_headers.insert(name, value);
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
        let Some(host) = host_of(&self.base) else { return self };
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

    /// The URI of `path` (which starts with `/`) under the base URL: the base URL's parse
    /// reused, only the path parsed; the same URI as parsing the two joined.
    pub(crate) fn request_uri(&self, path: &str) -> Option<http::Uri> {
        let mut target = String::with_capacity(self.base.path.len() + path.len());
        target.push_str(&self.base.path);
        target.push_str(path);
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.base.scheme.clone());
        parts.authority = Some(self.base.authority.clone());
        parts.path_and_query = Some(PathAndQuery::try_from(target).ok()?);
        http::Uri::from_parts(parts).ok()
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
            .field("base_url", &redacted_url(&self.base_url, &self.base))
            .field("api_key", &self.api_key)
            .field("provisioning_key", &self.provisioning_key)
            .field("default_headers", &self.default_headers.keys().collect::<Vec<_>>())
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// For a header the SDK writes on every request (so a default would be replaced or
/// duplicated), what to use instead.
fn owned_header(name: &HeaderName) -> Option<&'static str> {
    use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
    if name == AUTHORIZATION {
        Some("set the key with `Config::with_api_key` or `Config::with_provisioning_key`")
    } else if name == USER_AGENT {
        Some("set it with `Config::with_user_agent`")
    } else if name == ACCEPT {
        Some("each operation sets it for the answer it reads (`Operation::accept`)")
    } else if name == CONTENT_TYPE {
        Some("each operation sets it for the body it sends (`Operation::content_type`)")
    } else {
        None
    }
}

/// The `Host` value for requests under `base`: its host, and its port unless that is the
/// scheme's default (as HTTP/1.1 clients write it).
fn host_of(base: &BaseUri) -> Option<HeaderValue> {
    let authority = &base.authority;
    let default_port = if base.scheme == Scheme::HTTPS { 443 } else { 80 };
    match authority.port_u16() {
        Some(port) if port != default_port => {
            HeaderValue::try_from(format!("{}:{port}", authority.host())).ok()
        }
        _ => HeaderValue::from_str(authority.host()).ok(),
    }
}

/// The parts of the base URL every request URI starts with.
#[derive(Clone, PartialEq)]
struct BaseUri {
    scheme: Scheme,
    authority: Authority,
    /// The path without a trailing slash; empty for none.
    path: String,
}

impl BaseUri {
    /// The parts of `url`, a base URL that [`normalize_base_url`] accepted, parsed as `uri`.
    fn of(url: &str, uri: &http::Uri) -> Option<BaseUri> {
        let (scheme, authority) = (uri.scheme()?, uri.authority()?);
        // The path as written: `Uri::path` would give `/` for none.
        let path_start = url.find("://")? + 3 + authority.as_str().len();
        Some(BaseUri {
            scheme: scheme.clone(),
            authority: authority.clone(),
            path: url.get(path_start..)?.to_owned(),
        })
    }
}

/// `url` with the user and password of its authority (if any) shown as `***`.
fn redacted_url<'a>(url: &'a str, base: &BaseUri) -> Cow<'a, str> {
    match base.authority.as_str().rsplit_once('@') {
        Some((_, host)) => Cow::Owned(format!("{}://***@{host}{}", base.scheme, base.path)),
        None => Cow::Borrowed(url),
    }
}

/// The parts of [`DEFAULT_BASE_URL`].
fn default_base_uri() -> BaseUri {
    BaseUri {
        scheme: Scheme::HTTPS,
        authority: Authority::from_static("api.naga.ac"),
        path: "/v1".to_owned(),
    }
}

fn normalize_base_url(url: &str) -> Result<(String, BaseUri), Error> {
    let trimmed = url.trim().trim_end_matches('/');
    let uri: http::Uri =
        trimmed.parse().map_err(|_| Error::invalid("base_url", "is not a valid URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(Error::invalid("base_url", "must start with http:// or https://")),
    }
    let Some(authority) = uri.authority() else {
        return Err(Error::invalid("base_url", "must name a host"));
    };
    if !has_valid_port(authority.as_str()) {
        return Err(Error::invalid("base_url", "has a port outside 1..=65535"));
    }
    if uri.query().is_some() {
        return Err(Error::invalid("base_url", "must not contain a query string"));
    }
    // `http::Uri` drops a fragment and the path joined after it would be dropped with it.
    if trimmed.contains('#') {
        return Err(Error::invalid("base_url", "must not contain a fragment"));
    }
    let base = BaseUri::of(trimmed, &uri)
        .ok_or_else(|| Error::invalid("base_url", "is not a valid URL"))?;
    Ok((trimmed.to_owned(), base))
}

/// Whether the port an authority names, if any, is one a connection can use (`http::Uri`
/// takes any digits: `h:99999` would fail only when connecting). An empty port is the
/// scheme's default.
fn has_valid_port(authority: &str) -> bool {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host_port)| host_port);
    match host_port.rsplit_once(':') {
        Some((_, port)) if !host_port.ends_with(']') && !port.is_empty() => {
            port.parse::<u16>().is_ok_and(|port| port > 0)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_a_connection_cannot_use_is_refused() {
        for url in ["http://h:99999/v1", "http://h:0/v1", "http://h:65536", "http://u:p@h:70000"] {
            let err = Config::default().with_base_url(url).unwrap_err();
            assert!(err.to_string().contains("port"), "{url}: {err}");
        }
        for url in ["http://h:65535/v1", "http://[::1]/v1", "http://[::1]:8080", "http://u:p@h/v1"]
        {
            assert!(Config::default().with_base_url(url).is_ok(), "{url}");
        }
    }

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
            .and_then(|c| c.with_header("x-b", "2"))
            .unwrap()
            .with_host_header();
        let pairs: Vec<_> = config
            .default_headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
            .collect();
        assert_eq!(pairs, [("host", "api.naga.ac"), ("x-a", "1"), ("x-b", "2")]);
        let set = Config::default().with_header("host", "proxy.local").unwrap().with_host_header();
        assert_eq!(set.default_headers().get_all(HOST).iter().collect::<Vec<_>>(), ["proxy.local"]);
    }

    #[test]
    fn a_request_uri_is_the_parse_of_the_base_url_and_path_joined() {
        let bases = [
            "https://api.naga.ac/v1",
            "http://127.0.0.1:8080/v1/",
            "http://h",
            "http://h/",
            "HTTP://H:81/a/b",
            "http://[::1]:8080/v1",
            "http://user:pw@h:81/v1",
            "https://h/a%20b",
        ];
        let paths = ["/chat/completions", "/models/a%2Fb", "/files?purpose=batch", "/x?a=1&b=%20"];
        for base in bases {
            let config = Config::default().with_base_url(base).unwrap();
            for path in paths {
                let joined: http::Uri = format!("{}{path}", config.base_url()).parse().unwrap();
                let uri = config.request_uri(path).unwrap();
                assert_eq!(uri, joined, "{base} {path}");
                assert_eq!(uri.to_string(), joined.to_string(), "{base} {path}");
            }
        }
    }

    #[test]
    fn the_default_base_is_the_parse_of_the_default_base_url() {
        let (url, base) = normalize_base_url(DEFAULT_BASE_URL).unwrap();
        let config = Config::default();
        assert_eq!(config.base_url(), url);
        assert!(config.base == base);
    }

    #[test]
    fn a_path_no_uri_can_carry_is_refused() {
        assert_eq!(Config::default().request_uri("/a b"), None);
        assert_eq!(Config::default().request_uri("/a\n"), None);
    }

    #[test]
    fn a_base_url_with_a_fragment_is_refused() {
        let error = Config::default().with_base_url("http://h/v1#x").unwrap_err();
        assert_eq!(
            error.to_string(),
            Error::invalid("base_url", "must not contain a fragment").to_string()
        );
    }

    #[test]
    fn debug_output_hides_the_password_of_the_base_url() {
        let config = Config::default().with_base_url("http://alice:hunter2@h:81/v1").unwrap();
        let shown = format!("{config:?}");
        assert!(shown.contains(r#"base_url: "http://***@h:81/v1""#), "{shown}");
        assert!(!shown.contains("hunter2") && !shown.contains("alice"), "{shown}");
        assert!(
            format!("{:?}", Config::default()).contains(r#"base_url: "https://api.naga.ac/v1""#)
        );
    }
}
