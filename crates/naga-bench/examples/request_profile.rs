//! A fixed number of non-streaming requests against naga-mock, for instruction counts under
//! `valgrind --tool=callgrind --separate-threads=yes` (the client is the main thread) and
//! syscall counts under `strace -f -c`. Not a benchmark: no timing.
//!
//! `cargo build --release -p naga-bench --example request_profile`, then
//! `valgrind --tool=callgrind --separate-threads=yes target/release/examples/request_profile
//! MODE COUNT` with MODE `blocking` (naga-blocking `chat`), `ureq` (raw ureq, same bytes),
//! `async` (naga-async `chat` on a current-thread runtime) or `reqwest` (raw reqwest, same
//! bytes, same runtime).

#[path = "../benches/common/mod.rs"]
mod common;

use common::loopback::{Setup, raw_reqwest, raw_ureq, tokyo};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("blocking", String::as_str);
    let count: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200);
    let Some(setup) = Setup::start() else { return };
    let Some(config) = setup.config(None) else { return };
    let request = tokyo();
    let Ok(http) = naga_protocol::build_request(&config, &request) else { return };
    let ok = match mode {
        "ureq" => {
            let agent = ureq::Agent::new_with_defaults();
            (0..count).filter(|_| raw_ureq(&agent, &http)).count()
        }
        "reqwest" => {
            let client = reqwest::Client::new();
            let run = async {
                let mut ok = 0;
                for _ in 0..count {
                    ok += usize::from(raw_reqwest(&client, &http).await);
                }
                ok
            };
            setup.rt.block_on(run)
        }
        "async" => {
            let Ok(client) = naga_async::Client::new(config) else { return };
            let run = async {
                let mut ok = 0;
                for _ in 0..count {
                    ok += usize::from(client.chat(&request).await.is_ok());
                }
                ok
            };
            setup.rt.block_on(run)
        }
        _ => {
            let Ok(client) = naga_blocking::Client::new(config) else { return };
            (0..count).filter(|_| client.chat(&request).is_ok()).count()
        }
    };
    println!("{mode}: {ok}/{count} ok");
}
