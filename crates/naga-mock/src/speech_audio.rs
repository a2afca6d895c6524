//! The emulated speech's audio: a quiet tone, written in the format asked for. WAV and PCM
//! hold the tone's samples, FLAC holds them losslessly (`speech_flac`); MP3, AAC and Opus
//! hold silence of the same length, since the emulator has no lossy encoder: valid streams
//! that decoders play, enough for a client that stores, forwards or measures the audio.

use crate::speech_flac::flac;
use crate::speech_ogg::ogg_opus;

/// Samples per second of the emulated speech.
pub(crate) const RATE: u32 = 24_000;

/// The speech formats the digest lists, all written by the emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AudioFormat {
    /// 16-bit mono RIFF/WAVE.
    Wav,
    /// Raw 16-bit little-endian mono samples.
    Pcm,
    /// FLAC, the tone losslessly.
    Flac,
    /// MPEG-2 Layer III, 32 kbit/s mono: silent frames.
    Mp3,
    /// AAC-LC in ADTS frames, mono: silent frames.
    Aac,
    /// Opus in Ogg: silent packets.
    Opus,
}

impl AudioFormat {
    /// The format named by a request's `response_format`, when the emulator writes it.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "wav" => AudioFormat::Wav,
            "pcm" => AudioFormat::Pcm,
            "flac" => AudioFormat::Flac,
            "mp3" => AudioFormat::Mp3,
            "aac" => AudioFormat::Aac,
            "opus" => AudioFormat::Opus,
            _ => return None,
        })
    }

    /// The `Content-Type` of the answer (as OpenAI's speech endpoint labels them).
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            AudioFormat::Wav => "audio/wav",
            AudioFormat::Pcm => "audio/pcm",
            AudioFormat::Flac => "audio/flac",
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Aac => "audio/aac",
            AudioFormat::Opus => "audio/opus",
        }
    }

    /// `samples` samples (16-bit mono at [`RATE`]) in this format: the tone where the format
    /// holds it, silence of that length where it does not (the tone is not made then).
    pub(crate) fn encode(self, samples: usize) -> Vec<u8> {
        match self {
            AudioFormat::Wav => wav(&tone(samples)),
            AudioFormat::Pcm => pcm(&tone(samples)),
            AudioFormat::Flac => flac(&tone(samples)),
            AudioFormat::Mp3 => silent_mp3(samples),
            AudioFormat::Aac => silent_aac(samples),
            AudioFormat::Opus => ogg_opus(samples),
        }
    }
}

/// A 400 Hz triangle wave at about -30 dBFS (60 samples per period at 24 kHz).
fn tone(samples: usize) -> Vec<i16> {
    (0..samples)
        .map(|i| {
            let phase = i32::try_from(i % 60).unwrap_or(0);
            let level = if phase < 30 { phase * 70 - 1050 } else { 3150 - phase * 70 };
            i16::try_from(level).unwrap_or(0)
        })
        .collect()
}

/// The samples as little-endian bytes.
fn pcm(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|sample| sample.to_le_bytes()).collect()
}

/// The samples in a RIFF/WAVE file.
fn wav(samples: &[i16]) -> Vec<u8> {
    let data_len = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
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
    out.extend_from_slice(&pcm(samples));
    out
}

/// Samples per MPEG-2 Layer III frame.
pub(crate) const MP3_FRAME_SAMPLES: usize = 576;
/// Bytes per frame at 32 kbit/s and 24 kHz: 72 * 32,000 / 24,000.
pub(crate) const MP3_FRAME_BYTES: usize = 96;

/// Silent MPEG-2 Layer III frames (24 kHz, 32 kbit/s, mono, no CRC) covering `samples`: a
/// frame header, then side information and main data of zeros (no granule carries bits,
/// which decodes to silence).
fn silent_mp3(samples: usize) -> Vec<u8> {
    // Sync (11 bits), MPEG-2 (10), Layer III (01), no CRC (1); bitrate index 4 (32 kbit/s),
    // rate index 1 (24 kHz), no padding; mono (11), no mode extension, copyright or emphasis.
    const HEADER: [u8; 4] = [0xFF, 0xF3, 0x44, 0xC0];
    let frames = samples.div_ceil(MP3_FRAME_SAMPLES);
    let mut out = Vec::with_capacity(frames * MP3_FRAME_BYTES);
    for _ in 0..frames {
        out.extend_from_slice(&HEADER);
        out.resize(out.len() + MP3_FRAME_BYTES - HEADER.len(), 0);
    }
    out
}

/// Samples per AAC frame.
pub(crate) const AAC_FRAME_SAMPLES: usize = 1_024;

/// Silent AAC-LC frames (24 kHz, mono) in ADTS covering `samples`: each a 7-byte header and
/// a raw data block of one single-channel element with no scale factor bands (nothing to
/// decode but silence), then the end element.
fn silent_aac(samples: usize) -> Vec<u8> {
    // Sync, MPEG-4, no CRC; LC, rate index 6 (24 kHz), one channel; frame length 11 bytes;
    // buffer fullness 0x7FF (variable rate); one raw data block.
    const HEADER: [u8; 7] = [0xFF, 0xF1, 0x58, 0x40, 0x01, 0x7F, 0xFC];
    // SCE tag 0, global gain 0, long window, max_sfb 0, no predictor, pulse, TNS or gain
    // control data; END; zero bits to the byte boundary.
    const BLOCK: [u8; 4] = [0x00, 0x00, 0x00, 0x07];
    let frames = samples.div_ceil(AAC_FRAME_SAMPLES);
    let mut out = Vec::with_capacity(frames * (HEADER.len() + BLOCK.len()));
    for _ in 0..frames {
        out.extend_from_slice(&HEADER);
        out.extend_from_slice(&BLOCK);
    }
    out
}

/// An MSB-first CRC of `width` bits (8, 16 or 32) with polynomial `poly`, initial value 0,
/// no reflection and no final XOR: FLAC's CRC-8 and CRC-16, Ogg's CRC-32.
pub(crate) fn crc(bytes: &[u8], width: u32, poly: u32) -> u32 {
    let top = 1u32 << (width - 1);
    let mask = u32::MAX >> (32 - width);
    bytes.iter().fold(0, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte) << (width - 8), |crc, _| {
            let shifted = crc << 1 & mask;
            if crc & top != 0 { shifted ^ poly } else { shifted }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_give_their_catalogued_values() {
        // CRC-8/SMBUS and CRC-16/UMTS (FLAC's two) of "123456789", and CRC-32/CKSUM's
        // (Ogg's, whose catalogued check 0x765E7680 is after a final XOR Ogg leaves out).
        assert_eq!(crc(b"123456789", 8, 0x07), 0xF4);
        assert_eq!(crc(b"123456789", 16, 0x8005), 0xFEE8);
        assert_eq!(crc(b"123456789", 32, 0x04C1_1DB7), !0x765E_7680);
    }
}
