//! `POST /v1/images/generations` and `/v1/images/edits` (API digest §3.4, §3.5): validation
//! written against the digest, and emulated images: a 1x1 PNG, as base64 or at a URL on the
//! emulator's own origin (`/outputs/...`, served without a key, as a gateway's output links
//! are), so a client that downloads its images works offline.

use serde_json::{Map, Value};

use crate::content::words;
use crate::form::{Part, text_field};
use crate::ordered::Json;
use crate::seed::fnv1a;
use crate::validate::{Invalid, kind, validate_model};

/// The longest prompt, in characters.
const MAX_PROMPT_CHARS: usize = 8192;
/// The longest edit prompt, in characters.
const MAX_EDIT_PROMPT_CHARS: usize = 32_000;
/// The most images one request may ask for.
const MAX_IMAGES: u64 = 10;
/// Image tokens billed per image.
const TOKENS_PER_IMAGE: u64 = 256;
/// Input tokens counted per image given to edit.
const TOKENS_PER_INPUT_IMAGE: u64 = 85;
/// When every emulated image was "created" (fixed, so answers are reproducible).
const CREATED: u64 = 1_767_225_600;
/// A valid 1x1 grayscale+alpha PNG, as base64.
pub(crate) const PNG_1X1_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// Where the emulator serves the images it hands out by URL.
const OUTPUTS: &str = "/outputs/naga-mock-";

/// Whether `path` names an image the emulator hands out by URL: `/outputs/naga-mock-`, 16
/// lowercase hex digits, `-`, the image's index in its answer, `.png`.
pub(crate) fn is_output_path(path: &str) -> bool {
    let name = path.strip_prefix(OUTPUTS).and_then(|name| name.strip_suffix(".png"));
    let Some((seed, index)) = name.and_then(|name| name.split_once('-')) else {
        return false;
    };
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let canonical = index == "0" || !index.starts_with('0');
    seed.len() == 16
        && seed.bytes().all(hex)
        && !index.is_empty()
        && index.bytes().all(|b| b.is_ascii_digit())
        && canonical
        && index.parse::<u64>().is_ok_and(|i| i < MAX_IMAGES)
}

/// The bytes of every emulated image (the PNG of [`PNG_1X1_BASE64`]).
pub(crate) fn output_png() -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(PNG_1X1_BASE64).unwrap_or_default()
}

/// A validated image request.
#[derive(Debug)]
pub(crate) struct ImageJob {
    pub(crate) model: String,
    prompt: String,
    n: u64,
    base64: bool,
    /// Images given to edit (none for a generation).
    input_images: u64,
}

/// Checks an image generation body; returns what to answer when it is valid.
pub(crate) fn validate_images(body: &[u8]) -> Result<ImageJob, Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("request body is not valid JSON: {err}"))?;
    let Value::Object(req) = value else {
        return Err("request body must be a JSON object".to_owned());
    };
    validate_fields(&req, MAX_PROMPT_CHARS)
}

/// Checks an image edit form (API digest §3.5): the generation fields (text form fields;
/// `n` as digits) with a longer prompt, and at least one PNG, JPEG or WebP image in `image`,
/// `image[]` or `images[]` (older pages), plus an optional PNG `mask`.
pub(crate) fn validate_edit(parts: &[Part<'_>]) -> Result<ImageJob, Invalid> {
    let mut req = Map::new();
    for name in ["model", "prompt", "size", "quality", "response_format", "background"] {
        if let Some(value) = text_field(parts, name) {
            req.insert(name.to_owned(), Value::String(value));
        }
    }
    if let Some(n) = text_field(parts, "n") {
        req.insert("n".to_owned(), n.trim().parse::<u64>().map_or(Value::String(n), Value::from));
    }
    let mut job = validate_fields(&req, MAX_EDIT_PROMPT_CHARS)?;
    let images: Vec<&Part<'_>> = parts
        .iter()
        .filter(|p| matches!(p.name.as_str(), "image" | "image[]" | "images[]"))
        .collect();
    if images.is_empty() {
        return Err("`image` is required (one or more image file parts)".to_owned());
    }
    job.input_images = images.len() as u64;
    for image in images {
        let name = image.filename.as_deref().unwrap_or(&image.name);
        if !is_image(image.data) {
            return Err(format!("`{name}` is not a PNG, JPEG or WebP image"));
        }
    }
    if let Some(mask) = parts.iter().find(|p| p.name == "mask")
        && !mask.data.starts_with(PNG_MAGIC)
    {
        return Err("`mask` must be a PNG image".to_owned());
    }
    Ok(job)
}

/// PNG's signature.
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Whether `data` starts like a PNG, JPEG or WebP file.
fn is_image(data: &[u8]) -> bool {
    data.starts_with(PNG_MAGIC)
        || data.starts_with(&[0xff, 0xd8, 0xff])
        || (data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP"))
}

/// The generation fields: `model`, a `prompt` of at most `max_prompt` characters, `n`,
/// `size`, `response_format`.
fn validate_fields(req: &Map<String, Value>, max_prompt: usize) -> Result<ImageJob, Invalid> {
    validate_model(req)?;
    let prompt = match req.get("prompt") {
        None | Some(Value::Null) => return Err("`prompt` is required".to_owned()),
        Some(Value::String(p)) if p.trim().is_empty() => {
            return Err("`prompt` must not be empty".to_owned());
        }
        Some(Value::String(p)) if p.chars().count() > max_prompt => {
            return Err(format!("`prompt` must hold at most {max_prompt} characters"));
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
    validate_size(req)?;
    let base64 = match req.get("response_format") {
        None | Some(Value::Null) => false,
        Some(Value::String(f)) if f == "url" => false,
        Some(Value::String(f)) if f == "b64_json" => true,
        Some(_) => return Err("`response_format` must be `url` or `b64_json`".to_owned()),
    };
    let model = req.get("model").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(ImageJob { model, prompt, n, base64, input_images: 0 })
}

/// `size`: a string that is not blank, when present (its forms vary by model: `1024x1024`,
/// `auto`, `1K`, ...).
fn validate_size(req: &Map<String, Value>) -> Result<(), Invalid> {
    match req.get("size") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(size)) if !size.trim().is_empty() => Ok(()),
        Some(_) => Err("`size` must be a size such as `1024x1024`, or `auto`".to_owned()),
    }
}

/// The answer body, keys in the documented order (`created`, `data`, `usage`); image URLs
/// start with `origin` (`http://host:port`).
pub(crate) fn images_body(job: &ImageJob, origin: &str) -> Vec<u8> {
    let seed = fnv1a(job.prompt.as_bytes()) ^ fnv1a(job.model.as_bytes()).rotate_left(23);
    let data = (0..job.n).map(|i| {
        let (url, b64) = if job.base64 {
            (Json::from(Value::Null), Json::from(PNG_1X1_BASE64))
        } else {
            let url = format!("{origin}{OUTPUTS}{seed:016x}-{i}.png");
            (Json::from(url), Json::from(Value::Null))
        };
        Json::object([("url", url), ("b64_json", b64), ("revised_prompt", Json::from(Value::Null))])
    });
    let text = u64::try_from(words(&job.prompt)).unwrap_or(u64::MAX);
    let images = TOKENS_PER_INPUT_IMAGE.saturating_mul(job.input_images);
    let input = text.saturating_add(images);
    let output = TOKENS_PER_IMAGE * job.n;
    // The documented three counts, then the split of the input that OpenAI's image models
    // report (and strict clients such as async-openai require).
    let details = Json::object([("text_tokens", text.into()), ("image_tokens", images.into())]);
    let usage = Json::object([
        ("input_tokens", input.into()),
        ("output_tokens", output.into()),
        ("total_tokens", input.saturating_add(output).into()),
        ("input_tokens_details", details),
    ]);
    let body = Json::object([
        ("created", CREATED.into()),
        ("data", Json::Array(data.collect())),
        ("usage", usage),
    ]);
    body.to_vec()
}
