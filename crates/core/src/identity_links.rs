//! One person, one account (seed 003): the values that tie accounts to one person, how strongly
//! each does, and the sign-ins that show an account used by more than one person.
//!
//! A value shared by two accounts is a link. An inbox, a phone, a device or a card is the
//! person's own and links strongly; an address or a network is shared by offices, cafés and
//! carrier NAT and counts only while both accounts used it recently; a full name is common and
//! links weakly. Links to one other account combine as independent evidence, so two weak links
//! can make a case that neither makes alone.

use crate::timestamp::Timestamp;
use serde::Serialize;
use std::net::IpAddr;

/// A kind of identifying value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Email,
    Phone,
    Device,
    Payment,
    Ip,
    Network,
    Name,
}

impl LinkKind {
    pub const ALL: [LinkKind; 7] = [
        LinkKind::Email,
        LinkKind::Phone,
        LinkKind::Device,
        LinkKind::Payment,
        LinkKind::Ip,
        LinkKind::Network,
        LinkKind::Name,
    ];

    /// The name stored with each value (`identity_fingerprints.kind`).
    pub const fn as_str(self) -> &'static str {
        match self {
            LinkKind::Email => "email",
            LinkKind::Phone => "phone",
            LinkKind::Device => "device",
            LinkKind::Payment => "payment",
            LinkKind::Ip => "ip",
            LinkKind::Network => "network",
            LinkKind::Name => "name",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// How likely two accounts sharing this value are one person, in percent.
    pub const fn strength(self) -> u8 {
        match self {
            LinkKind::Email => 95,
            LinkKind::Payment => 95,
            LinkKind::Phone => 90,
            LinkKind::Device => 90,
            LinkKind::Ip => 50,
            LinkKind::Name => 30,
            LinkKind::Network => 20,
        }
    }

    /// "strong", "medium" or "weak", for people reading a case.
    pub const fn strength_label(self) -> &'static str {
        match self.strength() {
            80.. => "strong",
            40.. => "medium",
            _ => "weak",
        }
    }

    /// The person's own values: copied to the ban list when they are banned. Addresses,
    /// networks and names are shared with strangers and never ban anyone.
    pub const fn is_personal(self) -> bool {
        matches!(
            self,
            LinkKind::Email | LinkKind::Phone | LinkKind::Device | LinkKind::Payment
        )
    }

    /// Values that find the other accounts to weigh. A shared network or name cannot reach a
    /// case's strength without an address or a personal value shared too (network and name
    /// together are 44), and those find the account themselves; looking up everyone behind a
    /// carrier's network or a common name would only cost (measured: a sign-in flood ran 3×
    /// slower). Networks and names still count once an account is found.
    pub const fn finds_accounts(self) -> bool {
        !matches!(self, LinkKind::Network | LinkKind::Name)
    }

    /// Values that only link while both accounts used them within [`RECENT_MS`].
    pub const fn is_recent_only(self) -> bool {
        matches!(self, LinkKind::Ip | LinkKind::Network)
    }

    /// What a person reads: "the same device".
    pub const fn describe(self) -> &'static str {
        match self {
            LinkKind::Email => "the same email inbox",
            LinkKind::Phone => "the same phone number",
            LinkKind::Device => "the same device",
            LinkKind::Payment => "the same payment method",
            LinkKind::Ip => "the same IP address within 7 days",
            LinkKind::Network => "the same network within 7 days",
            LinkKind::Name => "the same full name",
        }
    }
}

/// How long an address or a network links two accounts that used it.
pub const RECENT_MS: i64 = 7 * 24 * 3_600_000;

/// How strongly a set of shared values ties two accounts, in percent: independent evidence
/// combined (`1 − Π(1 − s)`). A shared network adds nothing when the address itself is shared.
pub fn combined_strength(kinds: &[LinkKind]) -> u8 {
    let mut seen: Vec<LinkKind> = kinds.to_vec();
    seen.sort();
    seen.dedup();
    if seen.contains(&LinkKind::Ip) {
        seen.retain(|k| *k != LinkKind::Network);
    }
    let apart: f64 = seen
        .iter()
        .map(|k| 1.0 - f64::from(k.strength()) / 100.0)
        .product();
    // In 0..=100 by construction.
    ((1.0 - apart) * 100.0).round().clamp(0.0, 100.0) as u8
}

/// The network an address belongs to for linking: its /24 (IPv4) or /48 (IPv6), the block
/// one household, office or small provider is usually given.
pub fn network_of(ip: IpAddr) -> String {
    match crate::net::canonical(ip) {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// An address inside someone's own network (loopback, private, carrier NAT, link-local,
/// unique-local): it says where a proxy or an office router is, not who a person is, so it links
/// no one. Documentation and benchmarking ranges stand for public addresses and do link.
pub fn is_internal(ip: IpAddr) -> bool {
    match crate::net::canonical(ip) {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || first & 0xfe00 == 0xfc00
                || first & 0xffc0 == 0xfe80
        }
    }
}

/// A full name as it links: lower case, letters and spaces only, at least two words (a single
/// word is a handle, not a name).
pub fn normalise_name(name: &str) -> Option<String> {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphabetic())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    (words.len() >= 2).then(|| words.join(" "))
}

/// `First.Last+jobs@GoogleMail.com` and `firstlast@gmail.com` are one inbox: plus-tags are
/// dropped everywhere, and dots too where the provider ignores them.
pub fn normalise_email(email: &str) -> String {
    let lower = email.trim().to_lowercase();
    let Some((local, domain)) = lower.rsplit_once('@') else {
        return lower;
    };
    let local = local.split('+').next().unwrap_or(local);
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    let local = if domain == "gmail.com" {
        local.replace('.', "")
    } else {
        local.to_owned()
    };
    format!("{local}@{domain}")
}

/// E.164 when the number carries its country code (`+44 20 7946 0958` and `0044 20 7946 0958`
/// are one number), else its digits: `+1 (415) 555-0100` → `+14155550100`.
pub fn normalise_phone(phone: &str) -> String {
    if let Ok(e164) = crate::phone::normalize_e164(phone) {
        return e164;
    }
    let plus = phone.trim_start().starts_with('+');
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if plus { format!("+{digits}") } else { digits }
}

/// A point on the Earth, as the operator's edge located a sign-in (degrees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub latitude: f64,
    pub longitude: f64,
}

impl Place {
    /// Checks the ranges: latitude −90..=90, longitude −180..=180.
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, String> {
        if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
            return Err(format!(
                "({latitude}, {longitude}) is not a place: latitude is −90 to 90, longitude −180 to 180"
            ));
        }
        Ok(Place {
            latitude,
            longitude,
        })
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn km_to(self, other: Place) -> f64 {
        const EARTH_KM: f64 = 6_371.0;
        let (la1, la2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dla = la2 - la1;
        let dlo = (other.longitude - self.longitude).to_radians();
        let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * EARTH_KM * h.sqrt().min(1.0).asin()
    }
}

/// A sign-in as account sharing reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignIn {
    pub at: Timestamp,
    pub place: Place,
}

/// Faster than an airliner, door to door.
pub const MAX_TRAVEL_KMH: f64 = 900.0;
/// Below this distance two places may be one city seen through two providers' locations.
pub const NEAR_KM: f64 = 300.0;

/// The speed one person would have needed between two sign-ins, in km/h, when it is
/// impossible (over [`MAX_TRAVEL_KMH`], the places at least [`NEAR_KM`] apart); else `None`.
pub fn impossible_travel(earlier: SignIn, later: SignIn) -> Option<u32> {
    let km = earlier.place.km_to(later.place);
    if km < NEAR_KM {
        return None;
    }
    let hours = (later.at.millis() - earlier.at.millis()).abs() as f64 / 3_600_000.0;
    // Two sign-ins in the same minute from far apart: as fast as can be said.
    let kmh = if hours < 1.0 / 60.0 {
        km * 60.0
    } else {
        km / hours
    };
    (kmh > MAX_TRAVEL_KMH).then(|| kmh.min(f64::from(u32::MAX)).round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_names_and_phones_are_normalised() {
        assert_eq!(
            normalise_email(" First.Last+jobs@GoogleMail.com"),
            "firstlast@gmail.com"
        );
        assert_eq!(
            normalise_email("jane.doe+x@gmail.com"),
            normalise_email("janedoe@gmail.com")
        );
        assert_eq!(normalise_email("a.b+x@example.org"), "a.b@example.org");
        assert_eq!(normalise_phone("+1 (415) 555-0100"), "+14155550100");
        assert_eq!(normalise_phone("0044 20 7946 0958"), "+442079460958");
        assert_eq!(normalise_phone("+44 (20) 7946-0958"), "+442079460958");
        assert_eq!(normalise_phone("020 7946 0958"), "02079460958");
        assert_eq!(
            normalise_name("  Jane  O'Doe "),
            Some("jane odoe".to_owned())
        );
        assert_eq!(normalise_name("jdoe"), None);
        assert_eq!(normalise_name("Zoë Ångström"), Some("zoë ångström".into()));
    }

    #[test]
    fn internal_addresses_are_told_apart() {
        for internal in [
            "10.0.0.5",
            "192.168.1.2",
            "127.0.0.1",
            "100.72.1.1",
            "::ffff:172.16.0.9",
            "fd12::1",
            "fe80::1",
            "::1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in [
            "203.0.113.7",
            "8.8.8.8",
            "198.18.0.1",
            "2001:db8::1",
            "2a00:1450::1",
        ] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn networks_are_the_household_block() {
        let v4: IpAddr = "203.0.113.77".parse().unwrap();
        assert_eq!(network_of(v4), "203.0.113.0/24");
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(network_of(mapped), "203.0.113.0/24");
        let v6: IpAddr = "2001:db8:abcd:12::1".parse().unwrap();
        assert_eq!(network_of(v6), "2001:db8:abcd::/48");
    }

    #[test]
    fn weak_links_combine_and_implied_ones_do_not_count_twice() {
        assert_eq!(combined_strength(&[]), 0);
        assert_eq!(combined_strength(&[LinkKind::Device]), 90);
        assert_eq!(combined_strength(&[LinkKind::Ip, LinkKind::Network]), 50);
        assert_eq!(combined_strength(&[LinkKind::Ip, LinkKind::Name]), 65);
        assert_eq!(combined_strength(&[LinkKind::Network, LinkKind::Name]), 44);
        assert_eq!(
            combined_strength(&[LinkKind::Device, LinkKind::Device]),
            90,
            "one kind counts once"
        );
        assert!(combined_strength(&LinkKind::ALL) >= 99);
        assert!(LinkKind::Device.is_personal() && !LinkKind::Ip.is_personal());
        assert_eq!(LinkKind::Name.strength_label(), "weak");
        for k in LinkKind::ALL {
            assert_eq!(LinkKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn two_continents_ten_minutes_apart_is_impossible_travel() {
        let paris = Place::new(48.8566, 2.3522).unwrap();
        let sydney = Place::new(-33.8688, 151.2093).unwrap();
        let km = paris.km_to(sydney);
        assert!((16_900.0..17_000.0).contains(&km), "{km}");
        let at = |min: i64| Timestamp::from_millis(1_700_000_000_000 + min * 60_000);
        let kmh = impossible_travel(
            SignIn {
                at: at(0),
                place: paris,
            },
            SignIn {
                at: at(10),
                place: sydney,
            },
        )
        .expect("impossible");
        assert!(kmh > 100_000, "{kmh}");
        // A day later the trip is a flight.
        assert_eq!(
            impossible_travel(
                SignIn {
                    at: at(0),
                    place: paris
                },
                SignIn {
                    at: at(24 * 60),
                    place: sydney
                },
            ),
            None
        );
        // Two providers placing one city 50 km apart is not travel at all.
        let versailles = Place::new(48.8049, 2.1204).unwrap();
        assert_eq!(
            impossible_travel(
                SignIn {
                    at: at(0),
                    place: paris
                },
                SignIn {
                    at: at(0),
                    place: versailles
                },
            ),
            None
        );
        assert!(Place::new(91.0, 0.0).is_err());
        assert!(Place::new(0.0, f64::NAN).is_err());
    }
}
