//! The two renderings of an [`Answer`]: a `chat.completion` object and the list of
//! `chat.completion.chunk` objects whose accumulation is that same object.

use serde_json::Value;

use crate::answer::Answer;
use crate::ordered::Json;
use crate::tools::argument_fragments;

/// The non-streaming `chat.completion`, keys in Naga's documented order.
pub(crate) fn completion_json(answer: &Answer) -> Json {
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
    let choice = Json::object([
        ("index", 0u64.into()),
        ("message", message),
        ("finish_reason", answer.finish_reason.into()),
    ]);
    Json::object([
        ("id", answer.id.as_str().into()),
        ("object", "chat.completion".into()),
        ("created", answer.created.into()),
        ("model", answer.model.as_str().into()),
        ("choices", Json::Array(vec![choice])),
        ("usage", answer.usage.chat_json()),
    ])
}

fn reasoning_details(reasoning: &str) -> Json {
    let item = Json::object([("type", "reasoning.summary".into()), ("summary", reasoning.into())]);
    Json::Array(vec![item])
}

/// The stream's chunks in order: role, reasoning, content or tool calls, finish reason, and
/// the usage trailer when `include_usage`.
pub(crate) fn chunk_list(answer: &Answer, include_usage: bool) -> Chunks {
    let mut deltas = vec![Json::object([("role", "assistant".into())])];
    let reasoning = answer.reasoning_chunks.iter();
    deltas.extend(reasoning.map(|r| Json::object([("reasoning_content", r.as_str().into())])));
    if let Some(reasoning) = answer.reasoning() {
        deltas.push(Json::object([("reasoning_details", reasoning_details(&reasoning))]));
    }
    if let Some(chunks) = &answer.content_chunks {
        deltas.extend(chunks.iter().map(|c| Json::object([("content", c.as_str().into())])));
    }
    for (index, call) in answer.tool_calls.iter().enumerate() {
        deltas.push(tool_delta(index, Some(call), ""));
        deltas
            .extend(argument_fragments(&call.arguments).iter().map(|f| tool_delta(index, None, f)));
    }
    deltas.push(Json::object([]));
    Chunks {
        head: chunk_head(answer),
        deltas,
        finish_reason: answer.finish_reason.into(),
        usage: include_usage.then(|| answer.usage.chat_json()),
    }
}

/// The chunks of one streamed answer, each written when asked for: every chunk but the
/// usage trailer is `{<head>,"choices":[{"index":0,"delta":<delta>,"finish_reason":..}]}`,
/// the last delta (empty) with the finish reason, the others with `null`.
#[derive(Debug)]
pub(crate) struct Chunks {
    /// `{"id":..,"object":"chat.completion.chunk","created":..,"model":..` (rendered once).
    head: Vec<u8>,
    deltas: Vec<Json>,
    finish_reason: Json,
    usage: Option<Json>,
}

impl Chunks {
    /// How many chunks the stream has.
    pub(crate) fn len(&self) -> usize {
        self.deltas.len() + usize::from(self.usage.is_some())
    }

    /// Appends chunk `i` as compact JSON to `out` (nothing when `i >= len()`).
    pub(crate) fn write(&self, i: usize, out: &mut Vec<u8>) {
        if let Some(delta) = self.deltas.get(i) {
            let last = i + 1 == self.deltas.len();
            out.extend_from_slice(&self.head);
            out.extend_from_slice(br#","choices":[{"index":0,"delta":"#);
            delta.write_to(out);
            out.extend_from_slice(br#","finish_reason":"#);
            if last {
                self.finish_reason.write_to(out)
            } else {
                out.extend_from_slice(b"null")
            }
            out.extend_from_slice(b"}]}");
        } else if let (true, Some(usage)) = (i == self.deltas.len(), &self.usage) {
            out.extend_from_slice(&self.head);
            out.extend_from_slice(br#","choices":[],"usage":"#);
            usage.write_to(out);
            out.push(b'}');
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
