//! `naga chat`: send a prompt, print the answer as it arrives.

use std::io::{self, IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use naga_blocking::Client;
use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatRequest, ContentPart, Message, ReasoningEffort, Usage,
};

use crate::args::ChatArgs;
use crate::attach;
use crate::failure::Failure;
use crate::reasoning::ReasoningEcho;

/// Runs the command: stream (or wait for) the answer, then report usage and timing on stderr.
pub(crate) fn run(client: &Client, args: &ChatArgs) -> Result<(), Failure> {
    let request = build_request(args, read_prompt(args)?)?;
    let started = Instant::now();
    let completion = if args.no_stream {
        let completion = client.chat(&request)?;
        if !args.json {
            ReasoningEcho::show_whole(completion.reasoning().unwrap_or_default());
        }
        if let Some(text) = completion.text().filter(|text| !text.is_empty() && !args.json) {
            print_text(text)?;
        }
        completion
    } else {
        stream_answer(client, &request.stream_with_usage(), !args.json)?
    };
    if args.json {
        let json = serde_json::to_string_pretty(&completion)
            .map_err(|err| Failure::Other(format!("cannot print the completion: {err}")))?;
        print_text(&json)?;
    }
    report(&completion, started.elapsed());
    if args.json { Ok(()) } else { textless_answer(&completion) }
}

/// An answer without text: a refusal is printed (it is the answer), tool calls are listed on
/// stderr; an answer with none of these (filtered, no choices) is a failure.
fn textless_answer(completion: &ChatCompletion) -> Result<(), Failure> {
    if completion.text().is_some_and(|text| !text.is_empty()) {
        return Ok(());
    }
    let message = completion.choices.first().map(|choice| &choice.message);
    if let Some(refusal) = message.and_then(|m| m.refusal.as_deref()).filter(|r| !r.is_empty()) {
        return print_text(refusal);
    }
    let calls = completion.tool_calls();
    for call in calls {
        note!("[tool call {}: {}({})]", call.id, call.function.name, call.function.arguments);
    }
    if calls.is_empty() {
        let finish = completion.finish_reason().map(|reason| format!(" (finish: {reason})"));
        return Err(Failure::Other(format!(
            "the answer held no text{}",
            finish.unwrap_or_default()
        )));
    }
    Ok(())
}

/// The prompt argument, else all of standard input (which must be UTF-8 text).
pub(crate) fn read_prompt(args: &ChatArgs) -> Result<String, Failure> {
    match args.prompt.as_deref() {
        Some(prompt) if prompt.trim().is_empty() => {
            return Err(Failure::Other("the prompt is empty".into()));
        }
        Some("-") | None => {}
        Some(prompt) => return Ok(prompt.to_owned()),
    }
    if io::stdin().is_terminal() {
        note!("naga: reading the prompt from standard input; end it with Ctrl-D");
    }
    let mut prompt = String::new();
    io::stdin().read_to_string(&mut prompt).map_err(|err| match err.kind() {
        io::ErrorKind::InvalidData => {
            Failure::Other("the prompt on standard input is not UTF-8 text".into())
        }
        _ => Failure::Other(format!("cannot read the prompt from standard input: {err}")),
    })?;
    if prompt.trim().is_empty() {
        return Err(Failure::Other(
            "no prompt: pass one as an argument or on standard input".into(),
        ));
    }
    Ok(prompt)
}

fn build_request(args: &ChatArgs, prompt: String) -> Result<ChatRequest, Failure> {
    let system = args.system.as_deref().map(Message::system);
    let attachments = attach::read_all(args)?;
    let user = if attachments.is_empty() {
        Message::user(prompt)
    } else {
        let parts = attachments.iter().map(attach::chat_part).collect::<Result<Vec<_>, _>>()?;
        Message::user_parts([ContentPart::text(prompt)].into_iter().chain(parts))
    };
    let mut request = ChatRequest::new(&args.model, system.into_iter().chain([user]));
    if let Some(effort) = args.reasoning_effort.as_deref() {
        request = request.reasoning_effort(ReasoningEffort::from(effort));
    }
    if let Some(temperature) = args.temperature {
        request = request.temperature(temperature);
    }
    if let Some(max_tokens) = args.max_tokens {
        request = request.max_completion_tokens(max_tokens);
    }
    Ok(request)
}

/// Streams the answer, printing text fragments (and reasoning, on stderr) as they arrive
/// when `echo` is set.
fn stream_answer(
    client: &Client,
    request: &ChatRequest,
    echo: bool,
) -> Result<ChatCompletion, Failure> {
    let mut accumulator = ChatAccumulator::new();
    let mut stdout = io::stdout().lock();
    // Whether text went out: a line break ends it before an error, and nothing else is
    // written when no text came.
    let mut echoed = false;
    let mut reasoning = ReasoningEcho::default();
    for chunk in client.stream(request)? {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(err) => {
                reasoning.end();
                if echoed {
                    writeln!(stdout)?;
                }
                return Err(err.into());
            }
        };
        if echo {
            for choice in chunk.choices.iter().filter(|choice| choice.index == 0) {
                reasoning.show(&choice.delta.reasoning_text().unwrap_or_default());
                if let Some(text) = choice.delta.text().filter(|text| !text.is_empty()) {
                    reasoning.end();
                    stdout.write_all(text.as_bytes())?;
                    stdout.flush()?;
                    echoed = true;
                }
            }
        }
        accumulator.push(&chunk);
    }
    reasoning.end();
    if echoed {
        writeln!(stdout)?;
    }
    Ok(accumulator.finish())
}

/// Writes `text` and a line break to stdout (a failed write is a [`Failure::Io`]).
pub(crate) fn print_text(text: &str) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{text}")?;
    stdout.flush()?;
    Ok(())
}

/// Usage and timing, on stderr so stdout stays the answer alone.
fn report(completion: &ChatCompletion, elapsed: Duration) {
    let finish = completion.finish_reason().map(|reason| format!(", finish: {reason}"));
    let tokens = completion.usage.as_ref().map(describe_usage).unwrap_or_default();
    note!(
        "[{} in {:.2} s{}{}]",
        completion.model,
        elapsed.as_secs_f64(),
        tokens,
        finish.unwrap_or_default()
    );
}

fn describe_usage(usage: &Usage) -> String {
    format!(
        ", tokens: {} prompt + {} completion = {}",
        usage.prompt_tokens, usage.completion_tokens, usage.total_tokens
    )
}
