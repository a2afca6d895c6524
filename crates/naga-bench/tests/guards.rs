//! CI-stable guards on the generated corpora (no timing): every chunking gives the same
//! events, and the SSE parser never rescans (bytes scanned <= 2 x input + a constant).

use naga_bench::chunking::{self, Chunking};
use naga_bench::corpus;
use naga_bench::ours;
use naga_protocol::SseParser;

#[test]
fn the_corpora_are_deterministic_and_well_formed() {
    for (a, b) in corpus::all().iter().zip(corpus::all()) {
        assert_eq!(a.bytes, b.bytes, "{}: same seed, same bytes", a.name);
        assert_eq!(a.ends.last(), Some(&a.bytes.len()), "{}: blocks cover the body", a.name);
        assert_eq!(a.events, corpus::CHUNKS + 1, "{}: the chunks and [DONE]", a.name);
    }
    let content = corpus::content();
    let text = String::from_utf8(content.bytes).unwrap();
    assert!(text.starts_with("data: {") && text.contains(r#""role":"assistant""#));
    assert!(text.contains(": keep-alive\n\n") && text.contains("東京") && text.contains("\\\""));
    assert!(text.ends_with("\"total_tokens\":10011}}\n\ndata: [DONE]\n\n"));
    let edge = String::from_utf8(corpus::edge().bytes).unwrap();
    assert!(edge.contains("\r\n\r\n") && edge.contains("}\r\r") && edge.contains("\ndata: ,"));
    assert!(edge.lines().any(|line| line.len() > 1 << 20), "a 1 MiB data line");
}

#[test]
fn every_chunking_gives_the_same_events_and_scans_each_byte_about_once() {
    for corpus in corpus::all() {
        let whole = ours::frame_copied(&mut SseParser::new(), &[&corpus.bytes]);
        assert_eq!((whole.items, whole.errors), (corpus.events, 0), "{}", corpus.name);
        for chunking in Chunking::ALL {
            let input = chunking::split(&corpus, chunking);
            assert_eq!(input.chunks.concat(), corpus.bytes[..input.bytes], "{}", corpus.name);
            let mut parser = SseParser::new();
            let tally = ours::frame(&mut parser, &ours::as_reads(&input.chunks));
            let case = format!("{} / {}", corpus.name, chunking.name());
            assert_eq!(tally.items, input.events, "{case}");
            if chunking != Chunking::OneByte {
                assert_eq!(tally, whole, "{case}");
            }
            let limit = 2 * input.bytes as u64 + 64;
            assert!(
                parser.bytes_scanned() <= limit,
                "{case}: {} > {limit}",
                parser.bytes_scanned()
            );
            let mut copying = SseParser::new();
            let copied = ours::frame_copied(&mut copying, &input.chunks);
            assert_eq!(copied, tally, "{case}: feed and feed_bytes give the same events");
            assert_eq!(copying.bytes_scanned(), parser.bytes_scanned(), "{case}");
        }
    }
}

#[test]
fn chat_stream_decodes_every_chunk_of_every_corpus() {
    for corpus in corpus::all() {
        let input = chunking::split(&corpus, Chunking::Upto4096);
        let tally = ours::decode(&ours::as_reads(&input.chunks));
        assert_eq!((tally.items, tally.errors), (corpus.events - 1, 0), "{}", corpus.name);
        let json = ours::decode_json_only(&ours::chunk_datas(&input.chunks));
        assert_eq!(tally, json, "{}", corpus.name);
    }
}

#[test]
fn the_memchr_bound_finds_every_blank_line() {
    let corpus = corpus::content();
    let comments = corpus.ends.len() - corpus.events;
    for chunking in [Chunking::PerEvent, Chunking::Upto64, Chunking::Big256K] {
        let tally = ours::frame_memchr(&chunking::split(&corpus, chunking).chunks);
        assert_eq!(tally.items, corpus.events + comments, "{}", chunking.name());
    }
    let edge = corpus::edge();
    let tally = ours::frame_memchr(&[&edge.bytes]);
    // The final block is `: bye` CR CR `data: [DONE]` CR CR: two blank lines.
    assert_eq!(tally.items, edge.events + 1);
}
