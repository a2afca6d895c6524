//! The account endpoints through both transports, each against its own emulator (the key
//! store is state): the same transcript of answers, the provisioning key sent, the plaintext
//! of a new key never in `Debug`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

use naga_conformance::{Async, Blocking, Failure, PROVISIONING_KEY, Sender, Setup};
use naga_mock::MockServer;
use naga_protocol::{
    ApiErrorKind, CreateKey, DeleteKey, GetActivity, GetBalance, GetKey, ListKeys, Patch, UpdateKey,
};

/// One pass over every account endpoint; a line per answer (creation times left out: they
/// are the server's clock).
fn transcript(sender: &impl Sender) -> Vec<String> {
    let mut lines = Vec::new();
    let balance = sender.send(&GetBalance).unwrap();
    lines.push(format!("balance {}", balance.balance.as_str()));
    let activity = sender.send(&GetActivity::days(3)).unwrap();
    let total = activity.total_stats.clone().unwrap();
    let daily: u64 = activity.daily_stats.iter().map(|day| day.request_count).sum();
    assert_eq!(total.request_count, daily, "totals add up");
    lines.push(format!(
        "activity {:?} days, {} daily entries",
        activity.period_days,
        activity.daily_stats.len()
    ));
    let created = sender
        .send(&CreateKey::new("ci runner").credit_limit(25.0).expires_at("2099-01-01T00:00:00Z"))
        .unwrap();
    let plaintext = created.key.clone().unwrap();
    assert!(plaintext.expose().starts_with("ng-mock-"));
    assert!(!format!("{created:?}").contains(plaintext.expose()), "plaintext in Debug");
    let id = created.api_key.id;
    lines.push(format!(
        "created {id} {:?} {:?} {:?}",
        created.api_key.name, created.api_key.credit_limit, created.api_key.is_enabled
    ));
    let names: Vec<_> =
        sender.send(&ListKeys).unwrap().keys.into_iter().map(|k| (k.id, k.name)).collect();
    lines.push(format!("list {names:?}"));
    let update = UpdateKey::new(id).enabled(false).credit_limit(Patch::Clear).name("renamed");
    let updated = sender.send(&update).unwrap();
    lines.push(format!(
        "updated {:?} {:?} {:?} {:?}",
        updated.name, updated.is_enabled, updated.credit_limit, updated.expires_at
    ));
    let fetched = sender.send(&GetKey { id }).unwrap();
    assert_eq!(fetched, updated);
    sender.send(&DeleteKey { id }).unwrap();
    lines.push(format!("deleted {id}"));
    let gone = sender.send(&GetKey { id }).unwrap_err();
    lines.push(format!("after delete {gone:?}"));
    let past = sender.send(&CreateKey::new("late").expires_at("2001-01-01T00:00:00Z")).unwrap_err();
    lines.push(format!("past expiry {past:?}"));
    let refused = sender.send(&CreateKey::new("")).unwrap_err();
    lines.push(format!("empty name {refused:?}"));
    lines
}

#[test]
fn both_transports_give_the_same_account_transcript() {
    // Only the provisioning key is accepted: every answer below proves it was the one sent.
    let server =
        || MockServer::builder().required_api_key(PROVISIONING_KEY).start_blocking().unwrap();
    let (blocking_server, async_server) = (server(), server());
    let blocking = transcript(&Blocking::new(&Setup::new(blocking_server.base_url())));
    let asynchronous = transcript(&Async::new(&Setup::new(async_server.base_url())));
    assert_eq!(blocking, asynchronous);
    assert_eq!(blocking[0], "balance 125.50");
    assert_eq!(blocking[1], "activity Some(3) days, 3 daily entries");
    assert_eq!(blocking[2], r#"created 2 Some("ci runner") Some(25.0) Some(true)"#);
    assert_eq!(blocking[3], r#"list [(1, Some("default")), (2, Some("ci runner"))]"#);
    assert_eq!(
        blocking[4],
        r#"updated Some("renamed") Some(false) None Some("2099-01-01T00:00:00Z")"#
    );
    let not_found = Failure::Api {
        kind: ApiErrorKind::NotFound,
        status: Some(404),
        error_type: Some("not_found_error".to_owned()),
        message: "API key 2 does not exist".to_owned(),
    };
    assert_eq!(blocking[6], format!("after delete {not_found:?}"));
    assert!(blocking[7].contains("`expires_at` must be in the future"), "{}", blocking[7]);
    assert_eq!(blocking[8], r#"empty name InvalidRequest { field: "name" }"#);
    for server in [&blocking_server, &async_server] {
        assert_eq!(server.requests().len(), 9, "the empty name never left the client");
    }
}
