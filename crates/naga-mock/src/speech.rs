//! `POST /v1/audio/speech` (API digest §3.6): validation written against the digest, and
//! emulated speech: a quiet tone, 0.3 s per word, 24 kHz mono, in WAV (the default), PCM,
//! FLAC, or as silence of the same length in MP3, AAC or Opus (`speech_audio`).

use serde_json::Value;

use crate::content::words;
use crate::speech_audio::{AudioFormat, RATE};
use crate::validate::{Invalid, kind, validate_model};

/// The longest text, in characters.
const MAX_INPUT_CHARS: usize = 32_768;
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
    format: AudioFormat,
}

impl SpeechJob {
    /// The answer's content type.
    pub(crate) fn content_type(&self) -> &'static str {
        self.format.content_type()
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
    let format = match req.get("response_format") {
        None | Some(Value::Null) => Some(AudioFormat::Wav),
        Some(Value::String(name)) => AudioFormat::from_name(name),
        Some(_) => None,
    };
    let format =
        format.ok_or_else(|| format!("`response_format` must be one of {}", FORMATS.join(", ")))?;
    let model = req.get("model").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(SpeechJob { model, words: words(input).max(1), format })
}

/// The audio: 0.3 s per word of the tone, in the job's format.
pub(crate) fn speech_body(job: &SpeechJob) -> Vec<u8> {
    let samples = job.words.saturating_mul(SAMPLES_PER_WORD).min(MAX_SAMPLES);
    job.format.encode(samples)
}
