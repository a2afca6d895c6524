//! `ChatStream` and `ChatAccumulator` over every recorded provider stream: whole, byte by
//! byte and in random pieces, with and without `[DONE]`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod streams;

use naga_protocol::{
    ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatStream, FinishReason,
};
use serde_json::Value;
use streams::{chunk, fixture_lines, fixture_names, random_pieces, run, run_whole, sse_body};

/// What one recorded completion adds up to.
struct Expect {
    file: &'static str,
    /// Which completion of the file (only the cerebras file holds two).
    part: usize,
    /// Text: char count, prefix, suffix.
    text: (usize, &'static str, &'static str),
    /// Reasoning: char count, prefix, suffix.
    reasoning: (usize, &'static str, &'static str),
    /// Tool calls: name and arguments (compared as JSON).
    calls: &'static [(&'static str, &'static str)],
    finish: FinishReason,
    /// prompt, completion, total tokens.
    usage: Option<(u64, u64, u64)>,
}

const fn expect(file: &'static str, text: (usize, &'static str, &'static str)) -> Expect {
    Expect {
        file,
        part: 0,
        text,
        reasoning: (0, "", ""),
        calls: &[],
        finish: FinishReason::Stop,
        usage: None,
    }
}

const NONE: (usize, &str, &str) = (0, "", "");

fn expectations() -> Vec<Expect> {
    use FinishReason::{Length, ToolCalls};
    let weather_sf = &[("weather", r#"{"location":"San Francisco"}"#)];
    vec![
        Expect {
            usage: Some((15, 78, 93)),
            ..expect("azure-model-router.jsonl", (19, "Capital of Denmark.", ""))
        },
        Expect { usage: Some((15, 5, 20)), ..expect("azure-text.jsonl", (11, "Hello World", "")) },
        Expect {
            reasoning: (
                423,
                "The user is asking about a \"magic number\".",
                "to get the magic number.",
            ),
            calls: &[("nonUsefulTool", "{}")],
            finish: ToolCalls,
            usage: Some((322, 104, 426)),
            ..expect("cerebras-structured-output-tools.jsonl", NONE)
        },
        Expect {
            part: 1,
            reasoning: (
                461,
                "The nonUsefulTool returned the number 2026",
                "even though it's a number.",
            ),
            calls: &[("nonUsefulTool", "{}")],
            finish: ToolCalls,
            usage: Some((433, 122, 555)),
            ..expect("cerebras-structured-output-tools.jsonl", (18, r#"{"result": "2026"}"#, ""))
        },
        Expect {
            finish: Length,
            usage: Some((88, 4, 92)),
            ..expect("deepseek-live-usage.jsonl", (9, "sanitized", ""))
        },
        Expect {
            reasoning: (10, "Think more", ""),
            usage: Some((3, 4, 7)),
            ..expect("deepseek-logprobs.jsonl", (7, "Answer.", ""))
        },
        Expect {
            reasoning: (285, "We need answer simple.", "total 3 r's. Need answer."),
            usage: Some((97, 106, 203)),
            ..expect(
                "deepseek-reasoning.jsonl",
                (41, "There are **3** “r”s in **“strawberry”**.", ""),
            )
        },
        Expect {
            reasoning: (
                80,
                "The user asks about the weather in San Francisco.",
                "use the weather tool.",
            ),
            calls: weather_sf,
            finish: ToolCalls,
            usage: Some((374, 61, 435)),
            ..expect("deepseek-tool-call.jsonl", NONE)
        },
        Expect {
            reasoning: (13, "Think more...", ""),
            ..expect("empty-tool-calls.jsonl", (5, "Hello", ""))
        },
        Expect {
            calls: &[("json", r#"{"value":"Sparkle Day"}"#)],
            finish: ToolCalls,
            usage: Some((45, 20, 65)),
            ..expect("groq-json-tool-call.jsonl", NONE)
        },
        Expect {
            calls: &[("weather", "{}")],
            finish: ToolCalls,
            usage: Some((210, 15, 225)),
            ..expect("groq-tool-call.jsonl", NONE)
        },
        Expect {
            usage: Some((5, 3, 8)),
            ..expect("mistral-empty-choices.jsonl", (6, "Hello!", ""))
        },
        Expect {
            calls: &[("webSearchTool", r#"{"query":"current Berlin weather"}"#)],
            finish: ToolCalls,
            usage: Some((171, 14, 185)),
            ..expect("mistral-incremental-tool-call.jsonl", NONE)
        },
        Expect {
            reasoning: (60, "The user is asking for 2+2.", "2+2=4."),
            usage: Some((10, 46, 56)),
            ..expect("mistral-reasoning.jsonl", (9, "2 + 2 = 4", ""))
        },
        Expect {
            reasoning: (
                335,
                "Okay, the user is asking for the product of 17 and",
                "So, 17 * 23 = 391.",
            ),
            usage: Some((28, 139, 167)),
            ..expect("mistral-thinking.jsonl", (3, "391", ""))
        },
        Expect {
            usage: Some((16, 300, 316)),
            ..expect(
                "openai-text.jsonl",
                (1724, "**Holiday Name:** Harmony Day\n\n", "mutual respect."),
            )
        },
        Expect {
            calls: &[("weather", "{}")],
            finish: ToolCalls,
            usage: Some((58, 12, 70)),
            ..expect("openai-tool-call-step1.jsonl", (8, "PRE_TOOL", ""))
        },
        Expect {
            usage: Some((10, 1, 11)),
            ..expect("placeholder-first-chunk.jsonl", (5, "Hello", ""))
        },
        Expect {
            reasoning: (46, "First, the user said: \"Hello.\" That is simple.", ""),
            ..expect("tiny-chunks.jsonl", (9, "Hi there!", ""))
        },
        Expect {
            reasoning: (1455, "First, the user said: \"Say a single word.\"", "Response: Grok"),
            usage: Some((12, 2, 354)),
            ..expect("xai-text.jsonl", (4, "Grok", ""))
        },
        Expect {
            reasoning: (
                1069,
                "First, the user is asking about the weather in San",
                "logical next step.",
            ),
            calls: weather_sf,
            finish: ToolCalls,
            usage: Some((307, 26, 560)),
            ..expect("xai-tool-call.jsonl", NONE)
        },
    ]
}

/// The completions recorded in a file: split where the chunk id changes.
fn completions_of(file: &str) -> Vec<Vec<String>> {
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut last_id: Option<String> = None;
    for line in fixture_lines(file) {
        let id = chunk(&line).id;
        if last_id.as_ref().is_some_and(|last| *last != id && !id.is_empty() && !last.is_empty())
            || parts.is_empty()
        {
            parts.push(Vec::new());
        }
        if !id.is_empty() {
            last_id = Some(id);
        }
        parts.last_mut().unwrap().push(line);
    }
    parts
}

fn assert_fragment(what: &str, got: Option<&str>, (chars, prefix, suffix): (usize, &str, &str)) {
    let got = got.unwrap_or_default();
    assert_eq!(got.chars().count(), chars, "{what}: {got:?}");
    assert!(got.starts_with(prefix) && got.ends_with(suffix), "{what}: {got:?}");
}

fn check(expect: &Expect, completion: &ChatCompletion) {
    let what = format!("{}#{}", expect.file, expect.part);
    assert_eq!(completion.object, "chat.completion");
    assert!(!completion.id.is_empty() && !completion.model.is_empty(), "{what}");
    assert_eq!(completion.choices.len(), 1, "{what}");
    assert_fragment(&format!("{what} text"), completion.text(), expect.text);
    let message = &completion.choices[0].message;
    assert_fragment(
        &format!("{what} reasoning"),
        message.reasoning_content.as_deref(),
        expect.reasoning,
    );
    let calls: Vec<(&str, Value)> = completion
        .tool_calls()
        .iter()
        .map(|call| {
            (call.function.name.as_str(), serde_json::from_str(&call.function.arguments).unwrap())
        })
        .collect();
    let want: Vec<(&str, Value)> = expect
        .calls
        .iter()
        .map(|(name, args)| (*name, serde_json::from_str(args).unwrap()))
        .collect();
    assert_eq!(calls, want, "{what}");
    assert!(completion.tool_calls().iter().all(|call| !call.id.is_empty()), "{what}");
    assert_eq!(completion.finish_reason(), Some(&expect.finish), "{what}");
    let usage =
        completion.usage.as_ref().map(|u| (u.prompt_tokens, u.completion_tokens, u.total_tokens));
    assert_eq!(usage, expect.usage, "{what}");
}

#[test]
fn every_fixture_file_has_expectations() {
    let mut covered: Vec<&str> = expectations().iter().map(|e| e.file).collect();
    covered.dedup();
    assert_eq!(covered, fixture_names());
}

#[test]
fn every_provider_stream_decodes_and_accumulates_with_and_without_done() {
    for expect in expectations() {
        let lines = &completions_of(expect.file)[expect.part];
        for with_done in [false, true] {
            let items = run_whole(&sse_body(lines, with_done));
            let chunks: Vec<ChatCompletionChunk> =
                items.iter().cloned().map(Result::unwrap).collect();
            let direct: Vec<ChatCompletionChunk> = lines.iter().map(|line| chunk(line)).collect();
            assert_eq!(chunks, direct, "{}", expect.file);
            let completion = ChatAccumulator::accumulate(items).unwrap();
            check(&expect, &completion);
        }
    }
}

#[test]
fn the_cerebras_file_holds_two_completions() {
    let parts = completions_of("cerebras-structured-output-tools.jsonl");
    assert_eq!(parts.iter().map(Vec::len).collect::<Vec<_>>(), [35, 62]);
}

#[test]
fn byte_by_byte_and_random_chunking_give_identical_chunks() {
    for file in fixture_names() {
        let body = sse_body(&fixture_lines(&file), true);
        let whole = run_whole(&body);
        let bytes = run(&mut ChatStream::new(), body.chunks(1));
        assert_eq!(bytes, whole, "{file} byte by byte");
        for seed in 0..4 {
            let pieces = random_pieces(&body, seed, 97);
            assert_eq!(run(&mut ChatStream::new(), pieces), whole, "{file} seed {seed}");
        }
    }
}
