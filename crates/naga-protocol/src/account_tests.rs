#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // tests

use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::*;
use crate::{Config, build_request, parse_response};

fn config() -> Config {
    Config::new("ng-api").unwrap().with_provisioning_key("ng-prov").unwrap()
}

fn body_of<O: Operation>(op: &O) -> Option<Value> {
    let http = build_request(&config(), op).unwrap();
    (!http.body().is_empty()).then(|| serde_json::from_slice(http.body()).unwrap())
}

fn invalid_field<O: Operation>(op: &O) -> String {
    match build_request(&config(), op) {
        Err(Error::InvalidRequest { field, .. }) => field.into_owned(),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[test]
fn every_endpoint_has_its_method_path_and_the_provisioning_key() {
    let build =
        |op: &dyn Fn(&Config) -> Result<http::Request<Bytes>, Error>| op(&config()).unwrap();
    let cases = [
        (build(&|c| build_request(c, &GetBalance)), "GET", "/account/balance"),
        (build(&|c| build_request(c, &GetActivity::default())), "GET", "/account/activity"),
        (build(&|c| build_request(c, &GetActivity::days(7))), "GET", "/account/activity?days=7"),
        (build(&|c| build_request(c, &ListKeys)), "GET", "/account/keys"),
        (build(&|c| build_request(c, &GetKey { id: 3 })), "GET", "/account/keys/3"),
        (build(&|c| build_request(c, &UpdateKey::new(7).name("x"))), "PATCH", "/account/keys/7"),
        (build(&|c| build_request(c, &DeleteKey { id: 9 })), "DELETE", "/account/keys/9"),
    ];
    for (http, method, path) in cases {
        assert_eq!(http.method(), method);
        assert_eq!(http.uri().to_string(), format!("https://api.naga.ac/v1{path}"));
        assert_eq!(http.headers()["authorization"], "Bearer ng-prov", "{path}");
    }
    let without = Config::new("ng-api").unwrap();
    let err = build_request(&without, &GetBalance).unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { field, .. } if field == "provisioning_key"));
}

#[test]
fn create_and_update_bodies() {
    let create = CreateKey::new("ci").credit_limit(25.5).expires_at("2027-01-01T00:00:00Z");
    assert_eq!(
        body_of(&create),
        Some(json!({"name": "ci", "credit_limit": 25.5, "expires_at": "2027-01-01T00:00:00Z"}))
    );
    assert_eq!(body_of(&CreateKey::new("bare")), Some(json!({"name": "bare"})));
    let update =
        UpdateKey::new(1).enabled(true).credit_limit(Patch::Set(3.0)).expires_at(Patch::Clear);
    assert_eq!(
        body_of(&update),
        Some(json!({"is_enabled": true, "credit_limit": 3.0, "expires_at": null}))
    );
    assert_eq!(body_of(&UpdateKey::new(1)), Some(json!({})), "nothing to change");
    assert_eq!(body_of(&ListKeys), None);
}

#[test]
fn bad_requests_are_rejected_before_sending() {
    assert_eq!(invalid_field(&CreateKey::new(" ")), "name");
    assert_eq!(invalid_field(&CreateKey::new("k".repeat(256))), "name");
    assert!(CreateKey::new("é".repeat(255)).validate().is_ok(), "characters, not bytes");
    assert_eq!(invalid_field(&CreateKey::new("k").credit_limit(-1.0)), "credit_limit");
    assert_eq!(invalid_field(&CreateKey::new("k").credit_limit(f64::NAN)), "credit_limit");
    for bad in [
        "2027-01-01",
        "2027-13-01T00:00:00Z",
        "2027-01-01T24:00:00Z",
        "2027-01-01 00:00:00Z",
        "2027-01-01T00:00:00.Z",
        "2027-01-01T00:00:00+1",
        "2027-01-01T00:00:00+01:0",
        "2027-01-01T00:00:00+25:00",
        "2027-01-01T00:00:00+01:60",
        "2027-01-01T00:00:00ZZ",
    ] {
        assert_eq!(invalid_field(&CreateKey::new("k").expires_at(bad)), "expires_at", "{bad}");
    }
    let good = [
        "2027-01-01T00:00:00Z",
        "2027-01-01t00:00:00.123z",
        "2027-06-30T23:59:60+02:00",
        "2027-01-01T00:00:00",
        "2027-01-01T00:00:00+0100",
        "2027-01-01T00:00:00.5-05",
    ];
    for good in good {
        assert!(CreateKey::new("k").expires_at(good).validate().is_ok(), "{good}");
    }
    assert_eq!(invalid_field(&UpdateKey::new(1).name("")), "name");
    assert_eq!(
        invalid_field(&UpdateKey::new(1).expires_at(Patch::Set("soon".into()))),
        "expires_at"
    );
    assert_eq!(invalid_field(&GetActivity::days(0)), "days");
    assert_eq!(invalid_field(&GetActivity::days(31)), "days");
}

#[test]
fn documented_answers_read_with_money_as_sent() {
    let ok = |body: &str| body.as_bytes().to_vec();
    let balance = parse_response::<GetBalance>(
        StatusCode::OK,
        &HeaderMap::new(),
        &ok(r#"{"balance":"125.50"}"#),
    );
    let balance = balance.unwrap().balance;
    assert_eq!((balance.as_str(), balance.to_f64()), ("125.50", Some(125.5)));
    let activity = r#"{ "period_days": 7,
        "total_stats": { "total_requests": 1523, "total_cost": "45.67", "total_input_tokens": 125430, "total_output_tokens": 89210 },
        "daily_stats": [ { "date": "2025-01-20", "total_requests": 245, "total_cost": "7.82", "total_input_tokens": 20150, "total_output_tokens": 15230 } ],
        "top_models": [ { "model_name": "gpt-4o-mini", "request_count": 892, "total_cost": "28.34", "total_input_tokens": 78450, "total_output_tokens": 52310 } ],
        "api_key_usage": [ { "api_key_id": 1, "api_key_name": "ci", "request_count": 0, "total_cost": "0.00", "total_input_tokens": 0, "total_output_tokens": 0 }, 7 ] }"#;
    let activity =
        parse_response::<GetActivity>(StatusCode::OK, &HeaderMap::new(), &ok(activity)).unwrap();
    let total = activity.total_stats.unwrap();
    assert_eq!((total.request_count, total.total_cost.as_str()), (1523, "45.67"));
    assert_eq!(activity.daily_stats[0].date.as_deref(), Some("2025-01-20"));
    assert_eq!(activity.top_models[0].model_name.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(activity.api_key_usage.len(), 1, "the entry that is not an object is skipped");
    assert_eq!(activity.api_key_usage[0].api_key_id, Some(1));
}

#[test]
fn a_created_key_keeps_its_plaintext_out_of_debug() {
    let body = r#"{"id": 12, "name": "ci", "created_at": "2026-11-26T00:00:00Z", "expires_at": null,
        "is_enabled": true, "credit_limit": null, "key": "ng-secret-plaintext", "message": "Store it now."}"#;
    let created =
        parse_response::<CreateKey>(StatusCode::CREATED, &HeaderMap::new(), body.as_bytes())
            .unwrap();
    assert_eq!(created.api_key.id, 12);
    assert_eq!(created.api_key.is_enabled, Some(true));
    assert_eq!(created.api_key.credit_limit, None);
    assert_eq!(created.key.as_ref().map(PlaintextKey::expose), Some("ng-secret-plaintext"));
    assert!(created.api_key.extra.is_empty(), "{:?}", created.api_key.extra);
    let debug = format!("{created:?}");
    assert!(!debug.contains("ng-secret-plaintext"), "{debug}");
    assert!(debug.contains("PlaintextKey(***)"), "{debug}");
    let cut = &body.as_bytes()[..body.find("plaintext").unwrap() + 4];
    let err = parse_response::<CreateKey>(StatusCode::CREATED, &HeaderMap::new(), cut).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::Decode { what: "created key", .. }), "{shown}");
    assert!(!shown.contains("ng-secret"), "a cut answer's key in its error: {shown}");
}

#[test]
fn deletion_is_any_success_and_errors_are_api_errors() {
    let headers = HeaderMap::new();
    assert_eq!(parse_response::<DeleteKey>(StatusCode::NO_CONTENT, &headers, b""), Ok(()));
    let body = br#"{"error":{"type":"not_found_error","message":"no key 9"}}"#;
    let err = parse_response::<DeleteKey>(StatusCode::NOT_FOUND, &headers, body).unwrap_err();
    assert_eq!(err.api().map(|api| api.message.as_str()), Some("no key 9"));
    // "Any body means error": an error envelope under a success status is not a deletion.
    let err = parse_response::<DeleteKey>(StatusCode::OK, &headers, body).unwrap_err();
    assert_eq!(err.api().map(|api| api.message.as_str()), Some("no key 9"));
    assert_eq!(parse_response::<DeleteKey>(StatusCode::OK, &headers, b"{}"), Ok(()));
    for confirmation in [&b" \r\n"[..], br#"{"deleted":true,"id":9}"#, br#"{"error":null}"#] {
        assert_eq!(parse_response::<DeleteKey>(StatusCode::OK, &headers, confirmation), Ok(()));
    }
    // A body saying it failed is that error; one that is no JSON (cut, a page) is no answer.
    for (body, message) in [
        (&br#"{"error":"boom"}"#[..], "boom"),
        (br#"{"success":false,"message":"not deleted"}"#, "not deleted"),
    ] {
        let err = parse_response::<DeleteKey>(StatusCode::OK, &headers, body).unwrap_err();
        assert!(err.to_string().contains(message), "{err}");
        assert!(err.api().is_some(), "{err:?}");
    }
    for body in [&br#"{"error":{"type":"x","mess"#[..], b"garbage", b"\xff"] {
        let err = parse_response::<DeleteKey>(StatusCode::OK, &headers, body).unwrap_err();
        assert!(matches!(err, Error::Decode { what: "key deletion", .. }), "{err:?}");
    }
}

#[test]
fn a_key_id_that_is_no_number_fails_and_flags_and_limits_written_as_text_read() {
    let key = |fields: &str| serde_json::from_str::<ApiKey>(&format!("{{{fields}}}"));
    for (id, read) in [("7", 7), (r#""12""#, 12), ("null", 0)] {
        assert_eq!(key(&format!(r#""id":{id}"#)).unwrap().id, read, "{id}");
    }
    assert_eq!(key(r#""name":"k""#).unwrap().id, 0);
    for id in [r#""6f1c-uuid""#, "-5", "true", "1.5"] {
        let err = key(&format!(r#""id":{id}"#)).unwrap_err();
        assert!(err.to_string().contains("key id"), "{id}: {err}");
    }
    let read = key(r#""id":1,"credit_limit":"10.5","is_enabled":"false""#).unwrap();
    assert_eq!((read.credit_limit, read.is_enabled), (Some(10.5), Some(false)));
    let read = key(r#""id":1,"credit_limit":"lots","is_enabled":"maybe""#).unwrap();
    assert_eq!((read.credit_limit, read.is_enabled), (None, None));
}
