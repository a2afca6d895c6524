//! `ChatRequest` as an [`Operation`]: `POST /chat/completions`.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::request::ChatRequest;
use super::response::ChatCompletion;
use crate::error::Error;
use crate::operation::Operation;

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
        let json = serde_json::to_vec(self)
            .map_err(|err| Error::invalid("body", format!("could not be encoded: {err}")))?;
        Ok(Some(Bytes::from(json)))
    }

    fn is_streaming(&self) -> bool {
        self.stream == Some(true)
    }

    fn decode_output(body: &[u8]) -> Result<ChatCompletion, Error> {
        ChatCompletion::from_json(body)
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
    fn body_refuses_an_invalid_request() {
        let request = ChatRequest::new("m", [Message::user("hi")]).temperature(3.0);
        let err = request.body().unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { ref field, .. } if field == "temperature"));
    }
}
