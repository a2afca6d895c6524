//! Test helpers: the canned loopback server (from `naga_mock::canned`) and the tiny
//! operations every transport's tests drive their client with (shared with naga-protocol).
#![allow(dead_code, unreachable_pub, unused_imports)]

#[path = "../../../naga-protocol/tests/operations/mod.rs"]
mod operations;

pub use naga_mock::canned::{CannedServer as Server, Reply, json, refused_url, sse_head};
pub use operations::{Echo, LineDecoder, Lines};
