#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // tests

use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::*;
use crate::{Config, build_request, parse_response};

fn parse(body: &str) -> Result<EmbeddingResponse, Error> {
    parse_response::<EmbeddingRequest>(StatusCode::OK, &HeaderMap::new(), body.as_bytes())
}

fn invalid_field(request: &EmbeddingRequest) -> String {
    match request.validate() {
        Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[test]
fn request_body_is_the_documented_shape() {
    let request = EmbeddingRequest::new("text-embedding-3-small", ["a", "b"])
        .dimensions(3)
        .encoding_format(EncodingFormat::Base64);
    let http = build_request(&Config::new("ng-key").unwrap(), &request).unwrap();
    assert_eq!(http.method(), "POST");
    assert_eq!(http.uri(), "https://api.naga.ac/v1/embeddings");
    assert_eq!(http.headers()["content-type"], "application/json");
    let body: Value = serde_json::from_slice(http.body()).unwrap();
    assert_eq!(
        body,
        json!({"model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 3,
               "encoding_format": "base64"})
    );
}

#[test]
fn every_input_form_is_written_as_documented() {
    let cases: [(EmbeddingInput, Value); 4] = [
        ("one".into(), json!("one")),
        (vec!["x".to_owned()].into(), json!(["x"])),
        (vec![1_u32, 2].into(), json!([1, 2])),
        (vec![vec![1_u32], vec![2, 3]].into(), json!([[1], [2, 3]])),
    ];
    for (input, wire) in cases {
        assert_eq!(serde_json::to_value(&input).unwrap(), wire);
        assert_eq!(serde_json::from_value::<EmbeddingInput>(wire).unwrap(), input);
    }
}

#[test]
fn bad_requests_are_rejected_before_sending() {
    let ok = || EmbeddingRequest::new("m", "text");
    assert!(ok().validate().is_ok());
    assert_eq!(invalid_field(&EmbeddingRequest::new(" ", "text")), "model");
    assert_eq!(invalid_field(&EmbeddingRequest::new("m", "")), "input");
    assert_eq!(invalid_field(&EmbeddingRequest::new("m", Vec::<String>::new())), "input");
    assert_eq!(invalid_field(&EmbeddingRequest::new("m", ["a", ""])), "input[1]");
    assert_eq!(invalid_field(&EmbeddingRequest::new("m", Vec::<u32>::new())), "input");
    assert_eq!(invalid_field(&EmbeddingRequest::new("m", vec![vec![1_u32], vec![]])), "input[1]");
    assert_eq!(invalid_field(&ok().dimensions(0)), "dimensions");
    assert_eq!(invalid_field(&ok().encoding_format("int8".into())), "encoding_format");
    assert_eq!(invalid_field(&ok().extra_field("model", json!("x"))), "extra.model");
    let built = build_request(&Config::new("ng-key").unwrap(), &ok().dimensions(0));
    assert!(matches!(built, Err(Error::InvalidRequest { .. })), "{built:?}");
}

#[test]
fn float_answer_reads_with_usage() {
    let body = r#"{"object":"list","model":"text-embedding-3-small",
        "data":[{"object":"embedding","index":0,"embedding":[0.12,-0.03,0.41]}],
        "usage":{"prompt_tokens":12,"total_tokens":12}}"#;
    let answer = parse(body).unwrap();
    assert_eq!(answer.model.as_deref(), Some("text-embedding-3-small"));
    assert_eq!(answer.data[0].embedding, EmbeddingVector::Float(vec![0.12, -0.03, 0.41]));
    assert_eq!(answer.vectors().unwrap(), [vec![0.12_f32, -0.03, 0.41]]);
    let usage = answer.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.total_tokens), (Some(12), Some(12)));
}

#[test]
fn base64_answer_decodes_to_the_same_floats() {
    let values = [0.5_f32, -1.25, 3.0e-7, f32::MAX];
    let EmbeddingVector::Base64(text) = EmbeddingVector::base64_of(&values) else { panic!() };
    let body = format!(r#"{{"data":[{{"index":0,"embedding":"{text}"}}]}}"#);
    assert_eq!(parse(&body).unwrap().vectors().unwrap(), [values.to_vec()]);
    // The wire form, checked independently: 0.5 is 00 00 00 3f little-endian.
    let EmbeddingVector::Base64(half) = EmbeddingVector::base64_of(&[0.5]) else { panic!() };
    assert_eq!(half, "AAAAPw==");
}

#[test]
fn broken_base64_is_a_decode_error_not_a_panic() {
    for bad in ["not base64!", "AAAA A=", "AAA="] {
        let body = format!(r#"{{"data":[{{"index":0,"embedding":"{bad}"}}]}}"#);
        let answer = parse(&body).unwrap();
        let err = answer.vectors().unwrap_err();
        assert!(matches!(err, Error::Decode { what: "embedding", .. }), "{bad}: {err:?}");
    }
}

#[test]
fn vectors_follow_index_order_and_unknown_fields_are_kept() {
    let body = r#"{"object":"list","data":[
        {"object":"embedding","index":1,"embedding":[2.0],"norm":1},
        {"object":"embedding","index":"0","embedding":[1.0]}],
        "model":7,"usage":null,"provider":"x"}"#;
    let answer = parse(body).unwrap();
    assert_eq!(answer.vectors().unwrap(), [vec![1.0_f32], vec![2.0]]);
    assert_eq!(answer.data[0].extra["norm"], json!(1));
    assert_eq!(answer.extra["provider"], json!("x"));
    assert_eq!(answer.model.as_deref(), Some("7"));
    assert_eq!(answer.usage, None);
}

#[test]
fn vectors_must_be_one_per_input_index() {
    let vectors = |indices: &str| {
        let data: Vec<String> = indices
            .split(',')
            .map(|index| format!(r#"{{"index":{index},"embedding":[{index}.5]}}"#))
            .collect();
        parse(&format!(r#"{{"data":[{}]}}"#, data.join(","))).unwrap().vectors()
    };
    assert_eq!(vectors("2,0,1").unwrap(), [vec![0.5_f32], vec![1.5], vec![2.5]]);
    let many = (1..=10).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let cases = [
        ("1", "[1]"),
        ("0,0,2", "[0, 0, 2]"),
        ("0,2", "[0, 2]"),
        (many.as_str(), "[1, 2, 3, 4, 5, 6, 7, 8, ...], not 0..10"),
    ];
    for (indices, shown) in cases {
        let err = vectors(indices).unwrap_err();
        assert!(matches!(&err, Error::Decode { what: "embedding", .. }), "{indices}: {err:?}");
        assert!(err.to_string().contains(shown), "{err}");
    }
    // No indices at all (every one read as 0): the answer's order.
    let unnumbered = parse(r#"{"data":[{"embedding":[1.0]},{"embedding":[2.0]}]}"#).unwrap();
    assert_eq!(unnumbered.vectors().unwrap(), [vec![1.0_f32], vec![2.0]]);
}

#[test]
fn a_vector_of_another_type_is_a_decode_error() {
    for bad in [r#"{"data":[{"embedding":{"x":1}}]}"#, r#"{"data":[{"embedding":[1,"a"]}]}"#] {
        let err = parse(bad).unwrap_err();
        assert!(matches!(err, Error::Decode { what: "embeddings", .. }), "{bad}: {err:?}");
    }
}

#[test]
fn error_status_is_the_api_error() {
    let body = br#"{"error":{"message":"model not found","type":"invalid_request_error"}}"#;
    let result = parse_response::<EmbeddingRequest>(StatusCode::NOT_FOUND, &HeaderMap::new(), body);
    let err = result.unwrap_err();
    assert_eq!(err.api().map(|api| api.message.as_str()), Some("model not found"));
}

#[test]
fn a_repeated_key_takes_its_last_value_as_in_other_clients() {
    let body = r#"{"object":"list","model":"first","data":[{"object":"embedding","index":0,"embedding":[0.5]}],"model":"last"}"#;
    let response = parse(body).unwrap();
    assert_eq!((response.model.as_deref(), response.data.len()), (Some("last"), 1));
    // A body that is wrong for another reason keeps its own error.
    let err = parse(r#"{"data":7,"model":"a","model":"b"}"#).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}
