//! Counts heap allocations: `ChatStream::next_chunk_into` with one reused chunk allocates
//! nothing per chunk once warm (text deltas with escapes and non-ASCII text, tool-call
//! argument fragments), where `next_chunk` allocates every chunk's strings.
//!
//! This file is its own test binary so that the counting allocator affects nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_protocol::{ChatCompletionChunk, ChatStream};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const CHUNKS: usize = 400;
/// Chunks read before counting (the buffers grow to the longest values seen).
const WARM: usize = 20;
/// Counted rounds over the same chunks.
const ROUNDS: usize = 3;

/// Text deltas of 1..=16 characters (escapes, non-ASCII) in OpenAI's chunk shape.
fn text_frames() -> Vec<String> {
    let words = ["Hi", " \"quoted\"", " café", "\n", " 東京", " 😀", " a\\b", " word", " tab\t!"];
    (0..CHUNKS)
        .map(|i| {
            let text = serde_json::to_string(words[i % words.len()]).unwrap();
            format!(
                r#"{{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{{"index":0,"delta":{{"content":{text}}},"logprobs":null,"finish_reason":null}}]}}"#
            )
        })
        .collect()
}

/// Tool-call argument fragments, as providers stream them.
fn tool_frames() -> Vec<String> {
    let pieces = ["{\"", "location", "\":\"", "San Fr", "ancisco", "\",\"unit\":", "\"c\"}"];
    (0..CHUNKS)
        .map(|i| {
            let args = serde_json::to_string(pieces[i % pieces.len()]).unwrap();
            format!(
                r#"{{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{{"index":0,"delta":{{"tool_calls":[{{"index":0,"function":{{"arguments":{args}}}}}]}},"finish_reason":null}}]}}"#
            )
        })
        .collect()
}

fn blocks() -> u64 {
    dhat::HeapStats::get().total_blocks
}

/// Feeds one frame per read and reads its chunk; returns the text length read.
fn read_into(stream: &mut ChatStream, chunk: &mut ChatCompletionChunk, event: &[u8]) -> usize {
    stream.feed(event);
    let mut read = 0;
    while let Some(item) = stream.next_chunk_into(chunk) {
        item.unwrap();
        let delta = &chunk.choices[0].delta;
        read += delta.text().map_or(0, |text| text.len());
        let calls = delta.tool_calls.iter().flatten();
        read += calls
            .filter_map(|c| c.function.as_ref()?.arguments.as_ref())
            .map(String::len)
            .sum::<usize>();
    }
    read
}

/// One test: dhat allows one profiler at a time.
#[test]
fn a_reused_chunk_allocates_nothing_per_chunk_once_warm() {
    let _profiler = dhat::Profiler::builder().testing().build();
    for (what, frames) in [("text", text_frames()), ("tool calls", tool_frames())] {
        let events: Vec<Vec<u8>> =
            frames.iter().map(|frame| format!("data: {frame}\n\n").into_bytes()).collect();
        let mut stream = ChatStream::new();
        let mut chunk = ChatCompletionChunk::default();
        let mut read = 0;
        for event in &events[..WARM] {
            read += read_into(&mut stream, &mut chunk, event);
        }
        // The same chunks in each of three rounds, the fewest allocations counted: the
        // decoding is deterministic, so a round without any shows it allocates nothing, while
        // dhat's count now and then takes in a few blocks from outside it (4 in one run of
        // about ten, in one round).
        let mut allocated = u64::MAX;
        for _ in 0..ROUNDS {
            let before = blocks();
            for event in &events[WARM..] {
                read += read_into(&mut stream, &mut chunk, event);
            }
            allocated = allocated.min(blocks() - before);
        }
        assert!(read > CHUNKS, "{what}: {read} bytes read");
        assert_eq!(allocated, 0, "{what}: {allocated} allocations in {} chunks", CHUNKS - WARM);

        // The owned path, for contrast: several allocations per chunk.
        let mut stream = ChatStream::new();
        let before = blocks();
        for event in &events[WARM..] {
            stream.feed(event);
            while let Some(item) = stream.next_chunk() {
                drop(item.unwrap());
            }
        }
        let owned = blocks() - before;
        assert!(owned >= 3 * (CHUNKS - WARM) as u64, "{what}: next_chunk made {owned}");
    }
}
