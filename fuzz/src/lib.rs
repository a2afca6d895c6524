//! Checks run by the fuzz targets in `fuzz_targets/`, kept in plain functions so that the
//! SDK's normal test suite replays `fuzz/regressions/` through the very same code
//! (`crates/naga-protocol/tests/fuzz_regressions.rs` includes `checks.rs` by path, and
//! `crates/naga-mock/tests/fuzz_regressions.rs` includes `mock_checks.rs`).

pub mod checks;
pub mod mock_checks;
