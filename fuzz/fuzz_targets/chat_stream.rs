//! Fuzz target `chat_stream`: see `naga_fuzz::checks::chat_stream`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| naga_fuzz::checks::chat_stream(data));
