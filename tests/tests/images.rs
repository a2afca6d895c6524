//! Image generation through both transports against the emulator: the same answer in both
//! formats, errors named the same way, requests counted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_conformance::{Async, Blocking, Failure, Sender, Setup, send_both};
use naga_mock::MockServer;
use naga_protocol::{
    FileUpload, ImageEditRequest, ImageGenerationRequest, ImageResponseFormat, ImagesResponse,
};

const PATH: &str = "/v1/images/generations";
const MODEL: &str = "gpt-image-1";

fn generate(
    server: &MockServer,
    case: &str,
    request: &ImageGenerationRequest,
    requests_each: usize,
) -> Result<ImagesResponse, Failure> {
    let setup = Setup::new(server.base_url());
    send_both(server, PATH, &setup, case, request).agreed_after(requests_each)
}

#[test]
fn urls_and_base64_images_with_usage() {
    let server = MockServer::start_blocking();
    let urls = ImageGenerationRequest::new(MODEL, "a lighthouse at dawn").n(3).size("1024x1024");
    let answer = generate(&server, "urls", &urls, 1).unwrap();
    assert_eq!(answer.data.len(), 3);
    assert!(answer.data.iter().all(|image| image.url.is_some() && image.bytes().is_none()));
    let usage = answer.usage.unwrap();
    assert_eq!(
        (usage.input_tokens, usage.output_tokens, usage.total_tokens),
        (Some(4), Some(768), Some(772))
    );
    let inline = urls.clone().n(1).response_format(ImageResponseFormat::B64Json);
    let answer = generate(&server, "b64", &inline, 1).unwrap();
    let png = answer.data[0].bytes().unwrap().unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{png:?}");
}

#[test]
fn bad_requests_are_refused_before_sending() {
    let server = MockServer::start_blocking();
    for (request, field) in [
        (ImageGenerationRequest::new(MODEL, ""), "prompt"),
        (ImageGenerationRequest::new(MODEL, "x").n(0), "n"),
        (ImageGenerationRequest::new(MODEL, "x").size(" "), "size"),
    ] {
        let failure = generate(&server, field, &request, 0).unwrap_err();
        assert_eq!(failure, Failure::InvalidRequest { field: field.to_owned() });
    }
}

#[test]
fn edits_upload_images_and_get_images_back() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let (blocking, asynchronous) = (Blocking::new(&setup), Async::new(&setup));
    let png = FileUpload::new("room.png", b"\x89PNG\r\n\x1a\n0000".to_vec());
    let jpeg = FileUpload::new("door.jpg", b"\xff\xd8\xff\xe0rest".to_vec());
    let edit = ImageEditRequest::new(MODEL, "paint the walls blue", [png.clone(), jpeg])
        .mask(png)
        .n(2)
        .response_format(ImageResponseFormat::B64Json);
    let answer = blocking.send(&edit).unwrap();
    assert_eq!(asynchronous.send(&edit).unwrap(), answer);
    assert_eq!(answer.data.len(), 2);
    assert!(answer.data[0].bytes().unwrap().unwrap().starts_with(b"\x89PNG"));
    // 4 words of prompt and 85 tokens for each of the 2 images, split as OpenAI splits it.
    let usage = answer.usage.as_ref().unwrap();
    assert_eq!((usage.input_tokens, usage.total_tokens), (Some(174), Some(174 + 2 * 256)));
    let details = &usage.extra["input_tokens_details"];
    assert_eq!(details, &serde_json::json!({"text_tokens": 4, "image_tokens": 170}));
    let text = FileUpload::new("notes.png", b"plain text".to_vec());
    let failure = blocking.send(&ImageEditRequest::new(MODEL, "x", [text.clone()])).unwrap_err();
    assert_eq!(asynchronous.send(&ImageEditRequest::new(MODEL, "x", [text])).unwrap_err(), failure);
    let Failure::Api { message, .. } = &failure else { panic!("{failure:?}") };
    assert!(message.contains("`notes.png` is not a PNG, JPEG or WebP image"), "{message}");
    assert_eq!(server.request_count("/v1/images/edits"), 4);
}
