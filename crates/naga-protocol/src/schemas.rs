//! JSON Schemas of the public wire types, as published in the repository's `schemas/` folder.

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::{
    ChatCompletion, ChatCompletionChunk, ChatRequest, EmbeddingRequest, EmbeddingResponse,
    ErrorResponse, ImageGenerationRequest, ImagesResponse, Model, ModelList, ModerationRequest,
    ModerationResponse,
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
