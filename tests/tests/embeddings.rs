//! Embeddings through both transports against the emulator: the same vectors, both wire
//! encodings, errors named the same way, requests counted.

use naga_conformance::{Failure, Setup, send_both};
use naga_mock::MockServer;
use naga_protocol::{ApiErrorKind, EmbeddingRequest, EmbeddingResponse, EncodingFormat};

const PATH: &str = "/v1/embeddings";
const MODEL: &str = "text-embedding-3-small";

/// Sends `request` through both transports; asserts they agree and how many requests the
/// emulator received per transport.
fn embed(
    server: &MockServer,
    setup: &Setup,
    case: &str,
    request: &EmbeddingRequest,
    requests_each: usize,
) -> Result<EmbeddingResponse, Failure> {
    send_both(server, PATH, setup, case, request).agreed_after(requests_each)
}

fn norm(vector: &[f32]) -> f32 {
    vector.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[test]
fn texts_get_unit_vectors_in_input_order_with_usage() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let request = EmbeddingRequest::new(MODEL, ["Tokyo Tower", "東京タワー", "Tokyo Tower"]);
    let answer = embed(&server, &setup, "texts", &request, 1).unwrap();
    assert_eq!(answer.object.as_deref(), Some("list"));
    assert_eq!(answer.model.as_deref(), Some(MODEL));
    let vectors = answer.vectors().unwrap();
    assert_eq!(vectors.len(), 3);
    for vector in &vectors {
        assert_eq!(vector.len(), 1536, "default size");
        assert!((norm(vector) - 1.0).abs() < 1e-4, "unit length: {}", norm(vector));
    }
    assert_eq!(vectors[0], vectors[2], "the same text, the same vector");
    assert_ne!(vectors[0], vectors[1]);
    let indexes: Vec<u32> = answer.data.iter().map(|item| item.index).collect();
    assert_eq!(indexes, [0, 1, 2]);
    let usage = answer.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.total_tokens), (Some(5), Some(5)));
}

#[test]
fn base64_vectors_equal_the_float_vectors() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let floats = EmbeddingRequest::new(MODEL, "Tokyo").dimensions(64);
    let base64 = floats.clone().encoding_format(EncodingFormat::Base64);
    let as_floats = embed(&server, &setup, "float", &floats, 1).unwrap();
    let as_base64 = embed(&server, &setup, "base64", &base64, 1).unwrap();
    assert!(matches!(as_base64.data[0].embedding, naga_protocol::EmbeddingVector::Base64(_)));
    assert!(matches!(as_floats.data[0].embedding, naga_protocol::EmbeddingVector::Float(_)));
    let vector = as_floats.vectors().unwrap();
    assert_eq!(vector[0].len(), 64);
    assert_eq!(as_base64.vectors().unwrap(), vector, "bit-exact after base64");
}

#[test]
fn token_id_inputs_are_embedded() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let one = EmbeddingRequest::new(MODEL, vec![9906_u32, 1917]).dimensions(8);
    let lists = EmbeddingRequest::new(MODEL, vec![vec![9906_u32, 1917], vec![1]]).dimensions(8);
    let single = embed(&server, &setup, "tokens", &one, 1).unwrap().vectors().unwrap();
    let several = embed(&server, &setup, "token-lists", &lists, 1).unwrap();
    assert_eq!(several.vectors().unwrap()[0], single[0], "same ids, same vector");
    assert_eq!(several.usage.unwrap().prompt_tokens, Some(3));
}

#[test]
fn invalid_requests_are_refused_before_sending() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let cases = [
        (EmbeddingRequest::new(MODEL, ""), "input"),
        (EmbeddingRequest::new(MODEL, ["ok", ""]), "input[1]"),
        (EmbeddingRequest::new(MODEL, "ok").dimensions(0), "dimensions"),
        (EmbeddingRequest::new("", "ok"), "model"),
    ];
    for (request, field) in cases {
        let failure = embed(&server, &setup, field, &request, 0).unwrap_err();
        assert_eq!(failure, Failure::InvalidRequest { field: field.to_owned() });
    }
}

#[test]
fn unknown_and_chat_models_are_api_errors_not_retried() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let unknown = EmbeddingRequest::new("no-such-model", "Tokyo");
    let Failure::Api { kind, status, .. } =
        embed(&server, &setup, "unknown", &unknown, 1).unwrap_err()
    else {
        panic!("expected an API error");
    };
    assert_eq!((kind, status), (ApiErrorKind::NotFound, Some(404)));
    let chat_model = EmbeddingRequest::new("gpt-4o-mini", "Tokyo");
    let Failure::Api { kind, status, message, .. } =
        embed(&server, &setup, "chat-model", &chat_model, 1).unwrap_err()
    else {
        panic!("expected an API error");
    };
    assert_eq!((kind, status), (ApiErrorKind::InvalidRequest, Some(400)));
    assert!(message.contains("does not support embeddings"), "{message}");
}

#[test]
fn a_server_error_is_retried_and_the_answer_is_the_same() {
    let server = MockServer::start_blocking();
    let request = EmbeddingRequest::new(MODEL, "Tokyo").dimensions(16);
    let plain = embed(&server, &Setup::new(server.base_url()), "plain", &request, 1).unwrap();
    let flaky = Setup::new(server.base_url()).header("x-mock-fail-times", 1);
    let retried = embed(&server, &flaky, "retried", &request, 2).unwrap();
    assert_eq!(retried, plain);
}
