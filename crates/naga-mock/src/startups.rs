//! `GET /v1/startups` (§3.11): public metadata, no key needed.
//!
//! Naga documents this endpoint only as "public metadata", with no schema; the emulated
//! document below is an invented shape (`{"object":"list","data":[{id, name, description,
//! url, created}]}`), fixed so that clients can be tested against something. Clients should
//! treat the real answer as raw JSON.

use crate::ordered::Json;

/// The emulated startups: id, name, description, url, created.
const STARTUPS: [(&str, &str, &str, &str, u64); 3] = [
    (
        "startup-naga-mock-1",
        "Tōkyō Tower Labs",
        "Emulated entry: an assistant for city guides (naga-mock).",
        "https://example.com/tokyo-tower-labs",
        1_735_689_600,
    ),
    (
        "startup-naga-mock-2",
        "Offline First",
        "Emulated entry: tests that never touch the network (naga-mock).",
        "https://example.com/offline-first",
        1_738_368_000,
    ),
    (
        "startup-naga-mock-3",
        "Deterministic Inc.",
        "Emulated entry: the same question always gets the same answer (naga-mock).",
        "https://example.com/deterministic",
        1_740_787_200,
    ),
];

/// The `GET /v1/startups` body.
pub(crate) fn startups_body() -> Vec<u8> {
    let data = STARTUPS.iter().map(|&(id, name, description, url, created)| {
        Json::object([
            ("id", id.into()),
            ("name", name.into()),
            ("description", description.into()),
            ("url", url.into()),
            ("created", created.into()),
        ])
    });
    Json::object([("object", "list".into()), ("data", Json::Array(data.collect()))]).to_vec()
}
