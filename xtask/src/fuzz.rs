//! `cargo xtask fuzz [--seconds N] [--seed S] [--target NAME]...`: installs cargo-fuzz if
//! needed, seeds the corpora from the provider-stream fixtures, then runs each libFuzzer
//! target for N seconds, one after the other. Any crash, timeout or memory blow-up fails the
//! command. `--seed` fixes libFuzzer's random seed, so a failure is replayed by the same
//! command (CI passes one; without it every run explores differently).

use std::path::Path;
use std::process::Command;

use crate::{run, workspace_root};

mod seeds;

/// Every target in `fuzz/fuzz_targets/`.
pub(crate) const TARGETS: &[&str] =
    &["sse", "chat_stream", "chunk_json", "response", "mock_request"];

/// Seconds per target when `--seconds` is not given.
const DEFAULT_SECONDS: u64 = 60;

/// What to run.
#[derive(Debug)]
struct Plan {
    seconds: u64,
    seed: Option<u64>,
    targets: Vec<String>,
}

/// Runs the fuzz targets named by `args` (all of them by default).
pub(crate) fn fuzz(args: &[String]) -> Result<(), String> {
    let plan = parse_args(args)?;
    let root = workspace_root();
    run(Command::new("bash").arg("scripts/install-fuzz.sh"))?;
    let shared = seeds::fixture_dir(&root)?;
    for target in &plan.targets {
        let written = seeds::write(target, &shared, &root.join("fuzz/corpus").join(target))?;
        println!("fuzz: {target}: {written} seed files up to date");
    }
    run(fuzz_command(&root).args(["build", "--sanitizer", "none"]))?;
    for target in &plan.targets {
        println!("fuzz: running `{target}` for {} s", plan.seconds);
        run(fuzz_command(&root)
            .args(["run", target, "--sanitizer", "none", "--", "-print_final_stats=1"])
            .args(libfuzzer_flags(plan.seconds))
            .args(plan.seed.map(|seed| format!("-seed={seed}"))))
        .map_err(|err| {
            format!("fuzz target `{target}` failed (see fuzz/artifacts/{target}/): {err}")
        })?;
    }
    Ok(())
}

/// `cargo fuzz` started in the fuzz project, with a build that checks arithmetic overflow.
fn fuzz_command(root: &Path) -> Command {
    let mut command = Command::new("cargo");
    command.arg("fuzz").current_dir(root.join("fuzz"));
    command
}

/// Time budget, memory cap (MB) and per-input timeout (s): exceeding either is a failure.
fn libfuzzer_flags(seconds: u64) -> [String; 4] {
    [
        format!("-max_total_time={seconds}"),
        "-rss_limit_mb=2048".to_owned(),
        "-timeout=10".to_owned(),
        "-max_len=65536".to_owned(),
    ]
}

fn parse_args(args: &[String]) -> Result<Plan, String> {
    let mut plan = Plan { seconds: DEFAULT_SECONDS, seed: None, targets: Vec::new() };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--seconds" => {
                plan.seconds = value.parse().map_err(|_| format!("bad --seconds `{value}`"))?;
            }
            "--seed" => {
                plan.seed = Some(value.parse().map_err(|_| format!("bad --seed `{value}`"))?);
            }
            "--target" if TARGETS.contains(&value.as_str()) => plan.targets.push(value.clone()),
            "--target" => return Err(format!("unknown target `{value}` (one of {TARGETS:?})")),
            _ => return Err(format!("unknown flag `{flag}`")),
        }
    }
    if plan.targets.is_empty() {
        plan.targets = TARGETS.iter().map(|&t| t.to_owned()).collect();
    }
    Ok(plan)
}
