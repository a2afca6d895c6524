//! Cross-origin access for browser clients: preflights answered, any origin allowed.
//!
//! Naga documents no CORS policy; the emulator allows every origin so a web app under
//! development (a `fetch` or OpenAI's SDK in a page) can use it as it would a local server.

use bytes::Bytes;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, HeaderValue, ORIGIN, VARY,
};
use http::{HeaderMap, Method, Response, StatusCode};

use crate::body::MockBody;

/// The response headers a page may read besides the safelisted ones: the retry hints.
const EXPOSED: &str = "retry-after, retry-after-ms";

/// The answer to a CORS preflight (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`) on a route answering `methods`: 204 allowing the asked
/// headers; `None` for any other request.
pub(crate) fn preflight(
    method: &Method,
    headers: &HeaderMap,
    methods: &[Method],
) -> Option<Response<MockBody>> {
    if method != Method::OPTIONS || !headers.contains_key(ORIGIN) {
        return None;
    }
    headers.get(ACCESS_CONTROL_REQUEST_METHOD)?;
    let mut response = Response::new(MockBody::full(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    let out = response.headers_mut();
    out.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    let list: Vec<&str> = methods.iter().map(Method::as_str).collect();
    if let Ok(value) = HeaderValue::from_str(&list.join(", ")) {
        out.insert(ACCESS_CONTROL_ALLOW_METHODS, value);
    }
    // `*` would not cover `Authorization`, so the asked headers are named back.
    if let Some(asked) = headers.get(ACCESS_CONTROL_REQUEST_HEADERS) {
        out.insert(ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    out.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    out.insert(
        VARY,
        HeaderValue::from_static(
            "origin, access-control-request-method, access-control-request-headers",
        ),
    );
    Some(response)
}

/// Lets the page that sent `request` (it has an `Origin`) read `response`.
pub(crate) fn allow_origin(request: &HeaderMap, response: &mut Response<MockBody>) {
    if !request.contains_key(ORIGIN) {
        return;
    }
    let out = response.headers_mut();
    out.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    out.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED));
}
