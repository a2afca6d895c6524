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
    let read = Bytes::from_static(b"RIFF\x24\0\0\0");
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
    decoder.feed_bytes(Bytes::from_static(b"\x24\0\0\0WAVE"));
    decoder.finish_early();
    assert!(!decoder.is_done(), "the audio and the cut are still to be taken");
    assert_eq!(decoder.next_item().unwrap().unwrap(), &b"RIFF\x24\0\0\0WAVE"[..]);
    assert!(!decoder.is_done(), "the cut is still to be reported");
    let err = decoder.next_item().unwrap().unwrap_err();
    assert_eq!(err, Error::Stream(crate::StreamError::Cut { bytes: 12 }));
    assert!(decoder.is_done());
    assert!(decoder.next_item().is_none(), "reported once");
    decoder.finish_early();
    assert!(decoder.next_item().is_none(), "a cut after the end changes nothing");
}

#[test]
fn an_answer_that_is_no_audio_is_an_error_whole_or_streamed() {
    let envelope = br#"{"error":{"type":"server_error","message":"tts failed"}}"#;
    let page = b"<html><head><title>502 Bad Gateway</title></head></html>";
    let cases: [(&[u8], Option<&str>); 7] = [
        (envelope, Some("tts failed")),
        (page, None),
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", None),
        (br#"{"audio":"elsewhere"}"#, None),
        (b"Internal Server Error\n", None),
        (b" \n  {\"audio\": \"elsewhere\"}", None),
        (b"", None),
    ];
    for (body, api_message) in cases {
        let shown = String::from_utf8_lossy(body);
        let whole = parse_response::<SpeechRequest>(StatusCode::OK, &HeaderMap::new(), body);
        let mut decoder = SpeechRequest::new("m", "alloy", "hi").decoder();
        for piece in body.chunks(7) {
            decoder.feed(piece);
            assert!(decoder.next_item().is_none(), "{shown}: held back while it may be an error");
        }
        decoder.finish();
        let streamed = decoder.next_item().unwrap();
        for err in [whole.unwrap_err(), streamed.unwrap_err()] {
            match api_message {
                Some(message) => assert_eq!(err.api().unwrap().message, message, "{shown}"),
                None => assert!(
                    matches!(err, Error::Decode { what: "speech audio", .. }),
                    "{shown}: {err:?}"
                ),
            }
        }
        assert!(decoder.next_item().is_none(), "{shown}: reported once");
    }
    // Audio that happens to open with `{` (raw PCM has no header) is audio once it is not JSON.
    let pcm = b"{\x01\x02\x03\x04";
    let mut decoder = SpeechRequest::new("m", "alloy", "hi").decoder();
    decoder.feed(pcm);
    decoder.finish();
    assert_eq!(decoder.next_item().unwrap().unwrap(), &pcm[..]);
    assert_eq!(
        parse_response::<SpeechRequest>(StatusCode::OK, &HeaderMap::new(), pcm).unwrap(),
        pcm
    );
}

#[test]
fn the_stream_is_done_only_once_every_item_is_taken() {
    // The last read is still waiting after `finish`.
    let mut decoder = SpeechRequest::new("m", "alloy", "hi").decoder();
    decoder.feed(b"RIFF\x24\0\0\0");
    decoder.finish();
    assert!(!decoder.is_done(), "an item is waiting");
    assert_eq!(decoder.next_item().unwrap().unwrap(), &b"RIFF\x24\0\0\0"[..]);
    assert!(decoder.is_done());
    assert!(decoder.next_item().is_none());
    // An answer held back while it may be an error: its verdict is the item still to come.
    let mut decoder = SpeechRequest::new("m", "alloy", "hi").decoder();
    decoder.feed(br#"{"error":{"type":"server_error","message":"tts failed"}}"#);
    decoder.finish();
    assert!(!decoder.is_done(), "the verdict is waiting");
    assert!(decoder.next_item().unwrap().is_err());
    assert!(decoder.is_done());
    // No audio at all: the empty answer's error is still to be taken.
    let mut decoder = SpeechRequest::new("m", "alloy", "hi").decoder();
    decoder.finish();
    assert!(!decoder.is_done());
    assert!(decoder.next_item().unwrap().is_err());
    assert!(decoder.is_done() && decoder.next_item().is_none());
}
