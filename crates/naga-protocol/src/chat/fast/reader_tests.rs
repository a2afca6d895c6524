use super::*;

fn string(json: &str) -> Option<String> {
    let mut reader = Reader::new(json);
    let text = reader.string()?;
    reader.at_end().then(|| text.into_owned())
}

fn uint(json: &str) -> Option<u64> {
    let mut reader = Reader::new(json);
    let value = reader.uint()?;
    reader.at_end().then_some(value)
}

fn raw(json: &str, depth: usize) -> Option<(&str, &str)> {
    let mut reader = Reader::new(json);
    let value = reader.raw_value(depth)?;
    Some((value, json.get(reader.pos..)?))
}

#[test]
fn strings_decode_every_escape() {
    assert_eq!(string(r#""plain""#).as_deref(), Some("plain"));
    assert_eq!(string(r#"  "a\"b\\c\/d""#).as_deref(), Some("a\"b\\c/d"));
    assert_eq!(string(r#""\b\f\n\r\t""#).as_deref(), Some("\u{8}\u{c}\n\r\t"));
    assert_eq!(string(r#""\u0041\u00e9\u6771\u0000""#).as_deref(), Some("Aé東\0"));
    assert_eq!(string(r#""x\uD83D\uDE00y""#).as_deref(), Some("x😀y"));
    assert_eq!(string(r#""\ud83d\ude00""#).as_deref(), Some("😀"));
    assert_eq!(string(r#""Zürich 東京""#).as_deref(), Some("Zürich 東京"));
    assert_eq!(string(r#""""#).as_deref(), Some(""));
}

#[test]
fn strings_borrow_without_escapes() {
    let mut reader = Reader::new(r#""abc" "a\nb""#);
    assert!(matches!(reader.string(), Some(Cow::Borrowed("abc"))));
    assert!(matches!(reader.string(), Some(Cow::Owned(text)) if text == "a\nb"));
}

#[test]
fn strings_refuse_what_serde_json_refuses() {
    for bad in [
        r#""\ud83d""#,
        r#""\ud83dx""#,
        r#""\ud83d\u0041""#,
        r#""\ude00""#,
        r#""\x""#,
        r#""\u12""#,
        r#""\u12g4""#,
        "\"tab\there\"",
        "\"nl\nhere\"",
        "\"\u{1f}\"",
        r#""open"#,
        r#""ends\"#,
        "x",
    ] {
        assert_eq!(string(bad), None, "{bad}");
    }
}

#[test]
fn integers_are_plain_and_fit_a_u64() {
    assert_eq!(uint("0"), Some(0));
    assert_eq!(uint(" 42 "), Some(42));
    assert_eq!(uint("18446744073709551615"), Some(u64::MAX));
    for bad in ["18446744073709551616", "99999999999999999999", "-1", "01", "00", "1.0", "1e3"] {
        assert_eq!(uint(bad), None, "{bad}");
    }
    assert_eq!(uint("1E3"), None);
    assert_eq!(uint("+1"), None);
}

#[test]
fn null_is_a_whole_literal() {
    assert!(Reader::new(" null").eat_null());
    assert!(!Reader::new("nul").eat_null());
    assert!(!Reader::new("\"null\"").eat_null());
    let mut reader = Reader::new("nullx");
    assert!(reader.eat_null());
    assert_eq!(reader.peek(), Some(b'x'));
}

#[test]
fn raw_values_end_where_the_value_ends() {
    assert_eq!(raw(r#" {"a":[1,{"b":"]}"}]} ,x"#, 1), Some((r#"{"a":[1,{"b":"]}"}]}"#, " ,x")));
    assert_eq!(raw(r#""say \"}\" \\" }"#, 1), Some((r#""say \"}\" \\""#, " }")));
    assert_eq!(raw("-12.5e3,", 1), Some(("-12.5e3", ",")));
    assert_eq!(raw("true}", 1), Some(("true", "}")));
    assert_eq!(raw("[[], {}]]", 1), Some(("[[], {}]", "]")));
    assert_eq!(raw(r#"["\\"]"#, 1), Some((r#"["\\"]"#, "")));
    assert_eq!(raw("[1, 2", 1), None);
    assert_eq!(raw("]", 1), None);
    assert_eq!(raw(r#""open"#, 1), None);
}

#[test]
fn raw_values_stop_at_the_depth_limit() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deep = nested(MAX_DEPTH - 1);
    assert_eq!(raw(&deep, 1).map(|(value, _)| value.len()), Some(deep.len()));
    assert_eq!(raw(&nested(MAX_DEPTH), 1), None);
    assert_eq!(raw(&nested(10), MAX_DEPTH - 10), Some((nested(10).as_str(), "")));
    assert_eq!(raw(&nested(11), MAX_DEPTH - 10), None);
    let wide = format!("[{}]", "[1],".repeat(1000) + "2");
    assert_eq!(raw(&wide, 1).map(|(value, _)| value.len()), Some(wide.len()));
}

#[test]
fn special_bytes_are_found_at_every_position() {
    for len in 0..40 {
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = special;
                if at + 1 < len {
                    bytes[at + 1] = b'"'; // a second one after it must not win
                }
                assert_eq!(special_byte(&bytes), Some(at), "{len} {special} {at}");
            }
            assert_eq!(special_byte(&vec![b'a'; len]), None);
        }
    }
    let text = "é東😀 !#[]\u{7f}~".repeat(3);
    assert_eq!(special_byte(text.as_bytes()), None);
    let mut high = vec![0xffu8, 0x80, 0xa0, 0x21, 0x20, 0x7f, 0x5b, 0x5d];
    high.push(0x1f);
    assert_eq!(special_byte(&high), Some(8));
}
