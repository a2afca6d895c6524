//! `cargo xtask bench`: every figure in one process, printed as one markdown table.
//!
//! Ratios compare contenders timed in the same run, interleaved: the median over rounds of
//! their pass times' ratio within a round (rates are from median pass times).

mod common;
mod e2e;
mod memory;
mod protocol;

use naga_bench::corpus;
use naga_bench::table::{Row, print};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, case] = args.as_slice()
        && flag == "--child"
    {
        memory::child(case);
        return;
    }
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    let wanted = |figure: &str| filter.as_deref().is_none_or(|f| figure.contains(f));
    let corpora = corpus::all();
    let mut rows: Vec<Row> = Vec::new();
    if wanted("framing") {
        protocol::framing(&corpora, &mut rows);
    }
    if wanted("decode") {
        protocol::decoding(&corpora, &mut rows);
    }
    if wanted("build") {
        protocol::request_build(&mut rows);
    }
    if wanted("e2e") || wanted("request") {
        match e2e::Setup::start() {
            Some(setup) => {
                if wanted("e2e") {
                    e2e::streaming(&setup, &mut rows);
                }
                if wanted("request") {
                    e2e::requests(&setup, &mut rows);
                }
            }
            None => eprintln!("WARNING: could not start naga-mock; figures 3 and 4 skipped"),
        }
    }
    if wanted("memory") {
        memory::peak_rss(&mut rows);
    }
    print_machine();
    print("naga-rs vs async-openai", ["ours", "peer", "reference"], &rows);
}

/// The machine line BENCHMARKS.md records: cores, CPU (model name, family and model
/// numbers, whether it has AVX-512: shared machines that all say `AMD EPYC` differ in the
/// ratios, see BENCHMARKS.md), compiler, date.
fn print_machine() {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .map_or_else(|_| String::new(), |info| cpu_of(&info));
    let output = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .output()
            .ok()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let rustc = output("rustc", &["-V"]);
    let date = output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    println!("\nmachine: nproc {cores}, CPU {cpu}, {rustc}, {date}");
}

/// The first processor of `/proc/cpuinfo` as `NAME (family F, model M, AVX-512)`, or with
/// `no AVX-512`.
fn cpu_of(info: &str) -> String {
    let field = |name: &str| {
        let line = info.lines().find(|line| line.split(':').next().map(str::trim) == Some(name))?;
        Some(line.split_once(':')?.1.trim())
    };
    let name = field("model name").unwrap_or("unknown");
    let flags = field("flags").unwrap_or_default();
    let vector =
        if flags.split(' ').any(|flag| flag == "avx512f") { "AVX-512" } else { "no AVX-512" };
    match (field("cpu family"), field("model")) {
        (Some(family), Some(model)) => format!("{name} (family {family}, model {model}, {vector})"),
        _ => format!("{name} ({vector})"),
    }
}
