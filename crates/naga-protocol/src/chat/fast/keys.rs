//! Known object keys, matched in the input with their quotes instead of scanned and decoded.

/// A known key: its name, and its quoted form.
#[derive(Debug)]
pub(super) struct KnownKey {
    /// The name, without quotes.
    pub(super) name: &'static str,
    /// `"name"`: input starting with it starts with exactly this key (no escapes in it).
    pub(super) quoted: &'static [u8],
}

/// The index and quoted length of the key in `keys` that `text` starts with, trying
/// `hint` first (servers send keys in the same order every time).
pub(super) fn find(keys: &[KnownKey], text: &[u8], hint: usize) -> Option<(usize, usize)> {
    let matches = |key: &KnownKey| text.starts_with(key.quoted).then_some(key.quoted.len());
    if let Some(len) = keys.get(hint).and_then(matches) {
        return Some((hint, len));
    }
    keys.iter().enumerate().find_map(|(index, key)| Some((index, matches(key)?)))
}

/// Declares a `&[KnownKey]` from names.
macro_rules! known_keys {
    ($($name:literal),* $(,)?) => {
        &[$($crate::chat::fast::keys::KnownKey {
            name: $name,
            quoted: concat!("\"", $name, "\"").as_bytes(),
        }),*]
    };
}

pub(super) use known_keys;

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[KnownKey] = known_keys!["id", "object", "system_fingerprint"];

    #[test]
    fn keys_match_whole_and_quoted() {
        assert_eq!(find(KEYS, br#""id":1"#, 0), Some((0, 4)));
        assert_eq!(find(KEYS, br#""object""#, 0), Some((1, 8)));
        assert_eq!(find(KEYS, br#""object""#, 3), Some((1, 8)));
        assert_eq!(find(KEYS, br#""system_fingerprint":"x""#, 1), Some((2, 20)));
        assert_eq!(find(KEYS, br#""idx":1"#, 0), None);
        assert_eq!(find(KEYS, br#""i"#, 0), None);
        assert_eq!(find(KEYS, br#""\u0069d""#, 0), None);
        assert_eq!(find(KEYS, b"", 9), None);
    }
}
