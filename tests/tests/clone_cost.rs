//! A client is cheap to clone on both transports: a clone allocates nothing (the settings,
//! configuration, key redactor and connection pool are shared). Its own test binary, so the
//! counting allocator affects nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers

use naga_protocol::Config;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn blocks() -> u64 {
    dhat::HeapStats::get().total_blocks
}

/// Allocations made by `f`.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = blocks();
    let value = f();
    (value, blocks() - before)
}

fn config() -> Config {
    Config::new("ng-test-key-123")
        .unwrap()
        .with_base_url("http://127.0.0.1:9/v1")
        .unwrap()
        .with_header("x-team", "search")
        .unwrap()
}

#[test]
fn clients_clone_without_allocating() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let _guard = runtime.enter();
    let asynchronous = naga_async::Client::new(config()).unwrap();
    let blocking = naga_blocking::Client::new(config()).unwrap();

    let (clone, allocated) = allocations(|| asynchronous.clone());
    assert_eq!(allocated, 0, "naga-async: {allocated} allocations per clone");
    assert_eq!(clone.config().base_url(), asynchronous.config().base_url());
    let (clone, allocated) = allocations(|| blocking.clone());
    assert_eq!(allocated, 0, "naga-blocking: {allocated} allocations per clone");
    assert_eq!(clone.config().base_url(), blocking.config().base_url());
}
