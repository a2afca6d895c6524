//! What every transport's client is configured with, and the builder setters for it.

use std::time::Duration;

use crate::config::Config;
use crate::retry::RetryPolicy;
use crate::sse::SseParser;
use crate::transport::{AttemptLimits, Timeouts};

/// The settings every transport's client shares: where to send, time limits, retries and
/// the largest stream event accepted.
/// A transport's `ClientBuilder` holds one and adds only its HTTP library's own handle.
///
/// ```
/// use std::time::Duration;
/// use naga_protocol::{ClientSettings, Config};
/// let settings = ClientSettings::default()
///     .config(Config::new("ng-example")?)
///     .stream_idle_timeout(Some(Duration::from_secs(30)))
///     .total_deadline(Some(Duration::from_secs(90)));
/// assert_eq!(settings.timeouts.stream_idle, Some(Duration::from_secs(30)));
/// assert_eq!(settings.retry.total_deadline, Some(Duration::from_secs(90)));
/// # Ok::<(), naga_protocol::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientSettings {
    /// Where to send requests and with which key.
    pub config: Config,
    /// The time limits of each attempt.
    pub timeouts: Timeouts,
    /// When to retry, and the total deadline across attempts.
    pub retry: RetryPolicy,
    /// The largest server-sent event a stream accepts, in bytes (larger ones yield
    /// [`StreamError::EventTooLarge`](crate::StreamError::EventTooLarge) and are skipped).
    pub max_event_size: usize,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            config: Config::default(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            max_event_size: SseParser::DEFAULT_MAX_EVENT_SIZE,
        }
    }
}

impl ClientSettings {
    crate::client_settings_setters!();

    /// The limits of an attempt starting `elapsed` after the first one.
    pub fn attempt_limits(&self, streaming: bool, elapsed: Duration) -> AttemptLimits {
        AttemptLimits::new(&self.timeouts, self.retry.total_deadline, streaming, elapsed)
    }
}

/// The setters of [`ClientSettings`], written once: expands (in an `impl` block) to by-value
/// builder methods on the settings reached through the given field path. A transport's
/// builder invokes it as `naga_protocol::client_settings_setters!(settings);`.
#[doc(hidden)]
#[macro_export]
macro_rules! client_settings_setters {
    ($field:ident) => {
        $crate::client_settings_setters!(@setters $field);

        /// All the settings every transport shares at once: config, time limits, retries.
        pub fn settings(mut self, settings: $crate::ClientSettings) -> Self {
            self.$field = settings;
            self
        }
    };
    ($($field:ident).*) => {
        $crate::client_settings_setters!(@setters $($field).*);
    };
    (@setters $($field:ident).*) => {
        /// Where to send requests and with which key.
        pub fn config(mut self, config: $crate::Config) -> Self {
            self $(.$field)* .config = config;
            self
        }

        /// All time limits at once.
        pub fn timeouts(mut self, timeouts: $crate::Timeouts) -> Self {
            self $(.$field)* .timeouts = timeouts;
            self
        }

        /// Limit for establishing a connection (DNS, TCP, TLS); `None` waits forever.
        /// Default 10 s.
        pub fn connect_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self $(.$field)* .timeouts.connect = timeout;
            self
        }

        /// Limit for a whole non-streaming attempt, body included; `None` waits forever.
        /// Default 600 s.
        pub fn request_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self $(.$field)* .timeouts.request = timeout;
            self
        }

        /// Limit for silence on a stream: waiting for its headers and between bytes; `None`
        /// waits forever. Default 600 s (a reasoning model may think that long before its
        /// first token).
        pub fn stream_idle_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self $(.$field)* .timeouts.stream_idle = timeout;
            self
        }

        /// Budget for a whole call across retries (sets the retry policy's deadline). A
        /// stream is bounded by it until its head arrives, then by the idle timeout alone,
        /// so a long answer is never cut (drop the stream to stop earlier).
        pub fn total_deadline(mut self, deadline: Option<::std::time::Duration>) -> Self {
            self $(.$field)* .retry = self $(.$field)* .retry.with_total_deadline(deadline);
            self
        }

        /// When to retry; replaces the total deadline too.
        pub fn retry_policy(mut self, retry: $crate::RetryPolicy) -> Self {
            self $(.$field)* .retry = retry;
            self
        }

        /// The largest stream event accepted, in bytes (default
        /// `SseParser::DEFAULT_MAX_EVENT_SIZE`, 64 MiB); a larger one is one `EventTooLarge`
        /// error, skipped without being buffered.
        pub fn max_event_size(mut self, limit: usize) -> Self {
            self $(.$field)* .max_event_size = limit;
            self
        }
    };
}

/// The constructors and accessor every transport's `Client` has, written once: expands (in
/// `impl Client`) to `new`, `from_env` and `config`. Needs `Self::builder()` with the
/// [`client_settings_setters!`] and a `build() -> Result<Client, Error>`, a `settings` field
/// holding an `Arc<ClientSettings>` (so a clone of the client copies no settings), a
/// `with_config_applied(self) -> Self` that brings what the client derived from the config up
/// to date after it changed, and the crate's `Error` (convertible from the protocol's) and
/// `Result` in scope.
#[doc(hidden)]
#[macro_export]
macro_rules! client_constructors {
    () => {
        /// A client for `config` with default timeouts and retry policy.
        pub fn new(config: $crate::Config) -> Result<Self> {
            Self::builder().config(config).build()
        }

        /// A client configured from `NAGA_API_KEY`, `NAGA_BASE_URL` and
        /// `NAGA_PROVISIONING_KEY` (see `Config::from_env`).
        pub fn from_env() -> Result<Self> {
            Self::new($crate::Config::from_env()?)
        }

        /// The configuration requests are built from.
        pub fn config(&self) -> &$crate::Config {
            &self.settings.config
        }

        /// This client with the header `name: value` on every request made through it
        /// (replacing a default header of that name), sharing the connection pool: headers
        /// for some calls only, as `extra_headers` in OpenAI's SDKs. Fails on what
        /// [`Config::with_header`](crate::Config::with_header) refuses.
        pub fn with_header(&self, name: &str, value: &str) -> Result<Self> {
            let mut client = self.clone();
            let settings = ::std::sync::Arc::make_mut(&mut client.settings);
            settings.config = ::std::mem::take(&mut settings.config).with_header(name, value)?;
            Ok(client.with_config_applied())
        }

        /// This client with another retry policy (its total deadline included) for the
        /// calls made through it: the configuration and the connection pool are shared, so
        /// this is cheap. E.g. `client.with_retry_policy(RetryPolicy::never()).send(&op)`.
        pub fn with_retry_policy(&self, retry: $crate::RetryPolicy) -> Self {
            let mut client = self.clone();
            ::std::sync::Arc::make_mut(&mut client.settings).retry = retry;
            client
        }

        /// This client with another time limit for each attempt of a non-streaming call, its
        /// body included ([`Timeouts::request`](crate::Timeouts::request)), sharing the
        /// configuration and connection pool. The connect time limit belongs to the pool and
        /// stays.
        pub fn with_request_timeout(&self, timeout: Option<::std::time::Duration>) -> Self {
            let mut client = self.clone();
            ::std::sync::Arc::make_mut(&mut client.settings).timeouts.request = timeout;
            client
        }

        /// This client with another limit on a stream's silence: waiting for its head, and
        /// between bytes ([`Timeouts::stream_idle`](crate::Timeouts::stream_idle)), sharing
        /// the configuration and connection pool.
        pub fn with_stream_idle_timeout(&self, timeout: Option<::std::time::Duration>) -> Self {
            let mut client = self.clone();
            ::std::sync::Arc::make_mut(&mut client.settings).timeouts.stream_idle = timeout;
            client
        }
    };
}

#[cfg(test)]
mod tests {
    // The setters are `pub` as in a transport's builder; here they sit in a private module.
    #![allow(unreachable_pub)]

    use super::*;

    /// A builder wrapping the settings, the way a transport's does.
    #[derive(Debug, Default)]
    struct Builder {
        settings: ClientSettings,
    }

    impl Builder {
        crate::client_settings_setters!(settings);
    }

    #[test]
    fn setters_reach_the_wrapped_settings() {
        let s = Duration::from_secs;
        let retry = RetryPolicy::never();
        let config = Config::new("ng-test").unwrap();
        let built = Builder::default()
            .config(config.clone())
            .connect_timeout(Some(s(1)))
            .request_timeout(None)
            .stream_idle_timeout(Some(s(3)))
            .retry_policy(retry)
            .total_deadline(Some(s(9)))
            .max_event_size(4096)
            .settings;
        let expected = Timeouts { connect: Some(s(1)), request: None, stream_idle: Some(s(3)) };
        assert_eq!(built.timeouts, expected);
        assert_eq!(built.retry, retry.with_total_deadline(Some(s(9))));
        assert_eq!(built.config, config);
        assert_eq!(built.max_event_size, 4096);
        assert_eq!(ClientSettings::default().max_event_size, SseParser::DEFAULT_MAX_EVENT_SIZE);
        let reset = Builder::default().settings(built).timeouts(Timeouts::default()).settings;
        assert_eq!(reset.timeouts, Timeouts::default());
        assert_eq!(reset.retry.max_retries, 0);
    }

    #[test]
    fn attempt_limits_use_the_deadline_of_the_retry_policy() {
        let s = Duration::from_secs;
        let settings = ClientSettings::default().total_deadline(Some(s(100)));
        let limits = settings.attempt_limits(false, s(30));
        assert_eq!(limits.attempt, Some((s(70), crate::TimeoutKind::Deadline)));
        assert_eq!(limits.connect, Timeouts::default().connect);
    }
}
