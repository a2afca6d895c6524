//! Speech through both transports: whole (`send`) and as it arrives (`stream`), the same
//! bytes either way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use futures_util::StreamExt;
use naga_conformance::{Async, Blocking, Failure, Sender, Setup};
use naga_mock::MockServer;
use naga_protocol::{SpeechFormat, SpeechRequest};

fn request() -> SpeechRequest {
    SpeechRequest::new("gpt-4o-mini-tts", "alloy", "A lighthouse at dawn over Tokyo Bay")
        .response_format(SpeechFormat::Wav)
}

#[test]
fn whole_and_streamed_audio_are_the_same_bytes() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    let whole = blocking.send(&request()).unwrap();
    assert_eq!(asynchronous.send(&request()).unwrap(), whole);
    assert!(whole.starts_with(b"RIFF") && whole.len() == 44 + 7 * 7_200 * 2, "{}", whole.len());
    let streamed: Vec<u8> = blocking
        .client
        .stream(&request())
        .unwrap()
        .map(Result::unwrap)
        .flat_map(|b| b.to_vec())
        .collect();
    assert_eq!(streamed, whole);
    let streamed_async = asynchronous.runtime.block_on(async {
        let mut chunks = asynchronous.client.stream(&request()).await.unwrap();
        let mut all = Vec::new();
        while let Some(chunk) = chunks.next().await {
            all.extend_from_slice(&chunk.unwrap());
        }
        all
    });
    assert_eq!(streamed_async, whole);
}

#[test]
fn every_format_arrives_the_same_through_both_transports() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    for (format, magic) in [
        (SpeechFormat::Mp3, &[0xFF, 0xF3][..]),
        (SpeechFormat::Aac, &[0xFF, 0xF1]),
        (SpeechFormat::Opus, b"OggS"),
        (SpeechFormat::Flac, b"fLaC"),
        (SpeechFormat::Wav, b"RIFF"),
    ] {
        let request = request().response_format(format.clone());
        let whole = blocking.send(&request).unwrap();
        assert!(whole.starts_with(magic), "{format:?}: {:02x?}", &whole[..4]);
        assert_eq!(asynchronous.send(&request).unwrap(), whole, "{format:?}");
    }
}

#[test]
fn a_refused_request_fails_the_same_way() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    let chat_model = SpeechRequest::new("gpt-4o-mini", "alloy", "Tokyo Bay");
    let failure = blocking.send(&chat_model).unwrap_err();
    assert_eq!(asynchronous.send(&chat_model).unwrap_err(), failure);
    assert!(
        matches!(&failure, Failure::Api { status: Some(400), message, .. } if message.contains("audio.speech")),
        "{failure:?}"
    );
}
