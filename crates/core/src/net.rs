//! Addresses and networks: the networks an operator names (trusted proxies, allowed webhook
//! targets) and the addresses Trustwork never sends to on its own (loopback, private,
//! link-local, metadata, …), recognised in every spelling a URL can carry.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A network: an address and a prefix length.
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
        Ok(Network {
            addr: canonical(addr),
            prefix: if addr.is_ipv6() && canonical(addr).is_ipv4() {
                prefix.saturating_sub(96)
            } else {
                prefix
            },
        })
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
pub fn canonical(ip: IpAddr) -> IpAddr {
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

/// Why an address is not on the public internet, or `None` when it is. IPv6 forms that carry an
/// IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match canonical(ip) {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified address",
        (127, _, _) => "a loopback address",
        (10, _, _) | (192, 168, _) => "a private address",
        (172, b, _) if (16..32).contains(&b) => "a private address",
        (100, b, _) if (64..128).contains(&b) => "a shared (carrier-grade NAT) address",
        (169, 254, _) => "a link-local (cloud metadata) address",
        (192, 0, 0) => "an IETF protocol address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (198, 18 | 19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if ip.is_unspecified() {
        return Some("an unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    Some(match s[0] {
        // ::a.b.c.d (IPv4-compatible, deprecated) and the NAT64 prefixes reach IPv4 addresses.
        0 if s[1..6] == [0; 5] => {
            return non_public_v4(embedded(s[6], s[7])).or(Some("an IPv4-compatible address"));
        }
        0x64 if s[1] == 0xff9b && s[2..6] == [0; 4] => {
            return non_public_v4(embedded(s[6], s[7]));
        }
        0x64 if s[1] == 0xff9b && s[2] == 1 => "a local-use NAT64 address",
        // 6to4 carries the IPv4 address of its relay in the next 32 bits.
        0x2002 => return non_public_v4(embedded(s[1], s[2])),
        0x2001 if s[1] == 0 => "a Teredo tunnel address",
        0x2001 if s[1] == 0xdb8 => "a documentation address",
        0x0100 if s[1..4] == [0; 3] => "a discard-only address",
        x if x & 0xfe00 == 0xfc00 => "a unique-local (private) address",
        x if x & 0xffc0 == 0xfe80 => "a link-local address",
        x if x & 0xffc0 == 0xfec0 => "a site-local address",
        x if x & 0xff00 == 0xff00 => "a multicast address",
        _ => return None,
    })
}

/// An IPv4 address in any spelling that `inet_aton` (and so a resolver or a browser) accepts:
/// `127.0.0.1`, `127.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`. `None` for anything else.
pub fn parse_ipv4_any(host: &str) -> Option<Ipv4Addr> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| parse_c_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|n| *n > 255) {
        return None;
    }
    let rest_bits = 8 * (4 - leading.len() as u32);
    if rest_bits < 64 && *last >= 1_u64 << rest_bits {
        return None;
    }
    let value = leading
        .iter()
        .fold(0_u64, |acc, n| (acc << 8) | n)
        .checked_shl(rest_bits)?
        | last;
    u32::try_from(value).ok().map(Ipv4Addr::from)
}

/// A number as C writes it: `0x1f` hexadecimal, `017` octal, `15` decimal.
fn parse_c_number(text: &str) -> Option<u64> {
    let (digits, radix) =
        if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (hex, 16)
        } else if text.len() > 1 && text.starts_with('0') {
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    if digits.is_empty() && radix == 16 {
        return Some(0);
    }
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// The address a URL's host names when it is written as an address (`[::1]`, `10.0.0.1`,
/// `2130706433`), `None` when it is a name.
pub fn host_address(host: &str) -> Option<IpAddr> {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    host.parse::<IpAddr>()
        .ok()
        .or_else(|| parse_ipv4_any(host).map(IpAddr::V4))
}

/// Why a host name is internal by its name alone: names that only mean something inside a
/// network (`localhost`, single labels, `.internal`, `.local`, …) and cloud metadata services.
pub fn internal_name(host: &str) -> Option<&'static str> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    const INTERNAL_SUFFIXES: [&str; 6] = [
        ".localhost",
        ".local",
        ".internal",
        ".localdomain",
        ".home.arpa",
        ".intranet",
    ];
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("names this machine");
    }
    if matches!(
        host.as_str(),
        "metadata" | "metadata.goog" | "instance-data" | "metadata.azure.com"
    ) {
        return Some("is a cloud metadata service");
    }
    if INTERNAL_SUFFIXES.iter().any(|s| host.ends_with(s)) || host.ends_with(".arpa") {
        return Some("is a name only an internal network knows");
    }
    if !host.contains('.') {
        return Some("is a single-label name, resolved only inside a network");
    }
    None
}

/// Where outbound requests (webhooks) may go beyond the public internet: host names and
/// networks the operator names. Empty by default: public addresses only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedTargets {
    names: Vec<String>,
    networks: Vec<Network>,
}

impl AllowedTargets {
    /// Entries are host names (`receiver.internal`) or addresses and networks (`127.0.0.1`,
    /// `10.0.0.0/8`, `::1`).
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, String> {
        let mut allowed = AllowedTargets::default();
        for entry in list {
            let entry = entry.as_ref().trim();
            if entry.is_empty() {
                return Err("an allowed host is empty".into());
            }
            let bare = entry.trim_start_matches('[').trim_end_matches(']');
            match Network::parse(bare) {
                Ok(n) => allowed.networks.push(n),
                Err(_)
                    if entry
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) =>
                {
                    allowed
                        .names
                        .push(entry.trim_end_matches('.').to_ascii_lowercase());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(allowed)
    }

    /// Loopback only: for a demo on one machine and for tests with local receivers.
    pub fn loopback() -> Self {
        AllowedTargets {
            names: vec!["localhost".into()],
            networks: ["127.0.0.0/8", "::1"]
                .iter()
                .filter_map(|n| Network::parse(n).ok())
                .collect(),
        }
    }

    /// The host name is named: every address it resolves to is allowed.
    pub fn allows_name(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.names.contains(&host)
    }

    pub fn allows_address(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|n| n.contains(ip))
    }

    /// Why Trustwork will not send to `ip`, `None` when it may.
    pub fn refuses_address(&self, ip: IpAddr) -> Option<String> {
        if self.allows_address(ip) {
            return None;
        }
        non_public(ip).map(|why| format!("{} is {why}", canonical(ip)))
    }

    /// Why a URL's host is refused before anything is resolved, `None` when it may be tried
    /// (a name is checked again, address by address, when it is resolved).
    pub fn refuses_host(&self, host: &str) -> Option<String> {
        if self.allows_name(host) {
            return None;
        }
        if let Some(ip) = host_address(host) {
            return self.refuses_address(ip);
        }
        if host.starts_with('[') {
            return Some(format!("{host} is not an IPv6 address"));
        }
        internal_name(host).map(|why| format!("{host} {why}"))
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
        assert!(
            Network::parse("::ffff:10.0.0.0/104")
                .unwrap()
                .contains(ip("10.9.9.9"))
        );
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "proxy.internal", "::/129"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_spelling_of_an_ipv4_address_is_read() {
        let lo = Some(Ipv4Addr::new(127, 0, 0, 1));
        for s in [
            "127.0.0.1",
            "127.1",
            "127.0.1",
            "2130706433",
            "0x7f000001",
            "0x7f.1",
            "0177.0.0.1",
            "0177.0.0.01",
            "127.0.0.1.",
        ] {
            assert_eq!(parse_ipv4_any(s), lo, "{s}");
        }
        assert_eq!(parse_ipv4_any("0"), Some(Ipv4Addr::UNSPECIFIED));
        for s in [
            "example.com",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.256",
            "4294967296",
            "08.1.1.1",
            "",
            "1..1",
            "0xg",
        ] {
            assert_eq!(parse_ipv4_any(s), None, "{s}");
        }
    }

    #[test]
    fn internal_addresses_are_refused_in_every_form() {
        let none = AllowedTargets::default();
        for host in [
            "169.254.169.254",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "127.1",
            "2130706433",
            "0x7f.1",
            "[::1]",
            "[::]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[::127.0.0.1]",
            "[64:ff9b::a9fe:a9fe]",
            "[2002:a9fe:a9fe::1]",
            "[fd00:ec2::254]",
            "[fe80::1]",
            "[ff02::1]",
            "localhost",
            "LOCALHOST.",
            "api.localhost",
            "metadata.google.internal",
            "metadata",
            "printer.local",
            "intranet",
            "[fe80::1%25eth0]",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(none.refuses_host(host).is_some(), "{host} was accepted");
        }
        for host in [
            "example.com",
            "hooks.example.org",
            "93.184.216.34",
            "[2606:4700::1111]",
            "[64:ff9b::5db8:d822]",
        ] {
            assert_eq!(none.refuses_host(host), None, "{host}");
        }
        assert!(
            none.refuses_host("10.0.0.1")
                .unwrap()
                .contains("a private address")
        );
    }

    #[test]
    fn named_hosts_and_networks_are_allowed() {
        let allowed =
            AllowedTargets::parse(&["127.0.0.1", "receiver.internal", "10.1.0.0/16", "[::1]"])
                .unwrap();
        assert_eq!(allowed.refuses_host("127.0.0.1"), None);
        assert_eq!(allowed.refuses_host("2130706433"), None);
        assert_eq!(allowed.refuses_host("Receiver.Internal"), None);
        assert_eq!(allowed.refuses_host("[::1]"), None);
        assert_eq!(allowed.refuses_address(ip("10.1.2.3")), None);
        assert!(allowed.refuses_address(ip("10.2.0.1")).is_some());
        assert!(allowed.refuses_host("other.internal").is_some());
        assert!(AllowedTargets::parse(&["bad host"]).is_err());
        assert!(AllowedTargets::parse(&[""]).is_err());
        let lo = AllowedTargets::loopback();
        assert_eq!(lo.refuses_host("localhost"), None);
        assert_eq!(lo.refuses_address(ip("127.0.0.2")), None);
        assert!(lo.refuses_address(ip("10.0.0.1")).is_some());
    }

    proptest::proptest! {
        #[test]
        fn any_host_text_is_judged_without_panicking(host in "\\PC{0,40}") {
            let _ = AllowedTargets::default().refuses_host(&host);
            let _ = parse_ipv4_any(&host);
        }
    }
}
