//! `ResponseAccumulator`: stream events -> the `ResponseObject` a non-streaming call returns.

use super::event::{DeltaEvent, DoneEvent, ResponseEvent, Snapshot};
use super::item::{ItemContent, ReasoningText, ResponseItem};
use super::object::ResponseObject;
use super::part::{ItemPart, OutputText, Refusal};
use crate::error::Error;
use crate::operation::StreamAccumulator;

/// Adds up the events of a streamed response into one [`ResponseObject`]: items as they are
/// added, text, refusals, arguments and reasoning as they grow, each item replaced by its
/// final form when it is done, and the whole response by the final snapshot of
/// `response.completed` (or `response.incomplete`). Keeps what it has when the stream fails,
/// so a caller can show partial output.
///
/// ```
/// use naga_protocol::{ResponseAccumulator, ResponseStream};
///
/// let mut stream = ResponseStream::new();
/// stream.feed(br#"data: {"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}
///
/// data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}
///
/// data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo"}
///
/// "#);
/// stream.finish();
/// let mut accumulator = ResponseAccumulator::new();
/// while let Some(Ok(event)) = stream.next_event() {
///     accumulator.push(&event);
/// }
/// // The stream was cut (no `response.completed`), but the text so far is kept.
/// assert_eq!(accumulator.snapshot().output_text(), "Hello");
/// ```
#[derive(Debug, Clone, Default)]
pub struct ResponseAccumulator {
    response: ResponseObject,
}

/// A streamed response that failed: the error, and what had arrived before it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct PartialResponse {
    /// Why the stream stopped.
    pub error: Error,
    /// The response added up from the events received before the error.
    pub partial: Box<ResponseObject>,
}

impl ResponseAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        ResponseAccumulator::default()
    }

    /// Adds up `events` to the first error; the error comes back with the partial response.
    pub fn accumulate(
        events: impl IntoIterator<Item = Result<ResponseEvent, Error>>,
    ) -> Result<ResponseObject, PartialResponse> {
        Self::new().add_up(events, |_| {}).map_err(|(error, accumulator)| PartialResponse {
            error,
            partial: Box::new(accumulator.finish()),
        })
    }

    /// Adds one event.
    pub fn push(&mut self, event: &ResponseEvent) {
        match event {
            ResponseEvent::Created(snapshot)
            | ResponseEvent::Queued(snapshot)
            | ResponseEvent::InProgress(snapshot)
            | ResponseEvent::Completed(snapshot)
            | ResponseEvent::Incomplete(snapshot) => self.take_snapshot(snapshot),
            ResponseEvent::OutputItemAdded(added) | ResponseEvent::OutputItemDone(added) => {
                self.put_item(added.output_index, &added.item);
            }
            ResponseEvent::ContentPartAdded(added) | ResponseEvent::ContentPartDone(added) => {
                let parts = self.parts(&added.item_id, added.output_index);
                if let Some(part) = parts.and_then(|p| slot(p, added.content_index, output_text)) {
                    *part = added.part.clone();
                }
            }
            ResponseEvent::OutputTextAnnotationAdded(added) => {
                let parts = self.parts(&added.item_id, added.output_index);
                if let Some(ItemPart::OutputText(text)) =
                    parts.and_then(|p| slot(p, added.content_index, output_text))
                {
                    text.annotations.push(added.annotation.clone());
                }
            }
            ResponseEvent::OutputTextDelta(delta) => self.grow(delta, Text::Output, Grow::Append),
            ResponseEvent::OutputTextDone(done) => {
                self.grow(&delta_of(done), Text::Output, Grow::Set)
            }
            ResponseEvent::RefusalDelta(delta) => self.grow(delta, Text::Refusal, Grow::Append),
            ResponseEvent::RefusalDone(done) => {
                self.grow(&delta_of(done), Text::Refusal, Grow::Set)
            }
            ResponseEvent::FunctionCallArgumentsDelta(delta) => {
                self.grow(delta, Text::Arguments, Grow::Append);
            }
            ResponseEvent::FunctionCallArgumentsDone(done) => {
                self.grow(&delta_of(done), Text::Arguments, Grow::Set);
            }
            ResponseEvent::ReasoningSummaryPartAdded(added)
            | ResponseEvent::ReasoningSummaryPartDone(added) => {
                if let Some(ResponseItem::Reasoning(reasoning)) =
                    self.item(&added.item_id, added.output_index)
                {
                    let fresh = || added.part.clone();
                    if let Some(part) = slot(&mut reasoning.summary, added.summary_index, fresh) {
                        *part = added.part.clone();
                    }
                }
            }
            ResponseEvent::ReasoningSummaryTextDelta(delta) => {
                self.grow(delta, Text::Summary, Grow::Append);
            }
            ResponseEvent::ReasoningSummaryTextDone(done) => {
                self.grow(&delta_of(done), Text::Summary, Grow::Set);
            }
            ResponseEvent::ReasoningTextDelta(delta) => {
                self.grow(delta, Text::Reasoning, Grow::Append);
            }
            ResponseEvent::ReasoningTextDone(done) => {
                self.grow(&delta_of(done), Text::Reasoning, Grow::Set);
            }
            ResponseEvent::Other(_) => {}
        }
    }

    /// The response as it stands.
    pub fn snapshot(&self) -> ResponseObject {
        self.response.clone()
    }

    /// The text so far (see [`ResponseObject::output_text`]).
    pub fn output_text(&self) -> String {
        self.response.output_text()
    }

    /// The response added up.
    pub fn finish(self) -> ResponseObject {
        self.response
    }

    /// A lifecycle snapshot: taken whole, except that output and usage already added up are
    /// kept where the snapshot has none (a server may send a slim final event).
    fn take_snapshot(&mut self, snapshot: &Snapshot) {
        let mut response = snapshot.response.clone();
        if response.output.is_empty() {
            response.output = std::mem::take(&mut self.response.output);
        }
        if response.usage.is_none() {
            response.usage = self.response.usage.take();
        }
        self.response = response;
    }

    /// Puts an added (or done) item at its position. Replacing an item, it keeps the
    /// content or arguments already added up where the new one has none (a server may send
    /// a slim `output_item.done`, as it may a slim final snapshot).
    fn put_item(&mut self, output_index: u32, item: &ResponseItem) {
        if matches!(item, ResponseItem::Other(fields) if fields.is_empty()) {
            return; // an event that came without its item
        }
        let output = &mut self.response.output;
        // An empty id names no item: items a server sends with `""` stay apart.
        let id = item.id().filter(|id| !id.is_empty());
        let by_id = id.and_then(|id| output.iter().position(|it| it.id() == Some(id)));
        match by_id.or_else(|| index(output_index).filter(|&at| at < output.len())) {
            Some(at) => {
                if let Some(existing) = output.get_mut(at) {
                    let mut item = item.clone();
                    keep_streamed(&mut item, existing);
                    *existing = item;
                }
            }
            None => output.push(item.clone()),
        }
    }

    /// The output item an event names: by id, else by position (but not an item that has
    /// another id: an event for an unknown item is not credited to a neighbour).
    fn item(&mut self, item_id: &str, output_index: u32) -> Option<&mut ResponseItem> {
        let output = &mut self.response.output;
        let by_id = || output.iter().position(|item| item.id() == Some(item_id));
        if let Some(at) = (!item_id.is_empty()).then(by_id).flatten() {
            return output.get_mut(at);
        }
        let item = output.get_mut(index(output_index)?)?;
        let other_id = item.id().is_some_and(|id| !id.is_empty() && id != item_id);
        (item_id.is_empty() || !other_id).then_some(item)
    }

    /// The content parts of the message an event names (a text content becomes parts).
    fn parts(&mut self, item_id: &str, output_index: u32) -> Option<&mut Vec<ItemPart>> {
        let Some(ResponseItem::Message(message)) = self.item(item_id, output_index) else {
            return None;
        };
        if let ItemContent::Text(text) = &mut message.content {
            let part = OutputText { text: std::mem::take(text), ..OutputText::default() };
            message.content = ItemContent::Parts(vec![ItemPart::OutputText(part)]);
        }
        match &mut message.content {
            ItemContent::Parts(parts) => Some(parts),
            ItemContent::Text(_) => None,
        }
    }

    /// Appends a delta to (or sets the final value of) the text it names. Text for an item
    /// or part that does not exist, or is of another kind, is dropped, not invented.
    fn grow(&mut self, delta: &DeltaEvent, text: Text, how: Grow) {
        if let Some(target) = self.text_of(delta, text) {
            match how {
                Grow::Append => target.push_str(&delta.delta),
                Grow::Set => delta.delta.clone_into(target),
            }
        }
    }

    /// The string a delta of kind `text` grows: a message part (created when missing),
    /// a call's arguments, a reasoning part (created when missing).
    fn text_of(&mut self, delta: &DeltaEvent, text: Text) -> Option<&mut String> {
        let content_index = delta.content_index.unwrap_or(0);
        match text {
            Text::Output => {
                let parts = self.parts(&delta.item_id, delta.output_index)?;
                match slot(parts, content_index, output_text)? {
                    ItemPart::OutputText(part) => Some(&mut part.text),
                    _ => None,
                }
            }
            Text::Refusal => {
                let parts = self.parts(&delta.item_id, delta.output_index)?;
                let fresh = || ItemPart::Refusal(Refusal::default());
                match slot(parts, content_index, fresh)? {
                    ItemPart::Refusal(part) => Some(&mut part.refusal),
                    _ => None,
                }
            }
            Text::Arguments => match self.item(&delta.item_id, delta.output_index)? {
                ResponseItem::FunctionCall(call) => Some(&mut call.arguments),
                _ => None,
            },
            Text::Summary | Text::Reasoning => {
                let ResponseItem::Reasoning(reasoning) =
                    self.item(&delta.item_id, delta.output_index)?
                else {
                    return None;
                };
                let (parts, at, kind) = match text {
                    Text::Summary => {
                        (&mut reasoning.summary, delta.summary_index.unwrap_or(0), "summary_text")
                    }
                    _ => (&mut reasoning.content, content_index, "reasoning_text"),
                };
                let fresh = || ReasoningText { kind: kind.to_owned(), text: String::new() };
                Some(&mut slot(parts, at, fresh)?.text)
            }
        }
    }
}

/// Which text a delta grows.
#[derive(Debug, Clone, Copy)]
enum Text {
    Output,
    Refusal,
    Arguments,
    Summary,
    Reasoning,
}

/// Whether a delta is appended or is the final value (`*.done`).
#[derive(Debug, Clone, Copy)]
enum Grow {
    Append,
    Set,
}

/// Moves what `old` streamed into `new` where `new` has none of it: a message's content
/// (none, or only empty texts), a function call's arguments, a reasoning item's summary and
/// text.
fn keep_streamed(new: &mut ResponseItem, old: &mut ResponseItem) {
    match (new, old) {
        (ResponseItem::Message(new), ResponseItem::Message(old))
            if is_empty(&new.content) && !is_empty(&old.content) =>
        {
            new.content = std::mem::take(&mut old.content);
        }
        (ResponseItem::FunctionCall(new), ResponseItem::FunctionCall(old))
            if new.arguments.is_empty() =>
        {
            new.arguments = std::mem::take(&mut old.arguments);
        }
        (ResponseItem::Reasoning(new), ResponseItem::Reasoning(old)) => {
            for (new, old) in
                [(&mut new.summary, &mut old.summary), (&mut new.content, &mut old.content)]
            {
                if all_empty(new) && !all_empty(old) {
                    *new = std::mem::take(old);
                }
            }
        }
        _ => {}
    }
}

/// Whether a message's content holds no text: no parts, or only empty texts.
fn is_empty(content: &ItemContent) -> bool {
    match content {
        ItemContent::Text(text) => text.is_empty(),
        ItemContent::Parts(parts) => parts.iter().all(|part| match part {
            ItemPart::OutputText(text) => text.text.is_empty() && text.annotations.is_empty(),
            ItemPart::Refusal(refusal) => refusal.refusal.is_empty(),
            _ => false,
        }),
    }
}

/// Whether reasoning texts hold no text.
fn all_empty(texts: &[ReasoningText]) -> bool {
    texts.iter().all(|text| text.text.is_empty())
}

/// The element at `at`; one fresh element appended when `at` is past the end (a hostile
/// index pads nothing).
fn slot<T>(parts: &mut Vec<T>, at: u32, fresh: impl FnOnce() -> T) -> Option<&mut T> {
    let at = match index(at).filter(|&at| at < parts.len()) {
        Some(at) => at,
        None => {
            parts.push(fresh());
            parts.len().checked_sub(1)?
        }
    };
    parts.get_mut(at)
}

fn index(at: u32) -> Option<usize> {
    usize::try_from(at).ok()
}

fn output_text() -> ItemPart {
    ItemPart::OutputText(OutputText::default())
}

/// A `*.done` event as the delta that sets its whole value.
fn delta_of(done: &DoneEvent) -> DeltaEvent {
    DeltaEvent {
        item_id: done.item_id.clone(),
        output_index: done.output_index,
        content_index: done.content_index,
        summary_index: done.summary_index,
        delta: done.value().unwrap_or_default().to_owned(),
        sequence_number: done.sequence_number,
        extra: serde_json::Map::new(),
    }
}

impl crate::operation::StreamAccumulator for ResponseAccumulator {
    type Item = ResponseEvent;
    type Output = ResponseObject;

    fn push(&mut self, item: &ResponseEvent) {
        ResponseAccumulator::push(self, item);
    }

    fn finish(self) -> ResponseObject {
        ResponseAccumulator::finish(self)
    }
}
