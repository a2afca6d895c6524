//! A byte cursor over JSON text: whitespace, strings, plain integers, `null`, and raw value
//! slices. Every method returns `None` on anything it does not read exactly like serde_json
//! would; the caller then gives up the fast path.

use std::borrow::Cow;

use super::keys::{self, KnownKey};
use super::spare::Spare;

/// Nesting (counted from the top-level value) beyond which the fast path gives up, well
/// below serde_json's recursion limit of 128.
pub(super) const MAX_DEPTH: usize = 100;

/// A position in JSON text.
#[derive(Debug)]
pub(super) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Buffers for the strings read (none unless given).
    spare: Spare,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub(super) fn new(text: &'a str) -> Self {
        Self::with_spare(text, Spare::default())
    }

    /// A reader at the start of `text` that puts the strings it reads in `spare`'s buffers.
    pub(super) fn with_spare(text: &'a str, spare: Spare) -> Self {
        Reader { text, bytes: text.as_bytes(), pos: 0, spare }
    }

    /// The buffers not used.
    pub(super) fn into_spare(self) -> Spare {
        self.spare
    }

    /// `text` as an owned string (in a spare buffer when it is borrowed and one is left).
    pub(super) fn own(&mut self, text: Cow<'a, str>) -> String {
        match text {
            Cow::Borrowed(text) => self.spare.string(text),
            Cow::Owned(text) => text,
        }
    }

    /// An empty tool-call list (a spare one when one is left).
    pub(super) fn spare_list(&mut self) -> Vec<crate::chat::chunk::ToolCallDelta> {
        self.spare.list()
    }

    /// Where the reader is, for [`set_position`](Self::set_position).
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// Goes back to a [`position`](Self::position) taken earlier.
    pub(super) fn set_position(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The next byte, without consuming it.
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips JSON whitespace (space, tab, LF, CR), then returns the next byte.
    pub(super) fn peek_token(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
        self.peek()
    }

    /// Consumes `byte` (after whitespace) when it comes next.
    pub(super) fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek_token() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    /// Consumes the next byte (after whitespace).
    pub(super) fn next_token(&mut self) -> Option<u8> {
        let byte = self.peek_token()?;
        self.pos += 1;
        Some(byte)
    }

    /// Whether only whitespace is left.
    pub(super) fn at_end(&mut self) -> bool {
        self.peek_token().is_none()
    }

    /// Consumes `null` (after whitespace) when it comes next.
    pub(super) fn eat_null(&mut self) -> bool {
        let found = self.peek_token() == Some(b'n')
            && self.bytes.get(self.pos..self.pos + 4) == Some(b"null".as_slice());
        self.pos += if found { 4 } else { 0 };
        found
    }

    /// A non-negative integer without sign, fraction, exponent or leading zero that fits a
    /// `u64`; `None` for anything else.
    pub(super) fn uint(&mut self) -> Option<u64> {
        self.peek_token()?;
        let start = self.pos;
        let mut value = 0u64;
        while let Some(digit) = self.peek().map(|byte| byte.wrapping_sub(b'0')).filter(|d| *d < 10)
        {
            value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
            self.pos += 1;
        }
        let digits = self.bytes.get(start..self.pos)?;
        let leading_zero = digits.len() > 1 && digits.first() == Some(&b'0');
        if digits.is_empty() || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        if digits.len() >= 20 {
            // Up to 19 digits always fit a `u64`; 20 may not.
            return self.text.get(start..self.pos)?.parse().ok();
        }
        Some(value)
    }

    /// Consumes the key that comes next when it is one of `keys` written plainly, and
    /// returns its index; tries them from `hint` on.
    pub(super) fn known_key(&mut self, keys: &[KnownKey], hint: usize) -> Option<usize> {
        let (index, len) = keys::find(keys, self.bytes.get(self.pos..)?, hint)?;
        self.pos += len;
        Some(index)
    }

    /// A string (the next token must be `"`), borrowed when it has no escapes.
    #[inline]
    pub(super) fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.next_token()? != b'"' {
            return None;
        }
        let start = self.pos;
        let end = start + special_byte(self.bytes.get(start..)?)?;
        self.pos = end + 1;
        match self.bytes.get(end) {
            Some(b'"') => self.text.get(start..end).map(Cow::Borrowed),
            _ => self.escaped_string(start, end).map(Cow::Owned),
        }
    }

    /// The rest of a string that starts at `start` and whose first special byte (at `end`)
    /// is not its closing quote; the reader is just past that byte.
    #[cold]
    fn escaped_string(&mut self, start: usize, mut end: usize) -> Option<String> {
        // Room up to the next quote: the whole string unless it holds an escaped quote
        // (escapes only shrink), so it is rarely copied to a larger buffer while filled.
        let to_quote = memchr::memchr(b'"', self.bytes.get(end..)?).unwrap_or(0);
        let mut text = self.spare.buffer(end - start + to_quote);
        let mut piece = start;
        loop {
            text.push_str(self.text.get(piece..end)?);
            match self.bytes.get(end)? {
                b'"' => return Some(text),
                b'\\' => text.push(self.escape()?),
                _ => return None, // a control character
            }
            piece = self.pos;
            end = piece + special_byte(self.bytes.get(piece..)?)?;
            self.pos = end + 1;
        }
    }

    /// The character of an escape whose backslash was just consumed.
    fn escape(&mut self) -> Option<char> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => return None,
        })
    }

    /// The character of `\uXXXX` (its `\u` consumed), joining a surrogate pair; a lone
    /// surrogate is `None`.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high); // `None` for a lone low surrogate
        }
        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u".as_slice()) {
            return None;
        }
        self.pos += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        self.pos += 4;
        digits
            .iter()
            .try_fold(0u32, |value, &digit| Some(value << 4 | char::from(digit).to_digit(16)?))
    }

    /// Skips one value of any kind and returns its text, found with an explicit depth
    /// counter (`depth` is the nesting of the value's parent). The slice is not validated:
    /// the caller parses it with serde_json. `None` when nesting would pass [`MAX_DEPTH`].
    pub(super) fn raw_value(&mut self, depth: usize) -> Option<&'a str> {
        self.peek_token()?;
        let start = self.pos;
        let mut open = 0usize;
        loop {
            match self.next_token()? {
                b'"' => self.skip_string_body()?,
                b'{' | b'[' => {
                    open += 1;
                    if depth + open > MAX_DEPTH {
                        return None;
                    }
                }
                b'}' | b']' => open = open.checked_sub(1)?,
                b',' | b':' => {}
                _ => self.skip_scalar(),
            }
            if open == 0 {
                return self.text.get(start..self.pos);
            }
        }
    }

    /// Skips to just past the closing quote of a string whose opening quote was consumed.
    fn skip_string_body(&mut self) -> Option<()> {
        loop {
            let rest = self.bytes.get(self.pos..)?;
            self.pos += memchr::memchr2(b'"', b'\\', rest)?;
            let end = self.peek()?;
            self.pos += if end == b'"' { 1 } else { 2 };
            if end == b'"' {
                return Some(());
            }
        }
    }

    /// Skips the rest of a number or literal whose first byte was consumed.
    fn skip_scalar(&mut self) {
        while let Some(byte) = self.peek() {
            if matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'"')
                || matches!(byte, b'[' | b']' | b'{' | b'}')
            {
                return;
            }
            self.pos += 1;
        }
    }
}

/// `0x01` in every byte.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// `0x80` in every byte.
const HIGHS: u64 = ONES * 0x80;

/// The index of the first `"`, `\` or control character (`< 0x20`) in `bytes`, eight bytes
/// at a time.
fn special_byte(bytes: &[u8]) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let found = special_bytes(u64::from_le_bytes(word.try_into().ok()?));
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    // The last 0..=7 bytes, padded with spaces (not special) to one more word.
    let mut last = [b' '; 8];
    last.iter_mut().zip(words.remainder()).for_each(|(slot, byte)| *slot = *byte);
    let found = special_bytes(u64::from_le_bytes(last));
    (found != 0).then(|| offset + (found.trailing_zeros() / 8) as usize)
}

/// The high bit of each byte of `word` that is `"`, `\` or below `0x20`. Only the lowest
/// set bit is exact (a borrow can flag a byte above a flagged one), which is all
/// [`special_byte`] uses.
fn special_bytes(word: u64) -> u64 {
    let zero_byte = |value: u64| value.wrapping_sub(ONES) & !value & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    zero_byte(word ^ (ONES * u64::from(b'"')))
        | zero_byte(word ^ (ONES * u64::from(b'\\')))
        | below_space
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
