//! The synthetic answer to a valid chat request: deterministic, derived only from the request.
//!
//! Token counting: a "token" is one whitespace-separated word. `prompt_tokens` is 4 per message
//! plus the words of every text in it; `completion_tokens` is the words of the reasoning and the
//! content, plus 1 + the words of the arguments per tool call. `max_completion_tokens` limits
//! the content only (not reasoning, not tool calls).

use serde_json::{Map, Value};

use crate::content::{apply_limits, base_content, lengthen, reasoning_text, split_chunks, words};
use crate::faults::MAX_CHUNKS;
use crate::ordered::{Json, to_string_in_order};
use crate::seed::fnv1a;
use crate::tools::{ToolCall, tool_calls};

/// Everything both renderings (JSON and SSE) are built from, so they cannot disagree.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) id: String,
    /// The hash the ids are made of (the `id` is `chatcmpl-mock-` and its 16 hex digits).
    pub(crate) hash: u64,
    pub(crate) created: u64,
    pub(crate) model: String,
    pub(crate) reasoning_chunks: Vec<String>,
    pub(crate) content_chunks: Option<Vec<String>>,
    pub(crate) tool_calls: Vec<ToolCall>,
    pub(crate) finish_reason: &'static str,
    /// The stop sequence the content was cut before (`finish_reason` is then `stop`).
    pub(crate) stop_sequence: Option<String>,
    pub(crate) usage: Usage,
}

/// The token counts of an answer (see the module docs for how they are counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Usage {
    /// The words of the request's messages, 4 per message more.
    pub(crate) prompt: usize,
    /// Reasoning, content and tool-call tokens.
    pub(crate) completion: usize,
    /// The reasoning's share of `completion`.
    pub(crate) reasoning: usize,
}

impl Usage {
    /// The chat `usage` object.
    pub(crate) fn chat_json(&self) -> Json {
        Json::object([
            ("prompt_tokens", self.prompt.into()),
            ("completion_tokens", self.completion.into()),
            ("total_tokens", (self.prompt + self.completion).into()),
            ("prompt_tokens_details", Json::object([("cached_tokens", 0u64.into())])),
            ("completion_tokens_details", Json::object([("image_tokens", 0u64.into())])),
        ])
    }
}

impl Answer {
    /// The full reasoning text, if any.
    pub(crate) fn reasoning(&self) -> Option<String> {
        (!self.reasoning_chunks.is_empty()).then(|| self.reasoning_chunks.concat())
    }

    /// The full content, `None` for tool calls.
    pub(crate) fn content(&self) -> Option<String> {
        self.content_chunks.as_ref().map(|c| c.concat())
    }
}

/// Builds the answer to a validated request; `chunks` is the `x-mock-chunks` count.
pub(crate) fn build_answer(req: &Map<String, Value>, chunks: Option<usize>) -> Answer {
    build_choice(req, chunks, 0, &Basis::of(req))
}

/// The answers to a validated chat request, one per choice (`n`, 1 when absent). The first
/// is [`build_answer`]'s; each other choice draws its text and tool calls (and their ids)
/// from a seed of its own, under the same `id`, `created` and `model`.
pub(crate) fn build_choices(req: &Map<String, Value>, chunks: Option<usize>) -> Vec<Answer> {
    let basis = Basis::of(req);
    (0..choices(req)).map(|choice| build_choice(req, chunks, choice, &basis)).collect()
}

/// How many choices a validated chat request asks for (`n`, 1 when absent).
pub(crate) fn choices(req: &Map<String, Value>) -> u64 {
    req.get("n").and_then(Value::as_u64).unwrap_or(1).clamp(1, MAX_CHOICES)
}

/// Why a chat answer would be too large to build, if it would: `x-mock-chunks` chunks for
/// each of `n` choices, each chunk with `1 + top_logprobs` entries per token when asked
/// for, may not pass what one `x-mock-chunks` may ask for alone.
pub(crate) fn too_large(req: &Map<String, Value>, chunks: Option<usize>) -> Option<String> {
    let per_chunk = crate::logprobs::requested(req).map_or(1, |top| 2 + top);
    let n = usize::try_from(choices(req)).unwrap_or(usize::MAX);
    let total = chunks?.saturating_mul(n).saturating_mul(per_chunk);
    (total > MAX_CHUNKS).then(|| {
        format!(
            "`x-mock-chunks` × `n` (× 2 + `top_logprobs` with `logprobs`) is {total}, over the emulator's {MAX_CHUNKS}"
        )
    })
}

/// The most choices one request gets (OpenAI's limit on `n`).
pub(crate) const MAX_CHOICES: u64 = 128;

/// The tokens of all `answers` together: the prompt once, the completions added up.
pub(crate) fn total_usage(answers: &[Answer]) -> Usage {
    let prompt = answers.first().map_or(0, |answer| answer.usage.prompt);
    let completion = answers.iter().map(|answer| answer.usage.completion).sum();
    let reasoning = answers.iter().map(|answer| answer.usage.reasoning).sum();
    Usage { prompt, completion, reasoning }
}

/// What every choice of an answer shares, read from the request once.
struct Basis {
    /// The hash of the messages (keys sorted, so the same messages get the same answer
    /// whatever order their keys came in).
    seed: u64,
    model: String,
    /// The prompt's tokens.
    prompt: usize,
}

impl Basis {
    fn of(req: &Map<String, Value>) -> Basis {
        let messages = req.get("messages").unwrap_or(&Value::Null);
        Basis {
            seed: fnv1a(to_string_in_order(messages, &[]).as_bytes()),
            model: req.get("model").and_then(Value::as_str).unwrap_or_default().to_owned(),
            prompt: prompt_tokens(req),
        }
    }
}

/// Choice `choice` of the answer to a validated request.
fn build_choice(
    req: &Map<String, Value>,
    chunks: Option<usize>,
    choice: u64,
    basis: &Basis,
) -> Answer {
    let seed = basis.seed;
    let drawn =
        if choice == 0 { seed } else { seed ^ fnv1a(format!("choice {choice}").as_bytes()) };
    let calls = tool_calls(req, drawn);
    let reasoning = reasoning_text(req, &calls);
    let (content, finish_reason, stop_sequence) = if calls.is_empty() {
        let mut text = base_content(req, drawn, choice);
        lengthen(&mut text, chunks.unwrap_or(0), is_json_format(req));
        let limited = apply_limits(req, text);
        (Some(limited.text), limited.finish_reason, limited.stop_sequence)
    } else {
        (None, "tool_calls", None)
    };
    let usage = usage(basis.prompt, reasoning.as_deref(), content.as_deref(), &calls);
    let hash = seed ^ fnv1a(basis.model.as_bytes());
    Answer {
        id: format!("chatcmpl-mock-{hash:016x}"),
        hash,
        created: 1_767_225_600 + seed % 86_400,
        model: basis.model.clone(),
        reasoning_chunks: reasoning.map(|r| split_chunks(&r, None)).unwrap_or_default(),
        content_chunks: content.map(|c| split_chunks(&c, chunks)),
        tool_calls: calls,
        finish_reason,
        stop_sequence,
        usage,
    }
}

/// Whether `response_format` asks for JSON.
pub(crate) fn is_json_format(req: &Map<String, Value>) -> bool {
    let kind = req.get("response_format").and_then(|f| f.get("type")).and_then(Value::as_str);
    matches!(kind, Some("json_object" | "json_schema"))
}

fn usage(
    prompt: usize,
    reasoning: Option<&str>,
    content: Option<&str>,
    calls: &[ToolCall],
) -> Usage {
    let call_tokens: usize = calls.iter().map(|c| 1 + words(&c.arguments)).sum();
    let reasoning = reasoning.map_or(0, words);
    let completion = reasoning + content.map_or(0, words) + call_tokens;
    Usage { prompt, completion, reasoning }
}

fn prompt_tokens(req: &Map<String, Value>) -> usize {
    let messages = req.get("messages").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    messages.iter().map(|m| 4 + words(&message_text(m))).sum()
}

/// The text of a message: its string content, or its text parts joined by newlines.
pub(crate) fn message_text(message: &Value) -> String {
    match message.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The last message whose role is `role`.
pub(crate) fn last_with_role<'a>(req: &'a Map<String, Value>, role: &str) -> Option<&'a Value> {
    let messages = req.get("messages")?.as_array()?;
    messages.iter().rev().find(|m| m.get("role").and_then(Value::as_str) == Some(role))
}

/// The role of the last message.
pub(crate) fn last_role(req: &Map<String, Value>) -> Option<&str> {
    req.get("messages")?.as_array()?.last()?.get("role")?.as_str()
}
