//! OpenAI's chat fields that Naga's schema does not list (API digest §2.1: `n`, `seed`,
//! `user`, `logprobs`, `top_logprobs`, `metadata`, `store`): OpenAI-compatible clients send
//! them, so they are taken, with OpenAI's types and ranges.

use serde_json::{Map, Value};

use crate::answer::MAX_CHOICES;
use crate::validate::{Invalid, check_kind, kind};

/// OpenAI's limits on `metadata`: pairs, key and value lengths.
const METADATA_PAIRS: usize = 16;
const METADATA_KEY_CHARS: usize = 64;
const METADATA_VALUE_CHARS: usize = 512;

/// Checks the fields Naga does not document against OpenAI's rules.
pub(crate) fn validate_openai_extras(req: &Map<String, Value>) -> Result<(), Invalid> {
    validate_n(req.get("n"))?;
    check_kind("seed", req.get("seed"), |v| v.is_i64() || v.is_u64(), "an integer")?;
    check_kind("user", req.get("user"), Value::is_string, "a string")?;
    check_kind("store", req.get("store"), Value::is_boolean, "a boolean")?;
    check_kind("logprobs", req.get("logprobs"), Value::is_boolean, "a boolean")?;
    validate_top_logprobs(req)?;
    validate_metadata(req.get("metadata"))
}

/// `n`: an integer from 1 to 128.
fn validate_n(n: Option<&Value>) -> Result<(), Invalid> {
    match n {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(1..=MAX_CHOICES) => Ok(()),
            _ => Err(format!("`n` must be an integer from 1 to {MAX_CHOICES}, got {n}")),
        },
        Some(other) => Err(format!("`n` must be an integer, got {}", kind(other))),
    }
}

/// `top_logprobs`: an integer from 0 to 20, with `logprobs` true.
fn validate_top_logprobs(req: &Map<String, Value>) -> Result<(), Invalid> {
    match req.get("top_logprobs") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n <= 20) => {
            match req.get("logprobs") {
                Some(Value::Bool(true)) => Ok(()),
                _ => Err("`top_logprobs` needs `logprobs` set to true".to_owned()),
            }
        }
        Some(other) => Err(format!("`top_logprobs` must be an integer from 0 to 20, got {other}")),
    }
}

/// `metadata`: at most 16 string values, keys up to 64 characters, values up to 512.
fn validate_metadata(metadata: Option<&Value>) -> Result<(), Invalid> {
    let pairs = match metadata {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(pairs)) => pairs,
        Some(other) => return Err(format!("`metadata` must be an object, got {}", kind(other))),
    };
    if pairs.len() > METADATA_PAIRS {
        return Err(format!("`metadata` has {} pairs; at most {METADATA_PAIRS}", pairs.len()));
    }
    for (key, value) in pairs {
        if key.chars().count() > METADATA_KEY_CHARS {
            return Err(format!("`metadata` key `{key}` is over {METADATA_KEY_CHARS} characters"));
        }
        match value {
            Value::String(text) if text.chars().count() <= METADATA_VALUE_CHARS => {}
            Value::String(_) => {
                return Err(format!("`metadata.{key}` is over {METADATA_VALUE_CHARS} characters"));
            }
            other => return Err(format!("`metadata.{key}` must be a string, got {}", kind(other))),
        }
    }
    Ok(())
}
