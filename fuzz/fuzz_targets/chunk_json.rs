//! Fuzz target `chunk_json`: see `naga_fuzz::checks::chunk_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| naga_fuzz::checks::chunk_json(data));
