//! JSON Schemas of the public wire types, as published in the repository's `schemas/` folder.

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::{
    Activity, ApiKey, Balance, ChatCompletion, ChatCompletionChunk, ChatRequest, CreateKey,
    CreatedKey, EmbeddingRequest, EmbeddingResponse, ErrorResponse, ImageGenerationRequest,
    ImagesResponse, KeyList, MessageEvent, MessagesRequest, MessagesResponse, Model, ModelList,
    ModerationRequest, ModerationResponse, ResponseEvent, ResponseObject, ResponsesRequest,
    SpeechRequest, Transcription, UpdateKey,
};

/// The file stem and JSON Schema of every public wire type, in a stable order.
///
/// `cargo xtask schemas` writes each as `schemas/<stem>.json`; `--check` compares.
pub fn wire_schemas() -> Vec<(&'static str, Schema)> {
    vec![
        ("chat_request", schema_of::<ChatRequest>()),
        ("chat_completion", schema_of::<ChatCompletion>()),
        ("chat_completion_chunk", schema_of::<ChatCompletionChunk>()),
        ("error_response", schema_of::<ErrorResponse>()),
        ("model", schema_of::<Model>()),
        ("model_list", schema_of::<ModelList>()),
        ("embedding_request", schema_of::<EmbeddingRequest>()),
        ("embedding_response", schema_of::<EmbeddingResponse>()),
        ("moderation_request", schema_of::<ModerationRequest>()),
        ("moderation_response", schema_of::<ModerationResponse>()),
        ("image_generation_request", schema_of::<ImageGenerationRequest>()),
        ("images_response", schema_of::<ImagesResponse>()),
        ("account_balance", schema_of::<Balance>()),
        ("account_activity", schema_of::<Activity>()),
        ("api_key", schema_of::<ApiKey>()),
        ("api_key_list", schema_of::<KeyList>()),
        ("create_key_request", schema_of::<CreateKey>()),
        ("created_key", schema_of::<CreatedKey>()),
        ("update_key_request", schema_of::<UpdateKey>()),
        ("speech_request", schema_of::<SpeechRequest>()),
        ("transcription", schema_of::<Transcription>()),
        ("responses_request", schema_of::<ResponsesRequest>()),
        ("response_object", schema_of::<ResponseObject>()),
        ("response_event", schema_of::<ResponseEvent>()),
        ("messages_request", schema_of::<MessagesRequest>()),
        ("messages_response", schema_of::<MessagesResponse>()),
        ("message_event", schema_of::<MessageEvent>()),
    ]
}

/// The draft 2020-12 schema of `T`, with shared definitions under `$defs`.
pub fn schema_of<T: JsonSchema>() -> Schema {
    SchemaGenerator::default().into_root_schema_for::<T>()
}

/// The stable text of a schema file: pretty JSON with a trailing newline.
pub fn schema_file_text(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
