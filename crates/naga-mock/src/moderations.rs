//! `POST /v1/moderations` (API digest §3.9): validation written against the digest, and
//! deterministic verdicts: a category is flagged when the text names one of its trigger words
//! (emulated, not a classifier); other scores are small values derived from the text.

use serde_json::Value;

use crate::ordered::Json;
use crate::seed::fnv1a;
use crate::validate::{Invalid, kind, validate_model};

/// The categories of OpenAI's omni moderation model, in its order, with the words that
/// trigger each here and whether images are checked for it.
const CATEGORIES: [(&str, &[&str], bool); 13] = [
    ("harassment", &["idiot", "loser"], false),
    ("harassment/threatening", &["i will find you"], false),
    ("hate", &["subhuman"], false),
    ("hate/threatening", &["exterminate them"], false),
    ("illicit", &["steal", "shoplift"], false),
    ("illicit/violent", &["build a bomb"], false),
    ("self-harm", &["hurt myself"], true),
    ("self-harm/intent", &["i want to die"], true),
    ("self-harm/instructions", &["how to cut myself"], true),
    ("sexual", &["explicit sex"], true),
    ("sexual/minors", &["sexual minor"], false),
    ("violence", &["kill", "murder", "attack"], true),
    ("violence/graphic", &["gore", "dismember"], true),
];

/// The most items one request may check.
const MAX_ITEMS: usize = 1000;

/// A validated moderation request: the model and what each result covers.
#[derive(Debug)]
pub(crate) struct ModerationJob {
    pub(crate) model: String,
    /// Per result: its text (parts joined) and whether it includes an image.
    items: Vec<(String, bool)>,
}

/// Checks a moderation body; returns what to answer when it is valid.
pub(crate) fn validate_moderation(body: &[u8]) -> Result<ModerationJob, Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("request body is not valid JSON: {err}"))?;
    let Value::Object(req) = value else {
        return Err("request body must be a JSON object".to_owned());
    };
    validate_model(&req)?;
    let items = match req.get("input") {
        None | Some(Value::Null) => return Err("`input` is required".to_owned()),
        Some(Value::String(text)) => vec![(text.clone(), false)],
        Some(Value::Array(values)) if values.is_empty() => {
            return Err("`input` must not be empty".to_owned());
        }
        Some(Value::Array(values)) if values.iter().all(Value::is_string) => {
            values.iter().map(|v| (v.as_str().unwrap_or_default().to_owned(), false)).collect()
        }
        Some(Value::Array(values)) if values.first().is_some_and(Value::is_string) => {
            // (Texts mixed with other values: the arm above took all-text arrays.)
            let odd = values.iter().enumerate().find(|(_, v)| !v.is_string());
            let (index, other) = odd.map_or((0, "a value"), |(i, v)| (i, kind(v)));
            let message = format!("`input[{index}]` must be a string like the items before it");
            return Err(format!("{message}, got {other}"));
        }
        Some(Value::Array(values)) => vec![parts(values)?],
        Some(other) => {
            return Err(format!("`input` must be a string or an array, got {}", kind(other)));
        }
    };
    if items.len() > MAX_ITEMS {
        return Err(format!("`input` must hold at most {MAX_ITEMS} items"));
    }
    let model = req.get("model").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(ModerationJob { model, items })
}

/// Multimodal parts (checked together): `{"type":"text","text":..}` and
/// `{"type":"image_url","image_url":{"url":..}}` (or the older flat `"url"`).
fn parts(values: &[Value]) -> Result<(String, bool), Invalid> {
    let mut text = String::new();
    let mut image = false;
    for (index, part) in values.iter().enumerate() {
        let field = format!("input[{index}]");
        let Value::Object(part) = part else {
            return Err(format!("`{field}` must be a string or a part object, got {}", kind(part)));
        };
        match part.get("type").and_then(Value::as_str) {
            Some("text") => match part.get("text") {
                Some(Value::String(part_text)) => {
                    text.push_str(part_text);
                    text.push('\n');
                }
                _ => return Err(format!("`{field}.text` must be a string")),
            },
            Some("image_url") => {
                let nested = part.get("image_url").and_then(|image| image.get("url"));
                let url = nested.or_else(|| part.get("url")).and_then(Value::as_str);
                if url.is_none_or(|url| url.trim().is_empty()) {
                    return Err(format!("`{field}.image_url.url` must be a non-empty string"));
                }
                image = true;
            }
            _ => return Err(format!("`{field}.type` must be `text` or `image_url`")),
        }
    }
    Ok((text, image))
}

/// The answer body, keys in the documented order (`id`, `model`, `results`; each result
/// `flagged`, `categories`, `category_scores`, `category_applied_input_types`).
pub(crate) fn moderation_body(job: &ModerationJob, request_body: &[u8]) -> Vec<u8> {
    let results = job.items.iter().map(|(text, image)| verdict(text, *image)).collect();
    let id = format!("modr-mock-{:016x}", fnv1a(request_body));
    let body = Json::object([
        ("id", id.into()),
        ("model", job.model.as_str().into()),
        ("results", Json::Array(results)),
    ]);
    body.to_vec()
}

/// One result for `text` (with an image when `image`).
fn verdict(text: &str, image: bool) -> Json {
    let lower = text.to_lowercase();
    let seed = fnv1a(lower.as_bytes());
    let scores: Vec<(&'static str, f64)> = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, (name, words, _))| {
            (*name, score(&lower, words, seed.rotate_left(u32::try_from(i).unwrap_or(0) * 5)))
        })
        .collect();
    let flagged = |score: f64| score >= 0.5;
    let categories =
        scores.iter().map(|(name, score)| (*name, Json::from(Value::Bool(flagged(*score)))));
    let score_values = scores.iter().map(|(name, score)| (*name, Json::from(Value::from(*score))));
    let types = CATEGORIES.iter().map(|(name, _, images)| {
        let mut kinds = vec![Json::from("text")];
        if image && *images {
            kinds.push(Json::from("image"));
        }
        (*name, Json::Array(kinds))
    });
    Json::object([
        ("flagged", Json::from(Value::Bool(scores.iter().any(|(_, s)| flagged(*s))))),
        ("categories", Json::Object(categories.collect())),
        ("category_scores", Json::Object(score_values.collect())),
        ("category_applied_input_types", Json::Object(types.collect())),
    ])
}

/// 0.9 and up when `text` holds a trigger word, else below 0.01.
fn score(text: &str, words: &[&str], bits: u64) -> f64 {
    // 20 bits of the hash as a fraction: exact in f64.
    #[allow(clippy::cast_precision_loss, reason = "20-bit values are exact in f64")]
    let fraction = (bits & 0xf_ffff) as f64 / f64::from(1 << 20);
    if words.iter().any(|word| text.contains(word)) {
        0.9 + fraction / 10.0
    } else {
        fraction / 100.0
    }
}
