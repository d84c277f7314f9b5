//! The client's address behind load balancers and reverse proxies. Only proxies the operator
//! names are believed: their `X-Forwarded-For` is read from the right, skipping trusted hops, and
//! the first address that is not a trusted proxy is the client. Without trusted proxies (the
//! default) the peer of the TCP connection is the client, whatever the header says — a header
//! anyone can send must not pick which address the sign-in limits count against.

use std::net::IpAddr;

/// A network of trusted proxies: an address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// `10.0.0.0/8`, `192.0.2.7` (a single address), `fd00::/8`, `::1`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or network (e.g. 10.0.0.0/8)"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Network { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let full = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xff_u8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

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
    fn networks_parse_and_match() {
        let n = Network::parse("10.0.0.0/8").unwrap();
        assert!(n.contains(ip("10.200.3.4")));
        assert!(n.contains(ip("::ffff:10.1.2.3")));
        assert!(!n.contains(ip("11.0.0.1")));
        let n = Network::parse("192.168.1.0/25").unwrap();
        assert!(n.contains(ip("192.168.1.127")));
        assert!(!n.contains(ip("192.168.1.128")));
        assert!(Network::parse("::1").unwrap().contains(ip("::1")));
        assert!(Network::parse("fd00::/8").unwrap().contains(ip("fd12::5")));
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "proxy.internal", "::/129"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
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
