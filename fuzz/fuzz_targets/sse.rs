//! Fuzz target `sse`: see `naga_fuzz::checks::sse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| naga_fuzz::checks::sse(data));
