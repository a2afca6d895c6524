//! `cargo xtask <command>`: the one place for developer workflows.
//!
//! - `ci`: everything `.ci/run` runs, in the same order (it runs `.ci/run` itself).
//! - `schemas [--check]`: writes (or checks) the JSON Schemas in `schemas/`.
//! - `bench [FIGURE] [--detailed]`: the benchmarks side by side with the peers, one table.
//! - `fuzz [--seconds N] [--seed S] [--target NAME]`: seeds and runs the libFuzzer targets in `fuzz/`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod fuzz;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => run(Command::new("bash").arg(".ci/run")),
        Some("schemas") => schemas(args.get(1).map(String::as_str)),
        Some("bench") => bench(args.get(1..).unwrap_or_default()),
        Some("fuzz") => fuzz::fuzz(args.get(1..).unwrap_or_default()),
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <ci|schemas [--check]|bench [FIGURE] [--detailed]|fuzz [--seconds N] [--seed S] [--target NAME]>";

/// Writes every wire schema to `schemas/`, or with `--check` fails when a file differs.
fn schemas(flag: Option<&str>) -> Result<(), String> {
    let check = match flag {
        None => false,
        Some("--check") => true,
        Some(other) => return Err(format!("unknown flag `{other}`\n{USAGE}")),
    };
    let dir = workspace_root().join("schemas");
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let mut stale = Vec::new();
    for (stem, schema) in naga_protocol::wire_schemas() {
        let path = dir.join(format!("{stem}.json"));
        let text = naga_protocol::schema_file_text(&schema);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else {
            std::fs::write(&path, text)
                .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!("schemas out of date (run `cargo xtask schemas`): {}", stale.join(", ")))
    }
}

/// Runs the benchmark summary (crates/naga-bench) and prints its one table of ratios.
/// Extra arguments filter figures (e.g. `cargo xtask bench framing`); `--detailed` also
/// runs the divan benches.
fn bench(args: &[String]) -> Result<(), String> {
    let detailed = args.iter().any(|arg| arg == "--detailed");
    let filters = args.iter().filter(|arg| *arg != "--detailed");
    if detailed {
        run(Command::new("cargo").args(["bench", "-p", "naga-bench", "--bench", "sse"]))?;
    }
    run(Command::new("cargo")
        .args(["bench", "-p", "naga-bench", "--bench", "summary", "--"])
        .args(filters))
}

/// The workspace root (the parent of this crate's manifest directory).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Runs a command from the workspace root, failing on a non-zero exit.
fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .current_dir(workspace_root())
        .status()
        .map_err(|err| format!("could not start {command:?}: {err}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} failed with {status}")) }
}
