//! One streamed chat completion of COUNT chunks from naga-mock, for instruction counts
//! under `valgrind --tool=callgrind --separate-threads=yes` (the client is the main
//! thread). Not a benchmark: no timing.
//!
//! `stream_profile MODE COUNT` with MODE `async` (naga-async on a current-thread runtime)
//! or `blocking` (naga-blocking).

use futures_util::StreamExt;
use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Config, Message};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("async", String::as_str);
    let count = args.get(2).map_or("10000", String::as_str);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Ok(server_rt) =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()
    else {
        return;
    };
    let server = server_rt.block_on(MockServer::start());
    let Some(config) = Config::new("ng-bench")
        .ok()
        .and_then(|c| c.with_base_url(&server.base_url()).ok())
        .and_then(|c| c.with_header("x-mock-chunks", count).ok())
    else {
        return;
    };
    let request =
        ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")]);
    let items = match mode {
        "blocking" => {
            let Ok(client) = naga_blocking::Client::new(config) else { return };
            let Ok(chunks) = client.chat_stream(&request) else { return };
            chunks.filter(Result::is_ok).count()
        }
        _ => {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            let Ok(client) = naga_async::Client::new(config) else { return };
            rt.block_on(async {
                let Ok(mut chunks) = client.chat_stream(&request).await else { return 0 };
                let mut items = 0;
                while let Some(chunk) = chunks.next().await {
                    items += usize::from(chunk.is_ok());
                }
                items
            })
        }
    };
    println!("{mode}: {items} chunks");
}
