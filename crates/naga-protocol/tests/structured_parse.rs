//! Parsing a model's JSON content into a Rust type, one test per error kind.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_protocol::{ParseError, parse_json_content};
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
struct Weather {
    city: String,
    readings: Vec<Reading>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Reading {
    celsius: f64,
    note: Option<String>,
}

const GOOD: &str = r#"{"city":"Prague","readings":[{"celsius":21.5,"note":null}]}"#;

fn parse(
    content: Option<&str>,
    refusal: Option<&str>,
    finish: Option<&str>,
) -> Result<Weather, ParseError> {
    parse_json_content(content, refusal, finish)
}

#[test]
fn good_content_parses() {
    let weather = parse(Some(GOOD), None, Some("stop")).unwrap();
    let reading = Reading { celsius: 21.5, note: None };
    assert_eq!(weather, Weather { city: "Prague".into(), readings: vec![reading] });
    // Unknown finish reasons, an empty refusal and surrounding whitespace are fine.
    assert!(parse(Some(&format!("\n {GOOD} \n")), Some(""), Some("end_turn")).is_ok());
    assert!(parse(Some(GOOD), None, None).is_ok());
}

#[test]
fn refusal_wins_over_everything() {
    let err = parse(None, Some("I can't help with that."), Some("length")).unwrap_err();
    assert_eq!(err, ParseError::Refusal { refusal: "I can't help with that.".into() });
}

#[test]
fn length_is_truncated_with_the_partial_text() {
    let partial = r#"{"city":"Prag"#;
    let err = parse(Some(partial), None, Some("length")).unwrap_err();
    assert_eq!(err, ParseError::Truncated { partial: partial.into() });
    let err = parse(None, None, Some("length")).unwrap_err();
    assert_eq!(err, ParseError::Truncated { partial: String::new() });
}

#[test]
fn content_filter_is_reported() {
    let err = parse(Some(GOOD), None, Some("content_filter")).unwrap_err();
    assert_eq!(err, ParseError::ContentFilter);
}

#[test]
fn missing_or_blank_content_is_no_content() {
    assert_eq!(parse(None, None, Some("tool_calls")).unwrap_err(), ParseError::NoContent);
    assert_eq!(parse(Some("  \n"), None, Some("stop")).unwrap_err(), ParseError::NoContent);
}

#[test]
fn text_that_is_not_json_is_invalid_json_with_offset() {
    let err = parse(Some("Sure! Here is the JSON"), None, Some("stop")).unwrap_err();
    assert_eq!(err, ParseError::InvalidJson { message: "expected value".into(), offset: 0 });
    let err = parse(Some("{\"city\":\"Prague\",\n  oops}"), None, Some("stop")).unwrap_err();
    let ParseError::InvalidJson { offset, .. } = err else { panic!("{err:?}") };
    assert_eq!(offset, 20, "points at the `o` of oops");
}

#[test]
fn trailing_text_after_the_json_is_invalid_json() {
    let content = format!("{GOOD} and more");
    let err = parse(Some(&content), None, Some("stop")).unwrap_err();
    let expected =
        ParseError::InvalidJson { message: "trailing characters".into(), offset: GOOD.len() + 1 };
    assert_eq!(err, expected);
}

#[test]
fn broken_json_with_a_wrong_shape_is_still_invalid_json() {
    // The shape error (`city` is a number) comes first, but the text is not JSON at all.
    let err = parse(Some(r#"{"city": 5, "readings": [}"#), None, Some("stop")).unwrap_err();
    assert!(matches!(err, ParseError::InvalidJson { offset: 25, .. }), "{err:?}");
}

#[test]
fn valid_json_of_another_shape_is_a_mismatch_with_path() {
    let content = r#"{"city":"Prague","readings":[{"celsius":1,"note":null},{"celsius":"warm","note":null}]}"#;
    let err = parse(Some(content), None, Some("stop")).unwrap_err();
    let expected = ParseError::Mismatch {
        path: "readings[1].celsius".into(),
        message: "invalid type: string \"warm\", expected f64".into(),
    };
    assert_eq!(err, expected);
    let err = parse(Some(r#"{"readings":[]}"#), None, Some("stop")).unwrap_err();
    let expected =
        ParseError::Mismatch { path: ".".into(), message: "missing field `city`".into() };
    assert_eq!(err, expected);
}

#[test]
fn errors_display_their_data() {
    let err = ParseError::Mismatch { path: "a.b".into(), message: "bad".into() };
    assert_eq!(err.to_string(), "the JSON does not match the expected type at `a.b`: bad");
    let err = ParseError::Truncated { partial: "{\"a\"".into() };
    assert_eq!(err.to_string(), "the answer was cut off at the token limit after 4 bytes");
    assert_eq!(ParseError::NoChoices.to_string(), "the completion has no choices");
}
