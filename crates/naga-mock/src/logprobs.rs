//! `logprobs`: the log probability of each token of the content, as OpenAI reports it when a
//! chat request sets `logprobs: true` (with `top_logprobs` alternatives per token).
//!
//! A token is a word with the whitespace after it (`"Hello "`), as the emulator counts
//! tokens, so a choice has as many entries as its content counts in `completion_tokens`. A
//! streamed chunk carries the tokens that end in it; they add up to the whole answer's.
//! Each token's numbers depend on its text alone. The token itself is the likeliest (a
//! probability of at least one half), each alternative half as likely as the one before
//! within what is left, so no entry's probabilities add up past 1.

use std::ops::Range;

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

/// A choice's content cut into tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tokens {
    text: String,
    /// Where each token ends in `text`, in order.
    ends: Vec<usize>,
}

impl Tokens {
    /// `text` cut after each run of whitespace that follows a word: `"a b  c"` is `"a "`,
    /// `"b  "`, `"c"`.
    pub(crate) fn new(text: &str) -> Tokens {
        let mut ends = Vec::new();
        let (mut seen_word, mut after_space) = (false, false);
        for (at, ch) in text.char_indices() {
            let space = ch.is_whitespace();
            if !space && after_space && seen_word {
                ends.push(at);
            }
            seen_word |= !space;
            after_space = space;
        }
        if !text.is_empty() {
            ends.push(text.len());
        }
        Tokens { text: text.to_owned(), ends }
    }

    /// How many tokens there are.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The tokens that end within `bytes` of the text (a chunk's place in the content).
    pub(crate) fn ending_in(&self, bytes: Range<usize>) -> Range<usize> {
        let first = self.ends.partition_point(|&end| end <= bytes.start);
        let last = self.ends.partition_point(|&end| end <= bytes.end);
        first..last.max(first)
    }

    /// `{"content":[..],"refusal":null}` for the tokens `range`.
    pub(crate) fn logprobs(&self, range: Range<usize>, top: usize) -> Json {
        let entries = range.filter_map(|k| {
            let start = k.checked_sub(1).and_then(|before| self.ends.get(before)).copied();
            let token = self.text.get(start.unwrap_or(0)..*self.ends.get(k)?)?;
            Some(token_entry(token, top))
        });
        Json::object([
            ("content", Json::Array(entries.collect())),
            ("refusal", Json::Value(Value::Null)),
        ])
    }
}

/// One token's entry: `{"token","logprob","bytes","top_logprobs":[..]}`.
fn token_entry(token: &str, top: usize) -> Json {
    let hash = fnv1a(token.as_bytes());
    // At most 0.693 below zero: a probability of at least one half.
    let milli = 1 + hash % 693;
    let mut entry = scored(token, milli);
    let (word, space) = token.split_at(token.trim_end().len());
    let others = ALTERNATIVES.iter().filter(|alternative| **alternative != word);
    let offset = Rng::new(hash).below(ALTERNATIVES.len());
    // At most 19 others of at least 19: none is repeated.
    let others = others.cycle().skip(offset).take(top.saturating_sub(1));
    let left = 1.0 - (-(milli as f64) / 1000.0).exp();
    let mut alternatives = vec![scored(token, milli)];
    for (k, other) in others.enumerate() {
        // Half of what the ones before left, rounded down in probability.
        let probability = left * 0.5f64.powi(k as i32 + 1);
        let milli = (-probability.ln() * 1000.0).ceil().max(1.0) as u64;
        alternatives.push(scored(&format!("{other}{space}"), milli));
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

    fn cut(text: &str) -> Vec<&str> {
        let tokens = Tokens::new(text);
        let mut start = 0;
        tokens
            .ends
            .iter()
            .map(|&end| std::mem::replace(&mut start, end)..end)
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn tokens_are_words_with_the_whitespace_after_them() {
        assert_eq!(cut("a b  c\nd "), ["a ", "b  ", "c\n", "d "]);
        assert_eq!(cut("  lead"), ["  lead"]);
        assert_eq!(cut("東京 🗼"), ["東京 ", "🗼"]);
        assert_eq!(cut("whitespace-separated words"), ["whitespace-separated ", "words"]);
        assert!(cut("").is_empty());
        let text = "one two three";
        assert_eq!(Tokens::new(text).len(), text.split_whitespace().count());
    }

    #[test]
    fn a_chunk_carries_the_tokens_that_end_in_it() {
        let tokens = Tokens::new("whitespace-separated words");
        // The first chunk ends inside the first word: no token ends there.
        assert_eq!(tokens.ending_in(0..10), 0..0);
        assert_eq!(tokens.ending_in(10..21), 0..1);
        assert_eq!(tokens.ending_in(21..26), 1..2);
    }

    fn entry(token: &str, top: usize) -> Value {
        serde_json::from_slice(&token_entry(token, top).to_vec()).unwrap()
    }

    #[test]
    fn alternatives_come_after_the_token_less_likely_and_within_one() {
        for token in ["Hello ", "x", "東京 ", "[naga-mock] ", "the "] {
            let entry = entry(token, 20);
            let top = entry["top_logprobs"].as_array().unwrap();
            assert_eq!(top.len(), 20);
            assert_eq!(top[0]["token"], token);
            assert_eq!(top[0]["logprob"], entry["logprob"]);
            assert_eq!(entry["bytes"], serde_json::json!(token.as_bytes()));
            let probs: Vec<f64> = top.iter().map(|t| t["logprob"].as_f64().unwrap()).collect();
            assert!(probs.windows(2).all(|w| w[0] > w[1]), "{probs:?}");
            assert!(probs.iter().all(|p| *p < 0.0));
            let total: f64 = probs.iter().map(|p| p.exp()).sum();
            assert!(total <= 1.0, "{token}: {total}");
            let mut names: Vec<&str> = top.iter().map(|t| t["token"].as_str().unwrap()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), 20, "no token twice");
        }
        assert_eq!(entry("x", 0)["top_logprobs"], serde_json::json!([]));
    }
}
