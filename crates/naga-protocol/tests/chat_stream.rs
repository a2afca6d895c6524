//! `ChatStream` over every recorded provider stream, and its termination rules.

mod streams;

use naga_protocol::{
    ApiErrorKind, ChatAccumulator, ChatCompletion, ChatCompletionChunk, ChatRequest, ChatStream,
    Error, FinishReason, Message, StreamDecoder, StreamError, StreamingOperation,
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

// ---- termination ----

const CONTENT: &str =
    r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#;
const CONTENT2: &str =
    r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"lo"}}]}"#;
const FINISH: &str =
    r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#;
const TRAILER: &str = r#"{"id":"c1","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#;

fn texts(items: &[Result<ChatCompletionChunk, Error>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(chunk) => chunk.choices.iter().filter_map(|c| c.delta.text()).collect(),
            Err(err) => format!("ERR {err}"),
        })
        .collect()
}

#[test]
fn done_ends_the_stream_cleanly() {
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT], true).as_slice()]);
    assert_eq!(texts(&items), ["Hel"]);
    assert!(stream.is_done());
    assert_eq!(stream.events_seen(), 2);
}

#[test]
fn eof_after_a_finish_chunk_is_clean() {
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT, FINISH], false).as_slice()]);
    assert_eq!(texts(&items), ["Hel", ""]);
    assert!(items.iter().all(Result::is_ok));
    assert!(stream.is_done());
}

#[test]
fn eof_after_a_usage_trailer_is_clean() {
    let items = run_whole(&sse_body(&[CONTENT, CONTENT2, TRAILER], false));
    assert!(items.iter().all(Result::is_ok));
    let completion = ChatAccumulator::accumulate(items).unwrap();
    assert_eq!(completion.text(), Some("Hello"));
    assert_eq!(completion.usage.unwrap().total_tokens, 5);
}

#[test]
fn eof_mid_stream_is_one_truncation_error_and_keeps_the_partial_text() {
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT, CONTENT2], false).as_slice()]);
    assert_eq!(items.len(), 3);
    assert_eq!(items[2], Err(Error::Stream(StreamError::Truncated { events: 2 })));
    assert_eq!(stream.next_chunk(), None);
    assert!(stream.is_done());
    let mut acc = ChatAccumulator::new();
    for item in items.iter().take(2) {
        acc.push(item.as_ref().unwrap());
    }
    assert_eq!(acc.snapshot().text(), Some("Hello"));
    let failed = ChatAccumulator::accumulate(items).unwrap_err();
    assert_eq!(failed.partial.text(), Some("Hello"));
    assert_eq!(failed.to_string(), "stream ended early after 2 events without a terminal event");
}

#[test]
fn eof_inside_an_event_is_truncation() {
    let mut body = sse_body(&[CONTENT], false);
    body.extend_from_slice(br#"data: {"choices":[{"index":0,"delta":{"content":"lo"#);
    let items = run_whole(&body);
    assert_eq!(
        texts(&items),
        ["Hel", "ERR stream ended early after 1 events without a terminal event"]
    );
}

#[test]
fn an_event_cut_after_the_finish_chunk_is_still_truncation() {
    // The cut event may be the usage trailer: its loss is reported, not hidden.
    let mut body = sse_body(&[CONTENT, FINISH], false);
    body.extend_from_slice(b"data: {\"choices\":[],\"usage\":{\"prompt_");
    let items = run_whole(&body);
    assert_eq!(items.len(), 3);
    assert_eq!(items[2], Err(Error::Stream(StreamError::Truncated { events: 2 })));
}

#[test]
fn an_empty_body_is_truncation() {
    let items = run_whole(b"");
    assert_eq!(items, [Err(Error::Stream(StreamError::Truncated { events: 0 }))]);
}

#[test]
fn an_error_frame_becomes_an_api_error_and_ends_the_stream() {
    let frame = r#"{"error":{"type":"server_error","message":"Upstream provider failed"}}"#;
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [sse_body(&[CONTENT, frame, CONTENT2, FINISH], false).as_slice()]);
    assert_eq!(items.len(), 2);
    let err = items[1].as_ref().unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::Server);
    assert_eq!(api.message, "Upstream provider failed");
    assert_eq!(api.error_type.as_deref(), Some("server_error"));
    assert_eq!(err.status(), None);
    assert_eq!(err.to_string(), "API error in stream (server_error): Upstream provider failed");
    assert!(stream.is_done());
    stream.feed(b"data: [DONE]\n\n");
    assert_eq!(stream.next_chunk(), None);
    let failed = ChatAccumulator::accumulate(items).unwrap_err();
    assert_eq!(failed.partial.text(), Some("Hel"));
}

#[test]
fn error_frames_with_other_fields_are_still_errors() {
    for frame in [
        r#"{"id":"x","choices":[],"error":{"type":"rate_limit_exceeded","message":"slow"}}"#,
        r#"{"choices":"not a list","error":{"type":"rate_limit_exceeded","message":"slow"}}"#,
    ] {
        let items = run_whole(&sse_body(&[frame, CONTENT], false));
        assert_eq!(items.len(), 1, "{frame}");
        assert_eq!(items[0].as_ref().unwrap_err().api_kind(), Some(ApiErrorKind::RateLimited));
    }
}

#[test]
fn a_null_error_field_is_not_an_error_frame() {
    let frame = r#"{"error":null,"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":"stop"}]}"#;
    assert_eq!(texts(&run_whole(&sse_body(&[frame], false))), ["Hel"]);
}

#[test]
fn a_malformed_frame_is_a_decode_error_and_the_stream_goes_on() {
    let items = run_whole(&sse_body(&[CONTENT, "{not json", CONTENT2, FINISH], false));
    assert_eq!(items.len(), 4);
    assert!(matches!(
        &items[1],
        Err(Error::Decode { what: "chat completion chunk", offset: 1, .. })
    ));
    assert_eq!(texts(&items)[2..], ["lo", ""]);
}

#[test]
fn an_invalid_utf8_frame_is_a_stream_error_and_the_stream_goes_on() {
    let mut body = sse_body(&[CONTENT], false);
    let offset = body.len() as u64;
    body.extend_from_slice(b"data: {\"x\":\"\xff\xfe\"}\n\n");
    body.extend_from_slice(&sse_body(&[CONTENT2, FINISH], false));
    let items = run_whole(&body);
    assert_eq!(items[1], Err(Error::Stream(StreamError::InvalidUtf8 { offset })));
    assert_eq!(texts(&items), ["Hel", texts(&items)[1].as_str(), "lo", ""]);
    assert_eq!(items.len(), 4);
}

#[test]
fn an_oversized_event_is_reported_and_the_stream_recovers() {
    let big =
        format!(r#"{{"choices":[{{"index":0,"delta":{{"content":"{}"}}}}]}}"#, "x".repeat(500));
    let mut stream = ChatStream::with_max_event_size(256);
    let items =
        run(&mut stream, [sse_body(&[CONTENT, big.as_str(), CONTENT2, FINISH], false).as_slice()]);
    assert_eq!(items.len(), 4);
    assert_eq!(items[1], Err(Error::Stream(StreamError::EventTooLarge { limit: 256 })));
    assert_eq!(texts(&items)[2..], ["lo", ""]);
}

#[test]
fn bytes_after_done_are_ignored() {
    let mut stream = ChatStream::new();
    let mut body = sse_body(&[CONTENT], true);
    body.extend_from_slice(b"data: {broken\n\ndata: cut mid-ev");
    let items = run(&mut stream, [body.as_slice()]);
    assert_eq!(texts(&items), ["Hel"]);
    stream.feed(b"data: more\n\n");
    assert_eq!(stream.next_chunk(), None);
    assert!(stream.is_done());
}

#[test]
fn comments_and_empty_data_events_are_skipped() {
    let mut body = b": keep-alive\n\ndata:\n\ndata: \n\n".to_vec();
    body.extend_from_slice(&sse_body(&[CONTENT, FINISH], false));
    let mut stream = ChatStream::new();
    let items = run(&mut stream, [body.as_slice()]);
    assert_eq!(texts(&items), ["Hel", ""]);
    assert_eq!(stream.events_seen(), 4, "two empty data events, two chunks");
}

#[test]
fn data_without_a_space_and_crlf_framing_decode() {
    let body = format!("data:{CONTENT}\r\n\r\ndata:{FINISH}\r\n\r\n");
    assert_eq!(texts(&run_whole(body.as_bytes())), ["Hel", ""]);
}

#[test]
fn chat_request_streams_through_the_generic_decoder() {
    fn drive<D: StreamDecoder>(mut decoder: D, body: &[u8]) -> Vec<Result<D::Item, Error>> {
        decoder.feed(body);
        let mut items: Vec<_> = std::iter::from_fn(|| decoder.next_item()).collect();
        decoder.finish();
        items.extend(std::iter::from_fn(|| decoder.next_item()));
        assert!(decoder.is_done());
        items
    }
    let request = ChatRequest::new("m", [Message::user("hi")]).stream(true);
    let items = drive(request.decoder(), &sse_body(&[CONTENT, CONTENT2, FINISH], true));
    assert_eq!(ChatAccumulator::accumulate(items).unwrap().text(), Some("Hello"));
    let cut = drive(request.decoder(), &sse_body(&[CONTENT], false));
    assert_eq!(cut.last(), Some(&Err(Error::Stream(StreamError::Truncated { events: 1 }))));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// A body mixing every kind of frame: chunks, a malformed frame, invalid UTF-8, a
    /// comment, an empty event, an oversized event, then `[DONE]` and bytes after it.
    fn mixed_body() -> Vec<u8> {
        let mut body = b": hi\r\n\r\n".to_vec();
        body.extend_from_slice(&sse_body(&[CONTENT, "{nope", CONTENT2], false));
        body.extend_from_slice(b"data: \xff\n\ndata:\n\n");
        body.extend_from_slice(format!("data: {}\n\n", "y".repeat(300)).as_bytes());
        body.extend_from_slice(&sse_body(&[FINISH], true));
        body.extend_from_slice(b"data: ignored\n\n");
        body
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_same_items(cuts in proptest::collection::vec(0usize..700, 0..40)) {
            let body = mixed_body();
            let whole = run(&mut ChatStream::with_max_event_size(256), [body.as_slice()]);
            let mut sorted = cuts;
            sorted.sort_unstable();
            let mut pieces = Vec::new();
            let mut start = 0;
            for cut in sorted.into_iter().map(|cut| cut.min(body.len())) {
                pieces.push(&body[start..cut]);
                start = cut;
            }
            pieces.push(&body[start..]);
            let split = run(&mut ChatStream::with_max_event_size(256), pieces);
            prop_assert_eq!(split, whole);
        }
    }

    #[test]
    fn the_mixed_body_yields_what_it_holds() {
        let items = run(&mut ChatStream::with_max_event_size(256), [mixed_body().as_slice()]);
        let kinds: Vec<&str> = items
            .iter()
            .map(|item| match item {
                Ok(_) => "chunk",
                Err(Error::Decode { .. }) => "decode",
                Err(Error::Stream(StreamError::InvalidUtf8 { .. })) => "utf8",
                Err(Error::Stream(StreamError::EventTooLarge { .. })) => "too large",
                Err(_) => "other",
            })
            .collect();
        assert_eq!(kinds, ["chunk", "decode", "chunk", "utf8", "too large", "chunk"]);
    }
}
