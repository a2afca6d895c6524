//! `naga respond` and `naga message`: a prompt through the Responses or the Messages API,
//! printed as it arrives (one driver, each API plugged in through [`TextApi`]).

use std::io::{self, Write};
use std::time::{Duration, Instant};

use naga_blocking::Client;
use naga_protocol::StreamAccumulator;
use serde::Serialize;

use crate::args::ChatArgs;
use crate::chat::{print_text, read_prompt};
use crate::failure::Failure;
use crate::reasoning::ReasoningEcho;

/// What the driver needs of one API.
pub(crate) trait TextApi {
    /// The request type.
    type Request;
    /// The whole answer.
    type Answer: Serialize;
    /// One stream event.
    type Event;

    /// What the answer is called in messages (`response`, `message`).
    const WHAT: &'static str;

    /// The request for `prompt` with the command's options (a file that cannot go fails).
    fn request(args: &ChatArgs, prompt: String) -> Result<Self::Request, Failure>;

    /// Sends it and waits for the answer.
    fn send(client: &Client, request: &Self::Request) -> Result<Self::Answer, Failure>;

    /// Streams it, showing each event to `on_event`, and adds the events up; stops reading
    /// (the stream is dropped, which ends the answer) when `on_event` returns `false`.
    fn stream(
        client: &Client,
        request: &Self::Request,
        on_event: impl FnMut(&Self::Event) -> bool,
    ) -> Result<Self::Answer, Failure>;

    /// The text an event adds.
    fn text_delta(event: &Self::Event) -> Option<&str>;

    /// The reasoning (or thinking) an event adds.
    fn reasoning_delta(event: &Self::Event) -> Option<&str>;

    /// The answer's text.
    fn text(answer: &Self::Answer) -> String;

    /// The answer's reasoning (or thinking) text, empty when it has none.
    fn reasoning(answer: &Self::Answer) -> String;

    /// Model, usage and why it stopped, for the line on stderr.
    fn summary(answer: &Self::Answer) -> (String, String);
}

/// Runs the command: stream (or wait for) the answer, then report usage and timing on stderr.
pub(crate) fn run<A: TextApi>(client: &Client, args: &ChatArgs) -> Result<(), Failure> {
    let request = A::request(args, read_prompt(args)?)?;
    let started = Instant::now();
    let answer = if args.no_stream {
        let answer = A::send(client, &request)?;
        if !args.json {
            ReasoningEcho::show_whole(&A::reasoning(&answer));
            print_text(&A::text(&answer))?;
        }
        answer
    } else {
        stream::<A>(client, &request, !args.json)?
    };
    if args.json {
        let json = serde_json::to_string_pretty(&answer)
            .map_err(|err| Failure::Other(format!("cannot print the {}: {err}", A::WHAT)))?;
        print_text(&json)?;
    }
    report::<A>(&answer, started.elapsed());
    Ok(())
}

/// Streams the answer, printing text (and reasoning, on stderr) as it arrives when `echo` is
/// set. Text the deltas did
/// not carry (a server that answered the streaming request with the whole document) is
/// printed when the answer is complete.
fn stream<A: TextApi>(
    client: &Client,
    request: &A::Request,
    echo: bool,
) -> Result<A::Answer, Failure> {
    let mut stdout = io::stdout().lock();
    let mut echoed = String::new();
    let mut write_error = None;
    let mut reasoning = ReasoningEcho::default();
    let result = A::stream(client, request, |event| {
        if let Some(thought) = A::reasoning_delta(event).filter(|_| echo) {
            reasoning.show(thought);
        }
        if let Some(text) = A::text_delta(event).filter(|_| echo) {
            reasoning.end();
            write_error = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).err();
            echoed.push_str(text);
        }
        // A reader that is gone (`naga respond ... | head`) ends the stream.
        write_error.is_none()
    });
    reasoning.end();
    // The rest of the answer's text and a line end; nothing when the request failed before
    // any text (stdout stays empty) or the reader is gone.
    if echo && write_error.is_none() && (result.is_ok() || !echoed.is_empty()) {
        let text = result.as_ref().map(A::text).unwrap_or_default();
        let rest = text.strip_prefix(echoed.as_str()).unwrap_or_default();
        writeln!(stdout, "{rest}")?;
    }
    if let Some(err) = write_error {
        return Err(err.into());
    }
    result
}

/// Adds up `events`, showing each to `on_event`, until they end or `on_event` returns
/// `false`; then the stream is dropped, which ends the answer (no tokens for a reader that
/// is gone).
pub(crate) fn add_up_while<A: StreamAccumulator + Default>(
    events: impl IntoIterator<Item = Result<A::Item, naga_blocking::Error>>,
    mut on_event: impl FnMut(&A::Item) -> bool,
) -> Result<A::Output, Failure> {
    let mut accumulator = A::default();
    for event in events {
        let event = event?;
        accumulator.push(&event);
        if !on_event(&event) {
            break;
        }
    }
    Ok(accumulator.finish())
}

/// `[model in N s, tokens..., status...]` on stderr, so stdout stays the answer alone.
fn report<A: TextApi>(answer: &A::Answer, elapsed: Duration) {
    let (model, details) = A::summary(answer);
    note!("[{model} in {:.2} s{details}]", elapsed.as_secs_f64());
}
