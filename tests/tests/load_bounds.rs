//! The emulator under repeated load: bounded memory, no leaked connections. Its own test
//! binary, so no other test opens sockets while file descriptors are counted.

use std::time::{Duration, Instant};

use naga_conformance::{Async, CHAT_PATH, Setup};
use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Message};

fn request(i: usize) -> ChatRequest {
    let text = format!("Name landmark number {} in Tokyo.", i % 10);
    ChatRequest::new("gpt-4o-mini", [Message::user(text)]).stream_with_usage()
}

/// Open file descriptors of this process (client and emulator sockets included).
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(Iterator::count).unwrap_or(0)
}

/// Resident memory of this process in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).unwrap_or("VmRSS: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[test]
fn emulator_under_repeated_load_keeps_memory_and_connections_bounded() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let fds_before = open_fds();
    let round = |transport: &Async| {
        transport.runtime.block_on(async {
            let tasks: Vec<_> = (0..200)
                .map(|i| {
                    let client = transport.client.clone();
                    tokio::spawn(async move {
                        client.chat_stream(&request(i)).await.ok()?.into_completion().await.ok()
                    })
                })
                .collect();
            let mut done = 0;
            for task in tasks {
                done += usize::from(matches!(task.await, Ok(Some(_))));
            }
            done
        })
    };
    // Warm up (pools, allocator arenas), then measure growth over more rounds.
    let transport = Async::new(&setup);
    assert_eq!(round(&transport), 200);
    let rss_warm = rss_kib();
    for _ in 0..4 {
        assert_eq!(round(&transport), 200);
    }
    let growth_kib = rss_kib().saturating_sub(rss_warm);
    assert!(growth_kib < 32 * 1024, "memory grew by {growth_kib} KiB over 800 streams");
    assert_eq!(server.request_count(CHAT_PATH), 1000);
    assert!(server.requests().len() <= naga_mock::MAX_RECORDED_REQUESTS);
    // Dropping the client (and its runtime) closes every connection on both sides.
    drop(transport);
    let deadline = Instant::now() + Duration::from_secs(5);
    while open_fds() > fds_before + 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(open_fds() <= fds_before + 2, "fds: {} before, {} after", fds_before, open_fds());
}
