//! Figures 1, 2 and 6: pure protocol work on prepared input, ours vs the peer.

use std::time::Duration;

use naga_bench::chunking::{self, Chunking};
use naga_bench::corpus::Corpus;
use naga_bench::ours;
use naga_bench::table::{Row, rate, times, verdict};
use naga_bench::timing::{Contender, race};
use naga_protocol::SseParser;

use crate::common::peer;

/// Time spent per race (all contenders of one row together).
const BUDGET: Duration = Duration::from_millis(1500);

/// Figure 1: SSE framing, ours vs eventsource-stream vs the memchr lower bound.
pub(crate) fn framing(corpora: &[Corpus], rows: &mut Vec<Row>) {
    for corpus in corpora {
        for chunking in Chunking::ALL {
            let input = chunking::split(corpus, chunking);
            let chunks = input.chunks.as_slice();
            let reads = ours::as_reads(chunks);
            let mut contenders = [
                Contender::new("ours", || ours::frame(&mut SseParser::new(), &reads)),
                Contender::new("eventsource-stream", || peer::frame(chunks)),
                Contender::new("memchr", || ours::frame_memchr(chunks)),
            ];
            let Ok([us, them, bound]) = <[_; 3]>::try_from(race(&mut contenders, BUDGET)) else {
                return;
            };
            check(corpus.name, chunking, "ours", us.tally.items, input.events);
            check(corpus.name, chunking, "eventsource-stream", them.tally.items, input.events);
            let speedup = them.ratio_to(&us);
            let to_bound = us.ratio_to(&bound);
            let ns = us.nanos_per(input.events);
            rows.push(Row {
                figure: "1 framing".into(),
                case: format!("{} / {}", corpus.name, chunking.name()),
                ours: format!("{} ({ns:.0} ns/ev)", rate(us.per_second(input.events))),
                peer: rate(them.per_second(input.events)),
                reference: rate(bound.per_second(input.events)),
                vs_peer: times(speedup),
                vs_reference: times(to_bound),
                verdict: verdict(speedup >= 10.0 && to_bound <= 3.0, || {
                    let mut why = Vec::new();
                    if speedup < 10.0 {
                        why.push(format!("{speedup:.1}x < 10x peer"));
                    }
                    if to_bound > 3.0 {
                        why.push(format!("{to_bound:.1}x > 3x bound"));
                    }
                    why.join(", ")
                }),
            });
        }
        rows.push(growth_row(corpus));
    }
}

/// The per-event cost at 256 KiB reads against the cheapest chunking, every chunking timed
/// in one interleaved race (costs from separate races would compare moments of a noisy
/// machine rather than chunkings).
fn growth_row(corpus: &Corpus) -> Row {
    let inputs: Vec<_> = Chunking::ALL.iter().map(|&c| chunking::split(corpus, c)).collect();
    let reads: Vec<_> = inputs.iter().map(|input| ours::as_reads(&input.chunks)).collect();
    let mut contenders: Vec<_> = reads
        .iter()
        .map(|reads| Contender::new("ours", || ours::frame(&mut SseParser::new(), reads)))
        .collect();
    let samples = race(&mut contenders, BUDGET);
    let costs: Vec<f64> =
        samples.iter().zip(&inputs).map(|(sample, input)| sample.nanos_per(input.events)).collect();
    let big = costs.last().copied().unwrap_or_default();
    let smallest = costs.iter().copied().fold(f64::INFINITY, f64::min);
    let growth = big / smallest;
    Row {
        figure: "1 growth".into(),
        case: format!("{}: ns/event at 256 KiB vs cheapest chunking", corpus.name),
        ours: format!("{big:.0} ns/ev"),
        reference: format!("{smallest:.0} ns/ev"),
        vs_reference: times(growth),
        verdict: verdict(growth <= 1.25, || format!("grows {growth:.2}x")),
        ..Row::default()
    }
}

/// Figure 2: framing + typed decoding, ours vs eventsource-stream + async-openai's chunk.
pub(crate) fn decoding(corpora: &[Corpus], rows: &mut Vec<Row>) {
    for corpus in corpora {
        for chunking in Chunking::ALL {
            let input = chunking::split(corpus, chunking);
            let chunks = input.chunks.as_slice();
            let datas = ours::chunk_datas(chunks);
            let reads = ours::as_reads(chunks);
            let mut contenders = [
                Contender::new("ours", || ours::decode(&reads)),
                Contender::new("async-openai", || peer::decode(chunks)),
                Contender::new("ours json-only", || ours::decode_json_only(&datas)),
            ];
            let Ok([us, them, json]) = <[_; 3]>::try_from(race(&mut contenders, BUDGET)) else {
                return;
            };
            check(corpus.name, chunking, "ours", us.tally.items, datas.len());
            check(corpus.name, chunking, "async-openai", them.tally.items, datas.len());
            let speedup = them.ratio_to(&us);
            let to_json = us.ratio_to(&json);
            rows.push(Row {
                figure: "2 decode".into(),
                case: format!("{} / {}", corpus.name, chunking.name()),
                ours: rate(us.per_second(input.events)),
                peer: rate(them.per_second(input.events)),
                reference: rate(json.per_second(input.events)),
                vs_peer: times(speedup),
                vs_reference: times(to_json),
                verdict: verdict(speedup >= 2.0 && to_json <= 1.15, || {
                    let mut why = Vec::new();
                    if speedup < 2.0 {
                        why.push(format!("{speedup:.2}x < 2x peer"));
                    }
                    if to_json > 1.15 {
                        why.push(format!("{to_json:.2}x > 1.15x json-only"));
                    }
                    why.join(", ")
                }),
            });
        }
        rows.push(json_row(corpus));
        rows.push(reused_row(corpus));
    }
}

/// Figure 2 (report): `ChatStream::next_chunk_into` with one reused chunk (no allocation
/// per chunk once warm) against `next_chunk` and the peer, one read per event.
fn reused_row(corpus: &Corpus) -> Row {
    let input = chunking::split(corpus, Chunking::PerEvent);
    let chunks = input.chunks.as_slice();
    let reads = ours::as_reads(chunks);
    let mut contenders = [
        Contender::new("ours next_chunk_into", || ours::decode_into(&reads)),
        Contender::new("async-openai", || peer::decode(chunks)),
        Contender::new("ours next_chunk", || ours::decode(&reads)),
    ];
    let Ok([into, them, us]) = <[_; 3]>::try_from(race(&mut contenders, BUDGET)) else {
        return Row::default();
    };
    check(
        corpus.name,
        Chunking::PerEvent,
        "ours next_chunk_into",
        into.tally.items,
        us.tally.items,
    );
    Row {
        figure: "2 reused".into(),
        case: format!(
            "{} / per event: `next_chunk_into`, one chunk reused (ref = `next_chunk`)",
            corpus.name
        ),
        ours: rate(into.per_second(input.events)),
        peer: rate(them.per_second(input.events)),
        reference: rate(us.per_second(input.events)),
        vs_peer: times(them.ratio_to(&into)),
        vs_reference: times(into.ratio_to(&us)),
        verdict: "report".into(),
    }
}

/// What limits figure 2: the JSON-only cost of our chunk type against async-openai's.
fn json_row(corpus: &Corpus) -> Row {
    let input = chunking::split(corpus, Chunking::PerEvent);
    let datas = ours::chunk_datas(&input.chunks);
    let mut contenders = [
        Contender::new("ours json-only", || ours::decode_json_only(&datas)),
        Contender::new("async-openai json-only", || peer::decode_json_only(&datas)),
    ];
    let Ok([us, them]) = <[_; 2]>::try_from(race(&mut contenders, BUDGET)) else {
        return Row::default();
    };
    Row {
        figure: "2 json".into(),
        case: format!("{}: JSON only, our chunk type vs async-openai's", corpus.name),
        ours: rate(us.per_second(datas.len())),
        peer: rate(them.per_second(datas.len())),
        vs_peer: times(them.ratio_to(&us)),
        verdict: "report".into(),
        ..Row::default()
    }
}

/// Figure 6 (report only): build + serialize the reference page's example request.
pub(crate) fn request_build(rows: &mut Vec<Row>) {
    const N: usize = 10_000;
    let mut contenders = [
        Contender::new("ours", || ours_builds(N)),
        Contender::new("async-openai", || peer::builds(N)),
    ];
    let Ok([us, them]) = <[_; 2]>::try_from(race(&mut contenders, BUDGET)) else { return };
    rows.push(Row {
        figure: "6 build".into(),
        case: "reference example request: build + serialize".into(),
        ours: rate(us.per_second(N)),
        peer: rate(them.per_second(N)),
        vs_peer: times(them.ratio_to(&us)),
        verdict: "report".into(),
        ..Row::default()
    });
}

/// `n` times: the example `ChatRequest` and its `http::Request` (URL, headers, JSON body).
fn ours_builds(n: usize) -> ours::Tally {
    let mut tally = ours::Tally::default();
    let Ok(config) = naga_protocol::Config::new("ng-example") else { return tally };
    for _ in 0..n {
        let request = naga_protocol::ChatRequest::new(
            "gpt-4o-mini",
            [naga_protocol::Message::user("Write a two-line summary of Tokyo.")],
        );
        match naga_protocol::build_request(&config, &request) {
            Ok(http) => {
                tally.items += 1;
                tally.bytes += http.body().len();
            }
            Err(_) => tally.errors += 1,
        }
    }
    tally
}

/// Every contender must see the same events; a bench of a wrong answer is worthless.
fn check(corpus: &str, chunking: Chunking, who: &str, got: usize, want: usize) {
    if got != want {
        eprintln!("WARNING {corpus} / {}: {who} saw {got} items, expected {want}", chunking.name());
    }
}
