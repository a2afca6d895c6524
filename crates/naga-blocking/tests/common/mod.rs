//! Test helpers: the canned loopback server (from `naga_mock::canned`) and what every
//! transport's tests drive their client with (one copy, shared with naga-protocol's tests).
#![allow(dead_code, unreachable_pub, unused_imports)]

#[path = "../../../naga-protocol/tests/transport_kit/mod.rs"]
mod transport_kit;

pub use naga_mock::canned::{CannedServer as Server, Reply, json, refused_url, sse, sse_head};
pub use transport_kit::*;
