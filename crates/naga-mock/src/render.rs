//! The two renderings of a chat answer (one [`Answer`] per choice): a `chat.completion`
//! object and the list of `chat.completion.chunk` objects whose accumulation is that same
//! object.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::answer::{Answer, total_usage};
use crate::logprobs::{Tokens, requested};
use crate::ordered::Json;
use crate::tools::argument_fragments;

/// What of a chat answer the request asked to see besides the choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// `stream_options.include_usage`: a streamed answer ends with the usage trailer.
    pub(crate) include_usage: bool,
    /// `logprobs: true`, with this many `top_logprobs` per token.
    pub(crate) logprobs: Option<usize>,
}

impl Shape {
    /// The shape a validated chat request asks for.
    pub(crate) fn of(req: &Map<String, Value>) -> Shape {
        let usage = req.get("stream_options").and_then(|o| o.get("include_usage"));
        Shape {
            include_usage: usage.and_then(Value::as_bool) == Some(true),
            logprobs: requested(req),
        }
    }
}

/// The non-streaming `chat.completion`, keys in Naga's documented order: one choice per
/// answer, the usage of all of them.
pub(crate) fn completion_json(answers: &[Answer], shape: Shape) -> Json {
    let choices = answers.iter().enumerate().map(|(index, answer)| {
        let mut choice = Json::object([("index", index.into()), ("message", message_json(answer))]);
        if let Some(top) = shape.logprobs {
            choice.push("logprobs", answer_logprobs(answer, top));
        }
        choice.push("finish_reason", answer.finish_reason.into());
        choice
    });
    let first = answers.first();
    Json::object([
        ("id", first.map(|answer| answer.id.as_str()).into()),
        ("object", "chat.completion".into()),
        ("created", first.map_or(0, |answer| answer.created).into()),
        ("model", first.map(|answer| answer.model.as_str()).into()),
        ("choices", Json::Array(choices.collect())),
        ("usage", total_usage(answers).chat_json()),
    ])
}

/// One choice's `message`.
fn message_json(answer: &Answer) -> Json {
    let content = answer.content().map_or(Json::Value(Value::Null), Json::from);
    let mut message = Json::object([("role", "assistant".into()), ("content", content)]);
    if !answer.tool_calls.is_empty() {
        let calls = answer.tool_calls.iter().map(|c| {
            let function = Json::object([
                ("name", c.name.as_str().into()),
                ("arguments", c.arguments.as_str().into()),
            ]);
            Json::object([
                ("id", c.id.as_str().into()),
                ("type", "function".into()),
                ("function", function),
            ])
        });
        message.push("tool_calls", Json::Array(calls.collect()));
    }
    if let Some(reasoning) = answer.reasoning() {
        message.push("reasoning_content", reasoning.as_str().into());
        message.push("reasoning_details", reasoning_details(&reasoning));
    }
    message
}

/// A whole choice's `logprobs`: its content's tokens, `null` for an answer without content
/// (as its stream, which has no content chunk to carry any, adds up to).
fn answer_logprobs(answer: &Answer, top: usize) -> Json {
    match answer.content() {
        Some(content) => {
            let tokens = Tokens::new(&content);
            tokens.logprobs(0..tokens.len(), top)
        }
        None => Json::Value(Value::Null),
    }
}

fn reasoning_details(reasoning: &str) -> Json {
    let item = Json::object([("type", "reasoning.summary".into()), ("summary", reasoning.into())]);
    Json::Array(vec![item])
}

/// The stream's chunks in order: per choice its role, reasoning, content or tool calls and
/// finish reason, the choices taking turns (one entry per chunk); then the usage trailer
/// when `include_usage`.
pub(crate) fn chunk_list(answers: &[Answer], shape: Shape) -> Chunks {
    let mut per_choice: Vec<_> = answers
        .iter()
        .enumerate()
        .map(|(index, answer)| choice_deltas(index, answer, shape.logprobs.is_some()).into_iter())
        .collect();
    let mut deltas = Vec::new();
    loop {
        let before = deltas.len();
        deltas.extend(per_choice.iter_mut().filter_map(Iterator::next));
        if deltas.len() == before {
            break;
        }
    }
    let tokens = |answer: &Answer| shape.logprobs.and(answer.content()).map(|c| Tokens::new(&c));
    Chunks {
        head: answers.first().map(chunk_head).unwrap_or_default(),
        deltas,
        tokens: answers.iter().map(tokens).collect(),
        top_logprobs: shape.logprobs.unwrap_or(0),
        usage: shape.include_usage.then(|| total_usage(answers).chat_json()),
    }
}

/// One choice's entries, in the order it streams them; the last (an empty delta) carries
/// the finish reason. With `logprobs`, each content chunk names the tokens that end in it.
fn choice_deltas(index: usize, answer: &Answer, logprobs: bool) -> Vec<ChoiceDelta> {
    let mut deltas = vec![Json::object([("role", "assistant".into())])];
    let reasoning = answer.reasoning_chunks.iter();
    deltas.extend(reasoning.map(|r| Json::object([("reasoning_content", r.as_str().into())])));
    if let Some(reasoning) = answer.reasoning() {
        deltas.push(Json::object([("reasoning_details", reasoning_details(&reasoning))]));
    }
    let content_from = deltas.len();
    let content = answer.content_chunks.as_deref().unwrap_or_default();
    deltas.extend(content.iter().map(|c| Json::object([("content", c.as_str().into())])));
    for (call_index, call) in answer.tool_calls.iter().enumerate() {
        deltas.push(tool_delta(call_index, Some(call), ""));
        let fragments = argument_fragments(&call.arguments);
        deltas.extend(fragments.iter().map(|f| tool_delta(call_index, None, f)));
    }
    deltas.push(Json::object([]));
    // Where each content chunk lies in the content, in bytes.
    let mut end = 0;
    let places: Vec<Range<usize>> = content
        .iter()
        .map(|chunk| {
            let start = end;
            end += chunk.len();
            start..end
        })
        .collect();
    let last = deltas.len().saturating_sub(1);
    let logprobs_of = |i: usize| {
        logprobs.then(|| i.checked_sub(content_from).and_then(|k| places.get(k).cloned()))
    };
    deltas
        .into_iter()
        .enumerate()
        .map(|(i, delta)| ChoiceDelta {
            index,
            delta,
            logprobs: logprobs_of(i),
            finish_reason: (i == last).then_some(answer.finish_reason),
        })
        .collect()
}

/// One chunk's only choice.
#[derive(Debug)]
struct ChoiceDelta {
    /// The choice's `index`.
    index: usize,
    delta: Json,
    /// When the request asked for `logprobs`: the bytes of the content this chunk carries
    /// (its `logprobs` are the tokens that end there), `None` for other chunks (`null`).
    logprobs: Option<Option<Range<usize>>>,
    /// Set on the choice's last chunk.
    finish_reason: Option<&'static str>,
}

/// The chunks of one streamed answer, each written when asked for: every chunk but the
/// usage trailer is `{<head>,"choices":[{"index":..,"delta":<delta>,"finish_reason":..}]}`
/// (`"logprobs"` before `"finish_reason"` when asked for), each choice's last delta (empty)
/// with its finish reason, the others with `null`.
#[derive(Debug)]
pub(crate) struct Chunks {
    /// `{"id":..,"object":"chat.completion.chunk","created":..,"model":..` (rendered once).
    head: Vec<u8>,
    deltas: Vec<ChoiceDelta>,
    /// Each choice's content as tokens, when the request asked for `logprobs`.
    tokens: Vec<Option<Tokens>>,
    top_logprobs: usize,
    usage: Option<Json>,
}

impl Chunks {
    /// How many chunks the stream has.
    pub(crate) fn len(&self) -> usize {
        self.deltas.len() + usize::from(self.usage.is_some())
    }

    /// Appends chunk `i` as compact JSON to `out` (nothing when `i >= len()`).
    pub(crate) fn write(&self, i: usize, out: &mut Vec<u8>) {
        if let Some(choice) = self.deltas.get(i) {
            out.extend_from_slice(&self.head);
            out.extend_from_slice(br#","choices":[{"index":"#);
            Json::from(choice.index).write_to(out);
            out.extend_from_slice(br#","delta":"#);
            choice.delta.write_to(out);
            if let Some(place) = &choice.logprobs {
                out.extend_from_slice(br#","logprobs":"#);
                self.write_logprobs(choice.index, place.clone(), out);
            }
            out.extend_from_slice(br#","finish_reason":"#);
            Json::from(choice.finish_reason).write_to(out);
            out.extend_from_slice(b"}]}");
        } else if let (true, Some(usage)) = (i == self.deltas.len(), &self.usage) {
            out.extend_from_slice(&self.head);
            out.extend_from_slice(br#","choices":[],"usage":"#);
            usage.write_to(out);
            out.push(b'}');
        }
    }

    /// A chunk's `logprobs`: the tokens of choice `index` that end in `place`, `null` for
    /// a chunk without content.
    fn write_logprobs(&self, index: usize, place: Option<Range<usize>>, out: &mut Vec<u8>) {
        let tokens = self.tokens.get(index).and_then(Option::as_ref);
        match (tokens, place) {
            (Some(tokens), Some(place)) => {
                tokens.logprobs(tokens.ending_in(place), self.top_logprobs).write_to(out);
            }
            _ => out.extend_from_slice(b"null"),
        }
    }
}

/// `{"id":..,"object":"chat.completion.chunk","created":..,"model":..` without the closing
/// brace: the start of every chunk of `answer`.
fn chunk_head(answer: &Answer) -> Vec<u8> {
    let mut head = Json::object([
        ("id", answer.id.as_str().into()),
        ("object", "chat.completion.chunk".into()),
        ("created", answer.created.into()),
        ("model", answer.model.as_str().into()),
    ])
    .to_vec();
    head.pop();
    head
}

/// A `delta.tool_calls` entry: the head (id, type, name) when `call` is given, else an
/// arguments fragment.
fn tool_delta(index: usize, call: Option<&crate::tools::ToolCall>, arguments: &str) -> Json {
    let mut entry = Json::object([("index", index.into())]);
    let mut function = Json::object([]);
    if let Some(call) = call {
        entry.push("id", call.id.as_str().into());
        entry.push("type", "function".into());
        function.push("name", call.name.as_str().into());
    }
    function.push("arguments", arguments.into());
    entry.push("function", function);
    Json::object([("tool_calls", Json::Array(vec![entry]))])
}
