//! Request handling: routing, body limit, recording, faults, auth, then the endpoint.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{
    ALLOW, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderValue,
    TRANSFER_ENCODING, WWW_AUTHENTICATE,
};
use http::{HeaderMap, Method, Request, Response, StatusCode, Version};
use hyper::body::Incoming;
use serde_json::Value;

use crate::account::{AccountRoute, answer as answer_account};
use crate::answer::{build_choices, too_large};
use crate::body::MockBody;
use crate::cors;
use crate::embeddings::{embeddings_body, validate_embeddings};
use crate::error_body::{
    anthropic_error_shape, error_response, fault_response, html_response, invalid_request,
    json_response,
};
use crate::faults::Faults;
use crate::form::{Part, boundary_param, parse_form};
use crate::free_tier::FreeTierLedger;
use crate::images::{images_body, is_output_path, output_png, validate_edit, validate_images};
use crate::messages::respond_message;
use crate::messages_validate::validate_messages_request;
use crate::models::{
    is_free, is_listed, models_body, serves, unknown_model_message, unserved_endpoint_message,
};
use crate::moderations::{moderation_body, validate_moderation};
use crate::render::{Shape, chunk_list, completion_json};
use crate::request_body::{BodyLimits, encoded_body_rejection, read_body};
use crate::responses::respond;
use crate::responses_validate::validate_responses;
use crate::seed::fnv1a;
use crate::server::State;
use crate::speech::{speech_body, validate_speech};
use crate::startups::startups_body;
use crate::stream::sse_response;
use crate::transcribe::transcribe;
use crate::validate::{Invalid, validate_chat};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Chat,
    Responses,
    Messages,
    Embeddings,
    Moderations,
    Images,
    ImageEdits,
    Speech,
    Transcriptions,
    Translations,
    Models,
    Startups,
    /// An image handed out by URL (`GET`, no key).
    Output,
    Account(AccountRoute),
}

impl Route {
    /// The route for `path`, if the emulator serves it.
    fn of(path: &str) -> Option<Route> {
        Some(match path {
            "/v1/chat/completions" => Route::Chat,
            "/v1/responses" => Route::Responses,
            "/v1/messages" => Route::Messages,
            "/v1/embeddings" => Route::Embeddings,
            "/v1/moderations" => Route::Moderations,
            "/v1/images/generations" => Route::Images,
            "/v1/images/edits" => Route::ImageEdits,
            "/v1/audio/speech" => Route::Speech,
            "/v1/audio/transcriptions" => Route::Transcriptions,
            "/v1/audio/translations" => Route::Translations,
            "/v1/models" => Route::Models,
            "/v1/startups" => Route::Startups,
            _ if is_output_path(path) => Route::Output,
            _ => Route::Account(AccountRoute::of(path)?),
        })
    }

    /// The methods it answers (`HEAD` too wherever `GET` is).
    fn methods(&self) -> &'static [Method] {
        match self {
            Route::Models | Route::Startups | Route::Output => &[Method::GET],
            Route::Account(account) => account.methods(),
            _ => &[Method::POST],
        }
    }
}

/// Answers one request. Never fails: every problem is an HTTP answer.
pub(crate) async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<MockBody>, Infallible> {
    let (parts, body) = req.into_parts();
    let mut response = answer(&state, &parts, body).await;
    cors::allow_origin(&parts.headers, &mut response);
    if parts.method == Method::HEAD {
        without_body(&mut response);
    } else {
        close_after_unsized_http10_body(parts.version, &mut response);
    }
    Ok(response)
}

/// An HTTP/1.0 answer of unknown length (a stream) ends with the connection, so it says
/// `connection: close` (hyper closes it but would say `keep-alive` to a client that asked).
fn close_after_unsized_http10_body(version: Version, response: &mut Response<MockBody>) {
    let sized = hyper::body::Body::size_hint(response.body()).exact().is_some();
    if version == Version::HTTP_10 && !sized {
        response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    }
}

/// The head of `response` alone, its `content-length` kept: what a `HEAD` gets. (HTTP/1
/// leaves a body out by itself; HTTP/2 would send it, and a client resets the stream.)
fn without_body(response: &mut Response<MockBody>) {
    if let Some(length) = hyper::body::Body::size_hint(response.body()).exact() {
        response.headers_mut().entry(CONTENT_LENGTH).or_insert(HeaderValue::from(length));
    }
    *response.body_mut() = MockBody::full(Bytes::new());
}

/// The answer to a request, before the CORS headers.
async fn answer(state: &State, parts: &http::request::Parts, body: Incoming) -> Response<MockBody> {
    let path = parts.uri.path().to_owned();
    let route = Route::of(&path);
    if let Some(rejection) = framing_rejection(parts) {
        state.recorder.record(&parts.method, &path, &parts.headers, Bytes::new());
        return rejection;
    }
    // A browser's preflight is not an API request: answered, not recorded.
    if let Some(route) = &route
        && let Some(response) = cors::preflight(&parts.method, &parts.headers, route.methods())
    {
        return response;
    }
    let limits =
        BodyLimits { bytes: state.options.max_body_bytes, stall: state.options.client_timeout };
    // Read before any answer, even a 404, so the connection can carry the next request.
    let body = read_body(limits, parts.version, &parts.headers, body).await;
    let recorded = body.as_ref().map_or_else(|_| Bytes::new(), Bytes::clone);
    state.recorder.record(&parts.method, &path, &parts.headers, recorded);
    let Some(route) = route else { return not_found(&parts.method, &path) };
    let response = match body {
        Ok(body) => {
            let request = Head {
                method: &parts.method,
                headers: &parts.headers,
                path: &path,
                query: parts.uri.query(),
                authority: parts.uri.authority().map(http::uri::Authority::as_str),
            };
            match encoded_body_rejection(&parts.headers, &body) {
                Some(rejection) => rejection,
                None => dispatch(state, &route, &request, body).await,
            }
        }
        Err(response) => response,
    };
    // Anthropic clients read `{"type":"error","error":{..}}`; see `anthropic_error_shape`.
    if route == Route::Messages { anthropic_error_shape(response) } else { response }
}

/// A 404 for a path the emulator does not serve.
fn not_found(method: &Method, path: &str) -> Response<MockBody> {
    let mut message = format!("no route for {method} {path}");
    if Route::of(&format!("/v1{path}")).is_some() {
        // A base URL without its `/v1` (`http://host:port` for `http://host:port/v1`).
        message.push_str(&format!("; the API is under /v1 (did you mean /v1{path}?)"));
    }
    error_response(StatusCode::NOT_FOUND, &message)
}

/// A 400 for an HTTP/1.1 request without exactly one `Host` (RFC 9112 §3.2), or a 501 for a
/// body in a transfer coding other than `chunked` (RFC 9112 §6.1), whose content could not
/// be read; both close the connection.
fn framing_rejection(parts: &http::request::Parts) -> Option<Response<MockBody>> {
    let hosts = parts.headers.get_all(HOST).iter().count();
    let (status, message) = if parts.version == Version::HTTP_11 && hosts != 1 {
        let message = if hosts == 0 {
            "an HTTP/1.1 request needs a Host header".to_owned()
        } else {
            format!("an HTTP/1.1 request takes one Host header, not {hosts}")
        };
        (StatusCode::BAD_REQUEST, message)
    } else {
        let coding = unknown_transfer_coding(&parts.headers)?;
        (StatusCode::NOT_IMPLEMENTED, format!("unsupported Transfer-Encoding `{coding}`"))
    };
    let mut response = error_response(status, &message);
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    Some(response)
}

/// The first transfer coding of the request other than `chunked`, if any.
fn unknown_transfer_coding(headers: &HeaderMap) -> Option<String> {
    let values = headers.get_all(TRANSFER_ENCODING).iter();
    let codings = values.flat_map(|value| value.to_str().unwrap_or("?").split(','));
    let unknown = |c: &&str| !c.is_empty() && !c.eq_ignore_ascii_case("chunked");
    codings.map(str::trim).find(unknown).map(str::to_owned)
}

/// What `dispatch` needs of the request head.
struct Head<'a> {
    method: &'a Method,
    headers: &'a HeaderMap,
    path: &'a str,
    query: Option<&'a str>,
    /// The authority of the request target (an HTTP/2 request's; HTTP/1.1 names it in `Host`).
    authority: Option<&'a str>,
}

/// `scheme://host[:port]`, the emulator's origin as the request names it (the authority of
/// an HTTP/2 request, or its `Host`), or its bound address when the request names none that
/// is valid: where its image URLs point. Built only for the answers that hold such URLs.
fn origin(state: &State, request: &Head<'_>) -> String {
    let scheme = if state.options.tls.is_some() { "https" } else { "http" };
    let host = request.headers.get(HOST).and_then(|host| host.to_str().ok());
    // `host[:port]` only: no user info.
    let valid = |a: &&str| a.parse::<http::uri::Authority>().is_ok() && !a.contains('@');
    match request.authority.or(host).filter(valid) {
        Some(authority) => format!("{scheme}://{authority}"),
        None => format!("{scheme}://{}", state.addr),
    }
}

async fn dispatch(
    state: &State,
    route: &Route,
    request: &Head<'_>,
    body: Bytes,
) -> Response<MockBody> {
    let (method, headers, path) = (request.method, request.headers, request.path);
    let allowed = route.methods();
    // HEAD is GET without the body (hyper leaves the body out), as health checks expect.
    let head_of_get = method == Method::HEAD && allowed.contains(&Method::GET);
    if !allowed.contains(method) && !head_of_get {
        return method_not_allowed(method, path, allowed);
    }
    let faults = match state.options.faults.merged(headers) {
        Ok(faults) => faults,
        Err(message) => return invalid_request(&message),
    };
    if let Some(response) = injected_failure(state, &faults, path, &body).await {
        return response;
    }
    // `/startups` is public: a key, even a malformed one, is not looked at (§3.11); so are
    // the images handed out by URL.
    let key = match *route {
        Route::Startups | Route::Output => None,
        _ => match check_auth(state, headers, route) {
            Ok(key) => key,
            Err(message) => return unauthorized(&message),
        },
    };
    let gate = &Gate {
        models: &state.options.models,
        free_tier: state.free_tier.as_ref(),
        key: key.unwrap_or_default(),
    };
    match route {
        Route::Models => json_response(StatusCode::OK, models_body(gate.models).into()),
        Route::Startups => json_response(StatusCode::OK, startups_body().into()),
        Route::Output => png_response(),
        Route::Chat => chat(gate, headers, &body, faults),
        Route::Responses => json_endpoint(
            (gate, headers, &body),
            "responses",
            validate_responses,
            |req| req.get("model").and_then(Value::as_str).unwrap_or_default(),
            |req| respond(req, faults),
        ),
        Route::Messages => json_endpoint(
            (gate, headers, &body),
            "messages",
            validate_messages_request,
            |req| req.get("model").and_then(Value::as_str).unwrap_or_default(),
            |req| respond_message(req, faults),
        ),
        Route::Embeddings => json_endpoint(
            (gate, headers, &body),
            "embeddings",
            validate_embeddings,
            |job| &job.model,
            |job| json_response(StatusCode::OK, embeddings_body(job)),
        ),
        Route::Moderations => json_endpoint(
            (gate, headers, &body),
            "moderations",
            validate_moderation,
            |job| &job.model,
            |job| json_response(StatusCode::OK, moderation_body(job, &body).into()),
        ),
        Route::Images => json_endpoint(
            (gate, headers, &body),
            "images.generations",
            validate_images,
            |job| &job.model,
            |job| json_response(StatusCode::OK, images_body(job, &origin(state, request)).into()),
        ),
        Route::ImageEdits => image_edits(gate, request, &body, &origin(state, request)),
        Route::Speech => json_endpoint(
            (gate, headers, &body),
            "audio.speech",
            validate_speech,
            |job| &job.model,
            |job| audio_response(job.content_type(), speech_body(job)),
        ),
        Route::Transcriptions => transcription(gate, headers, &body, false),
        Route::Translations => transcription(gate, headers, &body, true),
        Route::Account(account) => {
            if method != Method::GET
                && method != Method::DELETE
                && let Some(response) = non_json_rejection(headers)
            {
                return response;
            }
            let (status, json) = answer_account(&state.keys, account, method, request.query, &body);
            match json {
                Some(json) => json_response(status, json.into()),
                None => empty_response(status),
            }
        }
    }
}

/// A 405 naming the allowed methods (`Allow` header and message; `HEAD` wherever `GET` is).
fn method_not_allowed(method: &Method, path: &str, allowed: &[Method]) -> Response<MockBody> {
    let mut list: Vec<&str> = allowed.iter().map(Method::as_str).collect();
    if allowed.contains(&Method::GET) {
        list.insert(1, Method::HEAD.as_str());
    }
    let message = format!("method {method} is not allowed on {path}; use {}", list.join(" or "));
    let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, &message);
    if let Ok(value) = HeaderValue::from_str(&list.join(", ")) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

/// A response without a body (`204 No Content`).
fn empty_response(status: StatusCode) -> Response<MockBody> {
    let mut response = Response::new(MockBody::full(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// The stall, HTML page, forced status or first-N failure requested by the faults.
async fn injected_failure(
    state: &State,
    faults: &Faults,
    path: &str,
    body: &[u8],
) -> Option<Response<MockBody>> {
    if let Some(ms) = faults.stall_before_headers() {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if let Some(status) = faults.html_error.and_then(|s| StatusCode::from_u16(s).ok()) {
        return Some(with_retry_headers(html_response(status), faults));
    }
    let forced = faults.status.and_then(|s| StatusCode::from_u16(s).ok());
    if let Some(status) = forced {
        let message = "naga-mock: injected failure (x-mock-status)";
        let response = fault_response(status, message, faults.retry_after_body);
        return Some(with_retry_headers(response, faults));
    }
    let times = faults.fail_times.filter(|n| *n > 0)?;
    let key = match &faults.fail_key {
        Some(key) => format!("key:{key}"),
        None => format!("body:{path}:{:016x}", fnv1a(body)),
    };
    if !state.fails.should_fail(key, times) {
        return None;
    }
    let status = faults.fail_status.and_then(|s| StatusCode::from_u16(s).ok());
    let status = status.unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let message = "naga-mock: injected failure (x-mock-fail-times)";
    let response = fault_response(status, message, faults.retry_after_body);
    Some(with_retry_headers(response, faults))
}

fn with_retry_headers(mut response: Response<MockBody>, faults: &Faults) -> Response<MockBody> {
    let headers = response.headers_mut();
    if let Some(value) = faults.retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert("retry-after", value);
    }
    if let Some(ms) = faults.retry_after_ms {
        headers.insert("retry-after-ms", HeaderValue::from(ms));
    }
    response
}

/// Naga's auth: `Authorization: Bearer <key>` or `x-api-key: <key>` (only the former on
/// `/account/*`, where provisioning keys go); optional on `/models` (but a key that is sent
/// must be well-formed and, if one is required, the right one). The accepted key, if one
/// was sent.
fn check_auth<'h>(
    state: &State,
    headers: &'h HeaderMap,
    route: &Route,
) -> Result<Option<&'h str>, String> {
    let key = if let Some(value) = headers.get(AUTHORIZATION) {
        let text = value.to_str().map_err(|_| "malformed Authorization header".to_owned())?;
        let (scheme, key) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
        if !scheme.eq_ignore_ascii_case("bearer") || key.trim().is_empty() {
            return Err("malformed Authorization header; expected `Bearer <api key>`".to_owned());
        }
        key.trim()
    } else if let Some(value) = headers.get("x-api-key")
        && !matches!(route, Route::Account(_))
    {
        let key = value.to_str().map_err(|_| "malformed x-api-key header".to_owned())?.trim();
        if key.is_empty() {
            return Err("empty x-api-key header".to_owned());
        }
        key
    } else if *route == Route::Models {
        return Ok(None);
    } else {
        return Err("missing API key: send `Authorization: Bearer <api key>`".to_owned());
    };
    match &state.options.required_api_key {
        Some(required) if required != key => Err("invalid API key".to_owned()),
        _ => Ok(Some(key)),
    }
}

/// A 401 with its challenge (RFC 9110 §15.5.2): the key goes as a bearer token.
fn unauthorized(message: &str) -> Response<MockBody> {
    let mut response = error_response(StatusCode::UNAUTHORIZED, message);
    response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A 415 unless the body is declared JSON (or not declared at all).
fn non_json_rejection(headers: &HeaderMap) -> Option<Response<MockBody>> {
    let mime = headers.get(CONTENT_TYPE)?.to_str().unwrap_or_default();
    let mime = mime.split(';').next().unwrap_or_default().trim();
    if mime.eq_ignore_ascii_case("application/json") {
        return None;
    }
    let message = format!("unsupported Content-Type `{mime}`; use application/json");
    Some(error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, &message))
}

/// What decides whether a valid request is answered: the model catalogue and, when enforced,
/// the free tier's budget of the request's API key.
struct Gate<'a> {
    models: &'a [Value],
    free_tier: Option<&'a FreeTierLedger>,
    key: &'a str,
}

impl Gate<'_> {
    /// A 404 for a model not in the catalogue, a 400 for one that does not serve `endpoint`,
    /// a 429 for a free model whose budget is spent (an admitted one is counted).
    fn refusal(&self, model: &str, endpoint: &str) -> Option<Response<MockBody>> {
        if !is_listed(self.models, model) {
            return Some(error_response(StatusCode::NOT_FOUND, &unknown_model_message(model)));
        }
        if !serves(self.models, model, endpoint) {
            return Some(invalid_request(&unserved_endpoint_message(model, endpoint)));
        }
        let ledger = self.free_tier.filter(|_| is_free(self.models, model))?;
        let refused = ledger.admit(self.key, Instant::now()).err()?;
        Some(error_response(StatusCode::TOO_MANY_REQUESTS, &refused.message()))
    }
}

fn chat(gate: &Gate<'_>, headers: &HeaderMap, body: &[u8], faults: Faults) -> Response<MockBody> {
    if let Some(response) = non_json_rejection(headers) {
        return response;
    }
    let req = match validate_chat(body) {
        Ok(req) => req,
        Err(message) => return invalid_request(&message),
    };
    let model = req.get("model").and_then(Value::as_str).unwrap_or_default();
    if let Some(response) = gate.refusal(model, "chat.completions") {
        return response;
    }
    if let Some(message) = too_large(&req, faults.chunks) {
        return invalid_request(&message);
    }
    let answers = build_choices(&req, faults.chunks);
    let shape = Shape::of(&req);
    let streaming = req.get("stream").and_then(|v| v.as_bool()) == Some(true);
    if streaming && !faults.ignore_stream {
        sse_response(chunk_list(&answers, shape), faults)
    } else {
        json_response(StatusCode::OK, completion_json(&answers, shape).to_vec().into())
    }
}

/// A JSON endpoint: a 415 for another body type, a 400 naming what `validate` rejects, the
/// checked request's model (`model_of`) checked against `endpoint`, then `answer`.
fn json_endpoint<J>(
    (gate, headers, body): (&Gate<'_>, &HeaderMap, &[u8]),
    endpoint: &str,
    validate: impl FnOnce(&[u8]) -> Result<J, Invalid>,
    model_of: impl FnOnce(&J) -> &str,
    answer: impl FnOnce(&J) -> Response<MockBody>,
) -> Response<MockBody> {
    if let Some(response) = non_json_rejection(headers) {
        return response;
    }
    let job = match validate(body) {
        Ok(job) => job,
        Err(message) => return invalid_request(&message),
    };
    if let Some(response) = gate.refusal(model_of(&job), endpoint) {
        return response;
    }
    answer(&job)
}

/// An audio answer of `content_type`, sent as the digest says speech arrives: with chunked
/// transfer (16 KiB chunks), so a player can start before the end.
fn audio_response(content_type: &'static str, audio: Vec<u8>) -> Response<MockBody> {
    let mut response = Response::new(MockBody::pieces(audio.into(), 16 * 1024));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The parts of a `multipart/form-data` body, or the 415 (not a form) or 400 (a broken one)
/// to answer.
fn form_parts<'a>(
    headers: &HeaderMap,
    body: &'a [u8],
) -> Result<Vec<Part<'a>>, Box<Response<MockBody>>> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let Some(boundary) = content_type.and_then(boundary_param) else {
        let message = "unsupported Content-Type; use multipart/form-data with a boundary";
        return Err(Box::new(error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, message)));
    };
    parse_form(&boundary, body).map_err(|message| Box::new(invalid_request(&message)))
}

fn transcription(
    gate: &Gate<'_>,
    headers: &HeaderMap,
    body: &[u8],
    translate: bool,
) -> Response<MockBody> {
    let parts = match form_parts(headers, body) {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let (model, transcript) = match transcribe(&parts, translate) {
        Ok(answer) => answer,
        Err(message) => return invalid_request(&message),
    };
    let endpoint = if translate { "audio.translations" } else { "audio.transcriptions" };
    if let Some(response) = gate.refusal(&model, endpoint) {
        return response;
    }
    let mut response = json_response(StatusCode::OK, transcript.body.into());
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(transcript.content_type));
    response
}

fn image_edits(
    gate: &Gate<'_>,
    request: &Head<'_>,
    body: &[u8],
    origin: &str,
) -> Response<MockBody> {
    let parts = match form_parts(request.headers, body) {
        Ok(parts) => parts,
        Err(response) => return *response,
    };
    let job = match validate_edit(&parts) {
        Ok(job) => job,
        Err(message) => return invalid_request(&message),
    };
    if let Some(response) = gate.refusal(&job.model, "images.edits") {
        return response;
    }
    json_response(StatusCode::OK, images_body(&job, origin).into())
}

/// An emulated image, as its URL serves it.
fn png_response() -> Response<MockBody> {
    let mut response = Response::new(MockBody::full(output_png().into()));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
    response
}
