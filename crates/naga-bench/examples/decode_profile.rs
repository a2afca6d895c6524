//! A fixed amount of decoding work, for instruction counts under `valgrind --tool=callgrind`
//! (repeatable on a loaded machine, unlike wall time). Not a benchmark: no timing.
//!
//! `cargo build --release -p naga-bench --example decode_profile`, then
//! `valgrind --tool=callgrind target/release/examples/decode_profile MODE CORPUS PASSES`
//! with MODE `json` (our chunk type, JSON only), `peer-json` (async-openai's chunk type),
//! `stream` (`ChatStream`, one read per event), `stream-into` (the same with
//! `next_chunk_into` and one reused chunk), `completion` (a non-streaming answer read by
//! `ChatCompletion::from_json`, as the clients do) or `completion-serde` (the same answer read
//! by serde alone); CORPUS `content`, `tool-calls` or `edge` (for `completion*`, the number of
//! answers read is that corpus's event count; CORPUS `tokyo` reads naga-mock's answer to the
//! benchmarks' request instead of a typical answer, 1000 times per pass), or
//! `responses-stream` / `messages-stream` (the corpus's content deltas as a Responses API or
//! Anthropic Messages stream, each event an `event:` line naming its type and a `data:` line
//! as those APIs send them, one read per event, decoded and added up).

#[path = "../benches/common/mod.rs"]
mod common;

use bytes::Bytes;
use naga_bench::chunking::{Chunking, split};
use naga_bench::corpus;
use naga_bench::ours::{Tally, as_reads, chunk_datas, decode, decode_into, decode_json_only};
use naga_protocol::{
    ChatCompletion, ChatCompletionChunk, MessageAccumulator, MessageStream, ResponseAccumulator,
    ResponseStream, StreamAccumulator, StreamDecoder,
};
use serde_json::json;

/// A typical non-streaming answer, as naga-mock sends it.
const COMPLETION: &str = r#"{"id":"chatcmpl-mock-1","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini","system_fingerprint":"fp_mock","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":9,"total_tokens":23,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("json", String::as_str);
    let which = args.get(2).map_or("content", String::as_str);
    let passes: usize = args.get(3).and_then(|p| p.parse().ok()).unwrap_or(3);
    if which == "tokyo" {
        let body = tokyo_answer();
        let tally = (0..passes).map(|_| completion(mode, &body, 1000)).fold(Tally::default(), add);
        println!("{mode} {which} x{passes}: {tally:?}");
        return;
    }
    let corpus = match which {
        "tool-calls" => corpus::tool_calls(),
        "edge" => corpus::edge(),
        _ => corpus::content(),
    };
    let chunked = split(&corpus, Chunking::PerEvent);
    let datas = chunk_datas(&chunked.chunks);
    let reads = as_reads(&chunked.chunks);
    let typed = typed_reads(mode, &datas);
    let mut tally = Tally::default();
    for _ in 0..passes {
        let pass = match mode {
            "responses-stream" => typed_pass::<ResponseStream, ResponseAccumulator>(&typed),
            "messages-stream" => typed_pass::<MessageStream, MessageAccumulator>(&typed),
            "peer-json" => common::peer::decode_json_only(&datas),
            "stream" => decode(&reads),
            "stream-into" => decode_into(&reads),
            "completion" | "completion-serde" => {
                completion(mode, COMPLETION.as_bytes(), datas.len())
            }
            _ => decode_json_only(&datas),
        };
        tally = add(tally, pass);
    }
    println!("{mode} {which} x{passes}: {tally:?}");
}

/// For the typed modes, each chunk's content delta as one event of that API's stream (the
/// frames before and after the deltas included), one read per event; built before timing.
fn typed_reads(mode: &str, datas: &[&str]) -> Vec<Bytes> {
    let texts = datas.iter().filter_map(|data| {
        let chunk = ChatCompletionChunk::from_json(data).ok()?;
        let text = chunk.choices.first()?.delta.text()?.to_string();
        Some(text)
    });
    let frames: Vec<String> = match mode {
        "responses-stream" => {
            let head = [
                r#"{"type":"response.created","response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}"#.to_owned(),
                r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","status":"in_progress","content":[]}}"#.to_owned(),
            ];
            let deltas = texts.map(|text| {
                let delta = json!({"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":text,"logprobs":[]});
                delta.to_string()
            });
            let tail = r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[],"usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3}}}"#;
            head.into_iter().chain(deltas).chain([tail.to_owned()]).collect()
        }
        "messages-stream" => {
            let head = [
                r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"m","stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}"#.to_owned(),
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#.to_owned(),
            ];
            let deltas = texts.map(|text| {
                json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":text}}).to_string()
            });
            let tail = [
                r#"{"type":"content_block_stop","index":0}"#.to_owned(),
                r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}"#.to_owned(),
                r#"{"type":"message_stop"}"#.to_owned(),
            ];
            head.into_iter().chain(deltas).chain(tail).collect()
        }
        _ => return Vec::new(),
    };
    frames
        .iter()
        .map(|frame| Bytes::from(format!("event: {}\ndata: {frame}\n\n", kind(frame))))
        .collect()
}

/// The `type` of a Responses or Messages event's JSON (what its `event:` line names).
fn kind(frame: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(frame).unwrap_or_default();
    value.get("type").and_then(serde_json::Value::as_str).unwrap_or_default().to_owned()
}

/// One typed stream: every read fed (one per event), the events added up.
fn typed_pass<D, A>(reads: &[Bytes]) -> Tally
where
    D: StreamDecoder + Default,
    A: StreamAccumulator<Item = D::Item>,
{
    let mut decoder = D::default();
    let mut accumulator = A::default();
    let mut tally = Tally::default();
    for read in reads {
        decoder.feed_bytes(read.clone());
        while let Some(item) = decoder.next_item() {
            match item {
                Ok(event) => {
                    accumulator.push(&event);
                    tally.items += 1;
                }
                Err(_) => tally.errors += 1,
            }
        }
    }
    decoder.finish();
    tally.errors += std::iter::from_fn(|| decoder.next_item()).count();
    std::hint::black_box(accumulator.finish());
    tally
}

fn add(mut tally: Tally, pass: Tally) -> Tally {
    tally.items += pass.items;
    tally.bytes += pass.bytes;
    tally.errors += pass.errors;
    tally
}

/// naga-mock's answer to the benchmarks' request (figure 4's response body).
fn tokyo_answer() -> Vec<u8> {
    let request = common::loopback::tokyo();
    let body = naga_protocol::Operation::body(&request).ok().flatten().unwrap_or_default();
    naga_mock::answer_chat(&body).body
}

/// Reads `body` `count` times: with `ChatCompletion::from_json`, or serde alone for
/// `completion-serde`.
fn completion(mode: &str, body: &[u8], count: usize) -> Tally {
    let mut tally = Tally::default();
    for _ in 0..count {
        let answer = match mode {
            "completion-serde" => serde_json::from_slice::<ChatCompletion>(body).ok(),
            _ => ChatCompletion::from_json(body).ok(),
        };
        match answer {
            Some(answer) => {
                tally.items += 1;
                tally.bytes += answer.text().map_or(0, str::len);
            }
            None => tally.errors += 1,
        }
    }
    tally
}
