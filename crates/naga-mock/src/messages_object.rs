//! The Message (§3.2) of a chat [`Answer`], whole or as its stream opens it, keys in the
//! order Naga's schema lists them: `{"id","type","role","model","content","stop_reason",
//! "stop_sequence","created","usage":{"input_tokens","output_tokens","cache_read_input_tokens"}}`.

use base64::Engine as _;
use serde_json::Value;

use crate::answer::Answer;
use crate::ordered::Json;
use crate::seed::fnv1a;
use crate::tools::argument_fragments;

/// One content block, with the pieces it streams as.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// `{"type":"thinking","thinking","signature"}`.
    Thinking { chunks: Vec<String>, signature: String },
    /// `{"type":"text","text"}`.
    Text { chunks: Vec<String> },
    /// `{"type":"tool_use","id":"toolu_..","name","input"}`; `chunks` are pieces of the
    /// compact JSON of `input`.
    ToolUse { id: String, name: String, input: Value, chunks: Vec<String> },
}

impl Block {
    /// The pieces its text (or its input's JSON) streams as.
    pub(crate) fn chunks(&self) -> &[String] {
        match self {
            Block::Thinking { chunks, .. }
            | Block::Text { chunks }
            | Block::ToolUse { chunks, .. } => chunks,
        }
    }

    /// The block as the answer shows it (`whole`), or as `content_block_start` opens it
    /// (empty text, thinking and signature; `input` `{}`).
    pub(crate) fn json(&self, whole: bool) -> Json {
        let text = || if whole { self.chunks().concat() } else { String::new() };
        match self {
            Block::Thinking { signature, .. } => Json::object([
                ("type", "thinking".into()),
                ("thinking", text().into()),
                ("signature", if whole { signature.as_str() } else { "" }.into()),
            ]),
            Block::Text { .. } => Json::object([("type", "text".into()), ("text", text().into())]),
            Block::ToolUse { id, name, input, .. } => Json::object([
                ("type", "tool_use".into()),
                ("id", id.as_str().into()),
                ("name", name.as_str().into()),
                (
                    "input",
                    if whole { input.clone() } else { Value::Object(Default::default()) }.into(),
                ),
            ]),
        }
    }

    /// The `delta` of a `content_block_delta` carrying `piece`.
    pub(crate) fn delta(&self, piece: &str) -> Json {
        let (kind, field) = match self {
            Block::Thinking { .. } => ("thinking_delta", "thinking"),
            Block::Text { .. } => ("text_delta", "text"),
            Block::ToolUse { .. } => ("input_json_delta", "partial_json"),
        };
        Json::object([("type", kind.into()), (field, piece.into())])
    }
}

/// The answer to one Messages request.
#[derive(Debug, Clone)]
pub(crate) struct MessageAnswer {
    id: String,
    model: String,
    created: u64,
    pub(crate) blocks: Vec<Block>,
    stop_reason: &'static str,
    stop_sequence: Option<String>,
    input_tokens: usize,
    output_tokens: usize,
}

impl MessageAnswer {
    /// The Message rendering of `answer`: a thinking block when there is reasoning, then
    /// the text or the tool uses.
    pub(crate) fn new(answer: Answer) -> Self {
        let mut blocks = Vec::new();
        if let Some(thinking) = answer.reasoning() {
            let opaque =
                format!("naga-mock thinking signature {:016x}", fnv1a(thinking.as_bytes()));
            let signature = base64::engine::general_purpose::STANDARD.encode(opaque);
            blocks.push(Block::Thinking { chunks: answer.reasoning_chunks.clone(), signature });
        }
        if let Some(chunks) = answer.content_chunks.clone() {
            blocks.push(Block::Text { chunks });
        }
        blocks.extend(answer.tool_calls.iter().map(|call| Block::ToolUse {
            id: format!("toolu_{}", call.id.strip_prefix("call_").unwrap_or(&call.id)),
            name: call.name.clone(),
            input: serde_json::from_str(&call.arguments).unwrap_or(Value::Null),
            chunks: argument_fragments(&call.arguments),
        }));
        let stop_reason = match answer.finish_reason {
            "length" => "max_tokens",
            "tool_calls" => "tool_use",
            _ if answer.stop_sequence.is_some() => "stop_sequence",
            _ => "end_turn",
        };
        MessageAnswer {
            id: format!("msg_{:016x}", answer.hash),
            model: answer.model,
            created: answer.created,
            blocks,
            stop_reason,
            stop_sequence: answer.stop_sequence,
            input_tokens: answer.usage.prompt,
            output_tokens: answer.usage.completion,
        }
    }

    /// The non-streaming body.
    pub(crate) fn message(&self) -> Json {
        let blocks = self.blocks.iter().map(|b| b.json(true)).collect();
        self.object(Json::Array(blocks), self.stop(), self.output_tokens)
    }

    /// The message `message_start` carries: no content, no stop reason, 1 output token.
    pub(crate) fn started(&self) -> Json {
        let stop = [Json::from(None::<&str>), Json::from(None::<&str>)];
        self.object(Json::Array(Vec::new()), stop, 1)
    }

    /// `[stop_reason, stop_sequence]` of the finished message.
    pub(crate) fn stop(&self) -> [Json; 2] {
        [self.stop_reason.into(), self.stop_sequence.as_deref().into()]
    }

    /// How many tokens the answer took.
    pub(crate) fn output_tokens(&self) -> usize {
        self.output_tokens
    }

    fn object(&self, content: Json, [reason, sequence]: [Json; 2], output_tokens: usize) -> Json {
        Json::object([
            ("id", self.id.as_str().into()),
            ("type", "message".into()),
            ("role", "assistant".into()),
            ("model", self.model.as_str().into()),
            ("content", content),
            ("stop_reason", reason),
            ("stop_sequence", sequence),
            ("created", self.created.into()),
            (
                "usage",
                Json::object([
                    ("input_tokens", self.input_tokens.into()),
                    ("output_tokens", output_tokens.into()),
                    ("cache_read_input_tokens", 0u64.into()),
                ]),
            ),
        ])
    }
}
