//! `POST /v1/audio/speech` over plain HTTP: every documented format, checked by an
//! independent decoder (symphonia); validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{Reply, client, send};
use naga_mock::MockServer;
use serde_json::{Value, json};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CODEC_TYPE_OPUS, DecoderOptions};
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

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
    // Streamed, as the digest says speech is: chunked, no length announced.
    assert_eq!(reply.headers["transfer-encoding"], "chunked");
    assert!(!reply.headers.contains_key("content-length"));
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

/// What a decoder found in an answer.
#[derive(Debug)]
struct Decoded {
    rate: u32,
    channels: usize,
    /// Samples (for Opus, which symphonia demuxes but does not decode: the stream's length
    /// at 48 kHz from its last page, and no samples).
    length: u64,
    samples: Vec<f32>,
}

/// Demuxes and decodes `audio` with symphonia, probing the container from its bytes.
fn decode(audio: Vec<u8>) -> Decoded {
    let source = MediaSourceStream::new(Box::new(std::io::Cursor::new(audio)), Default::default());
    let probe = symphonia::default::get_probe();
    let options = (FormatOptions::default(), MetadataOptions::default());
    let mut format = probe.format(&Hint::new(), source, &options.0, &options.1).unwrap().format;
    let params = format.default_track().unwrap().codec_params.clone();
    let (rate, channels) = (params.sample_rate.unwrap(), params.channels.unwrap().count());
    if params.codec == CODEC_TYPE_OPUS {
        let length = params.n_frames.unwrap();
        return Decoded { rate, channels, length, samples: Vec::new() };
    }
    let mut decoder =
        symphonia::default::get_codecs().make(&params, &DecoderOptions { verify: true }).unwrap();
    let mut samples = Vec::new();
    while let Ok(packet) = format.next_packet() {
        let buffer = decoder.decode(&packet).unwrap();
        let mut copy = SampleBuffer::<f32>::new(buffer.capacity() as u64, *buffer.spec());
        copy.copy_interleaved_ref(buffer);
        samples.extend_from_slice(copy.samples());
    }
    Decoded { rate, channels, length: samples.len() as u64, samples }
}

#[tokio::test]
async fn every_documented_format_decodes_to_the_words_length() {
    let server = MockServer::start().await;
    // Four words: 1.2 s, 28,800 samples at 24 kHz.
    let body = json!({"model": MODEL, "voice": "alloy", "input": "Welcome to sunny Tokyo"});
    let mut answers = Vec::new();
    for (format, content_type) in [
        ("wav", "audio/wav"),
        ("flac", "audio/flac"),
        ("mp3", "audio/mpeg"),
        ("aac", "audio/aac"),
        ("opus", "audio/opus"),
    ] {
        let mut asked = body.clone();
        asked["response_format"] = json!(format);
        let reply = post(&server, &asked).await;
        assert_eq!(reply.status, 200, "{format}");
        assert_eq!(reply.headers["content-type"], content_type, "{format}");
        answers.push((format, decode(reply.body)));
    }
    let peak = |decoded: &Decoded| decoded.samples.iter().fold(0f32, |peak, s| peak.max(s.abs()));
    let [(_, wav), (_, flac), (_, mp3), (_, aac), (_, opus)] = &answers[..] else { panic!() };
    // The tone, losslessly: FLAC holds exactly the WAV's samples.
    assert_eq!((wav.rate, wav.channels, wav.length), (24_000, 1, 28_800));
    assert_eq!((flac.rate, flac.channels), (24_000, 1));
    assert_eq!(flac.samples, wav.samples);
    assert!((0.03..0.033).contains(&peak(wav)), "about -30 dBFS: {}", peak(wav));
    // Silence in whole frames: 50 MP3 frames of 576 samples, 29 AAC frames of 1,024.
    assert_eq!((mp3.rate, mp3.channels, mp3.length, peak(mp3)), (24_000, 1, 28_800, 0.0));
    assert_eq!((aac.rate, aac.channels, aac.length, peak(aac)), (24_000, 1, 29 * 1_024, 0.0));
    // Opus counts at 48 kHz; the last page ends the stream at the exact length.
    assert_eq!((opus.rate, opus.channels, opus.length), (48_000, 1, 57_600));
}
