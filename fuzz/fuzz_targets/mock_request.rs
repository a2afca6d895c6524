//! Fuzz target `mock_request`: see `naga_fuzz::mock_checks::mock_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| naga_fuzz::mock_checks::mock_request(data));
