//! FLAC for the emulated speech: 16-bit mono samples at 24 kHz in verbatim subframes
//! (stored, not predicted: lossless and simple), 4,096 samples per frame.

use crate::speech_audio::{RATE, crc};

/// Samples per frame (the last frame may hold fewer).
const BLOCK: usize = 4_096;

/// `samples` (16-bit mono at 24 kHz) as a FLAC stream: the marker, STREAMINFO, the frames.
pub(crate) fn flac(samples: &[i16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(42 + samples.len() * 2 + samples.len() / BLOCK * 16);
    out.extend_from_slice(b"fLaC");
    out.extend_from_slice(&[0x80, 0, 0, 34]); // the last metadata block, STREAMINFO, 34 bytes
    out.extend_from_slice(&(BLOCK as u16).to_be_bytes()); // smallest block size
    out.extend_from_slice(&(BLOCK as u16).to_be_bytes()); // largest block size
    out.extend_from_slice(&[0; 6]); // smallest and largest frame size: unknown
    // Sample rate (20 bits), channels - 1 (3), bits per sample - 1 (5), total samples (36).
    let total = samples.len() as u64 & 0xF_FFFF_FFFF;
    let format = u64::from(RATE) << 44 | 15 << 36 | total;
    out.extend_from_slice(&format.to_be_bytes());
    out.extend_from_slice(&[0; 16]); // MD5 of the samples: not computed (allowed)
    for (number, block) in samples.chunks(BLOCK).enumerate() {
        frame(&mut out, u32::try_from(number).unwrap_or(u32::MAX), block);
    }
    out
}

/// Appends one frame: header (fixed block size, 24 kHz, mono, 16 bits) with its CRC-8, one
/// verbatim subframe, the CRC-16 of the whole frame.
fn frame(out: &mut Vec<u8>, number: u32, block: &[i16]) {
    let start = out.len();
    // Sync and fixed block size; block size "16 bits at the end of the header" (0111) and
    // 24 kHz (0111); mono (0000), 16 bits per sample (100).
    out.extend_from_slice(&[0xFF, 0xF8, 0x77, 0x08]);
    utf8_number(out, number);
    let size = u16::try_from(block.len() - 1).unwrap_or(u16::MAX);
    out.extend_from_slice(&size.to_be_bytes());
    // CRC-8 (x^8 + x^2 + x + 1) of the header, then CRC-16 (x^16 + x^15 + x^2 + 1) of the frame.
    let header_crc = crc(out.get(start..).unwrap_or_default(), 8, 0x07);
    out.push(header_crc as u8);
    out.push(0x02); // subframe: verbatim, no wasted bits
    out.extend(block.iter().flat_map(|sample| sample.to_be_bytes()));
    let frame_crc = crc(out.get(start..).unwrap_or_default(), 16, 0x8005);
    out.extend_from_slice(&(frame_crc as u16).to_be_bytes());
}

/// A frame number in FLAC's UTF-8-like coding (enough for numbers below 2^16).
fn utf8_number(out: &mut Vec<u8>, number: u32) {
    // Each `as u8` below keeps bits already masked or shifted into range.
    match number {
        0..0x80 => out.push(number as u8),
        0x80..0x800 => out.extend_from_slice(&[0xC0 | (number >> 6) as u8, cont(number)]),
        _ => out.extend_from_slice(&[
            0xE0 | (number >> 12 & 0x0F) as u8,
            cont(number >> 6),
            cont(number),
        ]),
    }
}

/// A continuation byte holding the low 6 bits of `bits`.
fn cont(bits: u32) -> u8 {
    0x80 | (bits & 0x3F) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_numbers_take_one_to_three_bytes() {
        for (number, coded) in [
            (0, &[0x00][..]),
            (0x7F, &[0x7F]),
            (0x80, &[0xC2, 0x80]),
            (0x7FF, &[0xDF, 0xBF]),
            (0x800, &[0xE0, 0xA0, 0x80]),
        ] {
            let mut out = Vec::new();
            utf8_number(&mut out, number);
            assert_eq!(out, coded, "{number:#x}");
        }
    }
}
