//! `POST /v1/audio/speech` over plain HTTP: a valid WAV or raw PCM, validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, send};
use naga_mock::MockServer;
use serde_json::{Value, json};

const MODEL: &str = "gpt-4o-mini-tts";

async fn post(server: &MockServer, body: &Value) -> Reply {
    let url = format!("{}/audio/speech", server.base_url());
    send(client().post(url).bearer_auth("ng-test").json(body)).await.unwrap()
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

#[tokio::test]
async fn wav_by_default_with_a_consistent_header() {
    let server = MockServer::start().await;
    let reply =
        post(&server, &json!({"model": MODEL, "voice": "alloy", "input": "Welcome to Tokyo"}))
            .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "audio/wav");
    let wav = &reply.body;
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..16], b"WAVEfmt ");
    assert_eq!(u32_at(wav, 4) as usize, wav.len() - 8, "RIFF size");
    assert_eq!(u32_at(wav, 24), 24_000, "sample rate");
    assert_eq!(&wav[36..40], b"data");
    assert_eq!(u32_at(wav, 40) as usize, wav.len() - 44, "data size");
    assert_eq!(wav.len() - 44, 3 * 7_200 * 2, "0.3 s of 16-bit samples per word");
    let again =
        post(&server, &json!({"model": MODEL, "voice": "alloy", "input": "Welcome to Tokyo"}))
            .await;
    assert_eq!(again.body, reply.body);
}

#[tokio::test]
async fn pcm_is_the_samples_without_a_header() {
    let server = MockServer::start().await;
    let body = json!({"model": MODEL, "voice": "alloy", "input": "Welcome to Tokyo"});
    let wav = post(&server, &body).await.body;
    let mut pcm_body = body.clone();
    pcm_body["response_format"] = json!("pcm");
    let pcm = post(&server, &pcm_body).await;
    assert_eq!(pcm.headers["content-type"], "audio/pcm");
    assert_eq!(pcm.body, wav[44..]);
}

#[tokio::test]
async fn invalid_bodies_name_the_field() {
    let server = MockServer::start().await;
    let cases = [
        (json!({"voice": "alloy", "input": "x"}), "`model` is required"),
        (json!({"model": MODEL, "voice": "alloy"}), "`input` is required"),
        (json!({"model": MODEL, "voice": "alloy", "input": " "}), "`input` must not be empty"),
        (json!({"model": MODEL, "input": "x"}), "`voice` is required"),
        (json!({"model": MODEL, "voice": "alloy", "input": "x", "speed": 0}), "`speed`"),
        (
            json!({"model": MODEL, "voice": "alloy", "input": "x", "response_format": "mp3"}),
            "renders only `wav` and `pcm`",
        ),
        (
            json!({"model": MODEL, "voice": "alloy", "input": "x", "response_format": "ogg"}),
            "must be one of",
        ),
        (
            json!({"model": "gpt-4o-mini", "voice": "alloy", "input": "x"}),
            "does not support audio.speech",
        ),
    ];
    for (body, expected) in cases {
        let message = post(&server, &body).await.error(400, "invalid_request_error");
        assert!(message.contains(expected), "{body}: {message}");
    }
}
