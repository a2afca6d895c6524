//! `POST /v1/audio/transcriptions` over plain HTTP: forms as reqwest writes them, and what
//! is refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{client, send};
use naga_mock::MockServer;
use serde_json::json;

/// A form body by hand, as any client writes one.
fn form(boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, data) in parts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if let Some(filename) = filename {
            body.extend_from_slice(
                format!("; filename=\"{filename}\"\r\nContent-Type: application/octet-stream")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn forms_are_read_and_refusals_name_the_problem() {
    let server = MockServer::start().await;
    let url = format!("{}/audio/transcriptions", server.base_url());
    let post = |content_type: &str, body: Vec<u8>| {
        client().post(&url).bearer_auth("ng-test").header("content-type", content_type).body(body)
    };
    let multipart = "multipart/form-data; boundary=b0und";
    // The documented model, and the one Naga is reported to serve.
    for model in [&b"whisper-1"[..], b"whisper-large-v3"] {
        let ogg = form("b0und", &[("model", None, model), ("file", Some("a.ogg"), b"OggS\0rest")]);
        let reply = send(post(multipart, ogg)).await.unwrap();
        assert_eq!(
            reply.json(),
            json!({"text": "[naga-mock] Transcript of 9 bytes of Ogg audio in `a.ogg`."})
        );
    }
    let cases = [
        (form("b0und", &[("file", Some("a.ogg"), b"OggS")]), "`model` is required"),
        (form("b0und", &[("model", None, b"whisper-1")]), "`file` is required"),
        (
            form("b0und", &[("model", None, b"whisper-1"), ("file", Some("a.bin"), b"\0\0")]),
            "could not decode",
        ),
        (
            b"--b0und\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1".to_vec(),
            "a part never ends",
        ),
    ];
    for (body, expected) in cases {
        let message =
            send(post(multipart, body)).await.unwrap().error(400, "invalid_request_error");
        assert!(message.contains(expected), "{message}");
    }
    let json = send(post("application/json", br#"{"model":"whisper-1"}"#.to_vec())).await.unwrap();
    json.error(415, "unsupported_media_type");
}

#[tokio::test]
async fn the_answer_comes_in_the_response_format_asked_for() {
    let server = MockServer::start().await;
    let url = format!("{}/audio/transcriptions", server.base_url());
    let ask = |format: &'static [u8]| {
        let parts: Vec<(&str, Option<&str>, &[u8])> = vec![
            ("model", None, b"whisper-1"),
            ("response_format", None, format),
            ("file", Some("a.ogg"), b"OggS\0rest"),
        ];
        let body = form("b0und", &parts);
        let request = client()
            .post(&url)
            .bearer_auth("ng-test")
            .header("content-type", "multipart/form-data; boundary=b0und")
            .body(body);
        send(request)
    };
    let text = "[naga-mock] Transcript of 9 bytes of Ogg audio in `a.ogg`.";
    let plain = ask(b"text").await.unwrap();
    assert_eq!(plain.headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(plain.text(), format!("{text}\n"));
    let srt = ask(b"srt").await.unwrap().text();
    assert_eq!(srt, format!("1\n00:00:00,000 --> 00:00:00,100\n{text}\n\n"));
    let verbose = ask(b"verbose_json").await.unwrap();
    assert_eq!(verbose.headers["content-type"], "application/json");
    assert_eq!(verbose.json()["segments"][0]["text"], text);
    assert_eq!(ask(b"json").await.unwrap().json(), json!({ "text": text }));
    let refused = ask(b"xml").await.unwrap().error(400, "invalid_request_error");
    assert!(refused.contains("`response_format` `xml` is not one of"), "{refused}");
}
