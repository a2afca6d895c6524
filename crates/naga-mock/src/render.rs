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
        ("usage", answer.usage.clone()),
    ])
}

fn reasoning_details(reasoning: &str) -> Json {
    let item = Json::object([("type", "reasoning.summary".into()), ("summary", reasoning.into())]);
    Json::Array(vec![item])
}

/// The stream's chunks in order: role, reasoning, content or tool calls, finish reason, and
/// the usage trailer when `include_usage`.
pub(crate) fn chunk_objects(answer: &Answer, include_usage: bool) -> Vec<Json> {
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
    let head = ChunkHead::new(answer);
    let mut chunks: Vec<Json> = deltas.into_iter().map(|d| head.chunk(d, None)).collect();
    chunks.push(head.chunk(Json::object([]), Some(answer.finish_reason)));
    if include_usage {
        let mut trailer = head.fields();
        trailer.push("choices", Json::Array(Vec::new()));
        trailer.push("usage", answer.usage.clone());
        chunks.push(trailer);
    }
    chunks
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

/// The fields every chunk of one answer starts with, each rendered once.
struct ChunkHead {
    id: Json,
    object: Json,
    created: Json,
    model: Json,
    no_finish: Json,
}

impl ChunkHead {
    fn new(answer: &Answer) -> Self {
        ChunkHead {
            id: Json::raw(&answer.id.as_str().into()),
            object: Json::raw(&"chat.completion.chunk".into()),
            created: Json::raw(&answer.created.into()),
            model: Json::raw(&answer.model.as_str().into()),
            no_finish: Json::raw(&Json::Value(Value::Null)),
        }
    }

    /// `id`, `object`, `created`, `model` (the usage trailer's start).
    fn fields(&self) -> Json {
        Json::object([
            ("id", Json::raw(&self.id)),
            ("object", Json::raw(&self.object)),
            ("created", Json::raw(&self.created)),
            ("model", Json::raw(&self.model)),
        ])
    }

    /// A chunk with one choice carrying `delta` and `finish_reason`.
    fn chunk(&self, delta: Json, finish_reason: Option<&str>) -> Json {
        let finish_reason = match finish_reason {
            None => Json::raw(&self.no_finish),
            reason => reason.into(),
        };
        let choice = Json::object([
            ("index", 0u64.into()),
            ("delta", delta),
            ("finish_reason", finish_reason),
        ]);
        Json::object([
            ("id", Json::raw(&self.id)),
            ("object", Json::raw(&self.object)),
            ("created", Json::raw(&self.created)),
            ("model", Json::raw(&self.model)),
            ("choices", Json::Array(vec![choice])),
        ])
    }
}
