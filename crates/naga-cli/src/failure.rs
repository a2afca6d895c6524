//! What the command reports when it fails: one line a person can act on.

use std::fmt;

use naga_protocol::ApiErrorKind;

/// A failed command.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No API key anywhere.
    NoKey,
    /// A flag or variable holds an unusable value.
    Config(naga_protocol::Error),
    /// The value of this flag or environment variable is unusable.
    Setting(&'static str, naga_protocol::Error),
    /// The command line asks for something that cannot be done (exit status 2, as clap's).
    Usage(String),
    /// The request failed.
    Client(naga_blocking::Error),
    /// Writing to standard output failed.
    Io(std::io::Error),
    /// Anything else, already phrased.
    Other(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NoKey => f.write_str(
                "no API key: set NAGA_API_KEY, pass --api-key, or use --emulator to try it offline",
            ),
            Failure::Config(err) => write!(f, "{err}"),
            Failure::Setting(from, naga_protocol::Error::InvalidRequest { reason, .. }) => {
                write!(f, "{from} is unusable: it {reason}")
            }
            Failure::Setting(from, err) => write!(f, "{from} is unusable: {err}"),
            Failure::Usage(message) => f.write_str(message),
            Failure::Client(err) => describe_client_error(f, err),
            Failure::Io(err) => write!(f, "cannot write to standard output: {err}"),
            Failure::Other(message) => f.write_str(message),
        }
    }
}

fn describe_client_error(f: &mut fmt::Formatter<'_>, err: &naga_blocking::Error) -> fmt::Result {
    match err.api_kind() {
        Some(ApiErrorKind::Authentication) => write!(
            f,
            "the API key was rejected (check --api-key or NAGA_API_KEY): {}",
            one_line(err)
        ),
        Some(ApiErrorKind::InsufficientQuota) => {
            write!(f, "not enough credits: {}", one_line(err))
        }
        Some(ApiErrorKind::RateLimited) => match server_wait(err) {
            Some(wait) => write!(f, "{} (the server asks to wait {wait} s)", one_line(err)),
            None => f.write_str(&one_line(err)),
        },
        _ => f.write_str(&one_line(err)),
    }
}

/// How long (in whole seconds, rounded up) a rate-limited answer asked to wait.
fn server_wait(err: &naga_blocking::Error) -> Option<u64> {
    let api = err.protocol()?.api()?;
    let wait = api.retry_after?.delay_from(std::time::SystemTime::now());
    Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
}

impl Failure {
    /// A connection that could not be made says where it was tried.
    pub(crate) fn at(self, base_url: &str) -> Failure {
        match &self {
            Failure::Client(err) if is_connect(err) => {
                Failure::Other(format!("{self} (base URL {})", without_userinfo(base_url)))
            }
            _ => self,
        }
    }
}

/// `url` with any user name and password shown as `***` (a base URL may carry them).
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://***@{host}{path}"),
        None => url.to_owned(),
    }
}

/// Whether no connection could be made (or only after retries that all failed so).
fn is_connect(err: &naga_blocking::Error) -> bool {
    match err {
        naga_blocking::Error::Connect(_) | naga_blocking::Error::Tls(_) => true,
        naga_blocking::Error::GaveUp { last, .. } => is_connect(last),
        _ => false,
    }
}

/// The error's text folded onto one line.
fn one_line(err: &dyn fmt::Display) -> String {
    err.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}

impl From<naga_blocking::Error> for Failure {
    fn from(err: naga_blocking::Error) -> Self {
        Failure::Client(err)
    }
}

impl From<std::io::Error> for Failure {
    fn from(err: std::io::Error) -> Self {
        Failure::Io(err)
    }
}
