//! A fixed number of non-streaming requests against naga-mock, for instruction counts under
//! `valgrind --tool=callgrind --separate-threads=yes` (the client is the main thread).
//! Not a benchmark: no timing.
//!
//! `cargo build --release -p naga-bench --example request_profile`, then
//! `valgrind --tool=callgrind --separate-threads=yes target/release/examples/request_profile
//! MODE COUNT` with MODE `blocking` (naga-blocking `chat`) or `ureq` (raw ureq, same bytes).

use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Config, Message};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("blocking", String::as_str);
    let count: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Ok(server_rt) =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()
    else {
        return;
    };
    let server = server_rt.block_on(MockServer::start());
    let Some(config) =
        Config::new("ng-bench").ok().and_then(|c| c.with_base_url(&server.base_url()).ok())
    else {
        return;
    };
    let request =
        ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")]);
    let Ok(http) = naga_protocol::build_request(&config, &request) else { return };
    let Ok(client) = naga_blocking::Client::new(config) else { return };
    let agent = ureq::Agent::new_with_defaults();
    let ok = match mode {
        "ureq" => (0..count).filter(|_| raw_ureq(&agent, &http)).count(),
        _ => (0..count).filter(|_| client.chat(&request).is_ok()).count(),
    };
    println!("{mode}: {ok}/{count} ok");
}

fn raw_ureq(agent: &ureq::Agent, http: &http::Request<bytes::Bytes>) -> bool {
    let mut builder = agent.post(http.uri().to_string());
    for (name, value) in http.headers() {
        builder = builder.header(name, value);
    }
    match builder.send(&http.body()[..]) {
        Ok(mut response) => response.body_mut().read_to_vec().is_ok_and(|body| !body.is_empty()),
        Err(_) => false,
    }
}
