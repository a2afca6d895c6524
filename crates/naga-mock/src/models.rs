//! The fixed model catalogue served by `GET /v1/models`, in Naga's rich format (§3.10).

use serde_json::{Value, json};

use crate::ordered::to_string_in_order;

/// When the catalogue was "published" (fixed, so answers are reproducible).
const CREATED: u64 = 1_735_689_600;

/// The default catalogue: several realistic models, one of them `:free`.
pub fn default_models() -> Vec<Value> {
    vec![
        model(
            "gpt-4o-mini",
            "openai",
            "GPT-4o mini",
            128_000,
            (0.000_000_15, 0.000_000_6),
            &["text", "image", "file"],
            &["gpt-4o-mini-2024-07-18"],
        ),
        model(
            "gpt-4.1-mini",
            "openai",
            "GPT-4.1 mini",
            1_047_576,
            (0.000_000_4, 0.000_001_6),
            &["text", "image", "file"],
            &[],
        ),
        model(
            "claude-sonnet-4.5",
            "anthropic",
            "Claude Sonnet 4.5",
            200_000,
            (0.000_003, 0.000_015),
            &["text", "image", "file"],
            &["claude-sonnet-4.5-20250929"],
        ),
        model(
            "gemini-2.5-flash",
            "google",
            "Gemini 2.5 Flash",
            1_048_576,
            (0.000_000_3, 0.000_002_5),
            &["text", "image", "file", "audio"],
            &[],
        ),
        model(
            "llama-3.3-70b-instruct:free",
            "meta",
            "Llama 3.3 70B Instruct (free)",
            131_072,
            (0.0, 0.0),
            &["text"],
            &[],
        ),
        endpoint_model(
            ("text-embedding-3-small", "Text Embedding 3 Small"),
            &["embeddings"],
            (&["text"], "embeddings"),
            &["dimensions", "encoding_format"],
            (json!(8192), json!(0.000_000_02)),
        ),
        endpoint_model(
            ("gpt-image-1", "GPT Image 1"),
            &["images.generations", "images.edits"],
            (&["text", "image"], "image"),
            &["n", "size", "quality", "response_format"],
            (Value::Null, json!(0.000_005)),
        ),
        endpoint_model(
            ("gpt-4o-mini-tts", "GPT-4o mini TTS"),
            &["audio.speech"],
            (&["text"], "audio"),
            &["voice", "speed", "instructions", "response_format"],
            (json!(2000), json!(0.000_000_6)),
        ),
        // Priced per minute of audio, not per token. The docs name `whisper-1`; Naga is
        // reported to serve `whisper-large-v3` (API digest, ambiguity 24): both answer.
        endpoint_model(
            ("whisper-1", "Whisper"),
            &["audio.transcriptions", "audio.translations"],
            (&["audio"], "text"),
            &["prompt", "language"],
            (Value::Null, Value::Null),
        ),
        endpoint_model(
            ("whisper-large-v3", "Whisper Large v3"),
            &["audio.transcriptions", "audio.translations"],
            (&["audio"], "text"),
            &["prompt", "language"],
            (Value::Null, Value::Null),
        ),
        endpoint_model(
            ("omni-moderation-latest", "Omni Moderation"),
            &["moderations"],
            (&["text", "image"], "moderations"),
            &[],
            (json!(32_768), Value::Null),
        ),
    ]
}

/// A model serving non-chat `endpoints`, taking `inputs` and producing `output`, with its
/// context window and price per input token (`null`: none, or not priced per token).
fn endpoint_model(
    (id, display): (&str, &str),
    endpoints: &[&str],
    (inputs, output): (&[&str], &str),
    params: &[&str],
    (context_window, per_input_token): (Value, Value),
) -> Value {
    let by_endpoint: serde_json::Map<String, Value> =
        endpoints.iter().map(|e| ((*e).to_owned(), json!(params))).collect();
    json!({
        "id": id,
        "object": "model",
        "created": CREATED,
        "owned_by": "openai",
        "display_name": display,
        "description": format!("{display}, as listed by naga-mock (emulated catalogue)."),
        "context_window": context_window,
        "max_output_images": null,
        "supported_endpoints": endpoints,
        "pricing": {
            "per_input_token": per_input_token,
            "per_cached_input_token": null,
            "per_output_token": null,
            "per_audio_token": null,
            "per_output_image_token": null,
            "per_input_text_token": null,
            "per_input_image_token": null,
            "per_token": null
        },
        "architecture": { "input_modalities": inputs, "output_modalities": [output] },
        "aliases": [],
        "deprecates_at": null,
        "supported_parameters": params,
        "supported_parameters_by_endpoint": by_endpoint
    })
}

fn model(
    id: &str,
    owner: &str,
    display: &str,
    context: u64,
    (input, output): (f64, f64),
    modalities: &[&str],
    aliases: &[&str],
) -> Value {
    let params = supported_parameters(id);
    json!({
        "id": id,
        "object": "model",
        "created": CREATED,
        "owned_by": owner,
        "display_name": display,
        "description": format!("{display}, as listed by naga-mock (emulated catalogue)."),
        "context_window": context,
        "max_output_images": null,
        "supported_endpoints": ["chat.completions", "responses", "messages"],
        "pricing": {
            "per_input_token": input,
            "per_cached_input_token": if input > 0.0 { json!(input / 10.0) } else { Value::Null },
            "per_output_token": output,
            "per_audio_token": null,
            "per_output_image_token": null,
            "per_input_text_token": null,
            "per_input_image_token": null,
            "per_token": null
        },
        "architecture": { "input_modalities": modalities, "output_modalities": ["text"] },
        "aliases": aliases,
        "deprecates_at": null,
        "supported_parameters": params,
        "supported_parameters_by_endpoint": {
            "chat.completions": params,
            "responses": ["max_output_tokens", "temperature", "top_p", "tools", "reasoning"],
            "messages": ["max_tokens", "temperature", "top_p", "stop_sequences", "tools", "tool_choice", "thinking"]
        }
    })
}

fn supported_parameters(id: &str) -> Vec<&'static str> {
    let mut params = vec![
        "max_completion_tokens",
        "temperature",
        "top_p",
        "stop",
        "presence_penalty",
        "frequency_penalty",
        "response_format",
        "stream",
        "stream_options",
    ];
    if !id.ends_with(":free") {
        params.extend(["tools", "tool_choice", "parallel_tool_calls"]);
    }
    if id.starts_with("claude") || id.starts_with("gemini") {
        params.push("reasoning_effort");
    }
    params
}

/// The key order of §3.10 (the list: object, data; a model: id, object, created, ...; its
/// pricing and architecture); other keys follow, sorted.
const KEY_ORDER: [&str; 27] = [
    "id",
    "object",
    "data",
    "created",
    "owned_by",
    "display_name",
    "description",
    "context_window",
    "max_output_images",
    "supported_endpoints",
    "pricing",
    "architecture",
    "aliases",
    "deprecates_at",
    "supported_parameters",
    "supported_parameters_by_endpoint",
    "per_input_token",
    "per_cached_input_token",
    "per_output_token",
    "per_audio_token",
    "per_output_image_token",
    "per_input_text_token",
    "per_input_image_token",
    "per_token",
    "input_modalities",
    "output_modalities",
    "chat.completions",
];

/// The `GET /v1/models` body for `models`, keys in the documented order.
pub(crate) fn models_body(models: &[Value]) -> String {
    to_string_in_order(&json!({ "object": "list", "data": models }), &KEY_ORDER)
}

/// The model of `models` whose `id` or one of whose `aliases` is `id`.
fn find<'a>(models: &'a [Value], id: &str) -> Option<&'a Value> {
    models.iter().find(|m| {
        m.get("id").and_then(Value::as_str) == Some(id)
            || m.get("aliases").and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x == id))
    })
}

/// Whether `id` is the `id` or one of the `aliases` of a model in `models`.
pub(crate) fn is_listed(models: &[Value], id: &str) -> bool {
    find(models, id).is_some()
}

/// Whether `id` names a free model (its catalogue `id` ends in `:free`), which counts against
/// the free tier's budget.
pub(crate) fn is_free(models: &[Value], id: &str) -> bool {
    let listed = find(models, id).and_then(|m| m.get("id")).and_then(Value::as_str);
    listed.unwrap_or(id).ends_with(":free")
}

/// Whether the listed model `id` serves `endpoint` (e.g. `embeddings`): its
/// `supported_endpoints` name it, or it has none.
pub(crate) fn serves(models: &[Value], id: &str, endpoint: &str) -> bool {
    let endpoints = find(models, id).and_then(|m| m.get("supported_endpoints"));
    endpoints.and_then(Value::as_array).is_none_or(|list| list.iter().any(|e| e == endpoint))
}

/// The 400 message for a model asked for an endpoint it does not serve.
pub(crate) fn unserved_endpoint_message(id: &str, endpoint: &str) -> String {
    format!(
        "model `{id}` does not support {endpoint}; see its supported_endpoints in GET /v1/models"
    )
}

/// The 404 message for a model that is not in the catalogue.
pub(crate) fn unknown_model_message(id: &str) -> String {
    format!("model `{id}` does not exist; GET /v1/models lists the available model ids")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_a_free_model_and_rich_fields() {
        let models = default_models();
        assert!(models.len() >= 4);
        assert!(models.iter().any(|m| m["id"].as_str().unwrap().ends_with(":free")));
        for m in &models {
            assert_eq!(m["object"], "model");
            assert!(m["pricing"].is_object());
            assert!(m["architecture"]["input_modalities"].is_array());
        }
    }

    #[test]
    fn ids_and_aliases_are_listed() {
        let models = default_models();
        assert!(is_listed(&models, "gpt-4o-mini"));
        assert!(is_listed(&models, "claude-sonnet-4.5-20250929"));
        assert!(!is_listed(&models, "gpt-4o"));
        assert!(!is_listed(&models, ""));
    }

    #[test]
    fn endpoints_are_served_by_their_models_only() {
        let models = default_models();
        assert!(serves(&models, "gpt-4o-mini-2024-07-18", "chat.completions"));
        assert!(serves(&models, "claude-sonnet-4.5", "messages"));
        assert!(!serves(&models, "text-embedding-3-small", "messages"));
        assert!(!serves(&models, "gpt-4o-mini", "embeddings"));
        assert!(serves(&models, "text-embedding-3-small", "embeddings"));
        assert!(!serves(&models, "text-embedding-3-small", "chat.completions"));
        let bare = vec![json!({"id": "m"})];
        assert!(serves(&bare, "m", "embeddings"), "no supported_endpoints: serves all");
    }
}
