//! Deterministic generated SSE corpora (fixed seeds; no blobs in the repository).

use crate::rng::Rng;

/// Completion id shared by every chunk of a corpus.
const ID: &str = "chatcmpl-bench-7f3a9c2e";
/// Unix seconds shared by every chunk.
const CREATED: u64 = 1_764_000_000;
/// The model every chunk names.
const MODEL: &str = "gpt-4o-mini";
/// How many `chat.completion.chunk` events the streamed corpora hold (plus `[DONE]`).
pub const CHUNKS: usize = 10_000;

/// Short content tokens, already JSON-escaped: escapes and non-ASCII on purpose.
const TOKENS: &[&str] = &[
    "Hello",
    " world",
    " the",
    " of",
    " Tokyo",
    " is",
    " a",
    " city",
    ",",
    ".",
    " and",
    " café",
    " naïve",
    " 東京",
    " は",
    "日本",
    "の",
    "首都",
    " 🙂",
    " —",
    " \\\"quoted\\\"",
    " back\\\\slash",
    "\\n",
    "\\n\\n",
    "\\t",
    " \\u00e9t\\u00e9",
    " <b>",
    " 42",
    " 3.14",
    " Ünïcödé",
    " ✓",
    " ok",
];

/// One generated stream: its bytes, where each block (event or comment) ends, and how many
/// events a conforming parser dispatches from it.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Short name used in tables.
    pub name: &'static str,
    /// The `text/event-stream` body.
    pub bytes: Vec<u8>,
    /// Offset just past each block's blank line, ascending.
    pub ends: Vec<usize>,
    /// Events dispatched by a conforming parser (comments are not events).
    pub events: usize,
}

impl Corpus {
    fn new(name: &'static str) -> Self {
        Corpus { name, bytes: Vec::new(), ends: Vec::new(), events: 0 }
    }

    /// Appends one event whose single data line is `data` (LF line ends).
    fn push_data(&mut self, data: &str) {
        self.push_block(&format!("data: {data}\n\n"), 1);
    }

    /// Appends one block of raw text that dispatches `events` events.
    fn push_block(&mut self, block: &str, events: usize) {
        self.bytes.extend_from_slice(block.as_bytes());
        self.ends.push(self.bytes.len());
        self.events += events;
    }

    /// An occasional `: keep-alive` comment, about one block in 64.
    fn maybe_keep_alive(&mut self, rng: &mut Rng) {
        if rng.below(64) == 0 {
            self.push_block(": keep-alive\n\n", 0);
        }
    }

    /// The number of events in the first `blocks` blocks.
    pub fn events_in_prefix(&self, blocks: usize) -> usize {
        let end = blocks.checked_sub(1).and_then(|i| self.ends.get(i)).copied().unwrap_or(0);
        let mut parser = naga_protocol::SseParser::new();
        parser.feed(self.bytes.get(..end).unwrap_or_default());
        let mut events = 0;
        while let Some(event) = parser.next_event() {
            events += usize::from(event.is_ok());
        }
        events
    }
}

/// The JSON of one chunk with a single choice carrying `delta` and `finish`.
pub fn chunk_json(delta: &str, finish: &str) -> String {
    format!(
        r#"{{"id":"{ID}","object":"chat.completion.chunk","created":{CREATED},"model":"{MODEL}","system_fingerprint":"fp_b3nch","choices":[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}]}}"#
    )
}

/// The usage trailer (`choices: []`).
fn usage_json(completion_tokens: usize) -> String {
    let total = completion_tokens + 14;
    format!(
        r#"{{"id":"{ID}","object":"chat.completion.chunk","created":{CREATED},"model":"{MODEL}","system_fingerprint":"fp_b3nch","choices":[],"usage":{{"prompt_tokens":14,"completion_tokens":{completion_tokens},"total_tokens":{total}}}}}"#
    )
}

/// A content delta of 1..=3 random tokens.
fn content_delta(rng: &mut Rng) -> String {
    content_delta_for(rng, 0)
}

/// A content delta of 1..=3 random tokens, or of tokens up to about `len` bytes.
pub fn content_delta_for(rng: &mut Rng, len: usize) -> String {
    let mut text = String::with_capacity(len + 64);
    for _ in 0..=rng.below(3) {
        text.push_str(rng.pick(TOKENS));
    }
    while text.len() + 64 < len {
        text.push_str(rng.pick(TOKENS));
    }
    format!(r#"{{"content":"{text}"}}"#)
}

/// Role chunk, [`CHUNKS`]` - 3` content deltas, a finish chunk, a usage chunk, `[DONE]`,
/// with occasional keep-alive comments.
pub fn content() -> Corpus {
    let mut rng = Rng::new(0x5EED_C0DE);
    let mut corpus = Corpus::new("content");
    corpus.push_data(&chunk_json(r#"{"role":"assistant","content":""}"#, "null"));
    for _ in 0..CHUNKS - 3 {
        corpus.maybe_keep_alive(&mut rng);
        corpus.push_data(&chunk_json(&content_delta(&mut rng), "null"));
    }
    corpus.push_data(&chunk_json("{}", r#""stop""#));
    corpus.push_data(&usage_json(CHUNKS - 3));
    corpus.push_data("[DONE]");
    corpus
}

/// Raw (unescaped) tool-call arguments text: a long JSON object with non-ASCII and quotes.
fn arguments_text(rng: &mut Rng, items: usize) -> String {
    const CITIES: &[&str] = &["Tokyo", "Tōkyō", "Zürich", "São Paulo", "Kyiv", "東京", "Reykjavík"];
    let mut text = String::from("{\"items\":[");
    for i in 0..items {
        if i > 0 {
            text.push(',');
        }
        let city = rng.pick(CITIES);
        let temp = rng.below(40);
        text.push_str(&format!(
            "{{\"city\":\"{city}\",\"unit\":\"celsius\",\"max\":{temp},\"note\":\"say \\\"hi\\\"\\n\"}}"
        ));
    }
    text.push_str("]}");
    text
}

/// Splits `text` into fragments of 1..=8 characters, each JSON-escaped.
fn escaped_fragments(rng: &mut Rng, text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut fragments = Vec::new();
    let mut rest = chars.as_slice();
    while !rest.is_empty() {
        let take = (rng.below(8) as usize + 1).min(rest.len());
        let (piece, tail) = rest.split_at(take);
        let piece: String = piece.iter().collect();
        fragments.push(serde_json::Value::String(piece).to_string());
        rest = tail;
    }
    fragments
}

/// A tool-call start delta for call `index`.
fn tool_start(index: usize, name: &str) -> String {
    format!(
        r#"{{"tool_calls":[{{"index":{index},"id":"call_{index}","type":"function","function":{{"name":"{name}","arguments":""}}}}]}}"#
    )
}

/// Role chunk, two tool calls whose arguments stream in small escaped fragments, a
/// `tool_calls` finish chunk, a usage chunk, `[DONE]`; [`CHUNKS`] chunks in all.
pub fn tool_calls() -> Corpus {
    let mut rng = Rng::new(0x7001_CA11);
    let mut corpus = Corpus::new("tool calls");
    corpus.push_data(&chunk_json(r#"{"role":"assistant","content":null}"#, "null"));
    let first = (CHUNKS - 5) / 2;
    for (index, name, fragments_per_call) in
        [(0, "get_weather", first), (1, "plan_trip", CHUNKS - 5 - first)]
    {
        corpus.push_data(&chunk_json(&tool_start(index, name), "null"));
        let text = arguments_text(&mut rng, fragments_per_call / 10);
        let mut fragments = escaped_fragments(&mut rng, &text);
        fragments.resize(fragments_per_call, "\" \"".to_owned());
        for fragment in fragments {
            corpus.maybe_keep_alive(&mut rng);
            let delta = format!(
                r#"{{"tool_calls":[{{"index":{index},"function":{{"arguments":{fragment}}}}}]}}"#
            );
            corpus.push_data(&chunk_json(&delta, "null"));
        }
    }
    corpus.push_data(&chunk_json("{}", r#""tool_calls""#));
    corpus.push_data(&usage_json(CHUNKS - 3));
    corpus.push_data("[DONE]");
    corpus
}

/// Line-ending variants of the edge corpus.
fn with_line_end(block: &str, end: &str) -> String {
    block.replace('\n', end)
}

/// CRLF, CR-only and multi-line-data events (all decodable chunks), one event whose data
/// line is 1 MiB, a comment, `[DONE]`.
pub fn edge() -> Corpus {
    let mut rng = Rng::new(0xED6E_CA5E);
    let mut corpus = Corpus::new("edge");
    corpus.push_data(&chunk_json(r#"{"role":"assistant","content":""}"#, "null"));
    for i in 0..CHUNKS - 3 {
        let json = chunk_json(&content_delta(&mut rng), "null");
        if i == CHUNKS / 2 {
            corpus.push_data(&chunk_json(&big_delta(&mut rng), "null"));
        }
        let block = match i % 4 {
            0 => with_line_end(&format!("data: {json}\n\n"), "\r\n"),
            1 => with_line_end(&format!("data: {json}\n\n"), "\r"),
            2 => format!("data: {}\n\n", json.replace(r#","choices""#, "\ndata: ,\"choices\"")),
            _ => format!("event: message\nid: {i}\ndata:{json}\n\n"),
        };
        corpus.push_block(&block, 1);
    }
    corpus.push_block(&with_line_end(&format!("data: {}\n\n", usage_json(CHUNKS)), "\r\n"), 1);
    corpus.push_block(": bye\r\rdata: [DONE]\r\r", 1);
    corpus
}

/// A content delta whose JSON is about 1 MiB (so its `data:` line is too).
fn big_delta(rng: &mut Rng) -> String {
    content_delta_for(rng, 1 << 20)
}

/// All three corpora.
pub fn all() -> Vec<Corpus> {
    vec![content(), tool_calls(), edge()]
}
