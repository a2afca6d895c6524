#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // tests

use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::*;
use crate::{Config, build_request, parse_response};

fn invalid_field(request: &SpeechRequest) -> String {
    match request.validate() {
        Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[test]
fn request_is_json_and_asks_for_audio() {
    let request = SpeechRequest::new("gpt-4o-mini-tts", "coral", "Hello")
        .speed(1.5)
        .instructions("cheerful")
        .response_format(SpeechFormat::Wav);
    let http = build_request(&Config::new("ng-key").unwrap(), &request).unwrap();
    assert_eq!(http.uri(), "https://api.naga.ac/v1/audio/speech");
    assert_eq!(http.headers()["content-type"], "application/json");
    assert_eq!(http.headers()["accept"], "audio/*, application/json;q=0.5");
    let body: Value = serde_json::from_slice(http.body()).unwrap();
    assert_eq!(
        body,
        json!({"model": "gpt-4o-mini-tts", "input": "Hello", "voice": "coral", "speed": 1.5,
               "instructions": "cheerful", "response_format": "wav"})
    );
}

#[test]
fn bad_requests_are_rejected_before_sending() {
    let ok = || SpeechRequest::new("m", "alloy", "hi");
    assert_eq!(invalid_field(&SpeechRequest::new("", "alloy", "hi")), "model");
    assert_eq!(invalid_field(&SpeechRequest::new("m", "alloy", " ")), "input");
    let long = "x".repeat(MAX_SPEECH_INPUT_CHARS + 1);
    assert_eq!(invalid_field(&SpeechRequest::new("m", "alloy", long)), "input");
    assert_eq!(invalid_field(&SpeechRequest::new("m", "", "hi")), "voice");
    for speed in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(invalid_field(&ok().speed(speed)), "speed", "{speed}");
    }
    assert_eq!(invalid_field(&ok().response_format("ogg".into())), "response_format");
}

#[test]
fn the_body_is_the_audio_and_errors_are_json() {
    let audio = b"RIFF\x24\0\0\0WAVEfmt ";
    let whole = parse_response::<SpeechRequest>(StatusCode::OK, &HeaderMap::new(), audio);
    assert_eq!(whole.unwrap(), audio);
    let body = br#"{"error":{"type":"invalid_request_error","message":"unknown voice"}}"#;
    let err = parse_response::<SpeechRequest>(StatusCode::BAD_REQUEST, &HeaderMap::new(), body);
    assert_eq!(err.unwrap_err().api().map(|api| api.message.as_str()), Some("unknown voice"));
}

#[test]
fn chunks_pass_through_in_order_without_copies() {
    let mut decoder = SpeechRequest::new("m", "alloy", "hi").decoder();
    let read = Bytes::from_static(b"RIFF....");
    decoder.feed_bytes(read.clone());
    let first = decoder.next_item().unwrap().unwrap();
    assert_eq!(first.as_ptr(), read.as_ptr(), "the read itself");
    assert!(decoder.next_item().is_none());
    decoder.feed(b"WAVE");
    decoder.feed_bytes(Bytes::new());
    decoder.feed(b"fmt ");
    assert_eq!(decoder.next_item().unwrap().unwrap(), &b"WAVEfmt "[..], "undrained reads join");
    assert!(!decoder.is_done());
    decoder.finish();
    assert!(decoder.is_done() && decoder.next_item().is_none());
}

#[test]
fn a_body_cut_short_ends_in_an_error_after_the_audio_that_arrived() {
    let mut decoder = SpeechRequest::new("m", "alloy", "hi").decoder();
    decoder.feed(b"RIFF");
    decoder.feed_bytes(Bytes::from_static(b"....WAVE"));
    decoder.finish_early();
    assert!(decoder.is_done());
    assert_eq!(decoder.next_item().unwrap().unwrap(), &b"RIFF....WAVE"[..]);
    let err = decoder.next_item().unwrap().unwrap_err();
    assert_eq!(err, Error::Stream(crate::StreamError::Cut { bytes: 12 }));
    assert!(decoder.next_item().is_none(), "reported once");
    decoder.finish_early();
    assert!(decoder.next_item().is_none(), "a cut after the end changes nothing");
}
