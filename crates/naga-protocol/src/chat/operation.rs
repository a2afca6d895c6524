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
}
