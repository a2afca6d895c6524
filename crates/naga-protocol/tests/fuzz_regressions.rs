//! Replays every input kept in `fuzz/regressions/<target>/` through the same checks the
//! fuzz targets run (`fuzz/src/checks.rs`, included here by path), so a bug the fuzzer
//! found stays fixed in the normal test suite, without cargo-fuzz.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/checks.rs"]
mod checks;

use std::path::PathBuf;

/// The kept inputs of `target`, with their file names.
fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut inputs: Vec<_> = entries
        .map(|entry| entry.unwrap().path())
        .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
        .collect();
    inputs.sort();
    inputs
}

/// Runs `check` on each kept input of `target`; returns how many there were.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let inputs = regressions(target);
    for (name, bytes) in &inputs {
        eprintln!("replaying {name}");
        check(bytes);
    }
    inputs.len()
}

#[test]
fn sse_regressions_pass() {
    assert!(replay("sse", checks::sse) >= 1, "fuzz/regressions/sse holds the kept crash inputs");
}

#[test]
fn chat_stream_regressions_pass() {
    replay("chat_stream", checks::chat_stream);
}

#[test]
fn chunk_json_regressions_pass() {
    replay("chunk_json", checks::chunk_json);
}

#[test]
fn response_regressions_pass() {
    replay("response", checks::response);
}

#[test]
fn the_checks_accept_a_clean_stream_and_a_valid_response() {
    let stream = b"\x00data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n";
    checks::sse(stream);
    checks::chat_stream(stream);
    checks::chunk_json(br#"{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#);
    let completion =
        br#"{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"x"}}]}"#;
    checks::response(&[&[100, 0, 0][..], completion].concat());
    let input = [&[73, 1, 3][..], b"120", b"{}"].concat();
    let (status, headers, body) = checks::response_input(&input);
    assert_eq!((status.as_u16(), body), (429, &b"{}"[..]));
    assert_eq!(headers.get("retry-after").unwrap(), "120");
}
