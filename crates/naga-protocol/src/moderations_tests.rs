#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // tests

use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::*;
use crate::{Config, build_request, parse_response};

fn parse(body: &str) -> Result<ModerationResponse, Error> {
    parse_response::<ModerationRequest>(StatusCode::OK, &HeaderMap::new(), body.as_bytes())
}

fn invalid_field(request: &ModerationRequest) -> String {
    match request.validate() {
        Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[test]
fn every_input_form_is_written_as_documented() {
    let parts = vec![ModerationPart::text("caption"), ModerationPart::image_url("https://x/a.png")];
    let flat = json!([{"type": "image_url", "url": "https://x/a.png"}]);
    let cases: [(ModerationInput, Value); 4] = [
        ("one".into(), json!("one")),
        (["a", "b"].into(), json!(["a", "b"])),
        (
            parts.into(),
            json!([{"type": "text", "text": "caption"},
                   {"type": "image_url", "image_url": {"url": "https://x/a.png"}}]),
        ),
        (ModerationInput::Other(flat.clone()), flat),
    ];
    for (input, wire) in cases {
        let request = ModerationRequest::new("omni-moderation-latest", input);
        let http = build_request(&Config::new("ng-key").unwrap(), &request).unwrap();
        assert_eq!(http.uri(), "https://api.naga.ac/v1/moderations");
        let body: Value = serde_json::from_slice(http.body()).unwrap();
        assert_eq!(body, json!({"model": "omni-moderation-latest", "input": wire}));
    }
}

#[test]
fn bad_requests_are_rejected_before_sending() {
    assert_eq!(invalid_field(&ModerationRequest::new("", "x")), "model");
    assert_eq!(invalid_field(&ModerationRequest::new("m", Vec::<String>::new())), "input");
    assert_eq!(invalid_field(&ModerationRequest::new("m", Vec::<ModerationPart>::new())), "input");
    let blank = vec![ModerationPart::text("t"), ModerationPart::image_url(" ")];
    assert_eq!(invalid_field(&ModerationRequest::new("m", blank)), "input[1].image_url.url");
    let repeated = ModerationRequest::new("m", "x").extra_field("input", json!("y"));
    assert_eq!(invalid_field(&repeated), "extra.input");
    assert!(ModerationRequest::new("m", "").validate().is_ok(), "an empty text can be checked");
    let null = ModerationRequest::new("m", ModerationInput::Other(Value::Null));
    assert_eq!(invalid_field(&null), "input");
}

#[test]
fn the_documented_answer_reads() {
    let body = r#"{ "id": "mdr_123", "model": "omni-moderation-latest",
        "results": [ { "flagged": true,
                       "categories": { "violence": true, "hate": false },
                       "category_scores": { "violence": 0.98, "hate": 0.01 },
                       "category_applied_input_types": { "violence": ["text"] } } ] }"#;
    let answer = parse(body).unwrap();
    assert_eq!(answer.id.as_deref(), Some("mdr_123"));
    assert!(answer.flagged());
    let result = &answer.results[0];
    assert_eq!(result.flagged_categories().collect::<Vec<_>>(), ["violence"]);
    assert_eq!(result.category_scores["violence"], 0.98);
    assert_eq!(result.category_applied_input_types["violence"], ["text"]);
}

#[test]
fn odd_values_are_skipped_not_fatal() {
    let body = r#"{"results": [{"flagged": null,
        "categories": {"violence": null, "new/category": true, "hate": "no"},
        "category_scores": {"violence": "high", "hate": 1e-9, "self-harm": " 0.98 "},
        "category_applied_input_types": [], "note": 1}], "extra": true}"#;
    let answer = parse(body).unwrap();
    let result = &answer.results[0];
    assert!(!result.flagged);
    assert_eq!(result.flagged_categories().collect::<Vec<_>>(), ["new/category"]);
    assert!(result.is_flagged() && answer.flagged(), "a violated category flags the item");
    // A score written as text reads; one that is no number is skipped.
    assert_eq!(result.category_scores.len(), 2);
    assert_eq!(result.category_scores["self-harm"], 0.98);
    assert!(result.category_applied_input_types.is_empty());
    assert_eq!(result.extra["note"], json!(1));
    assert_eq!(answer.extra["extra"], json!(true));
}

#[test]
fn a_body_without_results_is_a_decode_error() {
    for body in [r#"{"id": "x"}"#, r#"{"id": "x", "results": []}"#] {
        let err = parse(body).unwrap_err();
        assert!(matches!(err, Error::Decode { what: "moderation", .. }), "{body}: {err:?}");
    }
}

#[test]
fn loosely_typed_verdicts_fail_safe() {
    // A verdict that is not a JSON boolean still flags: a moderation check must not pass
    // what the server said to block.
    for flag in [json!("true"), json!("TRUE"), json!(1), json!("1")] {
        let body = json!({"results": [{"flagged": flag, "categories": {"violence": flag}}]});
        let answer = parse(&body.to_string()).unwrap();
        assert!(answer.flagged(), "{flag}");
        assert_eq!(answer.results[0].flagged_categories().collect::<Vec<_>>(), ["violence"]);
    }
    for flag in [json!(false), json!("false"), json!(0), json!(null), json!("no")] {
        let body = json!({"results": [{"flagged": flag, "categories": {"violence": flag}}]});
        assert!(!parse(&body.to_string()).unwrap().flagged(), "{flag}");
    }
}
