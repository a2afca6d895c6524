//! `naga message`: `naga chat` through Anthropic's Messages API.

use naga_blocking::Client;
use naga_protocol::{MessageEvent, MessageParam, MessagesRequest, MessagesResponse};

use crate::args::ChatArgs;
use crate::failure::Failure;
use crate::text_api::TextApi;

/// `max_tokens` when `--max-tokens` is not given (the Messages API requires one).
const DEFAULT_MAX_TOKENS: u32 = 1024;

/// The Messages API.
pub(crate) enum Messages {}

impl TextApi for Messages {
    type Request = MessagesRequest;
    type Answer = MessagesResponse;
    type Event = MessageEvent;

    const WHAT: &'static str = "message";

    fn request(args: &ChatArgs, prompt: String) -> MessagesRequest {
        let max_tokens = args.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
        let mut request =
            MessagesRequest::new(&args.model, max_tokens, [MessageParam::user(prompt)]);
        if let Some(system) = &args.system {
            request = request.system(system.clone());
        }
        request.temperature = args.temperature;
        request
    }

    fn send(client: &Client, request: &MessagesRequest) -> Result<MessagesResponse, Failure> {
        Ok(client.message(request)?)
    }

    fn stream(
        client: &Client,
        request: &MessagesRequest,
        on_event: impl FnMut(&MessageEvent),
    ) -> Result<MessagesResponse, Failure> {
        let events = client.message_stream(request)?;
        Ok(events.into_message_with(on_event).map_err(|partial| partial.error)?)
    }

    fn text_delta(event: &MessageEvent) -> Option<&str> {
        event.text_delta()
    }

    fn text(answer: &MessagesResponse) -> String {
        answer.text()
    }

    fn summary(answer: &MessagesResponse) -> (String, String) {
        let tokens = answer.usage.as_ref().map(|usage| {
            format!(", tokens: {} input + {} output", usage.input_tokens, usage.output_tokens)
        });
        let stop = answer.stop_reason.as_ref().map(|reason| format!(", stop: {reason}"));
        let model = answer.model.clone().unwrap_or_else(|| "?".to_owned());
        (model, tokens.unwrap_or_default() + &stop.unwrap_or_default())
    }
}
