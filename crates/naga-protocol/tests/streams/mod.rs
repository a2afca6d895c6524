//! Shared helpers for the chat stream and accumulator tests: the recorded provider streams,
//! their replay as SSE bodies, and running a `ChatStream` over chunked input.
// Each test binary uses a subset of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;

use naga_protocol::{ChatCompletionChunk, ChatStream, Error};

/// `shared/fixtures/provider-streams` in the nearest ancestor of this crate that has it (CI
/// keeps `shared/` beside the repository; worktrees sit one level deeper). `NAGA_SHARED_DIR`
/// overrides the search. A missing directory fails the test: it never passes vacuously.
pub(crate) fn fixture_dir() -> PathBuf {
    const SUBDIR: &str = "fixtures/provider-streams";
    if let Some(shared) = std::env::var_os("NAGA_SHARED_DIR") {
        return PathBuf::from(shared).join(SUBDIR);
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let found =
        manifest.ancestors().map(|dir| dir.join("shared").join(SUBDIR)).find(|d| d.is_dir());
    found.unwrap_or_else(|| panic!("no shared/{SUBDIR} above {}", manifest.display()))
}

/// The non-empty lines (event payloads) of a fixture file.
pub(crate) fn fixture_lines(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture_dir().join(name)).unwrap();
    text.split('\n').filter(|line| !line.trim().is_empty()).map(str::to_owned).collect()
}

/// Every `*.jsonl` file name in the fixture directory, sorted.
pub(crate) fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".jsonl"))
        .collect();
    names.sort();
    names
}

/// The SSE body replaying `lines` as `data: <line>\n\n`, optionally ending in `[DONE]`.
pub(crate) fn sse_body(lines: &[impl AsRef<str>], with_done: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for line in lines {
        body.extend_from_slice(b"data: ");
        body.extend_from_slice(line.as_ref().as_bytes());
        body.extend_from_slice(b"\n\n");
    }
    if with_done {
        body.extend_from_slice(b"data: [DONE]\n\n");
    }
    body
}

/// Feeds `chunks` in order, draining after each, then finishes and drains again.
pub(crate) fn run<'a>(
    stream: &mut ChatStream,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Vec<Result<ChatCompletionChunk, Error>> {
    let mut items = Vec::new();
    for chunk in chunks {
        stream.feed(chunk);
        items.extend(std::iter::from_fn(|| stream.next_chunk()));
    }
    stream.finish();
    items.extend(std::iter::from_fn(|| stream.next_chunk()));
    items
}

/// Runs a fresh default `ChatStream` over the whole body at once.
pub(crate) fn run_whole(body: &[u8]) -> Vec<Result<ChatCompletionChunk, Error>> {
    run(&mut ChatStream::new(), [body])
}

/// Splits `input` into pieces of 1..=max_len bytes chosen by a fixed-seed generator.
pub(crate) fn random_pieces(input: &[u8], seed: u64, max_len: usize) -> Vec<&[u8]> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut pieces = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let len = ((state >> 33) as usize % max_len + 1).min(rest.len());
        let (piece, tail) = rest.split_at(len);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// Parses one JSON chunk (test data is trusted).
pub(crate) fn chunk(json: &str) -> ChatCompletionChunk {
    serde_json::from_str(json).unwrap()
}
