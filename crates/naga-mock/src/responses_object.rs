//! The Response object (§3.1) of a chat [`Answer`], whole or as the stream's snapshots, keys
//! in OpenAI's order.

use serde_json::{Map, Value, json};

use crate::answer::{Answer, Usage};
use crate::ordered::Json;
use crate::seed::fnv1a;
use crate::tools::argument_fragments;

/// The message of the in-stream failure (`x-mock-error-after-events`).
pub(crate) const FAILURE_MESSAGE: &str = "Upstream provider failed";

/// One output item, with the pieces it streams as.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// `{"type":"reasoning","id":"rs_..","status","summary":[{"type":"summary_text","text"}]}`,
    /// with `encrypted_content` when the request's `include` asks for it.
    Reasoning { id: String, chunks: Vec<String>, encrypted: Option<String> },
    /// The assistant message with one `output_text` part; `complete` is false when
    /// `max_output_tokens` cut it.
    Message { id: String, chunks: Vec<String>, complete: bool },
    /// A `function_call`; `chunks` are the argument fragments.
    Call { id: String, call_id: String, name: String, chunks: Vec<String> },
}

impl Item {
    /// The pieces its text streams as.
    pub(crate) fn chunks(&self) -> &[String] {
        match self {
            Item::Reasoning { chunks, .. }
            | Item::Message { chunks, .. }
            | Item::Call { chunks, .. } => chunks,
        }
    }

    /// Its id (`rs_..`, `msg_..`, `fc_..`).
    pub(crate) fn id(&self) -> &str {
        match self {
            Item::Reasoning { id, .. } | Item::Message { id, .. } | Item::Call { id, .. } => id,
        }
    }

    /// Its whole text (summary, message text or arguments).
    pub(crate) fn text(&self) -> String {
        self.chunks().concat()
    }

    /// The item as `output_item.added` shows it (`done: false`: in progress, no text yet) or
    /// as it ends (`done: true`).
    pub(crate) fn json(&self, done: bool) -> Json {
        let text = if done { self.text() } else { String::new() };
        match self {
            Item::Reasoning { id, encrypted, .. } => {
                let summary = if done { vec![summary_part(&text)] } else { Vec::new() };
                let mut item = Json::object([
                    ("type", "reasoning".into()),
                    ("id", id.as_str().into()),
                    ("status", if done { "completed" } else { "in_progress" }.into()),
                    ("summary", Json::Array(summary)),
                ]);
                if let Some(encrypted) = encrypted.as_deref().filter(|_| done) {
                    item.push("encrypted_content", encrypted.into());
                }
                item
            }
            Item::Message { id, complete, .. } => {
                let status = match (done, complete) {
                    (false, _) => "in_progress",
                    (true, true) => "completed",
                    (true, false) => "incomplete",
                };
                let content = if done { vec![text_part(&text)] } else { Vec::new() };
                Json::object([
                    ("id", id.as_str().into()),
                    ("type", "message".into()),
                    ("status", status.into()),
                    ("content", Json::Array(content)),
                    ("role", "assistant".into()),
                ])
            }
            Item::Call { id, call_id, name, .. } => Json::object([
                ("type", "function_call".into()),
                ("id", id.as_str().into()),
                ("call_id", call_id.as_str().into()),
                ("name", name.as_str().into()),
                ("arguments", text.into()),
                ("status", if done { "completed" } else { "in_progress" }.into()),
            ]),
        }
    }
}

/// Whether `include` names `reasoning.encrypted_content` (OpenAI's way to get reasoning back
/// for replay when nothing is stored, as with Naga).
fn asks_for_encrypted_reasoning(req: &Map<String, Value>) -> bool {
    let include = req.get("include").and_then(Value::as_array);
    include.is_some_and(|names| names.iter().any(|name| name == "reasoning.encrypted_content"))
}

/// An opaque token standing for the reasoning (base64, as OpenAI's are; nothing is encrypted).
fn encrypted_reasoning(chunks: &[String]) -> String {
    use base64::Engine as _;
    let opaque =
        format!("naga-mock encrypted reasoning {:016x}", fnv1a(chunks.concat().as_bytes()));
    base64::engine::general_purpose::STANDARD.encode(opaque)
}

/// `{"type":"output_text","annotations":[],"logprobs":[],"text":..}`.
pub(crate) fn text_part(text: &str) -> Json {
    Json::object([
        ("type", "output_text".into()),
        ("annotations", Json::Array(Vec::new())),
        ("logprobs", Json::Array(Vec::new())),
        ("text", text.into()),
    ])
}

/// `{"type":"summary_text","text":..}`.
pub(crate) fn summary_part(text: &str) -> Json {
    Json::object([("type", "summary_text".into()), ("text", text.into())])
}

/// Which state of the response an object shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Snapshot {
    /// `response.created` / `response.in_progress`: no output, no usage.
    InProgress,
    /// The final object (`completed`, or `incomplete` when cut by `max_output_tokens`).
    Final,
    /// `response.failed` after the first `done_items` output items were sent.
    Failed { done_items: usize },
}

/// The answer to one Responses request: the chat answer's items and the request fields the
/// object echoes.
#[derive(Debug, Clone)]
pub(crate) struct ResponseAnswer {
    id: String,
    created_at: u64,
    model: String,
    pub(crate) items: Vec<Item>,
    usage: Usage,
    echo: Echo,
}

impl ResponseAnswer {
    /// The Response rendering of `answer`, the chat answer to the request `req`.
    pub(crate) fn new(req: &Map<String, Value>, answer: Answer) -> Self {
        let hex = format!("{:016x}", answer.hash);
        let mut items = Vec::new();
        if !answer.reasoning_chunks.is_empty() {
            let chunks = answer.reasoning_chunks.clone();
            let encrypted = asks_for_encrypted_reasoning(req).then(|| encrypted_reasoning(&chunks));
            items.push(Item::Reasoning { id: format!("rs_{hex}"), chunks, encrypted });
        }
        if let Some(chunks) = answer.content_chunks.clone() {
            let complete = answer.finish_reason != "length";
            items.push(Item::Message { id: format!("msg_{hex}"), chunks, complete });
        }
        items.extend(answer.tool_calls.iter().map(|call| Item::Call {
            id: format!("fc_{}", call.id.strip_prefix("call_").unwrap_or(&call.id)),
            call_id: call.id.clone(),
            name: call.name.clone(),
            chunks: argument_fragments(&call.arguments),
        }));
        ResponseAnswer {
            id: format!("resp_{hex}"),
            created_at: answer.created,
            model: answer.model,
            items,
            usage: answer.usage,
            echo: Echo::of(req),
        }
    }

    /// Whether `max_output_tokens` cut the text.
    pub(crate) fn incomplete(&self) -> bool {
        self.items.iter().any(|item| matches!(item, Item::Message { complete: false, .. }))
    }

    /// The non-streaming body, also the `response.completed` (or `response.incomplete`)
    /// snapshot.
    pub(crate) fn final_object(&self) -> Json {
        self.object(Snapshot::Final)
    }

    /// The Response object in the state `snapshot`.
    pub(crate) fn object(&self, snapshot: Snapshot) -> Json {
        let (status, output, error) = self.state(snapshot);
        let last = snapshot == Snapshot::Final;
        let incomplete = (last && self.incomplete())
            .then(|| Json::object([("reason", "max_output_tokens".into())]));
        let e = &self.echo;
        Json::object([
            ("id", self.id.as_str().into()),
            ("object", "response".into()),
            ("created_at", self.created_at.into()),
            ("status", status.into()),
            ("completed_at", last.then_some(self.created_at + 1).map_or(null(), Json::from)),
            ("error", error),
            ("incomplete_details", incomplete.unwrap_or_else(null)),
            ("instructions", e.instructions.clone().into()),
            ("max_output_tokens", e.max_output_tokens.clone().into()),
            ("max_tool_calls", null()),
            ("model", self.model.as_str().into()),
            ("output", Json::Array(output)),
            ("parallel_tool_calls", e.parallel_tool_calls.clone().into()),
            ("previous_response_id", null()),
            (
                "reasoning",
                Json::object([
                    ("effort", e.effort.clone().into()),
                    ("summary", e.summary.clone().into()),
                ]),
            ),
            ("service_tier", "default".into()),
            ("store", Value::Bool(false).into()),
            ("temperature", e.temperature.clone().into()),
            (
                "text",
                Json::object([
                    ("format", e.format.clone().into()),
                    ("verbosity", e.verbosity.clone().into()),
                ]),
            ),
            ("tool_choice", e.tool_choice.clone().into()),
            ("tools", e.tools.clone().into()),
            ("top_p", e.top_p.clone().into()),
            ("truncation", e.truncation.clone().into()),
            ("usage", if last { self.usage_json() } else { null() }),
            ("metadata", Json::object([])),
        ])
    }

    /// The `status`, `output` and `error` of the object in the state `snapshot`.
    fn state(&self, snapshot: Snapshot) -> (&'static str, Vec<Json>, Json) {
        let whole = |items: usize| self.items.iter().take(items).map(|i| i.json(true)).collect();
        match snapshot {
            Snapshot::InProgress => ("in_progress", Vec::new(), null()),
            Snapshot::Final if self.incomplete() => ("incomplete", whole(usize::MAX), null()),
            Snapshot::Final => ("completed", whole(usize::MAX), null()),
            Snapshot::Failed { done_items } => {
                let error = Json::object([
                    ("code", "server_error".into()),
                    ("message", FAILURE_MESSAGE.into()),
                ]);
                ("failed", whole(done_items), error)
            }
        }
    }

    /// `{"input_tokens",..,"output_tokens_details":{"reasoning_tokens"},"total_tokens"}`.
    fn usage_json(&self) -> Json {
        let u = &self.usage;
        Json::object([
            ("input_tokens", u.prompt.into()),
            ("input_tokens_details", Json::object([("cached_tokens", 0u64.into())])),
            ("output_tokens", u.completion.into()),
            ("output_tokens_details", Json::object([("reasoning_tokens", u.reasoning.into())])),
            ("total_tokens", (u.prompt + u.completion).into()),
        ])
    }
}

/// JSON `null`.
fn null() -> Json {
    Json::Value(Value::Null)
}

/// The request fields a Response object repeats, with OpenAI's defaults for absent ones.
#[derive(Debug, Clone)]
struct Echo {
    instructions: Value,
    max_output_tokens: Value,
    parallel_tool_calls: Value,
    effort: Value,
    summary: Value,
    temperature: Value,
    format: Value,
    verbosity: Value,
    tool_choice: Value,
    tools: Value,
    top_p: Value,
    truncation: Value,
}

impl Echo {
    fn of(req: &Map<String, Value>) -> Self {
        // `path`: keys separated by `/`; an absent or null value takes `default`.
        let get = |path: &str, default: Value| {
            let mut keys = path.split('/');
            let first = keys.next().and_then(|key| req.get(key));
            let value = keys.fold(first, |value, key| value.and_then(|v| v.get(key)));
            value.filter(|v| !v.is_null()).cloned().unwrap_or(default)
        };
        Echo {
            instructions: get("instructions", Value::Null),
            max_output_tokens: get("max_output_tokens", Value::Null),
            parallel_tool_calls: get("parallel_tool_calls", json!(true)),
            effort: get("reasoning/effort", Value::Null),
            summary: get("reasoning/summary", Value::Null),
            temperature: get("temperature", json!(1.0)),
            format: get("text/format", json!({"type": "text"})),
            verbosity: get("text/verbosity", json!("medium")),
            tool_choice: get("tool_choice", json!("auto")),
            tools: get("tools", json!([])),
            top_p: get("top_p", json!(1.0)),
            truncation: get("truncation", json!("disabled")),
        }
    }
}
