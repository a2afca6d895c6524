//! A fixed number of non-streaming requests against naga-mock, for instruction counts under
//! `valgrind --tool=callgrind --separate-threads=yes` (the client is the main thread).
//! Not a benchmark: no timing.
//!
//! `cargo build --release -p naga-bench --example request_profile`, then
//! `valgrind --tool=callgrind --separate-threads=yes target/release/examples/request_profile
//! MODE COUNT` with MODE `blocking` (naga-blocking `chat`) or `ureq` (raw ureq, same bytes).

#[path = "../benches/common/mod.rs"]
mod common;

use common::loopback::{Setup, raw_ureq, tokyo};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("blocking", String::as_str);
    let count: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200);
    let Some(setup) = Setup::start() else { return };
    let Some(config) = setup.config(None) else { return };
    let request = tokyo();
    let Ok(http) = naga_protocol::build_request(&config, &request) else { return };
    let Ok(client) = naga_blocking::Client::new(config) else { return };
    let agent = ureq::Agent::new_with_defaults();
    let ok = match mode {
        "ureq" => (0..count).filter(|_| raw_ureq(&agent, &http)).count(),
        _ => (0..count).filter(|_| client.chat(&request).is_ok()).count(),
    };
    println!("{mode}: {ok}/{count} ok");
}
