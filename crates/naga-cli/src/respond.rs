//! `naga respond`: `naga chat` through the Responses API.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use naga_blocking::Client;
use naga_protocol::{ResponseObject, ResponsesRequest};

use crate::args::ChatArgs;
use crate::chat::{print_text, read_prompt};
use crate::failure::Failure;

/// Runs the command: stream (or wait for) the response, then report usage and timing on
/// stderr.
pub(crate) fn run(client: &Client, args: &ChatArgs) -> Result<(), Failure> {
    let request = build_request(args, read_prompt(args)?);
    let started = Instant::now();
    let response = if args.no_stream {
        let response = client.response(&request)?;
        if !args.json {
            print_text(&response.output_text())?;
        }
        response
    } else {
        stream_response(client, &request, !args.json)?
    };
    if args.json {
        let json = serde_json::to_string_pretty(&response)
            .map_err(|err| Failure::Other(format!("cannot print the response: {err}")))?;
        print_text(&json)?;
    }
    report(&response, started.elapsed());
    Ok(())
}

fn build_request(args: &ChatArgs, prompt: String) -> ResponsesRequest {
    let mut request = ResponsesRequest::new(&args.model, prompt);
    request.instructions = args.system.clone();
    request.temperature = args.temperature;
    request.max_output_tokens = args.max_tokens;
    request
}

/// Streams the response, printing text as it arrives when `echo` is set.
fn stream_response(
    client: &Client,
    request: &ResponsesRequest,
    echo: bool,
) -> Result<ResponseObject, Failure> {
    let mut stdout = io::stdout().lock();
    let mut write_error = None;
    let result = client.response_stream(request)?.into_response_with(|event| {
        if let Some(text) = event.text_delta().filter(|_| echo && write_error.is_none()) {
            write_error = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).err();
        }
    });
    if echo {
        writeln!(stdout)?;
    }
    if let Some(err) = write_error {
        return Err(err.into());
    }
    Ok(result.map_err(|partial| partial.error)?)
}

/// Model, time, usage and status, on stderr so stdout stays the answer alone.
fn report(response: &ResponseObject, elapsed: Duration) {
    let model = response.model.as_deref().unwrap_or("?");
    let tokens = response.usage.as_ref().map(|usage| {
        format!(
            ", tokens: {} input + {} output = {}",
            usage.input_tokens, usage.output_tokens, usage.total_tokens
        )
    });
    let status = response.status.as_ref().map(|status| format!(", status: {status}"));
    eprintln!(
        "[{model} in {:.2} s{}{}]",
        elapsed.as_secs_f64(),
        tokens.unwrap_or_default(),
        status.unwrap_or_default()
    );
}
