#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // tests

use http::{HeaderMap, StatusCode};

use super::*;
use crate::{Config, build_request, parse_response};

fn wav() -> FileUpload {
    FileUpload::new("hello.wav", Bytes::from_static(b"RIFF\x04\0\0\0WAVE"))
}

#[test]
fn the_form_carries_every_field_and_the_file() {
    let request = TranscriptionRequest::transcribe("whisper-1", wav())
        .prompt("Tōkyō")
        .language("ja")
        .extra_field("temperature", "0");
    let http = build_request(&Config::new("ng-key").unwrap(), &request).unwrap();
    assert_eq!(http.uri(), "https://api.naga.ac/v1/audio/transcriptions");
    let content_type = http.headers()["content-type"].to_str().unwrap().to_owned();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
    let body = String::from_utf8(http.body().to_vec()).unwrap();
    let field = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hello.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\u{4}\0\0\0WAVE\r\n"
    );
    let expected = [
        field("model", "whisper-1"),
        field("prompt", "Tōkyō"),
        field("language", "ja"),
        field("temperature", "0"),
        file,
        format!("--{boundary}--\r\n"),
    ]
    .concat();
    assert_eq!(body, expected);
    let again = build_request(&Config::new("ng-key").unwrap(), &request).unwrap();
    assert_eq!(again.body(), http.body(), "a retry sends the same form");
}

#[test]
fn translation_goes_to_its_own_path() {
    let request = TranscriptionRequest::translate("whisper-1", wav());
    let http = build_request(&Config::new("ng-key").unwrap(), &request).unwrap();
    assert_eq!(http.uri(), "https://api.naga.ac/v1/audio/translations");
}

#[test]
fn bad_requests_are_rejected_before_sending() {
    let field = |request: TranscriptionRequest| match request.validate() {
        Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
        other => panic!("{other:?}"),
    };
    assert_eq!(field(TranscriptionRequest::transcribe("", wav())), "model");
    assert_eq!(
        field(TranscriptionRequest::transcribe("m", FileUpload::new("a.wav", Vec::new()))),
        "file"
    );
    assert_eq!(
        field(TranscriptionRequest::transcribe("m", FileUpload::new(" ", vec![1]))),
        "file.filename"
    );
    assert_eq!(
        field(TranscriptionRequest::transcribe("m", wav()).extra_field("model", "x")),
        "extra.model"
    );
}

#[test]
fn media_types_follow_the_extension_and_debug_hides_the_bytes() {
    for (name, media) in
        [("a.MP3", "audio/mpeg"), ("b.flac", "audio/flac"), ("c", "application/octet-stream")]
    {
        assert_eq!(FileUpload::new(name, vec![1]).content_type, media, "{name}");
    }
    let debug = format!("{:?}", FileUpload::new("a.wav", b"secret audio".to_vec()));
    assert_eq!(debug, r#"FileUpload { filename: "a.wav", content_type: "audio/wav", bytes: 12 }"#);
}

#[test]
fn the_answer_is_its_text() {
    let body = br#"{"text":"Hello, Tokyo.","language":"en","duration":1.5}"#;
    let text =
        parse_response::<TranscriptionRequest>(StatusCode::OK, &HeaderMap::new(), body).unwrap();
    assert_eq!(text.text, "Hello, Tokyo.");
    assert_eq!(text.extra["duration"], 1.5);
}

#[test]
fn an_answer_without_text_is_an_error_not_an_empty_transcript() {
    let parse = |body: &[u8]| {
        parse_response::<TranscriptionRequest>(StatusCode::OK, &HeaderMap::new(), body)
    };
    let bodies =
        [&br#"{}"#[..], br#"{"text":null}"#, br#"{"duration":1.5}"#, br#"{"transcript":"Hi"}"#];
    for body in bodies {
        let err = parse(body).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert!(err.to_string().contains("`text`"), "{err}");
    }
    // Silence is an empty text, said so.
    assert_eq!(parse(br#"{"text":""}"#).unwrap().text, "");
}

#[test]
fn a_repeated_text_takes_its_last_value() {
    let body = br#"{"text":"first","text":"second"}"#;
    let read = parse_response::<TranscriptionRequest>(StatusCode::OK, &HeaderMap::new(), body);
    assert_eq!(read.unwrap().text, "second");
}
