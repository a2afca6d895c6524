//! `next_into` on both transports' chat streams: the chunks, errors and ends of iterating
//! the stream, with one chunk reused (clean, an error frame, a dropped connection).

#![allow(clippy::unwrap_used, clippy::panic)]

use futures_util::StreamExt;
use naga_conformance::{Async, Blocking, Setup};
use naga_mock::MockServer;
use naga_protocol::{ChatCompletionChunk, ChatRequest, Message};

/// An item as compared: the chunk (its per-request id and time cleared), or the error text.
type Item = Result<ChatCompletionChunk, String>;

fn request() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Describe the Shinkansen.")]).stream_with_usage()
}

fn normal(item: Result<ChatCompletionChunk, String>) -> Item {
    item.map(|mut chunk| {
        chunk.id.clear();
        chunk.created = None;
        chunk
    })
}

fn blocking_items(setup: &Setup, reuse: bool) -> Vec<Item> {
    let client = Blocking::new(setup).client;
    let mut chunks = client.chat_stream(&request()).unwrap();
    if !reuse {
        return chunks.map(|item| normal(item.map_err(|e| e.to_string()))).collect();
    }
    let mut chunk = ChatCompletionChunk::default();
    let mut items = Vec::new();
    while let Some(result) = chunks.next_into(&mut chunk) {
        items.push(normal(result.map(|()| chunk.clone()).map_err(|e| e.to_string())));
    }
    items
}

fn async_items(setup: &Setup, reuse: bool) -> Vec<Item> {
    let transport = Async::new(setup);
    transport.runtime.block_on(async {
        let mut chunks = transport.client.chat_stream(&request()).await.unwrap();
        let mut items = Vec::new();
        let mut chunk = ChatCompletionChunk::default();
        loop {
            let item = if reuse {
                chunks.next_into(&mut chunk).await.map(|r| r.map(|()| chunk.clone()))
            } else {
                chunks.next().await
            };
            let Some(item) = item else { break };
            items.push(normal(item.map_err(|e| e.to_string())));
        }
        items
    })
}

#[test]
fn a_reused_chunk_reads_the_same_items_as_the_stream() {
    let server = MockServer::start_blocking();
    let cases = [
        ("clean", None),
        ("error frame", Some(("x-mock-error-after-events", 3))),
        ("dropped", Some(("x-mock-drop-after-events", 4))),
    ];
    for (what, fault) in cases {
        let mut setup = Setup::new(server.base_url()).header("x-mock-chunks", 8);
        if let Some((name, after)) = fault {
            setup = setup.header(name, after);
        }
        let streamed = blocking_items(&setup, false);
        assert!(streamed.len() >= 4, "{what}: {streamed:?}");
        assert_eq!(streamed.last().unwrap().is_err(), fault.is_some(), "{what}: {streamed:?}");
        assert_eq!(blocking_items(&setup, true), streamed, "{what}: blocking next_into");
        assert_eq!(async_items(&setup, false), streamed, "{what}: async stream");
        assert_eq!(async_items(&setup, true), streamed, "{what}: async next_into");
    }
}
