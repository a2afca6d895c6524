//! Figures 3 and 4: end to end over loopback against naga-mock.
//!
//! The mock runs on its own tokio runtime (one worker thread); the clients run on the bench
//! thread (naga-async and async-openai on a current-thread runtime, so their tasks stay on
//! this thread, and on a multi-thread runtime as `#[tokio::main]` builds it). Client CPU
//! time is the run time of every thread of the process but the mock's, from
//! `/proc/self/task/*/schedstat`.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use naga_bench::table::{Row, rate, times, verdict};
use naga_bench::timing::{median, paired_ratio, round_order};
use naga_protocol::ChatRequest;

pub(crate) use crate::common::loopback::Setup;
use crate::common::loopback::{SERVER_THREAD, raw_reqwest, raw_reqwest_frames, raw_ureq, tokyo};

/// Content chunks per streamed answer (`x-mock-chunks`).
const CHUNKS: usize = 10_000;
/// Interleaved rounds for the streaming figure.
const STREAM_ROUNDS: usize = 7;
/// Requests per pass and interleaved rounds for the non-streaming figure.
const REQUESTS: usize = 200;
const REQUEST_ROUNDS: usize = 41;

/// Wall and client-thread CPU time of one pass, and the chunks it saw.
#[derive(Clone, Copy)]
struct Pass {
    wall: Duration,
    cpu: Duration,
    items: usize,
}

/// The CPU time so far of every thread of this process but the mock's server threads.
fn client_cpu() -> Duration {
    let Ok(threads) = std::fs::read_dir("/proc/self/task") else { return Duration::ZERO };
    let nanos = threads
        .flatten()
        .filter(|thread| {
            let name = std::fs::read_to_string(thread.path().join("comm")).unwrap_or_default();
            name.trim_end() != SERVER_THREAD
        })
        .filter_map(|thread| std::fs::read_to_string(thread.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

fn measure(run: &mut dyn FnMut() -> usize) -> Pass {
    let (start, cpu) = (Instant::now(), client_cpu());
    let items = run();
    Pass { wall: start.elapsed(), cpu: client_cpu().saturating_sub(cpu), items }
}

/// One contender's passes, round by round.
struct Passes(Vec<Pass>);

impl Passes {
    /// The median wall time, the median CPU time (each over every pass) and the items seen.
    fn median(&self) -> Pass {
        Pass {
            wall: median(self.0.iter().map(|p| p.wall).collect()),
            cpu: median(self.0.iter().map(|p| p.cpu).collect()),
            items: self.0.first().map_or(0, |p| p.items),
        }
    }

    /// How many times more wall time (`cpu` false) or CPU time these passes take than
    /// `other`'s, paired by round ([`paired_ratio`]).
    fn ratio_to(&self, other: &Passes, cpu: bool) -> f64 {
        let time = |passes: &Passes| -> Vec<Duration> {
            passes.0.iter().map(|p| if cpu { p.cpu } else { p.wall }).collect()
        };
        paired_ratio(&time(self), &time(other))
    }
}

/// Runs every contender once (warm-up), then `rounds` interleaved rounds (every other one in
/// reverse order); every contender's passes.
fn rounds(contenders: &mut [&mut dyn FnMut() -> usize], rounds: usize) -> Vec<Passes> {
    for run in contenders.iter_mut() {
        measure(*run); // warm-up, not kept
    }
    let mut passes: Vec<Passes> =
        contenders.iter().map(|_| Passes(Vec::with_capacity(rounds))).collect();
    for round in 0..rounds {
        for i in round_order(round, contenders.len()) {
            if let (Some(run), Some(seen)) = (contenders.get_mut(i), passes.get_mut(i)) {
                seen.0.push(measure(*run));
            }
        }
    }
    passes
}

/// [`rounds`] of two contenders alone: `a`'s and `b`'s passes. Every ratio of figures 3 and
/// 4 comes from such a race: in alternating order each of the two follows itself and the
/// other equally often. Raced with others, the contenders in the middle of the order never
/// follow themselves, and a pass that follows a different kind of client (async after
/// blocking, or the reverse) is slower: with naga-async, raw reqwest, naga-blocking and raw
/// ureq in one race, naga-blocking measured 1.04-1.08x raw ureq and naga-blocking alone
/// with raw ureq 0.94-0.97x; naga-async, flattered the other way, 0.94-0.95x raw reqwest
/// against 1.00-1.02x alone (2026-11-27, `docs/benchmarks-history.md`).
fn pair(
    a: &mut dyn FnMut() -> usize,
    b: &mut dyn FnMut() -> usize,
    count: usize,
) -> (Passes, Passes) {
    let mut passes = rounds(&mut [a, b], count).into_iter();
    let first = passes.next().unwrap_or(Passes(Vec::new()));
    (first, passes.next().unwrap_or(Passes(Vec::new())))
}

/// Figure 3: a 10,000-chunk stream with naga-async, async-openai and naga-blocking. The async
/// clients are measured on a current-thread and a multi-thread runtime, each way twice:
/// consumed by the `block_on` future itself (as in a `main` function) and inside a spawned
/// task (as in a tokio service); on each runtime a report row puts naga-async against the
/// floor (see `floor_row`), and another one naga-async built with `read_ahead(false)`
/// against async-openai (see `in_place_row`).
pub(crate) fn streaming(setup: &Setup, rows: &mut Vec<Row>) {
    streaming_on(setup, &setup.rt, "current-thread", rows);
    // Default workers, as `#[tokio::main]` builds it; only this figure needs it.
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(multi) => streaming_on(setup, &multi, "multi-thread", rows),
        Err(err) => {
            eprintln!("WARNING: no multi-thread runtime ({err}); its figure 3 rows skipped")
        }
    }
}

/// Figure 3's two rows for one client runtime, and its floor row.
fn streaming_on(setup: &Setup, rt: &tokio::runtime::Runtime, name: &str, rows: &mut Vec<Row>) {
    let Some(config) = setup.config(Some(CHUNKS)) else { return };
    let request = tokyo().stream_with_usage();
    let http = naga_protocol::build_request(&config, &request).ok();
    let (Ok(ours), Ok(in_place), Ok(blocking)) = (
        naga_async::Client::new(config.clone()),
        naga_async::Client::builder().config(config.clone()).read_ahead(false).build(),
        naga_blocking::Client::new(config),
    ) else {
        return;
    };
    let peer = crate::common::peer::openai_client(&setup.server.base_url(), CHUNKS);
    let mut run_ours = || rt.block_on(async_stream(ours.clone(), request.clone()));
    let mut run_peer = || rt.block_on(crate::common::peer::openai_stream(&peer));
    let mut run_blocking = || blocking_stream(&blocking, &request);
    let mut run_ours_task = || {
        let task = async_stream(ours.clone(), request.clone());
        rt.block_on(rt.spawn(task)).unwrap_or(0)
    };
    let mut run_peer_task = || {
        let peer = peer.clone();
        let task = async move { crate::common::peer::openai_stream(&peer).await };
        rt.block_on(rt.spawn(task)).unwrap_or(0)
    };
    // Each ratio comes from a race of its two contenders alone (see `pair`).
    let (us, them) = pair(&mut run_ours, &mut run_peer, STREAM_ROUNDS);
    let (us_ref, sync) = pair(&mut run_ours, &mut run_blocking, STREAM_ROUNDS);
    let (us_task, them_task) = pair(&mut run_ours_task, &mut run_peer_task, STREAM_ROUNDS);
    let (us_task_ref, sync_task) = pair(&mut run_ours_task, &mut run_blocking, STREAM_ROUNDS);
    let block_on = format!("{name} runtime, consumed by `block_on`");
    rows.push(stream_row(&block_on, [&us, &them], [&us_ref, &sync]));
    let task = format!("{name} runtime, consumed in a spawned task");
    rows.push(stream_row(&task, [&us_task, &them_task], [&us_task_ref, &sync_task]));
    if let Some(http) = http {
        rows.push(floor_row(rt, name, http, &mut run_ours_task));
    }
    let mut run_in_place = || rt.block_on(async_stream(in_place.clone(), request.clone()));
    let mut run_in_place_task = || {
        let task = async_stream(in_place.clone(), request.clone());
        rt.block_on(rt.spawn(task)).unwrap_or(0)
    };
    let block_on = pair(&mut run_in_place, &mut run_peer, STREAM_ROUNDS);
    let task = pair(&mut run_in_place_task, &mut run_peer_task, STREAM_ROUNDS);
    rows.push(in_place_row(name, block_on, task));
}

/// Figure 3's in-place row (report): naga-async built with `read_ahead(false)` (no relay
/// task; the body read where the stream is polled) against async-openai, consumed by
/// `block_on` and in a spawned task, each pair raced alone; what that switch costs.
fn in_place_row(name: &str, block_on: (Passes, Passes), task: (Passes, Passes)) -> Row {
    let speedup = |(us, them): &(Passes, Passes)| times(them.ratio_to(us, false));
    Row {
        figure: "3 in place".into(),
        case: format!(
            "{name} runtime, naga-async with `read_ahead(false)` vs async-openai: consumed by `block_on` / in a spawned task"
        ),
        vs_peer: format!("{} / {} wall", speedup(&block_on), speedup(&task)),
        verdict: "report".into(),
        ..Row::default()
    }
}

/// Figure 3's floor (report): naga-async consumed in a spawned task (`run_ours_task`)
/// against raw reqwest sending `http` (the bytes of naga-async's request) and counting the
/// same stream's frames in a spawned task on `rt`. The raw
/// loop parses nothing: the time it takes is what hyper's connection task, the body's
/// hand-over and the runtime's wake-ups cost any client built on reqwest (async-openai
/// included), so the ratio shows how much of naga-async's time is its own.
fn floor_row(
    rt: &tokio::runtime::Runtime,
    name: &str,
    http: http::Request<bytes::Bytes>,
    run_ours_task: &mut dyn FnMut() -> usize,
) -> Row {
    let raw = reqwest::Client::new();
    let mut run_raw = || {
        let (raw, http) = (raw.clone(), http.clone());
        rt.block_on(rt.spawn(async move { raw_reqwest_frames(&raw, &http).await })).unwrap_or(0)
    };
    let (us, floor) = pair(run_ours_task, &mut run_raw, STREAM_ROUNDS);
    let (us_median, floor_median) = (us.median(), floor.median());
    let per = |p: Pass| rate(p.items as f64 / p.wall.as_secs_f64());
    Row {
        figure: "3 floor".into(),
        case: format!(
            "{name} runtime, spawned task: naga-async vs raw reqwest counting the frames of the same stream (ref; items {}/{})",
            us_median.items, floor_median.items
        ),
        ours: per(us_median),
        reference: per(floor_median),
        vs_reference: format!(
            "{} wall, {} CPU",
            times(us.ratio_to(&floor, false)),
            times(us.ratio_to(&floor, true))
        ),
        verdict: "report".into(),
        ..Row::default()
    }
}

/// One figure-3 row: naga-async vs async-openai (`peer`, one race), and naga-async vs
/// naga-blocking as the reference (`reference`, another race).
fn stream_row(how: &str, peer: [&Passes; 2], reference: [&Passes; 2]) -> Row {
    let [us_passes, them_passes] = peer;
    let [us_ref_passes, sync_passes] = reference;
    let speedup = them_passes.ratio_to(us_passes, false);
    let cpu_speedup = them_passes.ratio_to(us_passes, true);
    let to_sync = us_ref_passes.ratio_to(sync_passes, false);
    let (us, them, sync) = (us_passes.median(), them_passes.median(), sync_passes.median());
    let per = |p: Pass| {
        format!(
            "{} ({:.2} µs CPU/ev)",
            rate(p.items as f64 / p.wall.as_secs_f64()),
            p.cpu.as_secs_f64() * 1e6 / p.items.max(1) as f64
        )
    };
    Row {
        figure: "3 e2e".into(),
        case: format!(
            "{CHUNKS}-chunk stream over loopback, {how} (ours = naga-async, ref = naga-blocking; items {}/{}/{})",
            us.items, them.items, sync.items
        ),
        ours: per(us),
        peer: per(them),
        reference: per(sync),
        vs_peer: format!("{} wall, {} CPU", times(speedup), times(cpu_speedup)),
        vs_reference: times(to_sync),
        verdict: verdict(speedup >= 1.5, || format!("{speedup:.2}x < 1.5x")),
    }
}

async fn async_stream(client: naga_async::Client, request: ChatRequest) -> usize {
    let Ok(mut chunks) = client.chat_stream(&request).await else { return 0 };
    let mut items = 0;
    while let Some(chunk) = chunks.next().await {
        items += usize::from(chunk.is_ok());
    }
    items
}

fn blocking_stream(client: &naga_blocking::Client, request: &ChatRequest) -> usize {
    let Ok(chunks) = client.chat_stream(request) else { return 0 };
    chunks.filter(Result::is_ok).count()
}

/// Figure 4: non-streaming request overhead against the raw HTTP clients.
pub(crate) fn requests(setup: &Setup, rows: &mut Vec<Row>) {
    let Some(config) = setup.config(None) else { return };
    let request = tokyo();
    let Ok(http) = naga_protocol::build_request(&config, &request) else { return };
    let (Ok(ours), Ok(blocking)) =
        (naga_async::Client::new(config.clone()), naga_blocking::Client::new(config))
    else {
        return;
    };
    let raw_async = reqwest::Client::new();
    let raw_blocking = ureq::Agent::new_with_defaults();
    let mut run_ours = || {
        setup.rt.block_on(async {
            let mut ok = 0;
            for _ in 0..REQUESTS {
                ok += usize::from(ours.chat(&request).await.is_ok());
            }
            ok
        })
    };
    let mut run_reqwest = || {
        setup.rt.block_on(async {
            let mut ok = 0;
            for _ in 0..REQUESTS {
                ok += usize::from(raw_reqwest(&raw_async, &http).await);
            }
            ok
        })
    };
    let mut run_blocking = || (0..REQUESTS).filter(|_| blocking.chat(&request).is_ok()).count();
    let mut run_ureq = || (0..REQUESTS).filter(|_| raw_ureq(&raw_blocking, &http)).count();
    let (us, reqwest) = pair(&mut run_ours, &mut run_reqwest, REQUEST_ROUNDS);
    let (sync, ureq) = pair(&mut run_blocking, &mut run_ureq, REQUEST_ROUNDS);
    for (name, ours_passes, raw_passes, raw_name) in [
        ("naga-async vs reqwest", &us, &reqwest, "reqwest"),
        ("naga-blocking vs ureq", &sync, &ureq, "ureq"),
    ] {
        let overhead = ours_passes.ratio_to(raw_passes, false);
        let cpu_overhead = ours_passes.ratio_to(raw_passes, true);
        let (ours, raw) = (ours_passes.median(), raw_passes.median());
        let per = |p: Pass| {
            format!("{} req/s", rate(p.items as f64 / p.wall.as_secs_f64()).trim_end_matches("/s"))
        };
        rows.push(Row {
            figure: "4 request".into(),
            case: format!("non-streaming chat, {name} (ref = raw {raw_name}, same bytes)"),
            ours: per(ours),
            reference: per(raw),
            vs_reference: format!("{} wall, {} CPU", times(overhead), times(cpu_overhead)),
            verdict: verdict(overhead <= 1.05, || format!("{overhead:.2}x > 1.05x")),
            ..Row::default()
        });
    }
}
