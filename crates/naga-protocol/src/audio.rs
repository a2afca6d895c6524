//! `POST /audio/speech`: text to speech (API digest §3.6). The answer is audio bytes, not
//! JSON: [`Operation`] gives them whole (`send`), [`StreamingOperation`] as they arrive
//! (`stream`), so playback can start before the end.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::lenient::{is_empty_map, string_enum};
use crate::operation::{
    Operation, StreamDecoder, StreamingOperation, check_extra, check_model, check_text, json_body,
};

/// The longest text to speak, in characters.
pub const MAX_SPEECH_INPUT_CHARS: usize = 32_768;

string_enum! {
    /// The audio encoding of the answer.
    pub enum SpeechFormat {
        /// MP3.
        Mp3 = "mp3",
        /// Opus in Ogg.
        Opus = "opus",
        /// AAC.
        Aac = "aac",
        /// FLAC.
        Flac = "flac",
        /// WAV (PCM in a RIFF container).
        Wav = "wav",
        /// Raw 16-bit little-endian PCM samples, no header.
        Pcm = "pcm",
    }
}

/// A `POST /audio/speech` request.
///
/// ```
/// use naga_protocol::{SpeechFormat, SpeechRequest};
/// let request = SpeechRequest::new("gpt-4o-mini-tts", "alloy", "Welcome to Tokyo.")
///     .response_format(SpeechFormat::Wav)
///     .speed(1.25);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SpeechRequest {
    /// Speech model id, e.g. `gpt-4o-mini-tts`.
    #[schemars(length(min = 1))]
    pub model: String,
    /// The text to speak (1..=32768 characters).
    #[schemars(length(min = 1, max = 32768))]
    pub input: String,
    /// The voice, e.g. `alloy` or `coral`.
    #[schemars(length(min = 1))]
    pub voice: String,
    /// Speaking rate (above 0; 1 is normal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub speed: Option<f64>,
    /// Style hints (tone, pace, accent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// The audio encoding; the provider's default when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<SpeechFormat>,
    /// Body fields this SDK does not know, sent as given. A name this type has as a field
    /// (e.g. `model`) fails [`validate`](Self::validate), so the request is not built: set
    /// that field itself.
    #[serde(flatten, default, skip_serializing_if = "is_empty_map")]
    pub extra: Map<String, Value>,
}

/// The fields `extra` must not repeat.
const KNOWN_FIELDS: &[&str] =
    &["model", "input", "voice", "speed", "instructions", "response_format"];

impl SpeechRequest {
    /// A request for `model` to speak `input` with `voice`.
    pub fn new(
        model: impl Into<String>,
        voice: impl Into<String>,
        input: impl Into<String>,
    ) -> Self {
        SpeechRequest {
            model: model.into(),
            input: input.into(),
            voice: voice.into(),
            speed: None,
            instructions: None,
            response_format: None,
            extra: Map::new(),
        }
    }

    /// Sets the speaking rate (1 is normal).
    #[must_use]
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = Some(speed);
        self
    }

    /// Sets style hints.
    #[must_use]
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Sets the audio encoding.
    #[must_use]
    pub fn response_format(mut self, format: SpeechFormat) -> Self {
        self.response_format = Some(format);
        self
    }

    /// Checks what the server would reject, before anything is sent.
    pub fn validate(&self) -> Result<(), Error> {
        check_model(&self.model)?;
        check_text("input", &self.input, MAX_SPEECH_INPUT_CHARS)?;
        if self.voice.trim().is_empty() {
            return Err(Error::invalid("voice", "must not be empty"));
        }
        if self.speed.is_some_and(|speed| !(speed.is_finite() && speed > 0.0)) {
            return Err(Error::invalid("speed", "must be a number above 0"));
        }
        if let Some(SpeechFormat::Other(other)) = &self.response_format {
            let reason = format!("must be mp3, opus, aac, flac, wav or pcm, not `{other}`");
            return Err(Error::invalid("response_format", reason));
        }
        check_extra(self.extra.keys(), KNOWN_FIELDS)
    }
}

impl Operation for SpeechRequest {
    /// The whole audio file.
    type Output = Vec<u8>;

    const NAME: &'static str = "speech";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/audio/speech")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        self.validate()?;
        json_body(self)
    }

    /// Audio (errors still come as JSON).
    fn accept(&self) -> &'static str {
        "audio/*, application/json;q=0.5"
    }

    /// The body is the audio, taken as it is; one that is no audio (empty, Naga's error
    /// envelope, an HTML page, other JSON) is an error.
    fn decode_output(body: &[u8]) -> Result<Vec<u8>, Error> {
        check_audio(body)?;
        Ok(body.to_vec())
    }
}

impl StreamingOperation for SpeechRequest {
    type Decoder = AudioChunks;

    fn decoder(&self) -> AudioChunks {
        AudioChunks::default()
    }
}

/// Checks that a speech answer is audio: not empty, not Naga's error envelope (then that
/// [`Error::Api`]), not an HTML page, other JSON or other text (then an [`Error::Decode`]).
/// Raw PCM has no header, so anything else passes.
fn check_audio(body: &[u8]) -> Result<(), Error> {
    if let Some(error) = crate::error::error_envelope_in(body) {
        return Err(error);
    }
    let not_audio = |message: &str| Error::Decode {
        what: "speech audio",
        offset: 0,
        message: message.to_owned(),
        snippet: crate::error::snippet(body),
    };
    if body.is_empty() {
        return Err(not_audio("the answer held no audio"));
    }
    if let Some(title) = crate::error_page::html_title(body) {
        return Err(not_audio(&format!("the answer is an HTML page titled “{title}”, not audio")));
    }
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        return Err(not_audio("the answer is JSON, not audio"));
    }
    if is_text(body.get(..TEXT_SNIFFED).unwrap_or(body)) {
        let markup = body.trim_ascii_start().starts_with(b"<");
        return Err(not_audio(if markup {
            "the answer is an HTML page, not audio"
        } else {
            "the answer is text, not audio"
        }));
    }
    Ok(())
}

/// How much of an answer is looked at to tell text from audio.
const TEXT_SNIFFED: usize = 512;

/// Whether `head` (the start of an answer, maybe cut inside a character) is text: UTF-8
/// without control characters but tabs and line breaks. No audio starts so: a format's
/// header holds binary sizes, and raw PCM (quiet at first) zero bytes.
fn is_text(head: &[u8]) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if err.error_len().is_none() => {
            std::str::from_utf8(head.get(..err.valid_up_to()).unwrap_or_default()).unwrap_or("")
        }
        Err(_) => return false,
    };
    !text.is_empty() && text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}

/// Whether `byte` may be part of text (see [`is_text`]): a quick test on each read while an
/// answer is held back.
fn is_text_byte(byte: u8) -> bool {
    (byte >= 0x20 && byte != 0x7F) || matches!(byte, b'\t' | b'\n' | b'\r')
}

/// Most bytes held back to tell an answer that opens like JSON or HTML from audio.
const MAX_SNIFFED: usize = 64 * 1024;

/// The audio as it arrives: each read handed on as it is (no copy for `Bytes` reads). Audio
/// cannot show its own end: a body cut short (a short `content-length`, a missing last
/// chunk, a reset; [`finish_early`](StreamDecoder::finish_early)) ends in
/// [`StreamError::Cut`](crate::StreamError::Cut) after the bytes that arrived. An answer that
/// is no audio fails as in [`SpeechRequest`]'s non-streaming answer: while every byte so far
/// could be text (JSON, an HTML page, a plain message), the answer is held back (up to 64
/// KiB) until it is known; audio shows a byte no text has in its first read, and is handed on
/// at once. One without a byte fails at its end.
#[derive(Debug, Default)]
pub struct AudioChunks {
    /// The read not yet handed on.
    pending: Option<Bytes>,
    /// Whether the answer is known to be audio (else its bytes so far are held back).
    audio: bool,
    /// The opening bytes held back while they may be an error answer instead of audio.
    held: Vec<u8>,
    /// Bytes received so far.
    received: u64,
    finished: bool,
    /// The body was cut short and that is not reported yet.
    cut: bool,
}

impl StreamDecoder for AudioChunks {
    type Item = Bytes;

    fn feed(&mut self, bytes: &[u8]) {
        self.feed_bytes(Bytes::copy_from_slice(bytes));
    }

    fn feed_bytes(&mut self, bytes: Bytes) {
        if bytes.is_empty() {
            return;
        }
        self.received = self.received.saturating_add(bytes.len() as u64);
        if !self.audio {
            if bytes.iter().all(|&byte| is_text_byte(byte)) {
                self.held.extend_from_slice(&bytes);
                if self.held.len() <= MAX_SNIFFED {
                    return;
                }
                // Too long for an error answer: audio after all.
                self.audio = true;
                self.pending = Some(std::mem::take(&mut self.held).into());
                return;
            }
            // A byte no text has: audio, after what was held back.
            self.audio = true;
            if !self.held.is_empty() {
                self.held.extend_from_slice(&bytes);
                self.pending = Some(std::mem::take(&mut self.held).into());
                return;
            }
        }
        // Drained between feeds (the call order), so nothing is overwritten; joined if not.
        self.pending = Some(match self.pending.take() {
            Some(earlier) => [earlier, bytes].concat().into(),
            None => bytes,
        });
    }

    fn next_item(&mut self) -> Option<Result<Bytes, Error>> {
        if let Some(audio) = self.pending.take() {
            return Some(Ok(audio));
        }
        if self.finished && !self.audio {
            self.audio = true;
            let held = std::mem::take(&mut self.held);
            return Some(check_audio(&held).map(|()| held.into()));
        }
        std::mem::take(&mut self.cut)
            .then(|| Err(Error::Stream(crate::StreamError::Cut { bytes: self.received })))
    }

    fn finish(&mut self) {
        self.finished = true;
    }

    fn finish_early(&mut self) {
        self.cut |= !self.finished;
        self.finished = true;
        // Whatever was held back is handed on before the cut is reported (no verdict on it).
        if !std::mem::replace(&mut self.audio, true) && !self.held.is_empty() {
            self.pending = Some(std::mem::take(&mut self.held).into());
        }
    }

    /// The body ended and everything is handed out: the last audio, the verdict on an
    /// answer held back, a cut.
    fn is_done(&self) -> bool {
        self.finished && self.pending.is_none() && self.audio && !self.cut
    }
}

#[cfg(test)]
#[path = "audio_tests.rs"]
mod tests;
