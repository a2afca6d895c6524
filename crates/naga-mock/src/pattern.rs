//! A string matching a JSON Schema `pattern` (pydantic's `Field(pattern=...)`, codes, dates):
//! the regex is parsed with `regex-syntax` and walked, taking the first alternative, the
//! minimum repetitions (at least one when allowed) and a readable character of each class.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The longest string generated for a pattern (`a{100000}` is cut here and then no longer
/// matches; real schemas stay far below).
const MAX_CHARS: usize = 256;

/// Characters tried first when picking a member of a class, so `[^@]` gives `a`, not NUL.
const READABLE: &str = "a0A-_ .bcxyz123";

/// A string matching `pattern`, or `None` when it does not parse (or is too long).
pub(crate) fn matching(pattern: &str) -> Option<String> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    walk(&hir, &mut out)?;
    Some(out)
}

fn walk(hir: &Hir, out: &mut String) -> Option<()> {
    if out.chars().count() > MAX_CHARS {
        return None;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(()),
        HirKind::Literal(literal) => {
            out.push_str(std::str::from_utf8(&literal.0).ok()?);
            Some(())
        }
        HirKind::Class(class) => {
            out.push(class_member(class)?);
            Some(())
        }
        HirKind::Repetition(rep) => {
            let times = if rep.max.is_none_or(|max| max >= 1) { rep.min.max(1) } else { 0 };
            (0..times).try_for_each(|_| walk(&rep.sub, out))
        }
        HirKind::Capture(capture) => walk(&capture.sub, out),
        HirKind::Concat(parts) => parts.iter().try_for_each(|part| walk(part, out)),
        HirKind::Alternation(options) => walk(options.first()?, out),
    }
}

/// A readable member of `class` when it has one, else its first member.
fn class_member(class: &Class) -> Option<char> {
    match class {
        Class::Unicode(class) => {
            let ranges = class.ranges();
            let contains = |c: char| ranges.iter().any(|r| r.start() <= c && c <= r.end());
            READABLE.chars().find(|c| contains(*c)).or_else(|| ranges.first().map(|r| r.start()))
        }
        Class::Bytes(class) => {
            let ranges = class.ranges();
            let contains = |b: u8| ranges.iter().any(|r| r.start() <= b && b <= r.end());
            let readable = READABLE.bytes().find(|b| contains(*b));
            readable
                .or_else(|| ranges.first().map(|r| r.start()))
                .filter(u8::is_ascii)
                .map(char::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated string, checked against the pattern by a JSON Schema validator.
    fn matches(pattern: &str) -> String {
        let text = matching(pattern).unwrap();
        let schema = serde_json::json!({"type": "string", "pattern": pattern});
        assert!(jsonschema::is_valid(&schema, &serde_json::json!(text)), "{text:?} !~ {pattern}");
        text
    }

    #[test]
    fn common_patterns_get_matching_strings() {
        assert_eq!(matches(r"^\d{3}-\d{4}$"), "000-0000");
        assert_eq!(matches(r"^[A-Z]{2}\d+$"), "AA0");
        assert_eq!(matches(r"^(cat|dog)s?$"), "cats");
        assert_eq!(matches(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"), "a@a.aa");
        assert_eq!(matches(r"^\d{4}-\d{2}-\d{2}$"), "0000-00-00");
        assert_eq!(matches("x{0}y"), "y");
        assert_eq!(matches("東京[0-9]*"), "東京0");
        // The validator does check patterns, so the assertions above mean something.
        let digit = serde_json::json!({"type": "string", "pattern": "^[0-9]$"});
        assert!(!jsonschema::is_valid(&digit, &serde_json::json!("a")));
    }

    #[test]
    fn unparsable_or_huge_patterns_give_none() {
        assert_eq!(matching("(unclosed"), None);
        assert_eq!(matching("a{100000}"), None);
    }
}
