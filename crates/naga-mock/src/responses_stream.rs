//! The Responses event stream (§3.1): `event: <type>\n` + `data: <json>\n\n` per event, the
//! JSON starting with `"type"` (the event name) and `"sequence_number"` (from 0), in OpenAI's
//! order: `response.created`, `response.in_progress`, per output item `output_item.added`,
//! its part and text events, `output_item.done`; then `response.completed` (or
//! `response.incomplete`) with the same object a non-streaming request gets.

use crate::ordered::Json;
use crate::responses_object::{
    FAILURE_MESSAGE, Item, ResponseAnswer, Snapshot, summary_part, text_part,
};
use crate::stream::NamedEvents;

/// One event, by what it says about which output item (`n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Created,
    InProgress,
    /// `response.output_item.added`.
    Added(usize),
    /// `response.content_part.added` / `response.reasoning_summary_part.added`.
    PartAdded(usize),
    /// Piece `k` of item `n`'s text, summary or arguments.
    Delta(usize, usize),
    /// `response.output_text.done` / `..reasoning_summary_text.done` /
    /// `..function_call_arguments.done`.
    TextDone(usize),
    /// `response.content_part.done` / `response.reasoning_summary_part.done`.
    PartDone(usize),
    /// `response.output_item.done`.
    Done(usize),
    /// `response.completed` / `response.incomplete`.
    Finished,
}

/// The events of one streamed Responses answer, each rendered when asked for.
#[derive(Debug)]
pub(crate) struct ResponseEvents {
    answer: ResponseAnswer,
    steps: Vec<Step>,
    /// The first text delta (else the first delta): `x-mock-oversized-event-bytes` pads it.
    padded: usize,
}

impl ResponseEvents {
    /// The events of `answer`.
    pub(crate) fn new(answer: ResponseAnswer) -> Self {
        let mut steps = vec![Step::Created, Step::InProgress];
        for (n, item) in answer.items.iter().enumerate() {
            let has_part = !matches!(item, Item::Call { .. });
            steps.push(Step::Added(n));
            steps.extend(has_part.then_some(Step::PartAdded(n)));
            steps.extend((0..item.chunks().len()).map(|k| Step::Delta(n, k)));
            steps.push(Step::TextDone(n));
            steps.extend(has_part.then_some(Step::PartDone(n)));
            steps.push(Step::Done(n));
        }
        steps.push(Step::Finished);
        let delta_of = |text_only: bool| {
            steps.iter().position(|step| match step {
                Step::Delta(n, _) => {
                    !text_only || matches!(answer.items.get(*n), Some(Item::Message { .. }))
                }
                _ => false,
            })
        };
        let padded = delta_of(true).or_else(|| delta_of(false)).unwrap_or(usize::MAX);
        ResponseEvents { answer, steps, padded }
    }

    /// `{"response": <object in state snapshot>}`.
    fn snapshot(&self, snapshot: Snapshot) -> Fields {
        vec![("response", self.answer.object(snapshot))]
    }

    /// A part, text or arguments event of item `n`: its name and fields.
    fn item_event(&self, step: Step, n: usize) -> Option<(&'static str, Fields)> {
        let item = self.answer.items.get(n)?;
        let mut fields: Fields = vec![("item_id", item.id().into()), ("output_index", n.into())];
        let delta = match step {
            Step::Delta(_, k) => Some(item.chunks().get(k)?.as_str()),
            _ => None,
        };
        let name = match item {
            Item::Reasoning { .. } => part_event(&SUMMARY, (step, delta), item, &mut fields),
            Item::Message { .. } => part_event(&CONTENT, (step, delta), item, &mut fields),
            Item::Call { name, .. } => match delta {
                Some(delta) => {
                    fields.push(("delta", delta.into()));
                    "response.function_call_arguments.delta"
                }
                None => {
                    fields.push(("name", name.as_str().into()));
                    fields.push(("arguments", item.text().into()));
                    "response.function_call_arguments.done"
                }
            },
        };
        Some((name, fields))
    }
}

/// An event's fields after `type` and `sequence_number`.
type Fields = Vec<(&'static str, Json)>;

/// The part and text events of an item kind that streams one part: their names, the
/// index field, the part, and whether text events carry `logprobs`.
struct PartEvents {
    index: &'static str,
    part_added: &'static str,
    delta: &'static str,
    text_done: &'static str,
    part_done: &'static str,
    part: fn(&str) -> Json,
    logprobs: bool,
}

/// A reasoning item's one `summary_text`.
const SUMMARY: PartEvents = PartEvents {
    index: "summary_index",
    part_added: "response.reasoning_summary_part.added",
    delta: "response.reasoning_summary_text.delta",
    text_done: "response.reasoning_summary_text.done",
    part_done: "response.reasoning_summary_part.done",
    part: summary_part,
    logprobs: false,
};

/// A message's one `output_text` part.
const CONTENT: PartEvents = PartEvents {
    index: "content_index",
    part_added: "response.content_part.added",
    delta: "response.output_text.delta",
    text_done: "response.output_text.done",
    part_done: "response.content_part.done",
    part: text_part,
    logprobs: true,
};

/// The `kind` event of `item` for `step` (`delta`: the piece of a delta step): its name; its
/// fields are appended to `fields`.
fn part_event(
    kind: &PartEvents,
    (step, delta): (Step, Option<&str>),
    item: &Item,
    fields: &mut Fields,
) -> &'static str {
    fields.push((kind.index, 0u64.into()));
    let (name, text_event) = match (step, delta) {
        (_, Some(delta)) => {
            fields.push(("delta", delta.into()));
            (kind.delta, true)
        }
        (Step::PartAdded(_), _) => {
            fields.push(("part", (kind.part)("")));
            (kind.part_added, false)
        }
        (Step::TextDone(_), _) => {
            fields.push(("text", item.text().into()));
            (kind.text_done, true)
        }
        _ => {
            fields.push(("part", (kind.part)(&item.text())));
            (kind.part_done, false)
        }
    };
    if text_event && kind.logprobs {
        fields.push(("logprobs", Json::Array(Vec::new())));
    }
    name
}

impl NamedEvents for ResponseEvents {
    fn count(&self) -> usize {
        self.steps.len()
    }

    fn padded(&self) -> usize {
        self.padded
    }

    fn named_event(&self, i: usize) -> Option<(&'static str, Json)> {
        let step = *self.steps.get(i)?;
        let (name, fields) = match step {
            Step::Created => ("response.created", self.snapshot(Snapshot::InProgress)),
            Step::InProgress => ("response.in_progress", self.snapshot(Snapshot::InProgress)),
            Step::Finished => {
                let name = if self.answer.incomplete() {
                    "response.incomplete"
                } else {
                    "response.completed"
                };
                (name, self.snapshot(Snapshot::Final))
            }
            Step::Added(n) | Step::Done(n) => {
                let item = self.answer.items.get(n)?;
                let done = matches!(step, Step::Done(_));
                let name =
                    if done { "response.output_item.done" } else { "response.output_item.added" };
                (name, vec![("output_index", n.into()), ("item", item.json(done))])
            }
            Step::PartAdded(n) | Step::Delta(n, _) | Step::TextDone(n) | Step::PartDone(n) => {
                self.item_event(step, n)?
            }
        };
        let mut json = vec![("type", name.into()), ("sequence_number", i.into())];
        json.extend(fields);
        Some((name, Json::Object(json)))
    }

    /// An `error` event, then `response.failed` with the items completed so far (§1.6), then
    /// `[DONE]`.
    fn failure_events(&self, sent: usize) -> (Vec<(&'static str, Json)>, bool) {
        let sent_steps = self.steps.get(..sent).unwrap_or(&self.steps);
        let done_items = sent_steps.iter().filter(|s| matches!(s, Step::Done(_))).count();
        let error = Json::object([
            ("type", "error".into()),
            ("sequence_number", sent.into()),
            ("code", "server_error".into()),
            ("message", FAILURE_MESSAGE.into()),
            ("param", Json::from(None::<&str>)),
        ]);
        let failed = Json::object([
            ("type", "response.failed".into()),
            ("sequence_number", (sent + 1).into()),
            ("response", self.answer.object(Snapshot::Failed { done_items })),
        ]);
        (vec![("error", error), ("response.failed", failed)], true)
    }

    fn then_done(&self) -> bool {
        true
    }
}
