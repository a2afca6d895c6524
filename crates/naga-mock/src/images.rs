//! `POST /v1/images/generations` (API digest §3.4): validation written against the digest,
//! and emulated images: URLs that name the request (not fetchable) or a 1x1 PNG as base64.

use serde_json::{Map, Value};

use crate::content::words;
use crate::ordered::Json;
use crate::seed::fnv1a;
use crate::validate::{Invalid, kind, validate_model};

/// The longest prompt, in characters.
const MAX_PROMPT_CHARS: usize = 8192;
/// The most images one request may ask for.
const MAX_IMAGES: u64 = 10;
/// Image tokens billed per image.
const TOKENS_PER_IMAGE: u64 = 256;
/// When every emulated image was "created" (fixed, so answers are reproducible).
const CREATED: u64 = 1_767_225_600;
/// A valid 1x1 grayscale+alpha PNG, as base64.
pub(crate) const PNG_1X1_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// A validated image request.
#[derive(Debug)]
pub(crate) struct ImageJob {
    pub(crate) model: String,
    prompt: String,
    n: u64,
    base64: bool,
}

/// Checks an image generation body; returns what to answer when it is valid.
pub(crate) fn validate_images(body: &[u8]) -> Result<ImageJob, Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("request body is not valid JSON: {err}"))?;
    let Value::Object(req) = value else {
        return Err("request body must be a JSON object".to_owned());
    };
    validate_model(&req)?;
    let prompt = match req.get("prompt") {
        None | Some(Value::Null) => return Err("`prompt` is required".to_owned()),
        Some(Value::String(p)) if p.trim().is_empty() => {
            return Err("`prompt` must not be empty".to_owned());
        }
        Some(Value::String(p)) if p.chars().count() > MAX_PROMPT_CHARS => {
            return Err(format!("`prompt` must hold at most {MAX_PROMPT_CHARS} characters"));
        }
        Some(Value::String(p)) => p.clone(),
        Some(other) => return Err(format!("`prompt` must be a string, got {}", kind(other))),
    };
    let n = match req.get("n") {
        None | Some(Value::Null) => 1,
        Some(value) => match value.as_u64() {
            Some(n @ 1..=MAX_IMAGES) => n,
            _ => return Err(format!("`n` must be an integer in 1..={MAX_IMAGES}")),
        },
    };
    validate_size(&req)?;
    let base64 = match req.get("response_format") {
        None | Some(Value::Null) => false,
        Some(Value::String(f)) if f == "url" => false,
        Some(Value::String(f)) if f == "b64_json" => true,
        Some(_) => return Err("`response_format` must be `url` or `b64_json`".to_owned()),
    };
    let model = req.get("model").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(ImageJob { model, prompt, n, base64 })
}

/// `size`: `WIDTHxHEIGHT` (positive numbers) or `auto`, when present.
fn validate_size(req: &Map<String, Value>) -> Result<(), Invalid> {
    let positive = |n: &str| !n.starts_with('+') && n.parse::<u32>().is_ok_and(|n| n > 0);
    match req.get("size") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(size))
            if size == "auto"
                || size.split_once('x').is_some_and(|(w, h)| positive(w) && positive(h)) =>
        {
            Ok(())
        }
        Some(_) => {
            Err("`size` must be a string `WIDTHxHEIGHT` (e.g. `1024x1024`) or `auto`".to_owned())
        }
    }
}

/// The answer body, keys in the documented order (`created`, `data`, `usage`).
pub(crate) fn images_body(job: &ImageJob) -> Vec<u8> {
    let seed = fnv1a(job.prompt.as_bytes()) ^ fnv1a(job.model.as_bytes()).rotate_left(23);
    let data = (0..job.n).map(|i| {
        let (url, b64) = if job.base64 {
            (Json::from(Value::Null), Json::from(PNG_1X1_BASE64))
        } else {
            let url = format!("https://api.naga.ac/outputs/naga-mock-{seed:016x}-{i}.png");
            (Json::from(url), Json::from(Value::Null))
        };
        Json::object([("url", url), ("b64_json", b64), ("revised_prompt", Json::from(Value::Null))])
    });
    let input = u64::try_from(words(&job.prompt)).unwrap_or(u64::MAX);
    let output = TOKENS_PER_IMAGE * job.n;
    let usage = Json::object([
        ("input_tokens", input.into()),
        ("output_tokens", output.into()),
        ("total_tokens", input.saturating_add(output).into()),
    ]);
    let body = Json::object([
        ("created", CREATED.into()),
        ("data", Json::Array(data.collect())),
        ("usage", usage),
    ]);
    body.to_vec()
}
