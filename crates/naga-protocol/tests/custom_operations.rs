//! The test operations the transports' tests share: requests built from them, and the line
//! decoder's items, end and truncation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod transport_kit;

use naga_protocol::{Config, Error, StreamDecoder, StreamError, StreamingOperation, build_request};
use transport_kit::{Echo, Lines};

fn drain(decoder: &mut impl StreamDecoder<Item = String>) -> Vec<Result<String, Error>> {
    std::iter::from_fn(|| decoder.next_item()).collect()
}

#[test]
fn echo_and_lines_build_their_requests() {
    let config = Config::new("ng-key").unwrap().with_base_url("http://127.0.0.1:1/v1").unwrap();
    let echo = build_request(&config, &Echo).unwrap();
    assert_eq!((echo.method().as_str(), echo.uri().path()), ("POST", "/v1/echo"));
    assert_eq!(echo.body().as_ref(), br#"{"ping":1}"#);
    let lines = build_request(&config, &Lines).unwrap();
    assert_eq!(lines.uri().path(), "/v1/lines");
    assert_eq!(lines.headers()["accept"], "text/event-stream");
}

#[test]
fn the_line_decoder_yields_data_lines_until_end() {
    let mut decoder = Lines.decoder();
    decoder.feed(b"data: a\n: comment\ndata: b");
    assert_eq!(drain(&mut decoder).into_iter().map(Result::unwrap).collect::<Vec<_>>(), ["a"]);
    decoder.feed(b"\ndata: END\n");
    assert_eq!(drain(&mut decoder).into_iter().map(Result::unwrap).collect::<Vec<_>>(), ["b"]);
    assert!(decoder.is_done());
}

#[test]
fn the_line_decoder_reports_a_cut_stream() {
    let mut decoder = Lines.decoder();
    decoder.feed(b"data: a\n");
    decoder.finish();
    let items = drain(&mut decoder);
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[1], Err(Error::Stream(StreamError::Truncated { events: 1 }))));
    assert!(decoder.is_done() && drain(&mut decoder).is_empty());
}
