//! Request URLs for reqwest without parsing the whole URL again for every request.

use std::fmt;
use std::sync::{Arc, Mutex};

use reqwest::Url;

use crate::error::{Error, Result};

/// The client's base URL parsed once. reqwest wants a parsed [`Url`], and parsing one costs
/// more than the rest of sending a small request on a pooled connection (the host goes
/// through IDNA processing every time). A request to the base URL's scheme and authority
/// reuses this parse and replaces only the path and query; the URL of the last path and
/// query is kept (shared by the client's clones), since a client mostly calls one endpoint.
#[derive(Clone)]
pub(crate) struct Origin {
    scheme: String,
    authority: String,
    url: Url,
    last: Arc<Mutex<Option<(String, Url)>>>,
}

impl Origin {
    /// The origin of `base_url`, when it parses as both an `http::Uri` and a `Url`.
    pub(crate) fn new(base_url: &str) -> Option<Origin> {
        let uri: http::Uri = base_url.parse().ok()?;
        let url = Url::parse(base_url).ok()?;
        let scheme = uri.scheme_str()?.to_owned();
        let authority = uri.authority()?.as_str().to_owned();
        Some(Origin { scheme, authority, url, last: Arc::default() })
    }

    /// This origin's URL with `uri`'s path and query (`uri` must be under it).
    fn url_for(&self, uri: &http::Uri) -> Url {
        let target = uri.path_and_query().map_or("/", |target| target.as_str());
        if let Ok(last) = self.last.lock()
            && let Some((last_target, url)) = last.as_ref()
            && last_target == target
        {
            return url.clone();
        }
        let mut url = self.url.clone();
        url.set_path(uri.path());
        url.set_query(uri.query());
        if let Ok(mut last) = self.last.lock() {
            *last = Some((target.to_owned(), url.clone()));
        }
        url
    }

    /// Whether `uri` has this origin's scheme and authority (spelled the same way).
    fn holds(&self, uri: &http::Uri) -> bool {
        uri.scheme_str() == Some(self.scheme.as_str())
            && uri.authority().map(|a| a.as_str()) == Some(self.authority.as_str())
    }
}

/// Shows the scheme and host only: the base URL's user name and password stay out of logs.
impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.url.host_str().unwrap_or_default();
        f.debug_struct("Origin")
            .field("scheme", &self.scheme)
            .field("host", &host)
            .field("port", &self.url.port())
            .finish_non_exhaustive()
    }
}

/// The [`Url`] of `uri`: the origin's parse with `uri`'s path and query when `uri` is
/// under it, a full parse otherwise.
pub(crate) fn url_of(origin: Option<&Origin>, uri: &http::Uri) -> Result<Url> {
    match origin {
        Some(origin) if origin.holds(uri) => Ok(origin.url_for(uri)),
        _ => Url::parse(&uri.to_string()).map_err(|err| Error::Io(Box::new(err))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reused parse equals a full parse of the same URI.
    fn same_as_full_parse(base: &str, uri: &str) {
        let origin = Origin::new(base).unwrap();
        let uri: http::Uri = uri.parse().unwrap();
        assert!(origin.holds(&uri), "{uri}");
        let url = url_of(Some(&origin), &uri).unwrap();
        assert_eq!(url, Url::parse(&uri.to_string()).unwrap());
    }

    #[test]
    fn paths_and_queries_replace_the_base_path() {
        same_as_full_parse("https://api.naga.ac/v1", "https://api.naga.ac/v1/chat/completions");
        same_as_full_parse("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1/models?x=1&y=%20");
        same_as_full_parse("http://[::1]:9/v1", "http://[::1]:9/v1/a/./b/../c");
        same_as_full_parse(
            "https://user:pw@Example.COM/v1",
            "https://user:pw@Example.COM/v1/k%2Fy",
        );
    }

    /// The kept URL is handed out only for the same path and query, on the client's clones too.
    #[test]
    fn the_kept_url_is_used_only_for_its_own_target() {
        let origin = Origin::new("http://127.0.0.1:8080/v1").unwrap();
        let clone = origin.clone();
        let targets =
            ["/v1/chat/completions", "/v1/chat/completions", "/v1/models", "/v1/models?x=1"];
        for (i, target) in targets.iter().chain(&targets).enumerate() {
            let uri: http::Uri = format!("http://127.0.0.1:8080{target}").parse().unwrap();
            let via = if i % 2 == 0 { &origin } else { &clone };
            let url = url_of(Some(via), &uri).unwrap();
            assert_eq!(url, Url::parse(&uri.to_string()).unwrap(), "{target}");
        }
        let kept = origin.last.lock().unwrap().clone().unwrap();
        assert_eq!(kept.0, "/v1/models?x=1");
    }

    #[test]
    fn another_origin_is_parsed_in_full() {
        let origin = Origin::new("https://api.naga.ac/v1").unwrap();
        for other in ["http://api.naga.ac/v1/x", "https://api.naga.ac:444/v1/x", "https://other/v1"]
        {
            let uri: http::Uri = other.parse().unwrap();
            assert!(!origin.holds(&uri));
            assert_eq!(url_of(Some(&origin), &uri).unwrap(), Url::parse(other).unwrap());
        }
        let uri: http::Uri = "https://api.naga.ac/v1/x".parse().unwrap();
        assert_eq!(url_of(None, &uri).unwrap().as_str(), "https://api.naga.ac/v1/x");
    }
}
