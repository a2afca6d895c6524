#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // tests

use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::*;
use crate::{Config, build_request, parse_response};

fn parse(body: &str) -> Result<ImagesResponse, Error> {
    parse_response::<ImageGenerationRequest>(StatusCode::OK, &HeaderMap::new(), body.as_bytes())
}

fn invalid_field(request: &ImageGenerationRequest) -> String {
    match request.validate() {
        Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[test]
fn request_body_is_the_documented_shape() {
    let request = ImageGenerationRequest::new("gpt-image-1", "a lighthouse")
        .n(2)
        .size("1024x1536")
        .quality("high")
        .response_format(ImageResponseFormat::B64Json);
    let http = build_request(&Config::new("ng-key").unwrap(), &request).unwrap();
    assert_eq!(http.uri(), "https://api.naga.ac/v1/images/generations");
    let body: Value = serde_json::from_slice(http.body()).unwrap();
    assert_eq!(
        body,
        json!({"model": "gpt-image-1", "prompt": "a lighthouse", "n": 2, "size": "1024x1536",
               "quality": "high", "response_format": "b64_json"})
    );
}

#[test]
fn bad_requests_are_rejected_before_sending() {
    let ok = || ImageGenerationRequest::new("m", "p");
    for size in ["auto", "1024x1024", "1K", "16:9", "square_hd"] {
        assert!(ok().size(size).validate().is_ok(), "{size}: its forms vary by model");
    }
    assert_eq!(invalid_field(&ImageGenerationRequest::new(" ", "p")), "model");
    assert_eq!(invalid_field(&ImageGenerationRequest::new("m", " ")), "prompt");
    let long = "é".repeat(MAX_IMAGE_PROMPT_CHARS + 1);
    assert_eq!(invalid_field(&ImageGenerationRequest::new("m", long)), "prompt");
    let longest = "é".repeat(MAX_IMAGE_PROMPT_CHARS);
    assert!(ImageGenerationRequest::new("m", longest).validate().is_ok(), "characters, not bytes");
    assert_eq!(invalid_field(&ok().n(0)), "n");
    for size in ["", " "] {
        assert_eq!(invalid_field(&ok().size(size)), "size", "{size:?}");
    }
    assert_eq!(invalid_field(&ok().response_format("png".into())), "response_format");
    assert_eq!(invalid_field(&ok().extra_field("prompt", json!("x"))), "extra.prompt");
}

#[test]
fn the_documented_answer_reads_and_nulls_are_tolerated() {
    let body = r#"{ "created": 1710000000,
        "data": [ { "url": "https://api.naga.ac/outputs/a.png", "b64_json": null, "revised_prompt": null } ],
        "usage": { "input_tokens": null, "output_tokens": 512, "total_tokens": 554 } }"#;
    let answer = parse(body).unwrap();
    assert_eq!(answer.created, Some(1_710_000_000));
    assert_eq!(answer.data[0].url.as_deref(), Some("https://api.naga.ac/outputs/a.png"));
    assert!(answer.data[0].bytes().is_none(), "a URL image has no inline bytes");
    let usage = answer.usage.unwrap();
    assert_eq!((usage.input_tokens, usage.output_tokens), (None, Some(512)));
}

#[test]
fn base64_images_decode_and_bad_base64_is_a_decode_error() {
    let answer = parse(r#"{"data":[{"b64_json":"iVBORw0KGgo="},{"b64_json":"%%%"}]}"#).unwrap();
    assert_eq!(answer.data[0].bytes().unwrap().unwrap(), b"\x89PNG\r\n\x1a\n");
    let err = answer.data[1].bytes().unwrap().unwrap_err();
    assert!(matches!(err, Error::Decode { what: "image", .. }), "{err:?}");
}
