//! The emulated text: content, reasoning, stop sequences, truncation and chunking.

use serde_json::{Map, Value, json};

use crate::answer::{is_json_format, last_role, last_with_role, message_text};
use crate::schema_gen::generate;
use crate::seed::Rng;
use crate::tools::ToolCall;

/// Marks every emulated text.
pub(crate) const MARK: &str = "[naga-mock]";
/// Multi-byte UTF-8 that appears in every text answer.
pub(crate) const UNICODE_SAMPLE: &str = "Tōkyō — 東京 🗼";
const SENTENCES: [&str; 8] = [
    "This answer was emulated locally; no model was called.",
    "The reply is a pure function of the request.",
    "Streams and plain responses carry the same text.",
    "Every chunk boundary falls between characters, never inside one.",
    "Token counts are whitespace-separated words.",
    "Stop sequences and token limits are honoured.",
    "Nothing here was sent over the internet.",
    "The same question always gets the same answer.",
];
const LONGEST_CHUNK: usize = 16;

/// The full, untruncated content for a text or JSON answer; `choice` (0 for the first) is
/// named in the text of the others, so the choices of one answer tell apart.
pub(crate) fn base_content(req: &Map<String, Value>, seed: u64, choice: u64) -> String {
    let format = req.get("response_format");
    match format.and_then(|f| f.get("type")).and_then(Value::as_str) {
        Some("json_schema") => {
            let schema = format.and_then(|f| f.pointer("/json_schema/schema"));
            match schema {
                Some(schema) => generate(schema, seed).to_string(),
                None => json_object(req, seed),
            }
        }
        Some("json_object") => json_object(req, seed),
        _ => text_content(req, seed, choice),
    }
}

fn json_object(req: &Map<String, Value>, seed: u64) -> String {
    let reply = excerpt(&last_user_text(req), 60);
    json!({ "naga_mock": true, "seed": format!("{seed:016x}"), "reply_to": reply, "city": UNICODE_SAMPLE })
        .to_string()
}

fn text_content(req: &Map<String, Value>, seed: u64, choice: u64) -> String {
    let mut rng = Rng::new(seed);
    let which = if choice == 0 { String::new() } else { format!(" (choice {choice})") };
    let opening = if last_role(req) == Some("tool") {
        let results = tool_results(req);
        format!("{MARK} Based on the tool results{which}: {}.", excerpt(&results, 80))
    } else {
        let with = last_with_role(req, "user").and_then(attachments).unwrap_or_default();
        let to = excerpt(&last_user_text(req), 60);
        format!("{MARK} Emulated reply{which} to “{to}”{with}")
    };
    let first = rng.pick(&SENTENCES).copied().unwrap_or_default();
    let second = rng.pick(&SENTENCES).copied().unwrap_or_default();
    format!("{opening}\n{first} {UNICODE_SAMPLE}. {second}")
}

/// What came with a message's text, as ` (with 2 images and 1 file)`, so a caller sees that
/// its attachments arrived; `None` for text alone.
fn attachments(message: &Value) -> Option<String> {
    let parts = message.get("content")?.as_array()?;
    let count = |kinds: &[&str]| {
        let of_kind =
            |p: &&Value| p.get("type").and_then(Value::as_str).is_some_and(|t| kinds.contains(&t));
        parts.iter().filter(of_kind).count()
    };
    // Chat's part types, then those of Responses and Messages (passed through as they came).
    let kinds: [(&[&str], &str); 3] = [
        (&["image_url", "input_image", "image"], "image"),
        (&["file", "input_file", "document"], "file"),
        (&["input_audio"], "audio clip"),
    ];
    let named: Vec<String> = kinds
        .iter()
        .map(|(kinds, name)| (count(kinds), name))
        .filter(|(n, _)| *n > 0)
        .map(|(n, name)| format!("{n} {name}{}", if n == 1 { "" } else { "s" }))
        .collect();
    let (last, rest) = named.split_last()?;
    let listed =
        if rest.is_empty() { last.clone() } else { format!("{} and {last}", rest.join(", ")) };
    Some(format!(" (with {listed})"))
}

fn last_user_text(req: &Map<String, Value>) -> String {
    last_with_role(req, "user").map(message_text).unwrap_or_default()
}

/// The contents of the trailing tool messages, joined by `; `.
fn tool_results(req: &Map<String, Value>) -> String {
    let messages = req.get("messages").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let trailing = messages
        .iter()
        .rev()
        .take_while(|m| m.get("role").and_then(Value::as_str) == Some("tool"))
        .map(message_text)
        .collect::<Vec<_>>();
    trailing.into_iter().rev().collect::<Vec<_>>().join("; ")
}

/// At most `max` characters of `text` on one line, with `…` when cut.
fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max).collect();
    cut.push('…');
    cut
}

/// Makes `text` at least `min_chars` characters long (spaces for JSON, sentences otherwise).
pub(crate) fn lengthen(text: &mut String, min_chars: usize, json: bool) {
    let mut count = text.chars().count();
    let mut i = 0;
    while count < min_chars {
        let extra =
            if json { " " } else { SENTENCES.get(i % SENTENCES.len()).copied().unwrap_or(".") };
        let sep = if json { "" } else { " " };
        text.push_str(sep);
        text.push_str(extra);
        count += sep.chars().count() + extra.chars().count();
        i += 1;
    }
}

/// How [`apply_limits`] ended the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Limited {
    /// The text, cut at the first stop sequence and then to `max_completion_tokens` words.
    pub(crate) text: String,
    /// `length` when `max_completion_tokens` cut it, else `stop`.
    pub(crate) finish_reason: &'static str,
    /// The stop sequence the text was cut before, unless the token limit cut it shorter.
    pub(crate) stop_sequence: Option<String>,
}

/// Applies `stop` then `max_completion_tokens` (else `max_tokens`).
pub(crate) fn apply_limits(req: &Map<String, Value>, mut text: String) -> Limited {
    let mut stop_sequence = None;
    if let Some((at, stop)) = first_stop(req, &text) {
        text.truncate(at);
        stop_sequence = Some(stop.to_owned());
    }
    // OpenAI's older `max_tokens` counts when `max_completion_tokens` is absent (as OpenAI
    // takes it for models that still accept it).
    let limit = ["max_completion_tokens", "max_tokens"]
        .into_iter()
        .find_map(|field| req.get(field).and_then(Value::as_u64));
    match limit.and_then(|n| usize::try_from(n).ok()) {
        Some(n) if words(&text) > n => Limited {
            text: truncate_words(&text, n).to_owned(),
            finish_reason: "length",
            stop_sequence: None,
        },
        _ => Limited { text, finish_reason: "stop", stop_sequence },
    }
}

/// Where the earliest stop sequence occurs in `text`, and which one it is.
fn first_stop<'a>(req: &'a Map<String, Value>, text: &str) -> Option<(usize, &'a str)> {
    let stops: Vec<&str> = match req.get("stop") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let found = stops.into_iter().filter(|s| !s.is_empty());
    found.filter_map(|s| text.find(s).map(|at| (at, s))).min_by_key(|(at, _)| *at)
}

/// The number of whitespace-separated words.
pub(crate) fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// `text` up to the end of its `n`-th word.
fn truncate_words(text: &str, n: usize) -> &str {
    let mut seen = 0;
    let mut in_word = false;
    for (i, ch) in text.char_indices() {
        if ch.is_whitespace() {
            if in_word && seen == n {
                return text.get(..i).unwrap_or(text);
            }
            in_word = false;
        } else if !in_word {
            in_word = true;
            seen += 1;
        }
    }
    text
}

/// The reasoning text when `reasoning_effort` asks for reasoning.
pub(crate) fn reasoning_text(req: &Map<String, Value>, calls: &[ToolCall]) -> Option<String> {
    let effort = req.get("reasoning_effort").and_then(Value::as_str)?;
    if effort == "none" {
        return None;
    }
    let plan = match calls.first() {
        Some(call) => format!("call the `{}` tool first", call.name),
        None if is_json_format(req) => "answer with JSON matching the requested format".to_owned(),
        None => "answer briefly and mention Tōkyō".to_owned(),
    };
    let words = words(&last_user_text(req));
    let noun = if words == 1 { "word" } else { "words" };
    Some(format!(
        "{MARK} Reasoning (effort {effort}): the last user message has {words} {noun}; I will {plan}."
    ))
}

/// Splits `text` into chunks: exactly `count` pieces (fewer if it has fewer characters), or by
/// default one word (with its trailing whitespace) per chunk, long words cut every 16 characters.
pub(crate) fn split_chunks(text: &str, count: Option<usize>) -> Vec<String> {
    match count {
        Some(n) => split_even(text, n),
        None => split_words(text),
    }
}

fn split_even(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = n.clamp(1, chars.len().max(1));
    let (base, extra) = (chars.len() / n, chars.len() % n);
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for i in 0..n {
        let len = base + usize::from(i < extra);
        out.push(chars.get(start..start + len).unwrap_or_default().iter().collect());
        start += len;
    }
    out
}

fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    let mut prev_space = false;
    for ch in text.chars() {
        let boundary = (prev_space && !ch.is_whitespace()) || len == LONGEST_CHUNK;
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
            len = 0;
        }
        current.push(ch);
        len += 1;
        prev_space = ch.is_whitespace();
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_concatenate_to_the_text() {
        let text = "Tōkyō — 東京 🗼 abcdefghijklmnopqrstuvwxyz end";
        assert_eq!(split_chunks(text, None).concat(), text);
        assert!(split_chunks(text, None).iter().all(|c| c.chars().count() <= 16));
        let seven = split_chunks(text, Some(7));
        assert_eq!(seven.len(), 7);
        assert_eq!(seven.concat(), text);
        assert_eq!(split_chunks("ab", Some(10)), ["a", "b"]);
        assert_eq!(split_chunks("", None), [""]);
    }

    #[test]
    fn truncation_keeps_whole_words() {
        assert_eq!(truncate_words("one two  three", 2), "one two");
        assert_eq!(truncate_words("one", 5), "one");
        assert_eq!(truncate_words("  lead  x", 1), "  lead");
    }

    #[test]
    fn lengthen_reaches_the_minimum() {
        let mut s = "x".to_owned();
        lengthen(&mut s, 500, false);
        assert!(s.chars().count() >= 500);
        let mut j = "{}".to_owned();
        lengthen(&mut j, 10, true);
        assert_eq!(j, "{}        ");
    }
}
