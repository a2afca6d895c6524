//! The NagaAI protocol, without I/O.
//!
//! This crate does no networking, reads no clock, draws no random numbers and starts no
//! runtime. It turns typed requests into [`http::Request`]s, and status + headers + body bytes
//! back into typed values or typed errors. Transports (`naga-blocking`, `naga-async`, or your
//! own) move the bytes and sleep when [`RetryPolicy`] tells them to:
//!
//! ```text
//!  ChatRequest --build_request--> http::Request<Bytes> --(your transport)--> status, headers, bytes
//!                                                                                   |
//!  ChatCompletion <--parse_response-------------------------------------------------+
//!  ChatCompletionChunk <--ChatStream (SseParser inside)--- body bytes as they arrive
//!  ChatCompletion <--ChatAccumulator--- chunks
//!  RetryPolicy::decide(attempt, outcome, elapsed, now, jitter) -> Decision::Retry(D) | Decision::GiveUp(why)
//! ```
//!
//! [`RetryPolicy::decide`] takes the attempt number, the [`Outcome`], the time elapsed since
//! the first attempt began, the wall-clock `now` (a [`SystemTime`](std::time::SystemTime),
//! only to resolve a `Retry-After` given as an HTTP date) and a jitter value in `[0, 1)` the
//! caller drew.
//!
//! The [`http`] and [`bytes`] crates this API speaks in are re-exported
//! ([`naga_protocol::http`](http), [`naga_protocol::bytes`](bytes)), so a transport needs no
//! dependencies of its own on matching versions.
//!
//! ```
//! use naga_protocol::{build_request, parse_response, ChatRequest, Config, Message};
//! use naga_protocol::http::{HeaderMap, StatusCode};
//!
//! let config = Config::new("ng-example")?;
//! let request = ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")]);
//! let http_request = build_request(&config, &request)?;
//! assert_eq!(http_request.method(), "POST");
//!
//! // ... send it with any HTTP client, then:
//! let body = br#"{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
//!   "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Tokyo..."}}]}"#;
//! let completion = parse_response::<ChatRequest>(StatusCode::OK, &HeaderMap::new(), body)?;
//! assert_eq!(completion.text(), Some("Tokyo..."));
//! # Ok::<(), naga_protocol::Error>(())
//! ```
//!
//! Every endpoint is one type implementing [`Operation`] (its method, path, body, key and
//! answer), so a transport needs one generic `send` and one generic `stream`:
//! [`ChatRequest`], [`ResponsesRequest`] and [`MessagesRequest`] (also
//! [`StreamingOperation`]s), [`ListModels`], [`ListStartups`], [`EmbeddingRequest`],
//! [`ModerationRequest`], [`ImageGenerationRequest`], [`ImageEditRequest`] and
//! [`TranscriptionRequest`] (multipart forms), [`SpeechRequest`] (audio bytes, whole or
//! streamed), and, with the provisioning key, [`GetBalance`], [`GetActivity`], [`ListKeys`],
//! [`GetKey`], [`CreateKey`], [`UpdateKey`] and [`DeleteKey`].

/// The `http` crate (1.x) whose [`Request`](http::Request), [`HeaderMap`](http::HeaderMap)
/// and [`StatusCode`](http::StatusCode) this crate's API takes and returns.
pub use http;

/// The `bytes` crate (1.x) whose [`Bytes`](bytes::Bytes) carry request and response bodies.
pub use bytes;

mod account;
mod audio;
mod binary;
mod chat;
mod config;
mod embeddings;
mod error;
mod error_page;
mod image_edit;
mod images;
mod json_out;
mod lenient;
mod media;
mod messages;
mod models;
mod moderations;
mod multipart;
mod operation;
mod redact;
mod responses;
mod retry;
mod schemas;
mod settings;
mod sse;
mod structured;
mod surrogates;
mod transcription;
mod transport;
#[doc(hidden)]
pub mod transport_error;

pub use account::{
    Activity, ApiKey, Balance, CreateKey, CreatedKey, DeleteKey, GetActivity, GetBalance, GetKey,
    KeyList, ListKeys, MAX_KEY_NAME_CHARS, Patch, PlaintextKey, UpdateKey, UsageStats, Usd,
};
pub use audio::{AudioChunks, MAX_SPEECH_INPUT_CHARS, SpeechFormat, SpeechRequest};
pub use chat::{
    AudioFormat, ChatCompletion, ChatCompletionChunk, ChatRequest, Choice, ChunkChoice,
    CompletionTokensDetails, Content, ContentPart, Delta, DeltaContent, FileInput, FinishReason,
    FunctionCall, FunctionCallDelta, FunctionDefinition, FunctionName, ImageConfig, ImageDetail,
    ImageUrl, InputAudio, JsonSchemaFormat, Message, NamedToolChoice, OutputPart,
    PromptTokensDetails, ReasoningEffort, ResponseFormat, ResponseMessage, Role, Stop,
    StreamOptions, TextPart, ThinkingPart, Tool, ToolCall, ToolCallDelta, ToolChoice,
    ToolChoiceMode, ToolType, Usage, WebSearchOptions,
};
pub use chat::{ChatAccumulator, ChatStream, PartialCompletion};
pub use config::{Config, DEFAULT_BASE_URL, Secret, USER_AGENT};
pub use embeddings::{
    Embedding, EmbeddingInput, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage,
    EmbeddingVector, EncodingFormat,
};
pub use error::{
    ApiError, ApiErrorKind, Error, ErrorObject, ErrorResponse, MAX_SNIPPET_BYTES, StreamError,
    parse_api_error, request_id, snippet,
};
pub use image_edit::{ImageEditRequest, MAX_IMAGE_EDIT_PROMPT_CHARS};
pub use images::{
    GeneratedImage, ImageGenerationRequest, ImageResponseFormat, ImageUsage, ImagesResponse,
    MAX_IMAGE_PROMPT_CHARS,
};
pub use messages::{
    BlockContent, BlockDelta, BlockStart, BlockStop, ContentBlock, ContentDelta, CustomTool,
    InputJsonDelta, MediaBlock, MediaSource, MessageAccumulator, MessageDelta, MessageEvent,
    MessageParam, MessageRole, MessageStart, MessageStream, MessagesRequest, MessagesResponse,
    MessagesTool, MessagesToolChoice, MessagesUsage, OutputConfig, OutputEffort, PartialMessage,
    RedactedThinkingBlock, SignatureDelta, StopDelta, StopReason, SystemPrompt, TextBlock,
    TextDelta, Thinking, ThinkingBlock, ThinkingDelta, ToolResultBlock, ToolUseBlock, Unit,
};
pub use models::{ListModels, ListStartups, Model, ModelArchitecture, ModelList, ModelPricing};
pub use moderations::{
    ModerationImage, ModerationInput, ModerationPart, ModerationRequest, ModerationResponse,
    ModerationResult,
};
pub use multipart::FileUpload;
pub use operation::{
    AttemptRequests, Auth, Operation, StreamAccumulator, StreamDecoder, StreamingOperation,
    build_request, check_content_encoding, check_status, decode_json, parse_response,
};
pub use redact::Redactor;
pub use responses::{
    Annotation, AnnotationEvent, DeltaEvent, DoneEvent, FunctionCallItem, FunctionCallOutput,
    FunctionTag, ImageGenerationCall, IncompleteDetails, InputAudioPart, InputFile, InputImage,
    InputText, InputTokensDetails, ItemContent, ItemEvent, ItemPart, ItemStatus, MessageItem,
    NamedFunction, OutputText, OutputTokensDetails, PartEvent, PartialResponse, ReasoningItem,
    ReasoningOptions, ReasoningSummary, ReasoningText, Refusal, ResponseAccumulator, ResponseError,
    ResponseEvent, ResponseInput, ResponseItem, ResponseObject, ResponseStatus, ResponseStream,
    ResponseTool, ResponseToolChoice, ResponseUsage, ResponsesRequest, Snapshot, SummaryPartEvent,
    TextFormat, TextOptions, Truncation, UrlCitation, Verbosity,
};
pub use retry::{
    Decision, GiveUpReason, Outcome, RetryAfter, RetryPolicy, is_retryable_status, jitter_from_bits,
};
pub use schemas::{schema_file_text, schema_of, wire_schemas};
pub use settings::ClientSettings;
pub use sse::{Event, SseParser};
pub use structured::{
    ParseError, REJECTED_KEYWORDS, STRICT_FORMATS, STRICT_KEYWORDS, StructuredError,
    parse_json_content, schema_name, strict_schema, strict_schema_for,
};
pub use transcription::{AudioTask, Transcription, TranscriptionRequest};
pub use transport::{
    AttemptLimits, Attempts, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_STREAM_IDLE_TIMEOUT, END_OF_BODY_GRACE, MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES, Response,
    TimeoutKind, Timeouts, attempt_timeout, body_capacity,
};
