//! `POST /messages`: Anthropic's Messages API as Naga serves it (API digest §3.2).
//!
//! [`MessagesRequest`] -> [`MessagesResponse`] (or, streamed, [`MessageStream`] ->
//! [`MessageEvent`]s -> [`MessageAccumulator`] -> the same [`MessagesResponse`]).

mod accumulator;
mod block;
mod document;
mod event;
mod request;
mod response;
mod stream;
mod validate;

pub use accumulator::{MessageAccumulator, PartialMessage};
pub use block::{
    BlockContent, ContentBlock, MediaBlock, MediaSource, RedactedThinkingBlock, TextBlock,
    ThinkingBlock, ToolResultBlock, ToolUseBlock,
};
pub use event::{
    BlockDelta, BlockStart, BlockStop, ContentDelta, InputJsonDelta, MessageDelta, MessageEvent,
    MessageStart, SignatureDelta, StopDelta, TextDelta, ThinkingDelta, Unit,
};
pub use request::{
    CustomTool, MessageParam, MessageRole, MessagesRequest, MessagesTool, MessagesToolChoice,
    OutputConfig, OutputEffort, SystemPrompt, Thinking,
};
pub use response::{MessagesResponse, MessagesUsage, StopReason};
pub use stream::MessageStream;
