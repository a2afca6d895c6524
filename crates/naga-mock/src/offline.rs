//! The chat endpoint's answer computed without a server, for fuzzing and property tests.

use http::StatusCode;

use crate::answer::build_choices;
use crate::error_body::error_json;
use crate::render::{Shape, chunk_list, completion_json};
use crate::stream::chunk_frame;
use crate::validate::validate_chat;

/// What `POST /v1/chat/completions` answers for a request body sent with a valid key,
/// `Content-Type: application/json` and no faults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatAnswer {
    /// `200 OK` for a valid request, `400 Bad Request` (`invalid_request_error`) otherwise.
    pub status: StatusCode,
    /// The completion or error JSON; for `"stream": true`, the SSE body (`data: <json>\n\n`
    /// per chunk, then `data: [DONE]\n\n`).
    pub body: Vec<u8>,
    /// Whether `body` is an SSE stream.
    pub streaming: bool,
}

/// Validates `body` as a chat request and builds the answer the server would send: the same
/// validation and answer code as the server, without I/O. The model is not looked up in a
/// catalogue (the server answers 404 for a model it does not list), so any model id works.
///
/// ```
/// let answer = naga_mock::answer_chat(br#"{"model":"m","messages":[{"role":"user","content":"Hi"}]}"#);
/// assert_eq!(answer.status, 200);
/// assert_eq!(naga_mock::answer_chat(b"{}").status, 400);
/// ```
pub fn answer_chat(body: &[u8]) -> ChatAnswer {
    let req = match validate_chat(body) {
        Ok(req) => req,
        Err(message) => {
            let body = error_json(StatusCode::BAD_REQUEST, &message).to_vec();
            return ChatAnswer { status: StatusCode::BAD_REQUEST, body, streaming: false };
        }
    };
    let (answers, shape) = (build_choices(&req, None), Shape::of(&req));
    if req.get("stream").and_then(|v| v.as_bool()) != Some(true) {
        let body = completion_json(&answers, shape).to_vec();
        return ChatAnswer { status: StatusCode::OK, body, streaming: false };
    }
    let mut body = Vec::new();
    let chunks = chunk_list(&answers, shape);
    for i in 0..chunks.len() {
        body.extend_from_slice(&chunk_frame(&chunks, i, None));
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    ChatAnswer { status: StatusCode::OK, body, streaming: true }
}
