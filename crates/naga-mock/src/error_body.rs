//! Naga's error responses: `{"error":{"type":..., "message":...}}`, and the HTML page a proxy
//! would send.

use crate::body::MockBody;
use crate::ordered::Json;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};

/// The `error.type` Naga uses for `status` (§1.5 of the API digest).
pub(crate) fn error_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "authentication_error",
        402 => "insufficient_quota",
        403 => "inappropriate_content",
        404 => "not_found_error",
        405 => "method_not_allowed",
        413 => "request_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limit_exceeded",
        500..=599 => "server_error",
        _ => "invalid_request_error",
    }
}

/// The JSON error body for `status` with `message`.
pub(crate) fn error_json(status: StatusCode, message: &str) -> Bytes {
    error_json_with(status, message, None)
}

/// [`error_json`], with `metadata` in the `error` object when given.
fn error_json_with(status: StatusCode, message: &str, metadata: Option<Json>) -> Bytes {
    let mut error =
        Json::object([("type", error_type(status).into()), ("message", message.into())]);
    if let Some(metadata) = metadata {
        error.push("metadata", metadata);
    }
    Bytes::from(Json::object([("error", error)]).to_vec())
}

/// A JSON error response.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response<MockBody> {
    json_response(status, error_json(status, message))
}

/// An injected failure's error response: Naga's body, with `error.metadata.
/// retry_after_seconds` when `retry_after_secs` is set (the digest's §1.4: third-party
/// clients look for it in error bodies).
pub(crate) fn fault_response(
    status: StatusCode,
    message: &str,
    retry_after_secs: Option<u64>,
) -> Response<MockBody> {
    let metadata =
        retry_after_secs.map(|secs| Json::object([("retry_after_seconds", secs.into())]));
    json_response(status, error_json_with(status, message, metadata))
}

/// An error response of `/v1/messages` in Anthropic's shape,
/// `{"type":"error","error":{"type","message"}}`: Naga's envelope with `"type":"error"` in
/// front (other responses are returned as they are).
///
/// Why: the digest documents Naga's `{"error":{"type","message"}}` for every non-streaming
/// failure (§1.5) and only says "Anthropic-style" for the errors streamed on this route
/// (§1.6, §3.2). Anthropic's body contains that same top-level `error` object, and §1.5 tells
/// clients to read extra fields leniently, so this body satisfies Naga readers (the SDK) and
/// Anthropic's SDKs alike. `error.type` keeps Naga's names (§1.5's table).
pub(crate) fn anthropic_error_shape(response: Response<MockBody>) -> Response<MockBody> {
    let (parts, body) = response.into_parts();
    let body = match body {
        MockBody::Full(Some(bytes))
            if !parts.status.is_success() && bytes.starts_with(b"{\"error\":") =>
        {
            let mut out = Vec::with_capacity(bytes.len() + 15);
            out.extend_from_slice(b"{\"type\":\"error\",");
            out.extend_from_slice(bytes.get(1..).unwrap_or_default());
            MockBody::full(out.into())
        }
        body => body,
    };
    Response::from_parts(parts, body)
}

/// A 400 `invalid_request_error` response.
pub(crate) fn invalid_request(message: &str) -> Response<MockBody> {
    error_response(StatusCode::BAD_REQUEST, message)
}

/// A JSON response with `body`.
pub(crate) fn json_response(status: StatusCode, body: Bytes) -> Response<MockBody> {
    let mut response = Response::new(MockBody::full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An HTML error page, as a reverse proxy in front of the gateway would send.
pub(crate) fn html_response(status: StatusCode) -> Response<MockBody> {
    let reason = status.canonical_reason().unwrap_or("Error");
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\n<body><center><h1>{code} {reason}</h1></center>\n<hr><center>naga-mock (emulated proxy)</center></body></html>\n",
        code = status.as_u16()
    );
    let mut response = Response::new(MockBody::full(Bytes::from(page)));
    *response.status_mut() = status;
    let html = HeaderValue::from_static("text/html; charset=utf-8");
    response.headers_mut().insert(CONTENT_TYPE, html);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_json_has_naga_shape_and_key_order() {
        let body = error_json(StatusCode::UNAUTHORIZED, "no \"key\"");
        assert_eq!(
            &body[..],
            br#"{"error":{"type":"authentication_error","message":"no \"key\""}}"#
        );
    }

    #[test]
    fn types_follow_the_status_table() {
        assert_eq!(error_type(StatusCode::TOO_MANY_REQUESTS), "rate_limit_exceeded");
        assert_eq!(error_type(StatusCode::SERVICE_UNAVAILABLE), "server_error");
        assert_eq!(error_type(StatusCode::PAYMENT_REQUIRED), "insufficient_quota");
        assert_eq!(error_type(StatusCode::BAD_REQUEST), "invalid_request_error");
    }
}
