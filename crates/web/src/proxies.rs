//! The client's address behind load balancers and reverse proxies. Only proxies the operator
//! names are believed: their `X-Forwarded-For` is read from the right, skipping trusted hops, and
//! the first address that is not a trusted proxy is the client. Without trusted proxies (the
//! default) the peer of the TCP connection is the client, whatever the header says — a header
//! anyone can send must not pick which address the sign-in limits count against.

use std::net::IpAddr;
use trustwork_core::net::{Network, canonical};

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, String> {
        list.iter()
            .map(|s| Network::parse(s.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client of a request that came from `peer` with these `X-Forwarded-For` values.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // An entry that is not an address: nothing left of it can be believed.
                return client;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let none = TrustedProxies::default();
        // Nothing trusted: the header is ignored.
        assert_eq!(
            none.client(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9")
        );
        let lb = TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
        // Behind the load balancer: the address it saw.
        assert_eq!(
            lb.client(ip("10.0.0.2"), &["198.51.100.7"]),
            ip("198.51.100.7")
        );
        // A client that sends its own header cannot choose: the rightmost untrusted hop counts.
        assert_eq!(
            lb.client(ip("10.0.0.2"), &["6.6.6.6, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Two trusted hops, two header lines.
        assert_eq!(
            lb.client(ip("10.0.0.2"), &["198.51.100.7", "10.1.1.1"]),
            ip("198.51.100.7")
        );
        // A direct connection from outside: its header is not believed.
        assert_eq!(
            lb.client(ip("198.51.100.9"), &["1.2.3.4"]),
            ip("198.51.100.9")
        );
        // Garbage in the header stops the walk at the last believed hop.
        assert_eq!(lb.client(ip("10.0.0.2"), &["junk"]), ip("10.0.0.2"));
        // No header at all: the proxy itself.
        assert_eq!(lb.client(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
    }
}
