//! `/account/*`: balance, usage activity and API key management, authenticated with the
//! provisioning key (API digest §3.12).
//!
//! Money comes as decimal strings (`"125.50"`) and is kept as sent in a [`Usd`]. A created
//! key's plaintext is shown once; it is held in a [`PlaintextKey`], which never prints.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::Method;
use schemars::JsonSchema;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::lenient::{lenient, lenient_list, lenient_text, lenient_u64, lenient_u64_or_zero};
use crate::operation::{Auth, Operation, check_text, decode_json, json_body};

/// The longest key name, in characters.
pub const MAX_KEY_NAME_CHARS: usize = 255;

/// A USD amount as the server wrote it: a decimal string, kept as it is (Naga sends
/// strings); a number is kept as a float's shortest text (`125.50` reads as `125.5`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Usd(pub String);

impl Usd {
    /// The amount as written, e.g. `125.50`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The amount as a float (`None` when it is not a number); exact decimal arithmetic
    /// needs [`as_str`](Self::as_str).
    pub fn to_f64(&self) -> Option<f64> {
        self.0.trim().parse().ok().filter(|value: &f64| value.is_finite())
    }
}

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Usd(lenient_text(d)?.unwrap_or_default()))
    }
}

/// `GET /account/balance`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetBalance;

/// The account balance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Balance {
    /// Credit left, in USD.
    #[serde(default)]
    pub balance: Usd,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /account/activity?days=N`: usage over the last `days` days (1..=30, 30 when unset).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetActivity {
    /// How many days back (1..=30).
    pub days: Option<u32>,
}

impl GetActivity {
    /// Activity over the last `days` days.
    pub fn days(days: u32) -> Self {
        GetActivity { days: Some(days) }
    }
}

/// Usage over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Activity {
    /// The period's length in days.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub period_days: Option<u64>,
    /// Totals over the period.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub total_stats: Option<UsageStats>,
    /// One entry per day.
    #[serde(default, deserialize_with = "lenient_list")]
    pub daily_stats: Vec<UsageStats>,
    /// The most used models.
    #[serde(default, deserialize_with = "lenient_list")]
    pub top_models: Vec<UsageStats>,
    /// Usage per API key.
    #[serde(default, deserialize_with = "lenient_list")]
    pub api_key_usage: Vec<UsageStats>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Request and token counts with their cost; `date`, `model_name` or the key fields say
/// what they are for (totals have none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UsageStats {
    /// The day (`YYYY-MM-DD`), in `daily_stats`.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The model, in `top_models`.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// The key's id, in `api_key_usage`.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<u64>,
    /// The key's name, in `api_key_usage`.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub api_key_name: Option<String>,
    /// Requests made (`total_requests` or `request_count` on the wire).
    #[serde(default, alias = "total_requests", deserialize_with = "lenient_u64_or_zero")]
    pub request_count: u64,
    /// What they cost, in USD.
    #[serde(default)]
    pub total_cost: Usd,
    /// Input tokens.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub total_input_tokens: u64,
    /// Output tokens.
    #[serde(default, deserialize_with = "lenient_u64_or_zero")]
    pub total_output_tokens: u64,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An API key as the account endpoints describe it (never its plaintext).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiKey {
    /// The key's id (the `{key_id}` of the key endpoints); 0 when the answer has none. An
    /// id that is no whole number fails the answer: read as 0 it would name another key.
    #[serde(default, deserialize_with = "key_id")]
    pub id: u64,
    /// Its name.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it was created (ISO 8601).
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When it stops working (ISO 8601), if it does.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Whether it can be used (`"true"` and `"false"` read too).
    #[serde(default, deserialize_with = "lenient_flag", skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    /// Its spending limit in USD, if any (a number, or one written as text).
    #[serde(default, deserialize_with = "lenient_amount", skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<f64>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A key id: a whole number (or one written as text); `null` as 0; anything else an error.
fn key_id<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    let value = Value::deserialize(de)?;
    let text = value.as_str().map(str::trim);
    match (value.as_u64(), text.map(str::parse::<u64>)) {
        (Some(id), _) | (None, Some(Ok(id))) => Ok(id),
        _ if value.is_null() => Ok(0),
        _ => Err(serde::de::Error::custom(format!("a key id must be a whole number, not {value}"))),
    }
}

/// A flag: a boolean, or `"true"` / `"false"`; anything else as none.
fn lenient_flag<'de, D: Deserializer<'de>>(de: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(de)? {
        Value::Bool(flag) => Some(flag),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    })
}

/// An amount: a finite number, or one written as text; anything else as none.
fn lenient_amount<'de, D: Deserializer<'de>>(de: D) -> Result<Option<f64>, D::Error> {
    Ok(crate::lenient::number_or_text(&Value::deserialize(de)?).filter(|a| a.is_finite()))
}

/// `{"keys": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyList {
    /// The account's keys.
    #[serde(default, deserialize_with = "lenient_list")]
    pub keys: Vec<ApiKey>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A key's plaintext, shown once when the key is created. `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct PlaintextKey(String);

impl PlaintextKey {
    /// The key itself, to store or hand to a [`Config`](crate::Config).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PlaintextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlaintextKey(***)")
    }
}

/// A new key: its description, its plaintext (shown this once) and the server's reminder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedKey {
    /// The key's description.
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// The plaintext; store it now, the server never returns it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<PlaintextKey>,
    /// The server's security reminder.
    #[serde(default, deserialize_with = "lenient_text", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A field of [`UpdateKey`] that can be left as it is, removed (`null`), or set.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    /// Not sent: the value stays.
    #[default]
    Keep,
    /// Sent as `null`: the value is removed.
    Clear,
    /// Sent: the new value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the body.
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }
}

impl<T: JsonSchema> JsonSchema for Patch<T> {
    fn schema_name() -> Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Option::<T>::json_schema(generator)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => value.serialize(serializer),
            Patch::Keep | Patch::Clear => serializer.serialize_none(),
        }
    }
}

/// `GET /account/keys`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListKeys;

/// `GET /account/keys/{key_id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetKey {
    /// The key's id.
    pub id: u64,
}

/// `DELETE /account/keys/{key_id}`: irreversible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteKey {
    /// The key's id.
    pub id: u64,
}

impl GetKey {
    /// Reads key `id`.
    pub fn new(id: u64) -> Self {
        GetKey { id }
    }
}

impl DeleteKey {
    /// Deletes key `id`.
    ///
    /// ```
    /// use naga_protocol::{DeleteKey, Operation};
    /// assert_eq!(DeleteKey::new(7).path(), "/account/keys/7");
    /// ```
    pub fn new(id: u64) -> Self {
        DeleteKey { id }
    }
}

/// `POST /account/keys`: a new key (enabled).
///
/// ```
/// use naga_protocol::CreateKey;
/// let request = CreateKey::new("ci runner").credit_limit(25.0).expires_at("2027-01-01T00:00:00Z");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CreateKey {
    /// Its name (1..=255 characters).
    #[schemars(length(min = 1, max = 255))]
    pub name: String,
    /// A spending limit in USD (at least 0).
    #[schemars(range(min = 0.0))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<f64>,
    /// When it stops working: an ISO 8601 date-time (the server wants it in the future).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

impl CreateKey {
    /// A key named `name`, without limit or expiry.
    pub fn new(name: impl Into<String>) -> Self {
        CreateKey { name: name.into(), credit_limit: None, expires_at: None }
    }

    /// Sets a spending limit in USD.
    #[must_use]
    pub fn credit_limit(mut self, usd: f64) -> Self {
        self.credit_limit = Some(usd);
        self
    }

    /// Sets the expiry, an ISO 8601 date-time such as `2027-01-01T00:00:00Z`.
    #[must_use]
    pub fn expires_at(mut self, at: impl Into<String>) -> Self {
        self.expires_at = Some(at.into());
        self
    }

    /// Checks what the server would reject, before anything is sent (whether the expiry is
    /// in the future is the server's call: this crate reads no clock).
    pub fn validate(&self) -> Result<(), Error> {
        check_name(&self.name)?;
        check_limit(self.credit_limit)?;
        check_expiry(self.expires_at.as_deref())
    }
}

/// `PATCH /account/keys/{key_id}`: changes the fields that are set; [`Patch::Clear`] removes
/// a limit or an expiry.
///
/// ```
/// use naga_protocol::{Patch, UpdateKey};
/// let request = UpdateKey::new(7).enabled(false).credit_limit(Patch::Clear);
/// let body = serde_json::to_string(&request)?;
/// assert_eq!(body, r#"{"is_enabled":false,"credit_limit":null}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct UpdateKey {
    /// The key's id (in the path, not the body).
    #[serde(skip)]
    pub id: u64,
    /// A new name (1..=255 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub name: Option<String>,
    /// Enables or disables the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    /// A new spending limit, or none.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub credit_limit: Patch<f64>,
    /// A new expiry (ISO 8601 date-time), or none.
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub expires_at: Patch<String>,
}

impl UpdateKey {
    /// Changes nothing yet on key `id`.
    pub fn new(id: u64) -> Self {
        UpdateKey { id, ..UpdateKey::default() }
    }

    /// Renames the key.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Enables or disables the key.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.is_enabled = Some(enabled);
        self
    }

    /// Sets or clears the spending limit.
    #[must_use]
    pub fn credit_limit(mut self, limit: Patch<f64>) -> Self {
        self.credit_limit = limit;
        self
    }

    /// Sets or clears the expiry.
    #[must_use]
    pub fn expires_at(mut self, at: Patch<String>) -> Self {
        self.expires_at = at;
        self
    }

    /// Checks what the server would reject, before anything is sent.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(name) = &self.name {
            check_name(name)?;
        }
        if let Patch::Set(limit) = self.credit_limit {
            check_limit(Some(limit))?;
        }
        if let Patch::Set(at) = &self.expires_at {
            check_expiry(Some(at))?;
        }
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), Error> {
    check_text("name", name, MAX_KEY_NAME_CHARS)?;
    Ok(())
}

fn check_limit(limit: Option<f64>) -> Result<(), Error> {
    match limit {
        Some(usd) if !usd.is_finite() || usd < 0.0 => {
            Err(Error::invalid("credit_limit", "must be a finite amount of at least 0"))
        }
        _ => Ok(()),
    }
}

fn check_expiry(at: Option<&str>) -> Result<(), Error> {
    match at {
        Some(at) if !is_iso8601_date_time(at) => Err(Error::invalid(
            "expires_at",
            format!("must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z, not `{at}`"),
        )),
        _ => Ok(()),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.frac]` with fields in range, then an optional offset: `Z`, `+HH:MM`,
/// `+HHMM` or `+HH` (or `-`); `T`/`Z` in either case. Without an offset the server reads it
/// in its own time zone.
pub(crate) fn is_iso8601_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |acc, digit| acc * 10 + u32::from(digit - b'0')))
    };
    let at = |i: usize, set: &[u8]| bytes.get(i).is_some_and(|b| set.contains(b));
    let date_time = (|| {
        let (month, day) = (digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        digits(0..4)?;
        let fields = (1..=12).contains(&month) && (1..=31).contains(&day);
        Some(fields && hour < 24 && minute < 60 && second <= 60)
    })();
    if date_time != Some(true)
        || !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":"))
    {
        return false;
    }
    let mut rest = bytes.get(19..).unwrap_or_default();
    if let Some(frac) = rest.strip_prefix(b".") {
        let len = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 {
            return false;
        }
        rest = frac.get(len..).unwrap_or_default();
    }
    is_offset(rest)
}

/// An ISO 8601 offset from UTC, or none.
fn is_offset(rest: &[u8]) -> bool {
    let two = |pair: &[u8], below: u8| match pair {
        [tens @ b'0'..=b'9', ones @ b'0'..=b'9'] => (tens - b'0') * 10 + (ones - b'0') < below,
        _ => false,
    };
    match rest {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', hours @ ..] => match hours {
            [h1, h2] => two(&[*h1, *h2], 24),
            [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => {
                two(&[*h1, *h2], 24) && two(&[*m1, *m2], 60)
            }
            _ => false,
        },
        _ => false,
    }
}

/// The account endpoints' shared parts: the provisioning key, the path, and the checked
/// JSON body when there is one.
macro_rules! account_operation {
    (
        $request:ty => $output:ty, $name:literal, $method:ident,
        path: |$p:ident| $path:expr, body: |$b:ident| $body:expr $(,)?
    ) => {
        impl Operation for $request {
            type Output = $output;

            const NAME: &'static str = $name;

            fn method(&self) -> Method {
                Method::$method
            }

            fn path(&self) -> Cow<'_, str> {
                let $p = self;
                $path
            }

            fn body(&self) -> Result<Option<Bytes>, Error> {
                let $b = self;
                $body
            }

            fn auth(&self) -> Auth {
                Auth::Provisioning
            }
        }
    };
}

account_operation! {
    GetBalance => Balance, "account balance", GET,
    path: |_this| Cow::Borrowed("/account/balance"),
    body: |_this| Ok(None),
}

account_operation! {
    GetActivity => Activity, "account activity", GET,
    path: |this| match this.days {
        Some(days) => Cow::Owned(format!("/account/activity?days={days}")),
        None => Cow::Borrowed("/account/activity"),
    },
    // No body: the query parameter is checked where bodies are.
    body: |this| match this.days {
        Some(days) if !(1..=30).contains(&days) => Err(Error::invalid("days", "must be in 1..=30")),
        _ => Ok(None),
    },
}

account_operation! {
    ListKeys => KeyList, "key list", GET,
    path: |_this| Cow::Borrowed("/account/keys"),
    body: |_this| Ok(None),
}

account_operation! {
    GetKey => ApiKey, "key", GET,
    path: |this| Cow::Owned(format!("/account/keys/{}", this.id)),
    body: |_this| Ok(None),
}

account_operation! {
    UpdateKey => ApiKey, "key", PATCH,
    path: |this| Cow::Owned(format!("/account/keys/{}", this.id)),
    body: |this| {
        this.validate()?;
        json_body(this)
    },
}

impl Operation for CreateKey {
    type Output = CreatedKey;

    const NAME: &'static str = "created key";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/account/keys")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        self.validate()?;
        json_body(self)
    }

    fn auth(&self) -> Auth {
        Auth::Provisioning
    }

    /// As JSON, but an answer that does not decode (a cut body, say) may hold the plaintext
    /// key: its error carries no excerpt of it.
    fn decode_output(body: &[u8]) -> Result<CreatedKey, Error> {
        let json = crate::operation::without_bom(body);
        if let Some(error) = crate::error::error_envelope_in(json) {
            return Err(error);
        }
        decode_json(Self::NAME, json).map_err(|err| match err {
            Error::Decode { what, offset, message, .. } => {
                let snippet = "(withheld: the answer may hold a new key)".to_owned();
                Error::Decode { what, offset, message, snippet }
            }
            other => other,
        })
    }
}

impl Operation for DeleteKey {
    /// Nothing: a `204 No Content`.
    type Output = ();

    const NAME: &'static str = "key deletion";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Owned(format!("/account/keys/{}", self.id))
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        Ok(None)
    }

    fn auth(&self) -> Auth {
        Auth::Provisioning
    }

    /// A success status is the deletion. Its body is normally none; one that is JSON may
    /// confirm it, unless it holds an `error` or `"success": false` (then that error); one
    /// that is not JSON (cut, or not an answer of this API) is a [`Error::Decode`].
    fn decode_output(body: &[u8]) -> Result<(), Error> {
        let json = crate::operation::without_bom(body);
        if json.trim_ascii().is_empty() {
            return Ok(());
        }
        let value = serde_json::from_slice::<Value>(json)
            .map_err(|err| Error::decode(Self::NAME, json, &err))?;
        let error = value.get("error").is_some_and(crate::chat::stream::is_error_value);
        if error || value.get("success") == Some(&Value::Bool(false)) {
            return Err(crate::error::success_body_error(body));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "account_tests.rs"]
mod tests;
