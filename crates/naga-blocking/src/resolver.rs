//! Name resolution without a thread per request for IP-literal hosts.

use std::net::{IpAddr, SocketAddr};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// ureq resolves the host before every request, pooled connection or not, and its default
/// resolver runs the lookup on a new thread whenever a time limit covers it (any request
/// with a global timeout). An IP literal needs no lookup, so it is turned into its address
/// here, without formatting and parsing `host:port` again per request; names still go
/// through the default resolver under the request's limit.
#[derive(Debug, Default)]
pub(crate) struct InlineIpResolver(DefaultResolver);

impl Resolver for InlineIpResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let family = config.ip_family();
        match literal_addr(uri).filter(|addr| family.keep_wanted([*addr].into_iter()).count() == 1)
        {
            Some(addr) => {
                let mut addrs = self.empty();
                addrs.push(addr);
                Ok(addrs)
            }
            // Names, and literals of an unwanted IP family (the default resolver's error).
            None => self.0.resolve(uri, config, timeout),
        }
    }
}

/// The socket address of a URI whose host is an IP address (IPv6 in brackets), with the
/// scheme's default port when none is given.
fn literal_addr(uri: &Uri) -> Option<SocketAddr> {
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let ip = host.parse::<IpAddr>().ok()?;
    let port = match (uri.port_u16(), uri.scheme_str()) {
        (Some(port), _) => port,
        (None, Some("https")) => 443,
        (None, Some("http")) => 80,
        (None, _) => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use ureq::config::IpFamily;

    use super::*;

    fn resolve(uri: &str, family: IpFamily) -> Result<Vec<SocketAddr>, ureq::Error> {
        let config = ureq::Agent::config_builder().ip_family(family).build();
        let addrs = InlineIpResolver::default().resolve(
            &uri.parse().unwrap(),
            &config,
            NextTimeout::default(),
        )?;
        Ok(addrs.iter().copied().collect())
    }

    #[test]
    fn ip_literals_resolve_to_their_address_and_port() {
        let v4: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(resolve("http://127.0.0.1:8080/v1", IpFamily::Any).unwrap(), [v4]);
        let v6: SocketAddr = "[::1]:443".parse().unwrap();
        assert_eq!(resolve("https://[::1]/v1", IpFamily::Any).unwrap(), [v6]);
        assert_eq!(literal_addr(&"http://10.0.0.1/x".parse().unwrap()), "10.0.0.1:80".parse().ok());
        assert_eq!(literal_addr(&"http://localhost:80/x".parse().unwrap()), None);
        assert_eq!(literal_addr(&"http://api.naga.ac/x".parse().unwrap()), None);
    }

    #[test]
    fn a_literal_of_an_unwanted_family_fails_like_the_default_resolver() {
        let err = resolve("http://127.0.0.1:8080/v1", IpFamily::Ipv6Only).unwrap_err();
        assert!(matches!(err, ureq::Error::HostNotFound), "{err:?}");
    }
}
