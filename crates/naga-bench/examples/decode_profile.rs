//! A fixed amount of decoding work, for instruction counts under `valgrind --tool=callgrind`
//! (repeatable on a loaded machine, unlike wall time). Not a benchmark: no timing.
//!
//! `cargo build --release -p naga-bench --example decode_profile`, then
//! `valgrind --tool=callgrind target/release/examples/decode_profile MODE CORPUS PASSES`
//! with MODE `json` (our chunk type, JSON only), `peer-json` (async-openai's chunk type),
//! `stream` (`ChatStream`, one read per event) or `completion` (non-streaming answer);
//! CORPUS `content`, `tool-calls` or `edge`.

#[path = "../benches/common/mod.rs"]
mod common;

use naga_bench::chunking::{Chunking, split};
use naga_bench::corpus;
use naga_bench::ours::{Tally, as_reads, chunk_datas, decode, decode_json_only};
use naga_protocol::ChatCompletion;

/// A typical non-streaming answer, as naga-mock sends it.
const COMPLETION: &str = r#"{"id":"chatcmpl-mock-1","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini","system_fingerprint":"fp_mock","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":9,"total_tokens":23,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("json", String::as_str);
    let which = args.get(2).map_or("content", String::as_str);
    let passes: usize = args.get(3).and_then(|p| p.parse().ok()).unwrap_or(3);
    let corpus = match which {
        "tool-calls" => corpus::tool_calls(),
        "edge" => corpus::edge(),
        _ => corpus::content(),
    };
    let chunked = split(&corpus, Chunking::PerEvent);
    let datas = chunk_datas(&chunked.chunks);
    let reads = as_reads(&chunked.chunks);
    let mut tally = Tally::default();
    for _ in 0..passes {
        let pass = match mode {
            "peer-json" => common::peer::decode_json_only(&datas),
            "stream" => decode(&reads),
            "completion" => completion(datas.len()),
            _ => decode_json_only(&datas),
        };
        tally.items += pass.items;
        tally.bytes += pass.bytes;
        tally.errors += pass.errors;
    }
    println!("{mode} {which} x{passes}: {tally:?}");
}

fn completion(count: usize) -> Tally {
    let mut tally = Tally::default();
    for _ in 0..count {
        match serde_json::from_str::<ChatCompletion>(COMPLETION) {
            Ok(answer) => {
                tally.items += 1;
                tally.bytes += answer.text().map_or(0, str::len);
            }
            Err(_) => tally.errors += 1,
        }
    }
    tally
}
