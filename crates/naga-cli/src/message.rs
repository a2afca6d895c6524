//! `naga message`: `naga chat` through Anthropic's Messages API.

use naga_blocking::Client;
use naga_protocol::{
    ContentBlock, MessageAccumulator, MessageEvent, MessageParam, MessagesRequest,
    MessagesResponse, OutputEffort, Thinking,
};

use crate::args::ChatArgs;
use crate::attach;
use crate::failure::Failure;
use crate::text_api::{TextApi, add_up_while};

/// `max_tokens` when `--max-tokens` is not given (the Messages API requires one).
const DEFAULT_MAX_TOKENS: u32 = 1024;

/// The Messages API.
pub(crate) enum Messages {}

impl TextApi for Messages {
    type Request = MessagesRequest;
    type Answer = MessagesResponse;
    type Event = MessageEvent;

    const WHAT: &'static str = "message";

    fn request(args: &ChatArgs, prompt: String) -> Result<MessagesRequest, Failure> {
        let max_tokens = args.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
        let attachments = attach::read_all(args)?;
        let user = if attachments.is_empty() {
            MessageParam::user(prompt)
        } else {
            let blocks = attachments.iter().map(attach::messages_block);
            let blocks = [Ok(ContentBlock::text(prompt))].into_iter().chain(blocks);
            MessageParam::user(blocks.collect::<Result<Vec<_>, Failure>>()?)
        };
        let mut request = MessagesRequest::new(&args.model, max_tokens, [user]);
        if let Some(system) = &args.system {
            request = request.system(system.clone());
        }
        request.temperature = args.temperature;
        request = match args.reasoning_effort.as_deref() {
            None => request,
            Some("none") => request.thinking(Thinking::Disabled),
            Some("minimal" | "low") => request.effort(OutputEffort::Low),
            Some("medium") => request.effort(OutputEffort::Medium),
            Some("high") => request.effort(OutputEffort::High),
            Some(_) => request.effort(OutputEffort::Max),
        };
        Ok(request)
    }

    fn send(client: &Client, request: &MessagesRequest) -> Result<MessagesResponse, Failure> {
        Ok(client.message(request)?)
    }

    fn stream(
        client: &Client,
        request: &MessagesRequest,
        on_event: impl FnMut(&MessageEvent) -> bool,
    ) -> Result<MessagesResponse, Failure> {
        add_up_while::<MessageAccumulator>(client.message_stream(request)?, on_event)
    }

    fn text_delta(event: &MessageEvent) -> Option<&str> {
        event.text_delta()
    }

    fn reasoning_delta(event: &MessageEvent) -> Option<&str> {
        event.thinking_delta()
    }

    fn text(answer: &MessagesResponse) -> String {
        answer.text()
    }

    fn reasoning(answer: &MessagesResponse) -> String {
        answer.thinking()
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
