//! The peer: eventsource-stream framing and async-openai's per-event decoding, driven
//! synchronously (the byte source is always ready, so no runtime is needed).

use std::convert::Infallible;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use async_openai::types::chat::CreateChatCompletionStreamResponse;
use eventsource_stream::{Event, EventStream};
use futures_util::{Stream, stream};
use naga_bench::ours::Tally;

/// Drives eventsource-stream over `chunks`, calling `on_event` for each event until it
/// returns `false`.
fn each_event(
    chunks: &[&[u8]],
    tally: &mut Tally,
    mut on_event: impl FnMut(Event, &mut Tally) -> bool,
) {
    let source = stream::iter(chunks.iter().map(|chunk| Ok::<&[u8], Infallible>(chunk)));
    let mut events = pin!(EventStream::new(source));
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        match events.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(Ok(event))) => {
                if !on_event(event, tally) {
                    break;
                }
            }
            Poll::Ready(Some(Err(_))) => tally.errors += 1,
            Poll::Ready(None) | Poll::Pending => break,
        }
    }
}

/// SSE framing with eventsource-stream.
pub(crate) fn frame(chunks: &[&[u8]]) -> Tally {
    let mut tally = Tally::default();
    each_event(chunks, &mut tally, |event, tally| {
        tally.items += 1;
        tally.bytes += event.data.len();
        true
    });
    tally
}

/// What async-openai does per event: stop at `[DONE]`, skip `keepalive` events,
/// `serde_json::from_str` the data into its chunk type.
pub(crate) fn decode(chunks: &[&[u8]]) -> Tally {
    let mut tally = Tally::default();
    each_event(chunks, &mut tally, |event, tally| {
        if event.data == "[DONE]" {
            return false;
        }
        if event.event == "keepalive" {
            return true;
        }
        match serde_json::from_str::<CreateChatCompletionStreamResponse>(&event.data) {
            Ok(chunk) => add_chunk(tally, &chunk),
            Err(_) => tally.errors += 1,
        }
        true
    });
    tally
}

/// async-openai's JSON-only cost: `serde_json::from_str` on prepared data strings.
pub(crate) fn decode_json_only(datas: &[&str]) -> Tally {
    let mut tally = Tally::default();
    for data in datas {
        match serde_json::from_str::<CreateChatCompletionStreamResponse>(data) {
            Ok(chunk) => add_chunk(&mut tally, &chunk),
            Err(_) => tally.errors += 1,
        }
    }
    tally
}

fn add_chunk(tally: &mut Tally, chunk: &CreateChatCompletionStreamResponse) {
    tally.items += 1;
    for choice in &chunk.choices {
        tally.bytes += choice.delta.content.as_deref().map_or(0, str::len);
        for call in choice.delta.tool_calls.iter().flatten() {
            let arguments = call.function.as_ref().and_then(|f| f.arguments.as_deref());
            tally.bytes += arguments.map_or(0, str::len);
        }
    }
}

/// `n` times: the example request with async-openai's builders, serialized to JSON.
pub(crate) fn builds(n: usize) -> Tally {
    use async_openai::types::chat::{
        ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs,
    };
    let mut tally = Tally::default();
    for _ in 0..n {
        let message = ChatCompletionRequestUserMessageArgs::default()
            .content("Write a two-line summary of Tokyo.")
            .build();
        let request = message.map_err(|_| ()).and_then(|message| {
            CreateChatCompletionRequestArgs::default()
                .model("gpt-4o-mini")
                .messages([message.into()])
                .build()
                .map_err(|_| ())
        });
        match request.map(|request| serde_json::to_vec(&request)) {
            Ok(Ok(body)) => {
                tally.items += 1;
                tally.bytes += body.len();
            }
            _ => tally.errors += 1,
        }
    }
    tally
}

/// async-openai's stream over `reads`: drop each chunk, or append its content to a
/// `String` (async-openai has no accumulator). Returns the content bytes seen.
pub(crate) fn stream_content(reads: impl Iterator<Item = Vec<u8>>, accumulate: bool) -> u64 {
    let source = stream::iter(reads.map(Ok::<Vec<u8>, Infallible>));
    let mut events = pin!(EventStream::new(source));
    let mut cx = Context::from_waker(Waker::noop());
    let (mut text, mut seen) = (String::new(), 0u64);
    while let Poll::Ready(Some(Ok(event))) = events.as_mut().poll_next(&mut cx) {
        if event.data == "[DONE]" {
            break;
        }
        let Ok(chunk) = serde_json::from_str::<CreateChatCompletionStreamResponse>(&event.data)
        else {
            continue;
        };
        for content in chunk.choices.iter().filter_map(|c| c.delta.content.as_deref()) {
            seen += content.len() as u64;
            if accumulate {
                text.push_str(content);
            }
        }
    }
    if accumulate { text.len() as u64 } else { seen }
}

/// An async-openai client pointed at `base_url`, asking the mock for `chunks` chunks.
pub(crate) fn openai_client(
    base_url: &str,
    chunks: usize,
) -> async_openai::Client<async_openai::config::OpenAIConfig> {
    let config =
        async_openai::config::OpenAIConfig::new().with_api_base(base_url).with_api_key("ng-bench");
    let config = match config.clone().with_header("x-mock-chunks", chunks.to_string()) {
        Ok(with_header) => with_header,
        Err(_) => config,
    };
    async_openai::Client::with_config(config).with_http_client(reqwest::Client::new())
}

/// One streamed completion of the example request (with usage) through async-openai.
pub(crate) async fn openai_stream(
    client: &async_openai::Client<async_openai::config::OpenAIConfig>,
) -> usize {
    use async_openai::types::chat::{
        ChatCompletionRequestUserMessageArgs, ChatCompletionStreamOptions,
        CreateChatCompletionRequestArgs,
    };
    use futures_util::StreamExt;
    let Ok(message) = ChatCompletionRequestUserMessageArgs::default()
        .content("Write a two-line summary of Tokyo.")
        .build()
    else {
        return 0;
    };
    let Ok(request) = CreateChatCompletionRequestArgs::default()
        .model("gpt-4o-mini")
        .messages([message.into()])
        .stream(true)
        .stream_options(ChatCompletionStreamOptions {
            include_usage: Some(true),
            ..Default::default()
        })
        .build()
    else {
        return 0;
    };
    let Ok(mut stream) = client.chat().create_stream(request).await else { return 0 };
    let mut items = 0;
    while let Some(chunk) = stream.next().await {
        items += usize::from(chunk.is_ok());
    }
    items
}
