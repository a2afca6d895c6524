//! Code shared by the bench targets (the peers are dev-dependencies, so they live here).
// Each bench target uses a different subset of these helpers.
#![allow(dead_code)]

pub(crate) mod loopback;
pub(crate) mod peer;
