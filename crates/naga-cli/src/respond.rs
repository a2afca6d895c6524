//! `naga respond`: `naga chat` through the Responses API.

use naga_blocking::Client;
use naga_protocol::{
    ItemPart, ReasoningEffort, ResponseAccumulator, ResponseEvent, ResponseItem, ResponseObject,
    ResponsesRequest,
};

use crate::args::ChatArgs;
use crate::attach;
use crate::failure::Failure;
use crate::text_api::{TextApi, add_up_while};

/// The Responses API (`--system` becomes the instructions).
pub(crate) enum Responses {}

impl TextApi for Responses {
    type Request = ResponsesRequest;
    type Answer = ResponseObject;
    type Event = ResponseEvent;

    const WHAT: &'static str = "response";

    fn request(args: &ChatArgs, prompt: String) -> Result<ResponsesRequest, Failure> {
        let attachments = attach::read_all(args)?;
        let mut request = if attachments.is_empty() {
            ResponsesRequest::new(&args.model, prompt)
        } else {
            let parts = attachments.iter().map(attach::responses_part);
            let parts = [Ok(ItemPart::input_text(prompt))].into_iter().chain(parts);
            let parts = parts.collect::<Result<Vec<_>, Failure>>()?;
            ResponsesRequest::new(&args.model, [ResponseItem::user(parts)])
        };
        request.instructions = args.system.clone();
        request.temperature = args.temperature;
        request.max_output_tokens = args.max_tokens;
        if let Some(effort) = args.reasoning_effort.as_deref() {
            request = request.reasoning_effort(ReasoningEffort::from(effort));
        }
        Ok(request)
    }

    fn send(client: &Client, request: &ResponsesRequest) -> Result<ResponseObject, Failure> {
        Ok(client.response(request)?)
    }

    fn stream(
        client: &Client,
        request: &ResponsesRequest,
        on_event: impl FnMut(&ResponseEvent) -> bool,
    ) -> Result<ResponseObject, Failure> {
        add_up_while::<ResponseAccumulator>(client.response_stream(request)?, on_event)
    }

    fn text_delta(event: &ResponseEvent) -> Option<&str> {
        event.text_delta()
    }

    fn reasoning_delta(event: &ResponseEvent) -> Option<&str> {
        event.reasoning_delta()
    }

    fn text(answer: &ResponseObject) -> String {
        answer.output_text()
    }

    fn reasoning(answer: &ResponseObject) -> String {
        answer.reasoning_summary()
    }

    fn summary(answer: &ResponseObject) -> (String, String) {
        let tokens = answer.usage.as_ref().map(|usage| {
            let (input, output, total) =
                (usage.input_tokens, usage.output_tokens, usage.total_tokens);
            format!(", tokens: {input} input + {output} output = {total}")
        });
        let status = answer.status.as_ref().map(|status| format!(", status: {status}"));
        let model = answer.model.clone().unwrap_or_else(|| "?".to_owned());
        (model, tokens.unwrap_or_default() + &status.unwrap_or_default())
    }
}
