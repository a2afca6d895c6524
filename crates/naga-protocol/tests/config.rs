//! Config: validated when set, secrets never printed, used as given by `build_request`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use http::HeaderValue;
use http::header::{ACCEPT_ENCODING, AUTHORIZATION, CONTENT_LENGTH, HOST, USER_AGENT};
use naga_protocol::{
    ChatRequest, Config, DEFAULT_BASE_URL, Error, ListModels, Message, build_request,
};

const KEY: &str = "ng-very-secret-key-123";

fn field_of(err: Error) -> String {
    match err {
        Error::InvalidRequest { field, .. } => field.into_owned(),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

fn chat() -> ChatRequest {
    ChatRequest::new("gpt-4o-mini", [Message::user("Hi")])
}

#[test]
fn defaults_to_the_public_endpoint_and_user_agent() {
    let config = Config::default();
    assert_eq!(config.base_url(), DEFAULT_BASE_URL);
    assert_eq!(config.user_agent(), concat!("naga-rs/", env!("CARGO_PKG_VERSION")));
    assert!(config.api_key().is_none());
}

#[test]
fn base_url_tolerates_a_trailing_slash() {
    let config = Config::new(KEY).unwrap().with_base_url("http://127.0.0.1:8080/v1/").unwrap();
    assert_eq!(config.base_url(), "http://127.0.0.1:8080/v1");
    let request = build_request(&config, &chat()).unwrap();
    assert_eq!(request.uri(), "http://127.0.0.1:8080/v1/chat/completions");
}

#[test]
fn base_url_must_be_http_with_a_host() {
    for bad in ["ftp://example.com/v1", "example.com/v1", "not a url", "http://h/v1?x=1", ""] {
        let err = Config::default().with_base_url(bad).unwrap_err();
        assert_eq!(field_of(err), "base_url", "{bad:?}");
    }
}

#[test]
fn keys_with_line_breaks_or_controls_are_rejected_when_set() {
    for bad in ["ng-key\r\nX-Injected: 1", "ng-key\nmore", "ng\tkey", "ng key", "", "  ", "ng-ключ"]
    {
        let err = Config::default().with_api_key(bad).unwrap_err();
        assert_eq!(field_of(err), "api_key", "{bad:?}");
        let err = Config::default().with_provisioning_key(bad).unwrap_err();
        assert_eq!(field_of(err), "provisioning_key", "{bad:?}");
    }
}

#[test]
fn surrounding_whitespace_of_a_key_is_trimmed() {
    let config = Config::new(&format!("  {KEY}\n")).unwrap();
    assert_eq!(config.api_key().unwrap().expose(), KEY);
}

#[test]
fn header_values_with_line_breaks_are_rejected_when_set() {
    let err = Config::default().with_header("x-team", "a\r\nx-evil: 1").unwrap_err();
    assert_eq!(field_of(err), "default_headers");
    let err = Config::default().with_header("bad name", "v").unwrap_err();
    assert_eq!(field_of(err), "default_headers");
    let err = Config::default().with_user_agent("agent\n").unwrap_err();
    assert_eq!(field_of(err), "user_agent");
}

#[test]
fn a_default_header_set_again_replaces_its_value() {
    let config = Config::new(KEY)
        .unwrap()
        .with_header("x-team", "search")
        .and_then(|c| c.with_header("X-Team", "ads"))
        .unwrap();
    let request = build_request(&config, &chat()).unwrap();
    let sent: Vec<_> = request.headers().get_all("x-team").iter().collect();
    assert_eq!(sent, ["ads"]);
}

#[test]
fn headers_the_sdk_writes_are_refused_as_defaults_naming_their_setter() {
    let cases = [
        ("User-Agent", "with_user_agent"),
        ("authorization", "with_api_key"),
        ("Accept", "Operation::accept"),
        ("content-type", "Operation::content_type"),
    ];
    for (name, setter) in cases {
        let err = Config::new(KEY).unwrap().with_header(name, "x").unwrap_err();
        let Error::InvalidRequest { field, reason } = err else { panic!("{name}: {err:?}") };
        assert_eq!(field, format!("default_headers.{}", name.to_ascii_lowercase()));
        assert!(reason.contains(setter), "{name}: {reason}");
    }
    // The setters themselves reach the request.
    let config = Config::new(KEY).unwrap().with_user_agent("my-app/1.0").unwrap();
    let request = build_request(&config, &chat()).unwrap();
    assert_eq!(request.headers()[USER_AGENT], "my-app/1.0");
}

#[test]
fn from_env_reads_the_key_the_base_url_and_the_provisioning_key() {
    let config = Config::from_lookup(|name| match name {
        "NAGA_API_KEY" => Some(KEY.to_owned()),
        "NAGA_BASE_URL" => Some("http://127.0.0.1:9/v1".to_owned()),
        "NAGA_PROVISIONING_KEY" => Some("ng-prov".to_owned()),
        _ => None,
    })
    .unwrap();
    assert_eq!(config.api_key().unwrap().expose(), KEY);
    assert_eq!(config.base_url(), "http://127.0.0.1:9/v1");
    assert_eq!(config.provisioning_key().unwrap().expose(), "ng-prov");
}

#[test]
fn default_headers_and_key_reach_the_request() {
    let config = Config::new(KEY).unwrap().with_header("x-team", "search").unwrap();
    let request = build_request(&config, &chat()).unwrap();
    assert_eq!(request.headers()["x-team"], "search");
    assert_eq!(request.headers()[AUTHORIZATION], format!("Bearer {KEY}").as_str());
    assert!(request.headers()[AUTHORIZATION].is_sensitive());
    assert_eq!(request.headers()[USER_AGENT], config.user_agent());
}

#[test]
fn requests_ask_for_bodies_without_a_content_coding_unless_told_otherwise() {
    let request = build_request(&Config::new(KEY).unwrap(), &chat()).unwrap();
    assert_eq!(request.headers()[ACCEPT_ENCODING], "identity");
    let config = Config::new(KEY).unwrap().with_header("accept-encoding", "gzip").unwrap();
    let request = build_request(&config, &chat()).unwrap();
    let asked: Vec<_> = request.headers().get_all(ACCEPT_ENCODING).iter().collect();
    assert_eq!(asked, ["gzip"], "the caller's default header is kept, not joined");
}

#[test]
fn a_built_request_has_room_for_the_headers_a_transport_adds() {
    // hyper asks the map for `Content-Length` (and hyper-util for `Host`) through
    // `HeaderMap::entry`, which grows a full map even when the name is present.
    let with_team = Config::new(KEY).unwrap().with_header("x-a", "1").unwrap();
    for config in [Config::new(KEY).unwrap(), with_team] {
        let mut request = build_request(&config, &chat()).unwrap();
        let headers = request.headers_mut();
        let room = headers.capacity();
        assert!(room >= headers.len() + 2, "{} headers, room for {room}", headers.len());
        headers.entry(HOST).or_insert(HeaderValue::from_static("h"));
        headers.entry(CONTENT_LENGTH).or_insert(HeaderValue::from_static("1"));
        assert_eq!(headers.capacity(), room, "the map did not grow");
    }
    // A config that carries `Host` is for a client that writes the map as it is: no room
    // is added (the six headers fill the smallest map).
    let config = Config::new(KEY).unwrap().with_host_header();
    let request = build_request(&config, &chat()).unwrap();
    assert_eq!((request.headers().len(), request.headers().capacity()), (6, 6));
}

#[test]
fn secrets_never_print() {
    let config = Config::new(KEY).unwrap().with_provisioning_key("ng-prov-secret").unwrap();
    let secret = config.api_key().unwrap();
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(secret.expose(), KEY);
    let printed = format!("{config:?} {:?}", build_request(&config, &chat()).unwrap());
    assert!(!printed.contains(KEY) && !printed.contains("ng-prov-secret"), "{printed}");
}

#[test]
fn from_lookup_reads_key_and_base_url() {
    let vars = |name: &str| match name {
        "NAGA_API_KEY" => Some(KEY.to_owned()),
        "NAGA_BASE_URL" => Some("http://localhost:9/v1/".to_owned()),
        _ => None,
    };
    let config = Config::from_lookup(vars).unwrap();
    assert_eq!(config.base_url(), "http://localhost:9/v1");
    assert_eq!(config.api_key().unwrap().expose(), KEY);
}

#[test]
fn from_lookup_ignores_empty_variables_and_rejects_bad_ones() {
    let empty = Config::from_lookup(|_| Some(String::new())).unwrap();
    assert!(empty.api_key().is_none());
    assert_eq!(empty.base_url(), DEFAULT_BASE_URL);
    let bad = Config::from_lookup(|name| (name == "NAGA_BASE_URL").then(|| "gopher://x".into()));
    assert_eq!(field_of(bad.unwrap_err()), "base_url");
}

#[test]
fn chat_needs_a_key_but_the_model_list_does_not() {
    let config = Config::default();
    assert_eq!(field_of(build_request(&config, &chat()).unwrap_err()), "api_key");
    let request = build_request(&config, &ListModels).unwrap();
    assert_eq!(request.method(), "GET");
    assert!(request.headers().get(AUTHORIZATION).is_none());
    assert!(request.body().is_empty());
}
