//! `ChatRequest` as an [`Operation`]: `POST /chat/completions`.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::accumulator::ChatAccumulator;
use super::request::ChatRequest;
use super::response::ChatCompletion;
use super::stream::{ChatStream, is_error_value};
use crate::error::Error;
use crate::operation::{Operation, json_body, or_event_stream, unless_error_body};

impl Operation for ChatRequest {
    type Output = ChatCompletion;

    const NAME: &'static str = "chat completion";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/chat/completions")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        self.validate()?;
        json_body(self)
    }

    fn is_streaming(&self) -> bool {
        self.stream == Some(true)
    }

    /// The completion; a body of server-sent events (a server that streams although
    /// `stream` was not asked for) is decoded as a stream and accumulated.
    fn decode_output(body: &[u8]) -> Result<ChatCompletion, Error> {
        or_event_stream::<ChatStream, ChatAccumulator>(body, |json| {
            let decoded = ChatCompletion::from_json(json);
            unless_error_body(json, decoded, |answer| {
                answer.extra.get("error").is_some_and(is_error_value)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::message::Message;

    #[test]
    fn posts_validated_json_to_chat_completions() {
        let request = ChatRequest::new("m", [Message::user("hi")]);
        assert_eq!(
            (request.method(), request.path()),
            (Method::POST, Cow::from("/chat/completions"))
        );
        assert_eq!(<ChatRequest as Operation>::NAME, "chat completion");
        let body = request.body().unwrap().unwrap();
        assert_eq!(&body[..], br#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#);
        assert!(!request.is_streaming());
        assert!(request.clone().stream(true).is_streaming());
        assert!(!request.clone().stream(false).is_streaming());
    }

    #[test]
    fn an_event_stream_body_is_accumulated_into_the_completion() {
        let stream = concat!(
            ": keep-alive\n\n",
            "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\n",
            "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        );
        let completion = ChatRequest::decode_output(stream.as_bytes()).unwrap();
        assert_eq!((completion.id.as_str(), completion.text()), ("c1", Some("Hello")));
        let cut = stream.split("data: [DONE]").next().unwrap().replace("\"stop\"", "null");
        let err = ChatRequest::decode_output(cut.as_bytes()).unwrap_err();
        assert!(matches!(err, Error::Stream(crate::StreamError::Truncated { events: 2 })), "{err}");
        let error_frame = "data: {\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}\n\n";
        let err = ChatRequest::decode_output(error_frame.as_bytes()).unwrap_err();
        assert_eq!(err.api().map(|api| api.message.as_str()), Some("boom"));
        // Anything else stays a decode error of the completion.
        let err = ChatRequest::decode_output(b"datum: 1").unwrap_err();
        assert!(matches!(err, Error::Decode { what: "chat completion", .. }), "{err}");
    }

    #[test]
    fn body_refuses_an_invalid_request() {
        let request = ChatRequest::new("m", [Message::user("hi")]).temperature(3.0);
        let err = request.body().unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { ref field, .. } if field == "temperature"));
    }
}
