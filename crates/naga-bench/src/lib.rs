//! Benchmarks of naga-rs against async-openai (see `BENCHMARKS.md` at the repository root).
//!
//! This library holds what needs no peer: the deterministic corpus generator, the
//! chunkings, our contenders, the memchr lower bound and the in-process timer. The peers
//! (async-openai, eventsource-stream) are dev-dependencies used only by `benches/`.
//! `cargo xtask bench` runs `benches/summary.rs`, which prints one table of ratios.

pub mod big_stream;
pub mod chunking;
pub mod corpus;
pub mod ours;
pub mod rng;
pub mod table;
pub mod timing;
