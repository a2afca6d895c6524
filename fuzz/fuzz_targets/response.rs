//! Fuzz target `response`: see `naga_fuzz::checks::response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| naga_fuzz::checks::response(data));
