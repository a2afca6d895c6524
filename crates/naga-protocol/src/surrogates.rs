//! JSON text with lone UTF-16 surrogate escapes (`"\ud83d"` without its low half, as a
//! provider that cuts a stream between the two halves of an emoji sends): RFC 8259 §8.2 calls
//! such strings well-formed, JavaScript and Python read them, serde_json refuses them. A
//! decode that fails is retried once with each lone surrogate read as U+FFFD, so one broken
//! character does not cost a whole answer; nothing changes for text that decodes.

use serde::de::DeserializeOwned;

/// `text` decoded as `T`; when that fails and `text` holds lone surrogate escapes, decoded
/// again with them replaced by `\ufffd`, and then with a repeated key's last value taken
/// (the first error stands if all fail).
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    from_slice(text.as_bytes())
}

/// [`from_str`] for bytes.
pub(crate) fn from_slice<T: DeserializeOwned>(json: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(json).or_else(|err| {
        let fixed = repaired(json);
        let direct = fixed.as_deref().and_then(|fixed| serde_json::from_slice(fixed).ok());
        let json = fixed.as_deref().unwrap_or(json);
        let repeated = err.to_string().starts_with("duplicate field");
        direct.or_else(|| repeated.then(|| last_key_wins(json)).flatten()).ok_or(err)
    })
}

/// `T` from `json` whose objects may repeat a key, the last value of a key winning (as in
/// Python's and JavaScript's JSON), where a derived `Deserialize` refuses a repeated field;
/// read through a `Value`, so only after the direct read failed on one.
fn last_key_wins<T: DeserializeOwned>(json: &[u8]) -> Option<T> {
    serde_json::from_slice::<serde_json::Value>(json).and_then(T::deserialize).ok()
}

/// `json` with every lone surrogate escape replaced by `\ufffd` (same length, so offsets
/// hold), or `None` when it has none.
pub(crate) fn repaired(json: &[u8]) -> Option<Vec<u8>> {
    let mut fixed: Option<Vec<u8>> = None;
    let mut at = 0;
    while let Some(found) = json.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let slash = at + found;
        at = slash + 2; // past the escape's two bytes; `\u` skips its digits below
        if json.get(slash + 1) != Some(&b'u') {
            continue;
        }
        let Some(unit) = unit_at(json, slash + 2) else { continue };
        at = slash + 6;
        let low = |unit: u16| (0xDC00..0xE000).contains(&unit);
        if (0xD800..0xDC00).contains(&unit)
            && json.get(at..at + 2) == Some(b"\\u")
            && unit_at(json, at + 2).is_some_and(low)
        {
            at += 6; // a whole pair
            continue;
        }
        if (0xD800..0xE000).contains(&unit) {
            let copy = fixed.get_or_insert_with(|| json.to_vec());
            if let Some(digits) = copy.get_mut(slash + 2..slash + 6) {
                digits.copy_from_slice(b"fffd");
            }
        }
    }
    fixed
}

/// The UTF-16 unit of the four hex digits at `at`.
fn unit_at(json: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(json.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(json: &str) -> Option<String> {
        repaired(json.as_bytes()).map(|bytes| String::from_utf8(bytes).unwrap_or_default())
    }

    #[test]
    fn only_lone_halves_are_replaced() {
        assert_eq!(fixed(r#""A\ud800B""#).as_deref(), Some(r#""A\ufffdB""#));
        assert_eq!(fixed(r#""\ude00 there""#).as_deref(), Some(r#""\ufffd there""#));
        assert_eq!(fixed(r#""hi \uD83D""#).as_deref(), Some(r#""hi \ufffd""#));
        assert_eq!(fixed(r#""\ud83d\ud83d\ude00""#).as_deref(), Some(r#""\ufffd\ud83d\ude00""#));
        // Pairs, other escapes and an escaped backslash before `u` stay as they are.
        for intact in [r#""\ud83d\ude00""#, r#""\u00e9 \n \"""#, r#""\\ud800""#, r#""\u12""#] {
            assert_eq!(fixed(intact), None, "{intact}");
        }
    }

    #[test]
    fn a_lone_surrogate_decodes_as_the_replacement_character() {
        let text: String = from_str(r#""A\ud800B""#).unwrap_or_default();
        assert_eq!(text, "A\u{FFFD}B");
        let emoji: String = from_str(r#""\ud83d\ude00""#).unwrap_or_default();
        assert_eq!(emoji, "😀");
        let broken = from_str::<String>(r#""\ud800"#).unwrap_err();
        assert!(broken.to_string().contains("EOF"), "the first error stands: {broken}");
    }
}
