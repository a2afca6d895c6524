//! Opus in Ogg (RFC 7845) for the emulated speech: the two header packets, then one
//! 20 ms packet per frame of silence, 50 packets (one second) per page.

use crate::speech_audio::{RATE, crc};

/// Opus always counts 48 kHz samples; a 20 ms packet holds this many.
const PACKET_SAMPLES: u64 = 960;
/// Packets per audio page.
const PACKETS_PER_PAGE: usize = 50;
/// The logical stream's serial number (any value; one stream per file).
const SERIAL: u32 = 0x6E61_6761; // "naga"
/// A 20 ms CELT-only fullband mono packet (configuration 31, code 0) whose one frame is
/// empty: decoders play an empty frame as silence (RFC 6716 §3.2.1).
const SILENT_PACKET: u8 = 31 << 3;

/// An Ogg Opus stream of silence as long as `samples` 24 kHz samples.
pub(crate) fn ogg_opus(samples: usize) -> Vec<u8> {
    let wanted = samples as u64 * 48_000 / u64::from(RATE);
    let packets = usize::try_from(wanted.div_ceil(PACKET_SAMPLES)).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    let mut sequence = 0;
    page(&mut out, &mut sequence, Page { flags: 0x02, granule: 0, packets: &[&opus_head()] });
    page(&mut out, &mut sequence, Page { flags: 0, granule: 0, packets: &[&opus_tags()] });
    let silent: &[u8] = &[SILENT_PACKET];
    let mut done = 0;
    while done < packets {
        let count = PACKETS_PER_PAGE.min(packets - done);
        done += count;
        // The last page's position ends the stream at the exact length (RFC 7845 §4.4).
        let last = done == packets;
        let granule = if last { wanted } else { done as u64 * PACKET_SAMPLES };
        let flags = if last { 0x04 } else { 0 };
        page(&mut out, &mut sequence, Page { flags, granule, packets: &vec![silent; count] });
    }
    out
}

/// The identification header: version 1, mono, no pre-skip, the input rate, no gain,
/// channel mapping family 0.
fn opus_head() -> Vec<u8> {
    let mut head = b"OpusHead".to_vec();
    head.extend_from_slice(&[1, 1, 0, 0]);
    head.extend_from_slice(&RATE.to_le_bytes());
    head.extend_from_slice(&[0, 0, 0]);
    head
}

/// The comment header: a vendor string, no comments.
fn opus_tags() -> Vec<u8> {
    const VENDOR: &[u8] = b"naga-mock";
    let mut tags = b"OpusTags".to_vec();
    tags.extend_from_slice(&(VENDOR.len() as u32).to_le_bytes());
    tags.extend_from_slice(VENDOR);
    tags.extend_from_slice(&0u32.to_le_bytes());
    tags
}

/// One Ogg page's contents.
struct Page<'a> {
    /// 0x02 first page of the stream, 0x04 last.
    flags: u8,
    /// Samples (at 48 kHz) decoded once this page's packets are.
    granule: u64,
    /// Whole packets, each under 255 bytes (one lacing value apiece).
    packets: &'a [&'a [u8]],
}

/// Appends one Ogg page and its checksum.
fn page(out: &mut Vec<u8>, sequence: &mut u32, page: Page<'_>) {
    let start = out.len();
    out.extend_from_slice(b"OggS");
    out.extend_from_slice(&[0, page.flags]);
    out.extend_from_slice(&page.granule.to_le_bytes());
    out.extend_from_slice(&SERIAL.to_le_bytes());
    out.extend_from_slice(&sequence.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // checksum, filled in below
    out.push(u8::try_from(page.packets.len()).unwrap_or(u8::MAX));
    out.extend(page.packets.iter().map(|packet| u8::try_from(packet.len()).unwrap_or(0)));
    for packet in page.packets {
        out.extend_from_slice(packet);
    }
    // CRC-32 with polynomial 0x04C11DB7 over the page, its own field zero.
    let checksum = crc(out.get(start..).unwrap_or_default(), 32, 0x04C1_1DB7);
    if let Some(field) = out.get_mut(start + 22..start + 26) {
        field.copy_from_slice(&checksum.to_le_bytes());
    }
    *sequence += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_end_at_the_exact_length() {
        // 0.3 s at 24 kHz: 14,400 samples at 48 kHz, 15 packets, on one audio page.
        let ogg = ogg_opus(7_200);
        let pages: Vec<usize> =
            ogg.windows(4).enumerate().filter(|(_, w)| w == b"OggS").map(|(at, _)| at).collect();
        assert_eq!(pages.len(), 3);
        let last = pages[2];
        assert_eq!(ogg[last + 5], 0x04, "end of stream");
        assert_eq!(u64::from_le_bytes(ogg[last + 6..last + 14].try_into().unwrap()), 14_400);
        assert_eq!(ogg[last + 26], 15, "packets");
        assert_eq!(ogg.len(), last + 27 + 15 + 15);
    }
}
