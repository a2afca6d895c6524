//! `POST /responses`: the OpenAI Responses API (API digest §3.1), stateless: the history
//! is replayed in `input`, and an answer's output items go back as input unchanged.
//!
//! [`ResponsesRequest`] -> [`ResponseObject`] (or, streamed, [`ResponseStream`] ->
//! [`ResponseEvent`]s -> [`ResponseAccumulator`] -> the same [`ResponseObject`]).

mod accumulator;
mod document;
mod event;
mod item;
mod object;
mod options;
mod part;
mod request;
mod stream;
mod validate;

pub use accumulator::{PartialResponse, ResponseAccumulator};
pub use event::{
    AnnotationEvent, DeltaEvent, DoneEvent, ItemEvent, PartEvent, ResponseEvent, Snapshot,
    SummaryPartEvent,
};
pub use item::{
    FunctionCallItem, FunctionCallOutput, ImageGenerationCall, ItemContent, ItemStatus,
    MessageItem, ReasoningItem, ReasoningText, ResponseItem,
};
pub use object::{
    IncompleteDetails, InputTokensDetails, OutputTokensDetails, ResponseError, ResponseObject,
    ResponseStatus, ResponseUsage,
};
pub use options::{
    FunctionTag, NamedFunction, ReasoningOptions, ReasoningSummary, ResponseTool,
    ResponseToolChoice, TextFormat, TextOptions, Truncation, Verbosity,
};
pub use part::{
    Annotation, InputAudioPart, InputFile, InputImage, InputText, ItemPart, OutputText, Refusal,
    UrlCitation,
};
pub use request::{ResponseInput, ResponsesRequest};
pub use stream::ResponseStream;
