//! `GET /v1/startups` through both transports: public, raw JSON.

use naga_conformance::{Setup, send_both};
use naga_mock::MockServer;
use naga_protocol::ListStartups;

#[test]
fn the_startup_list_is_read_as_raw_json_by_both_transports() {
    let server = MockServer::start_blocking();
    let setup = Setup::new(server.base_url());
    let list = send_both(&server, "/v1/startups", &setup, "startups", &ListStartups)
        .agreed_after(1)
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    assert_eq!(list["object"], "list");
    let entries = list["data"].as_array().map(Vec::len).unwrap_or_default();
    assert!(entries > 0, "{list}");
    assert!(list["data"][0]["name"].is_string(), "{list}");
}
