//! Name resolution without a thread per request for IP-literal hosts.

use std::net::IpAddr;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::unversioned::transport::time::Duration;

/// ureq resolves the host before every request, pooled connection or not, and its default
/// resolver runs the lookup on a new thread whenever a time limit covers it (any request
/// with a global timeout). An IP literal needs no lookup, so it is resolved inline; names
/// still go through the default resolver under the request's limit.
#[derive(Debug, Default)]
pub(crate) struct InlineIpResolver(DefaultResolver);

impl Resolver for InlineIpResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let timeout = if uri.host().is_some_and(is_ip_literal) {
            NextTimeout { after: Duration::NotHappening, ..timeout }
        } else {
            timeout
        };
        self.0.resolve(uri, config, timeout)
    }
}

/// Whether `host` (as in a URI, IPv6 in brackets) is an IP address.
fn is_ip_literal(host: &str) -> bool {
    host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::is_ip_literal;

    #[test]
    fn ip_literals_are_recognized_and_names_are_not() {
        assert!(is_ip_literal("127.0.0.1"));
        assert!(is_ip_literal("[::1]"));
        assert!(!is_ip_literal("api.naga.ac"));
        assert!(!is_ip_literal("localhost"));
    }
}
