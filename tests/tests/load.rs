//! Load: many concurrent calls through one client of each kind against one emulator, all
//! with the right answer, in bounded time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use naga_conformance::{Async, Blocking, CHAT_PATH, Setup};
use naga_mock::MockServer;
use naga_protocol::{ChatCompletion, ChatRequest, Message};

const PROMPTS: usize = 10;

fn request(i: usize) -> ChatRequest {
    let text = format!("Name landmark number {} in Tokyo.", i % PROMPTS);
    ChatRequest::new("gpt-4o-mini", [Message::user(text)]).stream_with_usage()
}

/// The non-streaming answer to each prompt.
fn expected(blocking: &Blocking) -> Arc<HashMap<usize, ChatCompletion>> {
    let answers = (0..PROMPTS).map(|i| (i, blocking.client.chat(&request(i)).unwrap()));
    Arc::new(answers.collect())
}

#[test]
fn two_hundred_concurrent_streams_through_one_async_client() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let expected = expected(&Blocking::new(&setup));
    let transport = Async::new(&setup);
    let start = Instant::now();
    let results = transport.runtime.block_on(async {
        let tasks: Vec<_> = (0..200)
            .map(|i| {
                let client = transport.client.clone();
                tokio::spawn(async move {
                    let chunks =
                        client.chat_stream(&request(i)).await.map_err(|e| e.to_string())?;
                    chunks.into_completion().await.map_err(|e| e.to_string())
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    let elapsed = start.elapsed();
    for (i, result) in results.into_iter().enumerate() {
        assert_eq!(result.as_ref(), Ok(&expected[&(i % PROMPTS)]), "stream {i}");
    }
    assert_eq!(server.request_count(CHAT_PATH), PROMPTS + 200);
    assert!(elapsed < Duration::from_secs(20), "200 streams took {elapsed:?}");
}

#[test]
fn sixteen_threads_share_one_blocking_client() {
    let server = MockServer::start_blocking();
    let transport = Blocking::new(&Setup::new(server.base_url()));
    let expected = expected(&transport);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..16 {
            let (client, expected) = (&transport.client, &expected);
            scope.spawn(move || {
                for n in 0..6 {
                    let i = thread * 6 + n;
                    let got = if n % 2 == 0 {
                        client.chat_stream(&request(i)).unwrap().into_completion().unwrap()
                    } else {
                        client.chat(&request(i)).unwrap()
                    };
                    assert_eq!(got, expected[&(i % PROMPTS)], "thread {thread} call {n}");
                }
            });
        }
    });
    let elapsed = start.elapsed();
    assert_eq!(server.request_count(CHAT_PATH), PROMPTS + 16 * 6);
    assert!(elapsed < Duration::from_secs(20), "96 calls took {elapsed:?}");
}
