//! Chat completions: request, response and chunk types, validation, streaming, accumulation.

mod accumulator;
mod attachment;
mod builder;
mod chunk;
mod content;
mod convert;
pub(crate) mod decode;
mod document;
mod fast;
mod format;
mod message;
mod operation;
mod request;
mod response;
pub(crate) mod stream;
mod tool;
pub(crate) mod validate;

pub use accumulator::{ChatAccumulator, PartialCompletion};
pub use chunk::{ChatCompletionChunk, ChunkChoice, Delta, FunctionCallDelta, ToolCallDelta};
pub use content::{DeltaContent, OutputPart, TextPart, ThinkingPart};
pub use format::{JsonSchemaFormat, ResponseFormat};
pub use message::{
    AudioFormat, Content, ContentPart, FileInput, ImageDetail, ImageUrl, InputAudio, Message, Role,
};
pub use request::{
    ChatRequest, ImageConfig, ReasoningEffort, Stop, StreamOptions, WebSearchOptions,
};
pub use response::{
    ChatCompletion, Choice, CompletionTokensDetails, FinishReason, PromptTokensDetails,
    ResponseMessage, Usage,
};
pub use stream::ChatStream;
pub use tool::{
    FunctionCall, FunctionDefinition, FunctionName, NamedToolChoice, Tool, ToolCall, ToolChoice,
    ToolChoiceMode, ToolType,
};
