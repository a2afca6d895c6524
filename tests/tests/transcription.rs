//! Speech to text through both transports: a multipart upload the emulator reads back, the
//! same answers and errors from both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_conformance::{Async, Blocking, Failure, Sender, Setup};
use naga_mock::MockServer;
use naga_protocol::{ApiErrorKind, FileUpload, SpeechFormat, SpeechRequest, TranscriptionRequest};

#[test]
fn audio_round_trips_through_speech_and_transcription() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    let speech = SpeechRequest::new("gpt-4o-mini-tts", "alloy", "five words of spoken text")
        .response_format(SpeechFormat::Wav);
    let wav = blocking.send(&speech).unwrap();
    let file = FileUpload::new("speech.wav", wav);
    let transcribe = TranscriptionRequest::transcribe("whisper-1", file.clone()).language("en");
    let text = blocking.send(&transcribe).unwrap();
    assert_eq!(asynchronous.send(&transcribe).unwrap(), text);
    assert_eq!(text.text, "[naga-mock] Transcript of 1.5 s of WAV audio in `speech.wav`.");
    let translate = TranscriptionRequest::translate("whisper-1", file);
    let english = asynchronous.send(&translate).unwrap();
    assert_eq!(blocking.send(&translate).unwrap(), english);
    assert!(
        english.text.starts_with("[naga-mock] English translation of 1.5 s"),
        "{}",
        english.text
    );
    assert_eq!(server.request_count("/v1/audio/transcriptions"), 2);
    assert_eq!(server.request_count("/v1/audio/translations"), 2);
}

#[test]
fn undecodable_audio_and_wrong_models_fail_the_same_way() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    let text_file = FileUpload::new("notes.txt", b"not audio at all".to_vec());
    for (model, file, expected) in [
        ("whisper-1", text_file.clone(), "could not decode the audio in `notes.txt`"),
        (
            "gpt-4o-mini",
            FileUpload::new("a.mp3", b"ID3\x04rest".to_vec()),
            "does not support audio.transcriptions",
        ),
    ] {
        let request = TranscriptionRequest::transcribe(model, file);
        let failure = blocking.send(&request).unwrap_err();
        assert_eq!(asynchronous.send(&request).unwrap_err(), failure);
        let Failure::Api { kind, message, .. } = &failure else { panic!("{failure:?}") };
        assert_eq!(*kind, ApiErrorKind::InvalidRequest);
        assert!(message.contains(expected), "{message}");
    }
}
