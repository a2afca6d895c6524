//! One streamed chat completion of COUNT chunks from naga-mock, for instruction counts
//! under `valgrind --tool=callgrind --separate-threads=yes` (the client is the main
//! thread). Not a benchmark: no timing.
//!
//! `stream_profile MODE COUNT` with MODE `async` (naga-async on a current-thread runtime),
//! `blocking` (naga-blocking) or `peer` (async-openai on a current-thread runtime, as in
//! figure 3). Every mode asks for the usage trailer, as figure 3 does.

#[path = "../benches/common/mod.rs"]
mod common;

use common::loopback::{Setup, tokyo};
use futures_util::StreamExt;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("async", String::as_str);
    let count: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let Some(setup) = Setup::start() else { return };
    let Some(config) = setup.config(Some(count)) else { return };
    let request = tokyo().stream_with_usage();
    let items = match mode {
        "blocking" => {
            let Ok(client) = naga_blocking::Client::new(config) else { return };
            let Ok(chunks) = client.chat_stream(&request) else { return };
            chunks.filter(Result::is_ok).count()
        }
        "peer" => {
            let peer = common::peer::openai_client(&setup.server.base_url(), count);
            setup.rt.block_on(common::peer::openai_stream(&peer))
        }
        _ => {
            let Ok(client) = naga_async::Client::new(config) else { return };
            setup.rt.block_on(async {
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
