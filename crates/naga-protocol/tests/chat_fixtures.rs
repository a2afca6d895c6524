//! Every line of every recorded provider stream decodes as a `ChatCompletionChunk`, and the
//! decoded values match what the files contain.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod streams;

use naga_protocol::{ChatCompletionChunk, DeltaContent, FinishReason};
use streams::fixture_dir;

fn decode_file(name: &str) -> Vec<ChatCompletionChunk> {
    let text = std::fs::read_to_string(fixture_dir().join(name)).unwrap();
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("{name} event {}: {err}", n + 1))
        })
        .collect()
}

/// What a stream adds up to, computed with the public helpers.
#[derive(Debug, Default)]
struct Summary {
    events: usize,
    first_text: Option<String>,
    text: String,
    reasoning: String,
    tool_names: Vec<String>,
    finish: Vec<FinishReason>,
    total_tokens: Option<u64>,
}

fn summarize(chunks: &[ChatCompletionChunk]) -> Summary {
    let mut summary = Summary { events: chunks.len(), ..Summary::default() };
    for chunk in chunks {
        if let Some(usage) = &chunk.usage {
            summary.total_tokens = Some(usage.total_tokens);
        }
        for choice in &chunk.choices {
            let text = choice.delta.text().unwrap_or_default();
            if !text.is_empty() && summary.first_text.is_none() {
                summary.first_text = Some(text.to_string());
            }
            summary.text.push_str(&text);
            summary.reasoning.push_str(&choice.delta.reasoning_text().unwrap_or_default());
            let names = choice.delta.tool_calls().iter().filter_map(|call| call.function.as_ref());
            summary
                .tool_names
                .extend(names.filter_map(|f| f.name.clone()).filter(|name| !name.is_empty()));
            summary.finish.extend(choice.finish_reason.clone());
        }
    }
    summary
}

struct Expect {
    file: &'static str,
    events: usize,
    first_text: Option<&'static str>,
    text_chars: usize,
    reasoning_start: &'static str,
    reasoning_chars: usize,
    tool_names: &'static [&'static str],
    finish: &'static [&'static str],
    total_tokens: Option<u64>,
}

const fn expect(file: &'static str, events: usize, first_text: Option<&'static str>) -> Expect {
    Expect {
        file,
        events,
        first_text,
        text_chars: 0,
        reasoning_start: "",
        reasoning_chars: 0,
        tool_names: &[],
        finish: &["stop"],
        total_tokens: None,
    }
}

#[rustfmt::skip]
const EXPECTED: &[Expect] = &[
    Expect { text_chars: 19, total_tokens: Some(93), ..expect("azure-model-router.jsonl", 8, Some("Capital")) },
    Expect { text_chars: 11, total_tokens: Some(20), ..expect("azure-text.jsonl", 7, Some("Hello")) },
    Expect { text_chars: 18, reasoning_start: "The user is asking about a \"ma", reasoning_chars: 884,
        tool_names: &["nonUsefulTool", "nonUsefulTool"], finish: &["tool_calls", "tool_calls"],
        total_tokens: Some(555), ..expect("cerebras-structured-output-tools.jsonl", 97, Some("{\"")) },
    Expect { text_chars: 9, finish: &["length"], total_tokens: Some(92),
        ..expect("deepseek-live-usage.jsonl", 2, Some("sanitized")) },
    Expect { text_chars: 7, reasoning_start: "Think more", reasoning_chars: 10, total_tokens: Some(7),
        ..expect("deepseek-logprobs.jsonl", 6, Some("Answer")) },
    Expect { text_chars: 41, reasoning_start: "We need answer simple. Need co", reasoning_chars: 285,
        total_tokens: Some(203), ..expect("deepseek-reasoning.jsonl", 107, Some("There")) },
    Expect { reasoning_start: "The user asks about the weathe", reasoning_chars: 80, tool_names: &["weather"],
        finish: &["tool_calls"], total_tokens: Some(435), ..expect("deepseek-tool-call.jsonl", 30, None) },
    Expect { text_chars: 5, reasoning_start: "Think more...", reasoning_chars: 13,
        ..expect("empty-tool-calls.jsonl", 3, Some("Hello")) },
    Expect { tool_names: &["json"], finish: &["tool_calls"], total_tokens: Some(65),
        ..expect("groq-json-tool-call.jsonl", 4, None) },
    Expect { tool_names: &["weather"], finish: &["tool_calls"], total_tokens: Some(225),
        ..expect("groq-tool-call.jsonl", 3, None) },
    Expect { text_chars: 6, total_tokens: Some(8), ..expect("mistral-empty-choices.jsonl", 4, Some("Hello!")) },
    Expect { tool_names: &["webSearchTool"], finish: &["tool_calls"], total_tokens: Some(185),
        ..expect("mistral-incremental-tool-call.jsonl", 3, None) },
    Expect { text_chars: 9, reasoning_start: "The user is asking for 2+2. Th", reasoning_chars: 60,
        total_tokens: Some(56), ..expect("mistral-reasoning.jsonl", 4, Some("2 + 2 = 4")) },
    Expect { text_chars: 3, reasoning_start: "Okay, the user is asking for t", reasoning_chars: 335,
        total_tokens: Some(167), ..expect("mistral-thinking.jsonl", 42, Some("3")) },
    Expect { text_chars: 1724, total_tokens: Some(316), ..expect("openai-text.jsonl", 303, Some("**")) },
    Expect { text_chars: 8, tool_names: &["weather"], finish: &["tool_calls"], total_tokens: Some(70),
        ..expect("openai-tool-call-step1.jsonl", 7, Some("PRE")) },
    Expect { text_chars: 5, total_tokens: Some(11), ..expect("placeholder-first-chunk.jsonl", 4, Some("Hello")) },
    Expect { text_chars: 9, reasoning_start: "First, the user said: \"Hello.\"", reasoning_chars: 46,
        ..expect("tiny-chunks.jsonl", 17, Some("Hi")) },
    Expect { text_chars: 4, reasoning_start: "First, the user said: \"Say a s", reasoning_chars: 1455,
        total_tokens: Some(354), ..expect("xai-text.jsonl", 344, Some("G")) },
    Expect { reasoning_start: "First, the user is asking abou", reasoning_chars: 1069, tool_names: &["weather"],
        finish: &["tool_calls"], total_tokens: Some(560), ..expect("xai-tool-call.jsonl", 230, None) },
];

#[test]
fn every_fixture_file_is_covered() {
    let mut files: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".jsonl"))
        .collect();
    files.sort();
    let expected: Vec<&str> = EXPECTED.iter().map(|e| e.file).collect();
    assert_eq!(files, expected);
}

#[test]
fn every_line_decodes_with_the_recorded_values() {
    for e in EXPECTED {
        let s = summarize(&decode_file(e.file));
        let file = e.file;
        assert_eq!(s.events, e.events, "{file}: events");
        assert_eq!(s.first_text.as_deref(), e.first_text, "{file}: first text");
        assert_eq!(s.text.chars().count(), e.text_chars, "{file}: text length");
        assert!(s.reasoning.starts_with(e.reasoning_start), "{file}: {:?}", s.reasoning);
        assert_eq!(s.reasoning.chars().count(), e.reasoning_chars, "{file}: reasoning length");
        assert_eq!(s.tool_names, e.tool_names, "{file}: tool names");
        let finish: Vec<&str> = s.finish.iter().map(FinishReason::as_str).collect();
        assert_eq!(finish, e.finish, "{file}: finish reasons");
        assert_eq!(s.total_tokens, e.total_tokens, "{file}: total tokens");
    }
}

#[test]
fn whole_texts_match_the_recordings() {
    let text = |file| summarize(&decode_file(file)).text;
    assert_eq!(text("azure-text.jsonl"), "Hello World");
    assert_eq!(text("openai-tool-call-step1.jsonl"), "PRE_TOOL");
    assert_eq!(text("mistral-thinking.jsonl"), "391");
    assert_eq!(text("cerebras-structured-output-tools.jsonl"), r#"{"result": "2026"}"#);
    assert!(text("deepseek-reasoning.jsonl").ends_with("“r”s in **“strawberry”**."));
}

#[test]
fn azure_placeholder_and_filter_chunks() {
    let chunks = decode_file("azure-text.jsonl");
    assert!(chunks[0].choices.is_empty());
    assert_eq!((chunks[0].id.as_str(), chunks[0].created), ("", Some(0)));
    assert!(chunks[0].extra.contains_key("prompt_filter_results"));
    let filter = &chunks[5].choices[0];
    assert_eq!(filter.delta, Default::default());
    assert!(filter.extra.contains_key("content_filter_offsets"));
    assert_eq!(chunks[1].extra["obfuscation"], "D3WbtIxo1Q2j1Q");
    let details = chunks[6].usage.as_ref().unwrap().completion_tokens_details.as_ref().unwrap();
    assert_eq!(details.reasoning_tokens, Some(0));
}

#[test]
fn cerebras_reasoning_field_and_float_created() {
    let chunks = decode_file("cerebras-structured-output-tools.jsonl");
    assert_eq!(chunks[1].choices[0].delta.reasoning.as_deref(), Some("The"));
    let finish = chunks.iter().find(|c| c.extra.contains_key("time_info")).unwrap();
    assert!(finish.created.is_some_and(|t| t > 1_700_000_000));
    assert_ne!(chunks[0].id, chunks[96].id, "two completions in one file");
}

#[test]
fn mistral_parts_split_into_text_and_thinking() {
    let chunks = decode_file("mistral-thinking.jsonl");
    let mixed = &chunks[40].choices[0].delta;
    let Some(DeltaContent::Parts(parts)) = &mixed.content else { panic!("{mixed:?}") };
    assert_eq!(parts.len(), 2);
    let content = mixed.content.as_ref().unwrap();
    assert_eq!(content.thinking(), "1.");
    assert_eq!(content.text(), "3");
    assert_eq!(mixed.reasoning_text().as_deref(), Some("1."));
    assert_eq!(chunks[41].choices[0].delta.text().as_deref(), Some("91"));
}

#[test]
fn mistral_empty_name_fragment_is_kept_as_empty() {
    let chunks = decode_file("mistral-incremental-tool-call.jsonl");
    let calls: Vec<_> =
        chunks.iter().flat_map(|c| &c.choices).flat_map(|c| c.delta.tool_calls()).collect();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].id, None);
    assert_eq!(calls[1].function.as_ref().unwrap().name.as_deref(), Some(""));
    assert!(chunks[0].choices[0].delta.extra.contains_key("index"));
}

#[test]
fn groq_and_deepseek_extras_are_kept() {
    let groq = decode_file("groq-tool-call.jsonl");
    assert!(groq[0].extra.contains_key("x_groq"));
    assert!(groq[2].usage.as_ref().unwrap().extra.contains_key("queue_time"));
    let deepseek = decode_file("deepseek-live-usage.jsonl");
    assert_eq!(deepseek[0].created, None);
    let usage = deepseek[1].usage.as_ref().unwrap();
    assert_eq!(usage.extra["prompt_cache_miss_tokens"], 88);
    let logprobs = decode_file("deepseek-logprobs.jsonl");
    assert!(logprobs[0].choices[0].logprobs.as_ref().unwrap()["reasoning_content"].is_array());
}

#[test]
fn tool_call_fragments_carry_index_id_and_arguments() {
    let chunks = decode_file("openai-tool-call-step1.jsonl");
    let first = &chunks[3].choices[0].delta.tool_calls()[0];
    assert_eq!(first.index, Some(0));
    assert_eq!(first.id.as_deref(), Some("call_NZa7xqfefoaMI2YYHowVXVlU"));
    assert_eq!(first.function.as_ref().unwrap().arguments.as_deref(), Some(""));
    let second = &chunks[4].choices[0].delta.tool_calls()[0];
    assert_eq!((second.index, second.id.as_deref()), (Some(0), None));
    assert_eq!(second.function.as_ref().unwrap().arguments.as_deref(), Some("{}"));
    let empty = decode_file("empty-tool-calls.jsonl");
    assert_eq!(empty[0].choices[0].delta.tool_calls, Some(vec![]));
}
