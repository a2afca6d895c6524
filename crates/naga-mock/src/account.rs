//! `/v1/account/*` (API digest §3.12): a fixed balance, activity derived from the calendar,
//! and an in-memory key store (one key, `default`, at start; ids count up). Any well-formed
//! key is accepted as the provisioning key (or only the required one, as for the API).

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use http::{Method, StatusCode};
use serde_json::{Map, Value};

use crate::ordered::Json;
use crate::seed::fnv1a;
use crate::validate::kind;

/// The longest key name, in characters.
const MAX_NAME_CHARS: usize = 255;
/// When the initial key was created.
const FIRST_KEY_CREATED: &str = "2026-01-01T00:00:00Z";

/// What an account request answers: a status and a JSON body (`None`: no body).
pub(crate) type AccountAnswer = (StatusCode, Option<Vec<u8>>);

/// Which account resource a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AccountRoute {
    Balance,
    Activity,
    Keys,
    /// `/account/keys/{key_id}`, the id as sent.
    Key(String),
}

impl AccountRoute {
    /// The route for a `/v1/account/...` path.
    pub(crate) fn of(path: &str) -> Option<AccountRoute> {
        match path.strip_prefix("/v1/account/")? {
            "balance" => Some(AccountRoute::Balance),
            "activity" => Some(AccountRoute::Activity),
            "keys" => Some(AccountRoute::Keys),
            rest => rest
                .strip_prefix("keys/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
                .map(|id| AccountRoute::Key(id.to_owned())),
        }
    }

    /// The methods the resource answers.
    pub(crate) fn methods(&self) -> &'static [Method] {
        match self {
            AccountRoute::Balance | AccountRoute::Activity => &[Method::GET],
            AccountRoute::Keys => &[Method::GET, Method::POST],
            AccountRoute::Key(_) => &[Method::GET, Method::PATCH, Method::DELETE],
        }
    }
}

/// One stored key.
#[derive(Debug, Clone)]
struct StoredKey {
    id: u64,
    name: String,
    created_at: String,
    expires_at: Option<String>,
    is_enabled: bool,
    credit_limit: Option<f64>,
}

impl StoredKey {
    /// The ApiKey object, keys in the documented order.
    fn json(&self) -> Json {
        Json::object([
            ("id", self.id.into()),
            ("name", self.name.as_str().into()),
            ("created_at", self.created_at.as_str().into()),
            ("expires_at", self.expires_at.as_deref().into()),
            ("is_enabled", Json::from(Value::Bool(self.is_enabled))),
            ("credit_limit", Json::from(self.credit_limit.map_or(Value::Null, Value::from))),
        ])
    }
}

/// The keys of the emulated account.
#[derive(Debug)]
pub(crate) struct KeyStore(Mutex<(u64, Vec<StoredKey>)>);

impl Default for KeyStore {
    fn default() -> Self {
        let first = StoredKey {
            id: 1,
            name: "default".to_owned(),
            created_at: FIRST_KEY_CREATED.to_owned(),
            expires_at: None,
            is_enabled: true,
            credit_limit: None,
        };
        KeyStore(Mutex::new((2, vec![first])))
    }
}

/// Answers an account request (method already allowed, key already checked).
pub(crate) fn answer(
    store: &KeyStore,
    route: &AccountRoute,
    method: &Method,
    query: Option<&str>,
    body: &[u8],
) -> AccountAnswer {
    let ok = |json: Json| (StatusCode::OK, Some(json.to_vec()));
    match (route, method) {
        (AccountRoute::Balance, _) => ok(Json::object([("balance", "125.50".into())])),
        (AccountRoute::Activity, _) => match activity_days(query) {
            Ok(days) => ok(activity(store, days)),
            Err(message) => bad_request(&message),
        },
        (AccountRoute::Keys, &Method::POST) => create(store, body),
        (AccountRoute::Keys, _) => {
            let keys = with_keys(store, |keys| keys.iter().map(StoredKey::json).collect());
            ok(Json::object([("keys", Json::Array(keys))]))
        }
        (AccountRoute::Key(id), method) => key(store, id, method, body),
    }
}

fn bad_request(message: &str) -> AccountAnswer {
    (
        StatusCode::BAD_REQUEST,
        Some(crate::error_body::error_json(StatusCode::BAD_REQUEST, message).to_vec()),
    )
}

fn not_found(id: u64) -> AccountAnswer {
    let message = format!("API key {id} does not exist");
    (
        StatusCode::NOT_FOUND,
        Some(crate::error_body::error_json(StatusCode::NOT_FOUND, &message).to_vec()),
    )
}

fn with_keys<T>(store: &KeyStore, f: impl FnOnce(&mut Vec<StoredKey>) -> T) -> T {
    let mut guard = store.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut guard.1)
}

/// `days` from the query: 1..=30, 30 when absent.
fn activity_days(query: Option<&str>) -> Result<u64, String> {
    let value = query.unwrap_or_default().split('&').find_map(|pair| pair.strip_prefix("days="));
    match value.map(str::parse::<u64>) {
        None => Ok(30),
        Some(Ok(days @ 1..=30)) => Ok(days),
        Some(_) => Err("`days` must be an integer in 1..=30".to_owned()),
    }
}

/// Usage over the last `days` days (today included): a few requests a day, derived from the
/// date; costs as decimal strings.
fn activity(store: &KeyStore, days: u64) -> Json {
    let today = now_seconds() / 86_400;
    let daily: Vec<(String, u64)> = (0..days)
        .map(|back| {
            let day = today.saturating_sub(back);
            (civil_date(day), 5 + fnv1a(&day.to_le_bytes()) % 20)
        })
        .collect();
    let total: u64 = daily.iter().map(|(_, n)| n).sum();
    let stats = |requests: u64| {
        [
            ("total_cost", Json::from(format!("{}.{:02}", requests / 20, requests % 20 * 5))),
            ("total_input_tokens", (requests * 120).into()),
            ("total_output_tokens", (requests * 80).into()),
        ]
    };
    let with_stats = |mut head: Vec<(&'static str, Json)>, requests: u64| {
        head.extend(stats(requests));
        Json::Object(head)
    };
    let day_entries = daily.iter().map(|(date, n)| {
        with_stats(vec![("date", date.as_str().into()), ("total_requests", (*n).into())], *n)
    });
    let top = [("gpt-4o-mini", total - total / 3), ("claude-sonnet-4.5", total / 3)];
    let model_entries = top.iter().filter(|(_, n)| *n > 0).map(|(model, n)| {
        with_stats(vec![("model_name", (*model).into()), ("request_count", (*n).into())], *n)
    });
    let key_entries = with_keys(store, |keys| {
        let entry = |key: &StoredKey| {
            let n = if key.id == 1 { total } else { 0 };
            let head = vec![
                ("api_key_id", key.id.into()),
                ("api_key_name", key.name.as_str().into()),
                ("request_count", n.into()),
            ];
            with_stats(head, n)
        };
        keys.iter().map(entry).collect::<Vec<_>>()
    });
    Json::object([
        ("period_days", days.into()),
        ("total_stats", with_stats(vec![("total_requests", total.into())], total)),
        ("daily_stats", Json::Array(day_entries.collect())),
        ("top_models", Json::Array(model_entries.collect())),
        ("api_key_usage", Json::Array(key_entries)),
    ])
}

/// `POST /account/keys`.
fn create(store: &KeyStore, body: &[u8]) -> AccountAnswer {
    let fields = match object(body) {
        Ok(fields) => fields,
        Err(message) => return bad_request(&message),
    };
    let name = match fields.get("name") {
        None | Some(Value::Null) => return bad_request("`name` is required"),
        Some(value) => match check_name(value) {
            Ok(name) => name,
            Err(message) => return bad_request(&message),
        },
    };
    let (credit_limit, expires_at) =
        match (check_limit(fields.get("credit_limit")), check_expiry(fields.get("expires_at"))) {
            (Ok(limit), Ok(expiry)) => (limit.flatten(), expiry.flatten()),
            (Err(message), _) | (_, Err(message)) => return bad_request(&message),
        };
    let (key, plaintext) = {
        let mut guard = store.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = guard.0;
        guard.0 += 1;
        let key = StoredKey {
            id,
            name,
            created_at: rfc3339(now_seconds()),
            expires_at,
            is_enabled: true,
            credit_limit,
        };
        guard.1.push(key.clone());
        let plaintext = format!("ng-mock-{:016x}", fnv1a(&[&id.to_le_bytes()[..], body].concat()));
        (key, plaintext)
    };
    let mut json = key.json();
    json.push("key", plaintext.into());
    json.push("message", "Store this key now: it will not be shown again.".into());
    (StatusCode::OK, Some(json.to_vec()))
}

/// `GET`, `PATCH` and `DELETE /account/keys/{key_id}`.
fn key(store: &KeyStore, id: &str, method: &Method, body: &[u8]) -> AccountAnswer {
    let Ok(id) = id.parse::<u64>() else {
        return bad_request(&format!("key_id must be an integer, not `{id}`"));
    };
    let changes = if method == Method::PATCH {
        match object(body).and_then(|fields| changes(&fields)) {
            Ok(changes) => Some(changes),
            Err(message) => return bad_request(&message),
        }
    } else {
        None
    };
    with_keys(store, |keys| {
        let Some(index) = keys.iter().position(|key| key.id == id) else { return not_found(id) };
        if method == Method::DELETE {
            keys.remove(index);
            return (StatusCode::NO_CONTENT, None);
        }
        let Some(key) = keys.get_mut(index) else { return not_found(id) };
        if let Some(change) = changes {
            change.apply(key);
        }
        (StatusCode::OK, Some(key.json().to_vec()))
    })
}

/// A checked PATCH body: `Some(None)` clears a field, `None` leaves it.
struct Changes {
    name: Option<String>,
    is_enabled: Option<bool>,
    credit_limit: Option<Option<f64>>,
    expires_at: Option<Option<String>>,
}

impl Changes {
    fn apply(self, key: &mut StoredKey) {
        key.name = self.name.unwrap_or_else(|| key.name.clone());
        key.is_enabled = self.is_enabled.unwrap_or(key.is_enabled);
        if let Some(limit) = self.credit_limit {
            key.credit_limit = limit;
        }
        if let Some(expiry) = self.expires_at {
            key.expires_at = expiry;
        }
    }
}

fn changes(fields: &Map<String, Value>) -> Result<Changes, String> {
    let name = fields.get("name").map(check_name).transpose()?;
    let is_enabled = match fields.get("is_enabled") {
        None => None,
        Some(Value::Bool(enabled)) => Some(*enabled),
        Some(other) => return Err(format!("`is_enabled` must be a boolean, got {}", kind(other))),
    };
    Ok(Changes {
        name,
        is_enabled,
        credit_limit: check_limit(fields.get("credit_limit"))?,
        expires_at: check_expiry(fields.get("expires_at"))?,
    })
}

fn object(body: &[u8]) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err("request body must be a JSON object".to_owned()),
        Err(err) => Err(format!("request body is not valid JSON: {err}")),
    }
}

fn check_name(value: &Value) -> Result<String, String> {
    match value {
        Value::String(name)
            if !name.trim().is_empty() && name.chars().count() <= MAX_NAME_CHARS =>
        {
            Ok(name.clone())
        }
        _ => Err(format!("`name` must be a string of 1..={MAX_NAME_CHARS} characters")),
    }
}

/// `credit_limit`: absent (`None`), `null` (`Some(None)`) or a number >= 0.
fn check_limit(value: Option<&Value>) -> Result<Option<Option<f64>>, String> {
    match value {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::Number(n)) if n.as_f64().is_some_and(|usd| usd >= 0.0) => Ok(Some(n.as_f64())),
        Some(_) => Err("`credit_limit` must be a number >= 0 or null".to_owned()),
    }
}

/// `expires_at`: absent, `null`, or an RFC 3339 date-time in the future.
fn check_expiry(value: Option<&Value>) -> Result<Option<Option<String>>, String> {
    match value {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(at)) => match iso8601_seconds(at) {
            Some(seconds) if seconds > now_seconds() => Ok(Some(Some(at.clone()))),
            Some(_) => Err("`expires_at` must be in the future".to_owned()),
            None => Err("`expires_at` must be an ISO 8601 date-time".to_owned()),
        },
        Some(other) => Err(format!("`expires_at` must be a string or null, got {}", kind(other))),
    }
}

fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01), proleptic Gregorian.
fn civil_date(day: u64) -> String {
    let (year, month, date) = civil(day);
    format!("{year:04}-{month:02}-{date:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ` of Unix seconds.
fn rfc3339(seconds: u64) -> String {
    let rest = seconds % 86_400;
    let (hours, minutes, secs) = (rest / 3600, rest % 3600 / 60, rest % 60);
    format!("{}T{hours:02}:{minutes:02}:{secs:02}Z", civil_date(seconds / 86_400))
}

/// Year, month, day of a day number (H. Hinnant's `civil_from_days`, for days >= 0).
fn civil(day: u64) -> (u64, u64, u64) {
    let z = day + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let date = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(month <= 2), month, date)
}

/// Days since 1970-01-01 of a date (H. Hinnant's `days_from_civil`, for years >= 1970).
fn days_of(year: u64, month: u64, date: u64) -> Option<u64> {
    let year = year.checked_sub(u64::from(month <= 2))?;
    let era = year / 400;
    let yoe = year - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + date - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

/// Unix seconds of an ISO 8601 date-time (`None` when malformed or before 1970).
fn iso8601_seconds(text: &str) -> Option<u64> {
    let number = |range| number_in(text, range);
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    let bytes = text.as_bytes();
    if separators.iter().any(|(i, b)| bytes.get(*i) != Some(b))
        || !matches!(bytes.get(10), Some(b'T' | b't'))
    {
        return None;
    }
    let (year, month, date) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&date)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = frac.get(digits..).filter(|_| digits > 0)?;
    }
    let offset = offset_seconds(rest)?;
    let local = days_of(year, month, date)? * 86_400 + hour * 3600 + minute * 60 + second;
    u64::try_from(i64::try_from(local).ok()?.checked_sub(offset)?).ok()
}

/// An ISO 8601 offset from UTC in seconds: `Z`, `+HH:MM`, `+HHMM`, `+HH` (or `-`); none is
/// read as UTC.
fn offset_seconds(rest: &str) -> Option<i64> {
    let (sign, hours, minutes) = match rest.as_bytes() {
        [] | [b'Z' | b'z'] => return Some(0),
        [sign @ (b'+' | b'-'), _, _] => (*sign, 1..3, None),
        [sign @ (b'+' | b'-'), _, _, _, _] => (*sign, 1..3, Some(3..5)),
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => (*sign, 1..3, Some(4..6)),
        _ => return None,
    };
    let h = number_in(rest, hours)?;
    let m = minutes.map_or(Some(0), |range| number_in(rest, range))?;
    if h > 23 || m > 59 {
        return None;
    }
    let seconds = i64::try_from((h * 60 + m) * 60).ok()?;
    Some(if sign == b'+' { seconds } else { -seconds })
}

/// The number at `range` of `text` (ASCII digits only).
fn number_in(text: &str, range: std::ops::Range<usize>) -> Option<u64> {
    let part = text.get(range)?;
    part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(iso8601_seconds("2026-01-01T00:00:00Z"), Some(1_767_225_600));
        assert_eq!(iso8601_seconds("2026-01-01T01:00:00.5+01:00"), Some(1_767_225_600));
        assert_eq!(iso8601_seconds("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(iso8601_seconds("2026-01-01T00:00:00"), Some(1_767_225_600), "read as UTC");
        assert_eq!(iso8601_seconds("2025-12-31T19:00:00-0500"), Some(1_767_225_600));
        assert_eq!(iso8601_seconds("2026-01-01T02:00:00+02"), Some(1_767_225_600));
        let bad = [
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00+1",
            "2026-01-01T00:00:00+24:00",
            "1969-12-31T00:00:00Z",
        ];
        for bad in bad {
            assert_eq!(iso8601_seconds(bad), None, "{bad}");
        }
        for day in [0, 59, 365, 11_016, 20_454, 40_000] {
            let (y, m, d) = civil(day);
            assert_eq!(days_of(y, m, d), Some(day));
        }
    }

    #[test]
    fn routes_and_methods() {
        assert_eq!(AccountRoute::of("/v1/account/keys/12"), Some(AccountRoute::Key("12".into())));
        assert_eq!(AccountRoute::of("/v1/account/keys/"), None);
        assert_eq!(AccountRoute::of("/v1/account/keys/1/x"), None);
        assert_eq!(AccountRoute::of("/v1/account/nope"), None);
        assert_eq!(AccountRoute::Keys.methods(), [Method::GET, Method::POST]);
    }
}
