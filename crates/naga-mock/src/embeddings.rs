//! `POST /v1/embeddings` (API digest §3.3): validation written against the digest, and
//! deterministic unit vectors (a pure function of each input item, the model and the size).

use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

use crate::content::words;
use crate::ordered::Json;
use crate::seed::{Rng, fnv1a};
use crate::validate::{Invalid, kind, validate_model};

/// Vector length when the request names none (that of `text-embedding-3-small`).
pub(crate) const DEFAULT_DIMENSIONS: u64 = 1536;
/// The longest vector the emulator makes.
const MAX_DIMENSIONS: u64 = 8192;
/// The most items one request may embed (OpenAI's documented limit).
const MAX_ITEMS: usize = 2048;
/// The most numbers one answer holds (items x dimensions): about 45 MB of JSON.
const MAX_NUMBERS: u64 = 1 << 22;

/// A validated embeddings request: the model, each item's bytes (text, or token ids as
/// JSON), the vector length and whether vectors go out as base64.
#[derive(Debug)]
pub(crate) struct EmbeddingJob {
    pub(crate) model: String,
    items: Vec<Item>,
    dimensions: u64,
    base64: bool,
}

/// One input item.
#[derive(Debug)]
enum Item {
    Text(String),
    Tokens(Vec<u64>),
}

impl Item {
    /// Bytes the vector is derived from.
    fn seed_bytes(&self) -> Vec<u8> {
        match self {
            Item::Text(text) => text.as_bytes().to_vec(),
            Item::Tokens(tokens) => tokens.iter().flat_map(|t| t.to_le_bytes()).collect(),
        }
    }

    /// Tokens billed: words of a text (at least one), ids of a token list.
    fn tokens(&self) -> usize {
        match self {
            Item::Text(text) => words(text).max(1),
            Item::Tokens(tokens) => tokens.len(),
        }
    }
}

/// Checks an embeddings body; returns what to answer when it is valid.
pub(crate) fn validate_embeddings(body: &[u8]) -> Result<EmbeddingJob, Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("request body is not valid JSON: {err}"))?;
    let Value::Object(req) = value else {
        return Err("request body must be a JSON object".to_owned());
    };
    validate_model(&req)?;
    let items = input_items(req.get("input"))?;
    let dimensions = match req.get("dimensions") {
        None | Some(Value::Null) => DEFAULT_DIMENSIONS,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(d @ 1..=MAX_DIMENSIONS) => d,
            _ => return Err(format!("`dimensions` must be an integer in 1..={MAX_DIMENSIONS}")),
        },
        Some(other) => return Err(format!("`dimensions` must be an integer, got {}", kind(other))),
    };
    let base64 = match req.get("encoding_format") {
        None | Some(Value::Null) => false,
        Some(Value::String(f)) if f == "float" => false,
        Some(Value::String(f)) if f == "base64" => true,
        Some(_) => return Err("`encoding_format` must be `float` or `base64`".to_owned()),
    };
    if (items.len() as u64).saturating_mul(dimensions) > MAX_NUMBERS {
        return Err(format!(
            "the emulator answers at most {MAX_NUMBERS} numbers per request (items x dimensions)"
        ));
    }
    let model = req.get("model").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(EmbeddingJob { model, items, dimensions, base64 })
}

/// `input`: a non-empty string, or a non-empty array of non-empty strings, of token ids, or
/// of non-empty token id arrays (one form per request).
fn input_items(input: Option<&Value>) -> Result<Vec<Item>, Invalid> {
    let items = match input {
        None | Some(Value::Null) => return Err("`input` is required".to_owned()),
        Some(Value::String(text)) => vec![text_item("input", text)?],
        Some(Value::Array(values)) if values.is_empty() => {
            return Err("`input` must not be empty".to_owned());
        }
        Some(Value::Array(values)) if values.iter().all(Value::is_number) => {
            vec![Item::Tokens(token_ids("input", values)?)]
        }
        Some(Value::Array(values)) => {
            values.iter().enumerate().map(|(i, v)| array_item(i, v)).collect::<Result<_, _>>()?
        }
        Some(other) => {
            return Err(format!("`input` must be a string or an array, got {}", kind(other)));
        }
    };
    if items.len() > MAX_ITEMS {
        return Err(format!("`input` must hold at most {MAX_ITEMS} items"));
    }
    Ok(items)
}

fn array_item(index: usize, value: &Value) -> Result<Item, Invalid> {
    let field = format!("input[{index}]");
    match value {
        Value::String(text) => text_item(&field, text),
        Value::Array(ids) if !ids.is_empty() => Ok(Item::Tokens(token_ids(&field, ids)?)),
        Value::Array(_) => Err(format!("`{field}` must not be empty")),
        other => {
            Err(format!("`{field}` must be a string or an array of token ids, got {}", kind(other)))
        }
    }
}

fn text_item(field: &str, text: &str) -> Result<Item, Invalid> {
    if text.is_empty() {
        return Err(format!("`{field}` must not be empty"));
    }
    Ok(Item::Text(text.to_owned()))
}

fn token_ids(field: &str, values: &[Value]) -> Result<Vec<u64>, Invalid> {
    let id = |(i, v): (usize, &Value)| {
        v.as_u64().ok_or_else(|| format!("`{field}[{i}]` must be a non-negative integer token id"))
    };
    values.iter().enumerate().map(id).collect()
}

/// The answer body, keys in the documented order (`object`, `model`, `data`, `usage`).
pub(crate) fn embeddings_body(job: &EmbeddingJob) -> Bytes {
    let data = job.items.iter().enumerate().map(|(index, item)| {
        let vector = unit_vector(item, &job.model, job.dimensions);
        let embedding = if job.base64 {
            let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
            Json::from(base64::engine::general_purpose::STANDARD.encode(bytes))
        } else {
            Json::from(Value::from(vector))
        };
        Json::object([
            ("object", "embedding".into()),
            ("index", index.into()),
            ("embedding", embedding),
        ])
    });
    let tokens: usize = job.items.iter().map(Item::tokens).sum();
    let body = Json::object([
        ("object", "list".into()),
        ("model", job.model.as_str().into()),
        ("data", Json::Array(data.collect())),
        (
            "usage",
            Json::object([("prompt_tokens", tokens.into()), ("total_tokens", tokens.into())]),
        ),
    ]);
    body.to_vec().into()
}

/// A deterministic vector of length 1 for `item` under `model` with `dimensions` entries.
fn unit_vector(item: &Item, model: &str, dimensions: u64) -> Vec<f32> {
    let seed = fnv1a(&item.seed_bytes()) ^ fnv1a(model.as_bytes()).rotate_left(17) ^ dimensions;
    let mut rng = Rng::new(seed);
    let len = usize::try_from(dimensions).unwrap_or(0);
    // Uniform in [-1, 1) from the top 24 bits (exact in f32), then normalized.
    #[allow(clippy::cast_precision_loss, reason = "24-bit values are exact in f32")]
    let mut vector: Vec<f32> =
        (0..len).map(|_| (rng.next_u64() >> 40) as f32 / (1 << 23) as f32 - 1.0).collect();
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
    vector
}
