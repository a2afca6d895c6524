//! `logprobs`: the log probability of each token of the content, as OpenAI reports it when a
//! chat request sets `logprobs: true` (with `top_logprobs` alternatives per token).
//!
//! A token is a word with the whitespace after it (`"Hello "`), cut where the content's
//! chunks are cut, so the tokens of the streamed chunks add up to those of the whole answer.
//! Each token's numbers depend on its text alone: the same token always gets the same ones.

use serde_json::{Map, Value};

use crate::ordered::Json;
use crate::seed::{Rng, fnv1a};

/// Words offered as the other likely tokens (after the token itself) in `top_logprobs`.
const ALTERNATIVES: [&str; 20] = [
    "the", "a", "Naga", "mock", "reply", "this", "is", "and", "to", "of", "emulated", "local",
    "answer", "text", "token", "Tokyo", "it", "we", "here", "so",
];

/// How many alternatives per token a request asks for (`top_logprobs`, 0 when absent), or
/// `None` when it does not ask for log probabilities.
pub(crate) fn requested(req: &Map<String, Value>) -> Option<usize> {
    if req.get("logprobs").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    let top = req.get("top_logprobs").and_then(Value::as_u64).unwrap_or(0);
    Some(usize::try_from(top).unwrap_or(0).min(ALTERNATIVES.len()))
}

/// `{"content":[..],"refusal":null}` for content arriving as `pieces`, each cut into tokens.
pub(crate) fn content_logprobs<'a>(pieces: impl IntoIterator<Item = &'a str>, top: usize) -> Json {
    let entries = pieces.into_iter().flat_map(tokens).map(|token| token_entry(token, top));
    Json::object([
        ("content", Json::Array(entries.collect())),
        ("refusal", Json::Value(Value::Null)),
    ])
}

/// `text` cut after each run of whitespace that follows a word: `"a b  c"` is `"a "`,
/// `"b  "`, `"c"`.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let after = rest.get(word_end..).unwrap_or_default();
        let space_end = word_end + after.find(|c: char| !c.is_whitespace()).unwrap_or(after.len());
        let (token, tail) = rest.split_at(space_end);
        rest = tail;
        Some(token)
    })
}

/// One token's entry: `{"token","logprob","bytes","top_logprobs":[..]}`.
fn token_entry(token: &str, top: usize) -> Json {
    let milli = 1 + fnv1a(token.as_bytes()) % 2500;
    let mut entry = scored(token, milli);
    let mut rng = Rng::new(fnv1a(token.as_bytes()));
    let (word, space) = token.split_at(token.trim_end().len());
    let others = ALTERNATIVES.iter().filter(|alternative| **alternative != word);
    let offset = rng.below(ALTERNATIVES.len());
    // At most 19 others of at least 19: none is repeated.
    let others = others.cycle().skip(offset).take(top.saturating_sub(1));
    let mut alternatives = vec![scored(token, milli)];
    for (k, other) in others.enumerate() {
        alternatives.push(scored(&format!("{other}{space}"), milli + 1000 + 500 * k as u64));
    }
    alternatives.truncate(top);
    entry.push("top_logprobs", Json::Array(alternatives));
    entry
}

/// `{"token","logprob","bytes"}` with a log probability of minus `milli` thousandths.
fn scored(token: &str, milli: u64) -> Json {
    let bytes = token.bytes().map(|b| Json::from(u64::from(b))).collect();
    Json::object([
        ("token", token.into()),
        ("logprob", (-(milli as f64) / 1000.0).into()),
        ("bytes", Json::Array(bytes)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_words_with_the_whitespace_after_them() {
        let cut: Vec<&str> = tokens("a b  c\nd ").collect();
        assert_eq!(cut, ["a ", "b  ", "c\n", "d "]);
        assert_eq!(tokens("  lead").collect::<Vec<_>>(), ["  ", "lead"]);
        assert_eq!(tokens("東京 🗼").collect::<Vec<_>>(), ["東京 ", "🗼"]);
        assert_eq!(tokens("").count(), 0);
    }

    #[test]
    fn alternatives_come_after_the_token_and_less_likely() {
        let entry = serde_json::from_slice::<Value>(&token_entry("Hello ", 5).to_vec()).unwrap();
        let top = entry["top_logprobs"].as_array().unwrap();
        assert_eq!(top.len(), 5);
        assert_eq!(top[0]["token"], "Hello ");
        assert_eq!(top[0]["logprob"], entry["logprob"]);
        assert_eq!(entry["bytes"], serde_json::json!([72, 101, 108, 108, 111, 32]));
        let probs: Vec<f64> = top.iter().map(|t| t["logprob"].as_f64().unwrap()).collect();
        assert!(probs.windows(2).all(|w| w[0] > w[1]), "{probs:?}");
        assert!(top[1..].iter().all(|t| t["token"].as_str().unwrap().ends_with(' ')));
        assert!(probs.iter().all(|p| *p < 0.0));
        let none = serde_json::from_slice::<Value>(&token_entry("x", 0).to_vec()).unwrap();
        assert_eq!(none["top_logprobs"], serde_json::json!([]));
    }
}
