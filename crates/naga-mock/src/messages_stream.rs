//! The Messages event stream (§3.2), in Anthropic's order: `message_start`, `ping`, per
//! content block `content_block_start`, its `content_block_delta`s (`thinking_delta`s and one
//! `signature_delta`, `text_delta`s, or `input_json_delta`s) and `content_block_stop`; then
//! `message_delta` (stop reason, output tokens) and `message_stop`. Each is `event: <type>\n`
//! + `data: <json>\n\n`, the JSON starting with `"type"` (the event name); no `[DONE]`.

use crate::messages_object::{Block, MessageAnswer};
use crate::ordered::Json;
use crate::responses_object::FAILURE_MESSAGE;
use crate::stream::NamedEvents;

/// One event, by what it says about which content block (`n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    MessageStart,
    Ping,
    BlockStart(usize),
    /// Piece `k` of block `n`'s text, thinking or input JSON.
    Delta(usize, usize),
    /// The `signature_delta` of thinking block `n`.
    Signature(usize),
    BlockStop(usize),
    MessageDelta,
    MessageStop,
}

/// The events of one streamed Messages answer, each rendered when asked for.
#[derive(Debug)]
pub(crate) struct MessageEvents {
    answer: MessageAnswer,
    steps: Vec<Step>,
    /// The first text delta (else the first delta): `x-mock-oversized-event-bytes` pads it.
    padded: usize,
}

impl MessageEvents {
    /// The events of `answer`.
    pub(crate) fn new(answer: MessageAnswer) -> Self {
        let mut steps = vec![Step::MessageStart, Step::Ping];
        for (n, block) in answer.blocks.iter().enumerate() {
            steps.push(Step::BlockStart(n));
            steps.extend((0..block.chunks().len()).map(|k| Step::Delta(n, k)));
            steps.extend(matches!(block, Block::Thinking { .. }).then_some(Step::Signature(n)));
            steps.push(Step::BlockStop(n));
        }
        steps.extend([Step::MessageDelta, Step::MessageStop]);
        let delta_of = |text_only: bool| {
            steps.iter().position(|step| match step {
                Step::Delta(n, _) => {
                    !text_only || matches!(answer.blocks.get(*n), Some(Block::Text { .. }))
                }
                _ => false,
            })
        };
        let padded = delta_of(true).or_else(|| delta_of(false)).unwrap_or(usize::MAX);
        MessageEvents { answer, steps, padded }
    }
}

impl NamedEvents for MessageEvents {
    fn count(&self) -> usize {
        self.steps.len()
    }

    fn padded(&self) -> usize {
        self.padded
    }

    fn named_event(&self, i: usize) -> Option<(&'static str, Json)> {
        let block = |n: usize| self.answer.blocks.get(n);
        let (name, fields): (&'static str, Vec<(&'static str, Json)>) = match *self.steps.get(i)? {
            Step::MessageStart => ("message_start", vec![("message", self.answer.started())]),
            Step::Ping => ("ping", Vec::new()),
            Step::BlockStart(n) => (
                "content_block_start",
                vec![("index", n.into()), ("content_block", block(n)?.json(false))],
            ),
            Step::Delta(n, k) => {
                let block = block(n)?;
                let delta = block.delta(block.chunks().get(k)?);
                ("content_block_delta", vec![("index", n.into()), ("delta", delta)])
            }
            Step::Signature(n) => {
                let Block::Thinking { signature, .. } = block(n)? else { return None };
                let delta = Json::object([
                    ("type", "signature_delta".into()),
                    ("signature", signature.as_str().into()),
                ]);
                ("content_block_delta", vec![("index", n.into()), ("delta", delta)])
            }
            Step::BlockStop(n) => ("content_block_stop", vec![("index", n.into())]),
            Step::MessageDelta => {
                let [reason, sequence] = self.answer.stop();
                let delta = Json::object([("stop_reason", reason), ("stop_sequence", sequence)]);
                let usage = Json::object([("output_tokens", self.answer.output_tokens().into())]);
                ("message_delta", vec![("delta", delta), ("usage", usage)])
            }
            Step::MessageStop => ("message_stop", Vec::new()),
        };
        let mut json = vec![("type", name.into())];
        json.extend(fields);
        Some((name, Json::Object(json)))
    }

    /// Anthropic's streamed error (§1.6): `event: error` with
    /// `{"type":"error","error":{"type":"overloaded_error","message"}}`; the stream then ends.
    fn failure_events(&self, _sent: usize) -> (Vec<(&'static str, Json)>, bool) {
        let error = Json::object([
            ("type", "overloaded_error".into()),
            ("message", FAILURE_MESSAGE.into()),
        ]);
        (vec![("error", Json::object([("type", "error".into()), ("error", error)]))], false)
    }

    /// Anthropic's streams end with `message_stop`.
    fn then_done(&self) -> bool {
        false
    }
}
