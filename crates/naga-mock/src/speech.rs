//! `POST /v1/audio/speech` (API digest §3.6): validation written against the digest, and
//! emulated speech: a quiet tone, 0.3 s per word, as 24 kHz 16-bit mono WAV (the default) or
//! raw PCM. The emulator encodes nothing else; other formats are a 400 that says so.

use serde_json::Value;

use crate::content::words;
use crate::validate::{Invalid, kind, validate_model};

/// The longest text, in characters.
const MAX_INPUT_CHARS: usize = 32_768;
/// Samples per second.
const RATE: u32 = 24_000;
/// Samples per spoken word (0.3 s).
const SAMPLES_PER_WORD: usize = 7_200;
/// The most samples one answer holds (60 s).
const MAX_SAMPLES: usize = 60 * RATE as usize;
/// The formats the digest lists.
const FORMATS: [&str; 6] = ["mp3", "opus", "aac", "flac", "wav", "pcm"];

/// A validated speech request.
#[derive(Debug)]
pub(crate) struct SpeechJob {
    pub(crate) model: String,
    words: usize,
    /// WAV (true) or raw PCM.
    wav: bool,
}

impl SpeechJob {
    /// The answer's content type.
    pub(crate) fn content_type(&self) -> &'static str {
        if self.wav { "audio/wav" } else { "audio/pcm" }
    }
}

/// Checks a speech body; returns what to answer when it is valid.
pub(crate) fn validate_speech(body: &[u8]) -> Result<SpeechJob, Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| format!("request body is not valid JSON: {err}"))?;
    let Value::Object(req) = value else {
        return Err("request body must be a JSON object".to_owned());
    };
    validate_model(&req)?;
    let input = match req.get("input") {
        None | Some(Value::Null) => return Err("`input` is required".to_owned()),
        Some(Value::String(text)) if text.trim().is_empty() => {
            return Err("`input` must not be empty".to_owned());
        }
        Some(Value::String(text)) if text.chars().count() > MAX_INPUT_CHARS => {
            return Err(format!("`input` must hold at most {MAX_INPUT_CHARS} characters"));
        }
        Some(Value::String(text)) => text,
        Some(other) => return Err(format!("`input` must be a string, got {}", kind(other))),
    };
    match req.get("voice") {
        Some(Value::String(voice)) if !voice.trim().is_empty() => {}
        None | Some(Value::Null) => return Err("`voice` is required".to_owned()),
        Some(_) => return Err("`voice` must be a non-empty string".to_owned()),
    }
    match req.get("speed") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.as_f64().is_some_and(|speed| speed > 0.0) => {}
        Some(_) => return Err("`speed` must be a number above 0".to_owned()),
    }
    let wav = match req.get("response_format") {
        None | Some(Value::Null) => true,
        Some(Value::String(f)) if f == "wav" => true,
        Some(Value::String(f)) if f == "pcm" => false,
        Some(Value::String(f)) if FORMATS.contains(&f.as_str()) => {
            return Err(format!("naga-mock renders only `wav` and `pcm` speech, not `{f}`"));
        }
        Some(_) => return Err(format!("`response_format` must be one of {}", FORMATS.join(", "))),
    };
    let model = req.get("model").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(SpeechJob { model, words: words(input).max(1), wav })
}

/// The audio: a 16-bit mono tone at a low level, in a RIFF/WAVE file or as raw samples.
pub(crate) fn speech_body(job: &SpeechJob) -> Vec<u8> {
    let samples = job.words.saturating_mul(SAMPLES_PER_WORD).min(MAX_SAMPLES);
    let data_len = u32::try_from(samples * 2).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + samples * 2);
    if job.wav {
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&(36 + data_len).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
        out.extend_from_slice(&1u16.to_le_bytes()); // PCM
        out.extend_from_slice(&1u16.to_le_bytes()); // mono
        out.extend_from_slice(&RATE.to_le_bytes());
        out.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
        out.extend_from_slice(&2u16.to_le_bytes()); // block align
        out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
        out.extend_from_slice(b"data");
        out.extend_from_slice(&data_len.to_le_bytes());
    }
    // A 400 Hz triangle wave at about -30 dBFS: 60 samples per period at 24 kHz.
    for i in 0..samples {
        let phase = i32::try_from(i % 60).unwrap_or(0);
        let level = if phase < 30 { phase * 70 - 1050 } else { 3150 - phase * 70 };
        out.extend_from_slice(&i16::try_from(level).unwrap_or(0).to_le_bytes());
    }
    out
}
