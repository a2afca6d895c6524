//! Moderations through both transports against the emulator: the same verdicts, every input
//! form, errors named the same way, requests counted.

use naga_conformance::{Failure, Setup, send_both};
use naga_mock::MockServer;
use naga_protocol::{ApiErrorKind, ModerationPart, ModerationRequest, ModerationResponse};

const PATH: &str = "/v1/moderations";
const MODEL: &str = "omni-moderation-latest";

fn moderate(
    server: &MockServer,
    case: &str,
    request: &ModerationRequest,
    requests_each: usize,
) -> Result<ModerationResponse, Failure> {
    let setup = Setup::new(server.base_url());
    send_both(server, PATH, &setup, case, request).agreed_after(requests_each)
}

#[test]
fn texts_get_one_verdict_each() {
    let server = MockServer::start_blocking();
    let request = ModerationRequest::new(MODEL, ["Tokyo is calm today.", "I will kill the lights"]);
    let answer = moderate(&server, "texts", &request, 1).unwrap();
    assert_eq!(answer.model.as_deref(), Some(MODEL));
    assert!(answer.id.as_deref().is_some_and(|id| id.starts_with("modr-")));
    assert_eq!(answer.results.len(), 2);
    assert!(!answer.results[0].flagged);
    assert_eq!(answer.results[0].flagged_categories().count(), 0);
    assert!(answer.results[1].flagged && answer.flagged());
    assert_eq!(answer.results[1].flagged_categories().collect::<Vec<_>>(), ["violence"]);
    assert!(answer.results[1].category_scores["violence"] >= 0.9);
    assert_eq!(answer.results[1].categories.len(), 13);
}

#[test]
fn parts_get_one_verdict_with_image_input_types() {
    let server = MockServer::start_blocking();
    let parts = vec![
        ModerationPart::text("a harbour at dusk"),
        ModerationPart::image_url("https://example.com/harbour.png"),
    ];
    let answer = moderate(&server, "parts", &ModerationRequest::new(MODEL, parts), 1).unwrap();
    assert_eq!(answer.results.len(), 1);
    let types = &answer.results[0].category_applied_input_types;
    assert_eq!(types["violence"], ["text", "image"]);
    assert_eq!(types["harassment"], ["text"]);
}

#[test]
fn bad_requests_and_models_fail_the_same_way() {
    let server = MockServer::start_blocking();
    let empty = ModerationRequest::new(MODEL, Vec::<String>::new());
    let refused = moderate(&server, "empty", &empty, 0).unwrap_err();
    assert_eq!(refused, Failure::InvalidRequest { field: "input".to_owned() });
    let embedding_model = ModerationRequest::new("text-embedding-3-small", "x");
    let Failure::Api { kind, status, message, .. } =
        moderate(&server, "wrong-model", &embedding_model, 1).unwrap_err()
    else {
        panic!("expected an API error");
    };
    assert_eq!((kind, status), (ApiErrorKind::InvalidRequest, Some(400)));
    assert!(message.contains("does not support moderations"), "{message}");
}
