//! One test per error kind: what the server sends becomes a typed error with its data.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, StatusCode};
use naga_protocol::{
    ApiError, ApiErrorKind, ChatRequest, CreateKey, EmbeddingRequest, Error, GetBalance,
    MAX_SNIPPET_BYTES, Message, MessagesRequest, ResponsesRequest, RetryAfter, StreamError,
    check_content_encoding, parse_api_error, parse_response,
};

fn api_error(status: u16, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let status = StatusCode::from_u16(status).unwrap();
    match parse_response::<ChatRequest>(status, headers, body).unwrap_err() {
        Error::Api(api) => *api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn naga_body(kind: &str, message: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"error": {"type": kind, "message": message}})).unwrap()
}

#[test]
fn invalid_request_names_the_field() {
    let request = ChatRequest::new("gpt-4o-mini", [Message::user("Hi")]).temperature(3.0);
    match request.validate().unwrap_err() {
        Error::InvalidRequest { field, reason } => {
            assert_eq!(field, "temperature");
            assert!(reason.contains('2'), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_documented_status_has_its_kind() {
    let table = [
        (400, "invalid_request_error", ApiErrorKind::InvalidRequest),
        (401, "authentication_error", ApiErrorKind::Authentication),
        (402, "insufficient_quota", ApiErrorKind::InsufficientQuota),
        (403, "inappropriate_content", ApiErrorKind::PermissionDenied),
        (404, "not_found_error", ApiErrorKind::NotFound),
        (410, "gone", ApiErrorKind::NotFound),
        (422, "invalid_request_error", ApiErrorKind::InvalidRequest),
        (429, "rate_limit_exceeded", ApiErrorKind::RateLimited),
        (500, "server_error", ApiErrorKind::Server),
        (503, "server_error", ApiErrorKind::Server),
        (418, "teapot", ApiErrorKind::Other),
    ];
    for (status, kind, expected) in table {
        let api = api_error(status, &HeaderMap::new(), &naga_body(kind, "why"));
        assert_eq!(api.kind, expected, "{status}");
        assert_eq!(api.status, Some(StatusCode::from_u16(status).unwrap()));
        assert_eq!(api.error_type.as_deref(), Some(kind));
        assert_eq!(api.message, "why");
    }
}

#[test]
fn an_error_status_whose_body_is_an_event_stream_reads_its_error_event() {
    // LiteLLM's proxy answers a failed streaming request with a 500 in the stream's format.
    let body = b"data: {\"error\": {\"message\": \"Error processing stream start\", \"type\": \
                 \"internal_server_error\", \"param\": null, \"code\": \"500\"}}\n\ndata: [DONE]\n\n";
    let api = api_error(500, &HeaderMap::new(), body);
    assert_eq!(api.message, "Error processing stream start");
    assert_eq!(api.error_type.as_deref(), Some("internal_server_error"));
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.body_snippet, String::from_utf8_lossy(body), "the body is kept as it came");
    // CRLF, a comment and an `event:` line first change nothing.
    let crlf = String::from_utf8_lossy(body).replace('\n', "\r\n");
    let framed = format!(": hi\r\nevent: error\r\n{crlf}");
    let api = api_error(500, &HeaderMap::new(), framed.as_bytes());
    assert_eq!(api.message, "Error processing stream start");
    // Events that are not an error envelope leave the body as the message.
    let other = b"data: {\"detail\": \"nope\"}\n\n";
    assert_eq!(
        api_error(502, &HeaderMap::new(), other).message,
        "Bad Gateway: data: {\"detail\": \"nope\"}"
    );
}

#[test]
fn in_stream_errors_are_classified_by_type() {
    let body = naga_body("rate_limit_exceeded", "slow down");
    let api = parse_api_error(None, &HeaderMap::new(), &body);
    assert_eq!(api.api_kind(), Some(ApiErrorKind::RateLimited));
    assert_eq!(api.status(), None);
    assert!(api.to_string().contains("in stream") && api.to_string().contains("slow down"));
}

#[test]
fn retry_after_and_request_id_come_from_headers() {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("7"));
    headers.insert("x-request-id", HeaderValue::from_static("req_42"));
    let api = api_error(429, &headers, &naga_body("rate_limit_exceeded", "later"));
    assert_eq!(api.retry_after, Some(RetryAfter::Delay(Duration::from_secs(7))));
    assert_eq!(api.request_id.as_deref(), Some("req_42"));
    assert!(Error::Api(Box::new(api)).to_string().contains("req_42"));

    headers.insert("retry-after-ms", HeaderValue::from_static("1500"));
    let api = api_error(429, &headers, b"{}");
    assert_eq!(api.retry_after, Some(RetryAfter::Delay(Duration::from_millis(1500))));

    let mut dated = HeaderMap::new();
    dated.insert("retry-after", HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
    let when = api_error(503, &dated, b"").retry_after.unwrap();
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
    assert_eq!(when.delay_from(now), Duration::from_secs(10));
}

/// Without a header, the wait some providers put in the body counts: a number or a numeric
/// string; anything odd is ignored, and a header always wins.
#[test]
fn retry_after_falls_back_to_the_error_metadata_in_the_body() {
    let body = |hint: serde_json::Value| {
        let error = serde_json::json!({"type": "rate_limit_exceeded", "message": "slow down",
            "metadata": {"retry_after_seconds": hint, "provider_name": "x"}});
        serde_json::to_vec(&serde_json::json!({ "error": error })).unwrap()
    };
    let none = HeaderMap::new();
    let wait = |hint| api_error(429, &none, &body(hint)).retry_after;
    assert_eq!(wait(serde_json::json!(2)), Some(RetryAfter::Delay(Duration::from_secs(2))));
    assert_eq!(wait(serde_json::json!(0.25)), Some(RetryAfter::Delay(Duration::from_millis(250))));
    assert_eq!(wait(serde_json::json!(" 3 ")), Some(RetryAfter::Delay(Duration::from_secs(3))));
    for odd in [
        serde_json::json!(-1),
        serde_json::json!("soon"),
        serde_json::json!(null),
        serde_json::json!([1]),
    ] {
        assert_eq!(wait(odd.clone()), None, "{odd}");
    }
    // A huge wait is kept (as the longest), not mistaken for none: the retry gives up.
    assert_eq!(wait(serde_json::json!(1e300)), Some(RetryAfter::Delay(Duration::MAX)));
    let api = api_error(429, &none, &body(serde_json::json!(2)));
    assert_eq!(api.message, "slow down", "the rest of the error is read as before");

    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("7"));
    let api = api_error(429, &headers, &body(serde_json::json!(2)));
    assert_eq!(api.retry_after, Some(RetryAfter::Delay(Duration::from_secs(7))));
    let flat = br#"{"error":{"type":"rate_limit_exceeded","metadata":"retry_after_seconds=2"}}"#;
    assert_eq!(api_error(429, &none, flat).retry_after, None);
}

/// A redirect is an error that says where it pointed (transports follow none).
#[test]
fn a_redirect_names_its_location() {
    let mut headers = HeaderMap::new();
    headers.insert("location", HeaderValue::from_static("https://elsewhere.example/v1/x"));
    let api = api_error(301, &headers, b"<html>moved</html>");
    assert_eq!(api.kind, ApiErrorKind::Other);
    assert!(
        api.message.contains("redirected to https://elsewhere.example/v1/x"),
        "{}",
        api.message
    );
    assert!(api.message.contains("check the base URL"), "{}", api.message);
    assert_eq!(api.body_snippet, "<html>moved</html>");
    let without = api_error(304, &HeaderMap::new(), b"");
    assert_eq!(without.message, "Not Modified (empty body)");
}

/// A UTF-8 byte order mark before the JSON is skipped (the official SDKs' JSON readers do),
/// in answers and in error bodies alike; a binary answer keeps its bytes.
#[test]
fn a_byte_order_mark_before_json_is_skipped() {
    let bom = |json: &str| [&b"\xEF\xBB\xBF"[..], json.as_bytes()].concat();
    let none = HeaderMap::new();
    let completion = bom(r#"{"id":"c","object":"chat.completion","created":1,"model":"m",
        "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#);
    let answer = parse_response::<ChatRequest>(StatusCode::OK, &none, &completion).unwrap();
    assert_eq!(answer.text(), Some("hi"));
    let models =
        parse_response::<naga_protocol::ListModels>(StatusCode::OK, &none, &bom(r#"{"data":[]}"#));
    assert!(models.unwrap().data.is_empty());
    let api =
        api_error(429, &none, &bom(r#"{"error":{"type":"rate_limit_exceeded","message":"slow"}}"#));
    assert_eq!((api.kind, api.message.as_str()), (ApiErrorKind::RateLimited, "slow"));
    let events = bom(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n",
    );
    let streamed = parse_response::<ChatRequest>(StatusCode::OK, &none, &events).unwrap();
    assert_eq!(streamed.text(), Some("hi"), "events although not asked for, after a mark");
    let audio = bom("RIFF$\0\0\0WAVE");
    let speech = parse_response::<naga_protocol::SpeechRequest>(StatusCode::OK, &none, &audio);
    assert_eq!(speech.unwrap(), audio, "audio bytes are not JSON: kept as they are");
}

#[test]
fn html_from_a_proxy_keeps_a_readable_bounded_snippet() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "x".repeat(10_000)
    );
    let api = api_error(502, &HeaderMap::new(), page.as_bytes());
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.error_type, None);
    assert_eq!(api.message, "Bad Gateway: an HTML page titled “502 Bad Gateway”");
    // Shown, the status's reason is said once.
    assert_eq!(api.to_string(), "API error 502 Bad Gateway: an HTML page titled “502 Bad Gateway”");
    assert!(api.body_snippet.starts_with("<html>"));
    assert!(api.body_snippet.len() <= MAX_SNIPPET_BYTES);
    assert!(api.message.len() <= MAX_SNIPPET_BYTES + 64);
}

#[test]
fn an_empty_success_body_is_said_to_be_empty() {
    for body in [&b""[..], b"  \r\n"] {
        let err = parse_response::<ChatRequest>(StatusCode::NO_CONTENT, &HeaderMap::new(), body)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not decode chat completion at byte 0: the answer's body is empty"
        );
    }
}

#[test]
fn a_status_without_a_reason_phrase_is_shown_as_its_number() {
    let body = br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let api = api_error(529, &HeaderMap::new(), body);
    assert_eq!(api.to_string(), "API error 529 (overloaded_error): Overloaded");
    let page = api_error(522, &HeaderMap::new(), b"");
    assert_eq!(page.to_string(), "API error 522: error (empty body)");
}

#[test]
fn an_excerpt_of_invalid_or_cut_utf8_stays_within_its_bound() {
    let invalid = api_error(502, &HeaderMap::new(), &[0xFF; 600]);
    assert!(invalid.body_snippet.len() <= MAX_SNIPPET_BYTES, "{}", invalid.body_snippet.len());
    assert!(invalid.body_snippet.starts_with('\u{FFFD}'));
    let cut = format!("{}é and more", "a".repeat(MAX_SNIPPET_BYTES - 1));
    let cut = api_error(502, &HeaderMap::new(), cut.as_bytes());
    assert_eq!(
        cut.body_snippet,
        "a".repeat(MAX_SNIPPET_BYTES - 1),
        "the cut character is left out"
    );
}

#[test]
fn empty_and_non_utf8_bodies_still_give_an_api_error() {
    let api = api_error(503, &HeaderMap::new(), b"");
    assert!(api.message.contains("empty body"), "{}", api.message);
    assert_eq!(api.to_string(), "API error 503 Service Unavailable (empty body)");
    let api = api_error(500, &HeaderMap::new(), b"\xff\xfe oops");
    assert!(api.message.contains("oops"), "{}", api.message);
}

#[test]
fn error_fields_of_other_types_are_tolerated() {
    let api = api_error(
        400,
        &HeaderMap::new(),
        br#"{"error":{"type":400,"message":{"m":1},"code":"x"}}"#,
    );
    assert_eq!(api.error_type.as_deref(), Some("400"));
    assert_eq!(api.message, r#"{"m":1}"#);
}

#[test]
fn undecodable_success_body_is_a_decode_error_with_offset() {
    let body = b"{\n  \"id\": \"c1\",\n  \"choices\": [oops]\n}";
    match parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), body).unwrap_err() {
        Error::Decode { what, offset, snippet, .. } => {
            assert_eq!(what, "chat completion");
            assert_eq!(&body[offset..offset + 4], b"oops");
            assert!(snippet.contains("oops"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_error_envelope_under_a_success_status_is_that_error() {
    let ok = StatusCode::OK;
    let headers = HeaderMap::new();
    let envelope = naga_body("server_error", "upstream provider failed");
    let with_fields = br#"{"id":"x","choices":[],"error":{"type":"server_error","message":"upstream provider failed"}}"#;
    for body in [envelope.as_slice(), with_fields] {
        let err = parse_response::<ChatRequest>(ok, &headers, body).unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!((api.message.as_str(), api.status), ("upstream provider failed", None));
        let err = parse_response::<ResponsesRequest>(ok, &headers, body).unwrap_err();
        assert_eq!(err.api().unwrap().message, "upstream provider failed");
    }
    let anthropic =
        br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let err = parse_response::<MessagesRequest>(ok, &headers, anthropic).unwrap_err();
    assert_eq!(err.api().unwrap().message, "Overloaded");
    // A failed response object is an answer, not an envelope: its `error` is read from it.
    let failed = br#"{"id":"resp_1","object":"response","status":"failed","output":[],"error":{"code":"server_error","message":"boom"}}"#;
    let answer = parse_response::<ResponsesRequest>(ok, &headers, failed).unwrap();
    assert_eq!(answer.error.unwrap().message.as_deref(), Some("boom"));
    // Every other JSON answer, by the default decoding (and a created key's own).
    let balance = parse_response::<GetBalance>(ok, &headers, &envelope).unwrap_err();
    assert_eq!(balance.api().unwrap().message, "upstream provider failed");
    let embeddings = parse_response::<EmbeddingRequest>(ok, &headers, &envelope).unwrap_err();
    assert_eq!(embeddings.api().unwrap().message, "upstream provider failed");
    let created = parse_response::<CreateKey>(ok, &headers, &envelope).unwrap_err();
    assert_eq!(created.api().unwrap().message, "upstream provider failed");
    // The word in a value is not an envelope.
    let said = br#"{"balance":"\"error\"","error":null}"#;
    assert!(parse_response::<GetBalance>(ok, &headers, said).is_ok());
    // `"error": null` next to a completion is no error.
    let fine = br#"{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}],"error":null}"#;
    assert_eq!(parse_response::<ChatRequest>(ok, &headers, fine).unwrap().text(), Some("Hi"));
}

#[test]
fn an_error_envelope_under_a_success_status_says_where_it_was_found() {
    let (ok, headers) = (StatusCode::OK, HeaderMap::new());
    let envelope = naga_body("server_error", "upstream provider failed");
    let shown = "API error in a success response (server_error): upstream provider failed";
    let chat = parse_response::<ChatRequest>(ok, &headers, &envelope).unwrap_err();
    let embeddings = parse_response::<EmbeddingRequest>(ok, &headers, &envelope).unwrap_err();
    for err in [chat, embeddings] {
        let api = err.api().unwrap();
        assert_eq!((api.status, err.status(), api.kind), (None, None, ApiErrorKind::Server));
        assert_eq!(err.to_string(), shown);
    }
    // A chat envelope beside chunk-like fields reads the same.
    let with_fields = br#"{"id":"x","choices":[],"error":{"type":"server_error","message":"upstream provider failed"}}"#;
    let err = parse_response::<ChatRequest>(ok, &headers, with_fields).unwrap_err();
    assert_eq!(err.to_string(), shown);
    // An error frame in a body of events is still one in a stream.
    let events = b"data: {\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}\n\n";
    let err = parse_response::<ChatRequest>(ok, &headers, events).unwrap_err();
    assert_eq!(err.to_string(), "API error in stream (server_error): boom");
}

#[test]
fn code_and_param_are_read_from_the_envelope() {
    let body = br#"{"error":{"type":"invalid_request_error","message":"Unknown parameter","code":"unknown_parameter","param":"temprature"}}"#;
    let api = api_error(400, &HeaderMap::new(), body);
    assert_eq!(api.kind, ApiErrorKind::InvalidRequest);
    assert_eq!(api.code.as_deref(), Some("unknown_parameter"));
    assert_eq!(api.param.as_deref(), Some("temprature"));
    // A number code becomes its text; `null` and absent fields are none.
    let body =
        br#"{"error":{"type":"invalid_request_error","message":"bad","code":400,"param":null}}"#;
    let api = api_error(400, &HeaderMap::new(), body);
    assert_eq!((api.code.as_deref(), api.param), (Some("400"), None));
    let api = api_error(400, &HeaderMap::new(), &naga_body("invalid_request_error", "bad"));
    assert_eq!((api.code, api.param), (None, None));
    // Not JSON: nothing to read.
    let api = api_error(400, &HeaderMap::new(), b"<html>400</html>");
    assert_eq!((api.code, api.param), (None, None));
    // In a stream as well.
    let frame = br#"{"error":{"type":"server_error","message":"boom","code":"upstream_failed"}}"#;
    let err = parse_api_error(None, &HeaderMap::new(), frame);
    assert_eq!(err.api().unwrap().code.as_deref(), Some("upstream_failed"));
}

#[test]
fn a_compressed_error_body_is_named_not_shown() {
    let mut headers = HeaderMap::new();
    headers.insert("content-encoding", HeaderValue::from_static("gzip"));
    headers.insert("retry-after", HeaderValue::from_static("2"));
    let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00";
    let api = api_error(503, &headers, gzip);
    assert_eq!(
        api.message,
        "Service Unavailable: the body arrived in the content coding `gzip`, not decoded"
    );
    assert_eq!((api.kind, api.body_snippet.as_str()), (ApiErrorKind::Server, ""));
    assert_eq!(api.retry_after, Some(RetryAfter::Delay(Duration::from_secs(2))));
}

#[test]
fn html_with_a_success_status_is_a_decode_error() {
    let err = parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), b"<html>hi</html>")
        .unwrap_err();
    assert!(matches!(err, Error::Decode { offset: 0, .. }), "{err:?}");
}

#[test]
fn server_text_in_a_message_has_its_control_characters_escaped() {
    let api =
        api_error(500, &HeaderMap::new(), &naga_body("x\ny", "line one\nline two \u{1b}[31mred"));
    assert_eq!(api.message, "line one\nline two \u{1b}[31mred", "the field keeps the text");
    assert_eq!(
        api.to_string(),
        r"API error 500 Internal Server Error (x\ny): line one\nline two \u{1b}[31mred"
    );
    let body = b"<html>\r\n\x1b]0;title\x07</html>";
    let err = parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), body).unwrap_err();
    let shown = err.to_string();
    assert!(shown.ends_with(r"(near `<html>\r\n\u{1b}]0;title\u{7}</html>`)"), "{shown}");
    assert!(!shown.contains(|c: char| c.is_control()), "{shown}");
    let document = StreamError::UnexpectedDocument { snippet: "a\tb".into() };
    assert_eq!(document.to_string(), r"stream body is a document, not server-sent events: `a\tb`");
}

#[test]
fn a_compressed_success_body_is_refused_before_it_is_read() {
    let mut headers = HeaderMap::new();
    assert!(check_content_encoding(&headers).is_ok());
    headers.insert("content-encoding", HeaderValue::from_static("identity"));
    assert!(check_content_encoding(&headers).is_ok(), "identity is the body as it is");
    headers.append("content-encoding", HeaderValue::from_static(" Identity , "));
    assert!(check_content_encoding(&headers).is_ok());
    headers.append("content-encoding", HeaderValue::from_static("identity, br"));
    match check_content_encoding(&headers).unwrap_err() {
        Error::Decode { what, offset, message, snippet } => {
            assert_eq!((what, offset, snippet.as_str()), ("response body", 0, ""));
            assert!(message.contains("`br`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let gzip =
        HeaderMap::from_iter([(http::header::CONTENT_ENCODING, HeaderValue::from_static("gzip"))]);
    let shown = check_content_encoding(&gzip).unwrap_err().to_string();
    assert_eq!(
        shown,
        "could not decode response body at byte 0: it arrived in the content coding `gzip`, \
         which is not decoded (requests ask for `identity` unless a default `Accept-Encoding` \
         header asks for more)"
    );
}
