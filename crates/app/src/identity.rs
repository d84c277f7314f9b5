//! Identity: the accounts marketplace sign-ups create, and the identity graph over what they
//! show — normalised emails, phones, devices, payment methods, recent addresses and networks, and
//! names. A value another live account holds links the two (with a strength); a ban copies the
//! person's own values to the ban list, and a sign-up that matches one is a banned person
//! returning. Sign-ins are kept to tell an account used by more than one person. Used by the
//! event pipeline and by standing (a ban), so it belongs to neither.

use crate::AppResult;
use serde::Serialize;
use std::net::IpAddr;
use trustwork_core::enforcement::EventData;
use trustwork_core::enforcement::event::AccountSignup;
use trustwork_core::identity_links::{
    LinkKind, Place, RECENT_MS, SignIn, combined_strength, impossible_travel, network_of,
    normalise_email, normalise_name, normalise_phone,
};
use trustwork_core::{Role, Standing, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;
use trustwork_store::identity_graph::StoredSignIn;

/// A sign-up's identifying values: its inbox, phone, device, address and network, and name.
pub fn of_signup(s: &AccountSignup) -> Vec<(LinkKind, String)> {
    let email = normalise_email(&s.email);
    // An inbox with no name before the `@` (`+x@gmail.com`) is nobody's in particular.
    let mut out: Vec<(LinkKind, String)> = email
        .split_once('@')
        .filter(|(local, domain)| !local.is_empty() && !domain.is_empty())
        .map(|_| (LinkKind::Email, email.clone()))
        .into_iter()
        .collect();
    if let Some(p) = s.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        out.push((LinkKind::Phone, normalise_phone(p)));
    }
    if let Some(d) = s.device_id.as_deref().filter(|d| !d.trim().is_empty()) {
        out.push((LinkKind::Device, d.trim().to_owned()));
    }
    out.extend(address_values(s.ip.as_deref()));
    if let Some(name) = s.display_name.as_deref().and_then(normalise_name) {
        out.push((LinkKind::Name, name));
    }
    out
}

/// An address and its network, when `ip` is one.
fn address_values(ip: Option<&str>) -> Vec<(LinkKind, String)> {
    // A loopback, private or carrier-NAT address says where a proxy is, not who a person is.
    match ip
        .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
        .filter(|ip| !trustwork_core::identity_links::is_internal(*ip))
    {
        Some(ip) => {
            let ip = trustwork_core::net::canonical(ip);
            vec![
                (LinkKind::Ip, ip.to_string()),
                (LinkKind::Network, network_of(ip)),
            ]
        }
        None => Vec::new(),
    }
}

/// The identifying values an event carries.
fn values_of(data: &EventData) -> Vec<(LinkKind, String)> {
    match data {
        EventData::AccountSignup(s) => of_signup(s),
        EventData::AccountLogin(l) => {
            let mut out: Vec<(LinkKind, String)> = l
                .device_id
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| (LinkKind::Device, d.to_owned()))
                .into_iter()
                .collect();
            out.extend(address_values(Some(&l.ip)));
            out
        }
        EventData::PaymentMethodAdded(p) => {
            vec![(LinkKind::Payment, p.fingerprint.trim().to_owned())]
        }
        _ => Vec::new(),
    }
}

/// Creates the Trustwork side of an account that signed up on the marketplace. It has no
/// password: marketplace users are judged through the API, not signed in to the console. A
/// freelancer starts with a draft profile when `draft_profile` (the policy's
/// `profile_approval_required`): no proposals and no search until it is approved.
pub async fn create_signed_up(
    tx: &mut Tx,
    id: &str,
    s: &AccountSignup,
    draft_profile: bool,
    now: Timestamp,
) -> AppResult<Account> {
    if let Some(existing) = tx.find_account(id).await? {
        return Ok(existing);
    }
    let role = Role::parse(&s.role).unwrap_or(Role::Freelancer);
    let account = Account {
        id: id.to_owned(),
        email: s.email.trim().to_lowercase(),
        display_name: s.display_name.clone().unwrap_or_else(|| s.email.clone()),
        role,
        password_hash: String::new(),
        identity_verified_at: None,
        payment_verified_at: None,
        balance_cents: 0,
        created_at: now,
    };
    tx.insert_account(&account).await?;
    if draft_profile && role == Role::Freelancer {
        tx.put_profile(id, &trustwork_core::profile::ProfileInput::draft(), now)
            .await?;
    }
    Ok(account)
}

/// One other account and what ties it to this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedAccount {
    pub account_id: String,
    /// How likely the two are one person, in percent (`combined_strength`).
    pub strength: u8,
    pub links: Vec<Link>,
}

/// One shared value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub kind: LinkKind,
    pub value: String,
    pub strength: &'static str,
}

/// A sign-in no one person could have made after the previous one.
#[derive(Debug, Clone, PartialEq)]
pub struct Travel {
    pub from: SignIn,
    pub to: SignIn,
    pub kmh: u32,
}

/// What an event's identifying values tell: matches on the ban list, other accounts holding
/// them, the live account most closely linked, and for a sign-in, impossible travel and how
/// many devices the account used in the last hour.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matches {
    pub banned: i64,
    /// Other accounts holding each new personal value (an inbox, phone, device or card), summed.
    pub duplicates: i64,
    /// Live accounts linked through a value new to this account, most strongly linked first.
    pub linked: Vec<LinkedAccount>,
    pub travel: Option<Travel>,
    pub devices_1h: i64,
}

impl Matches {
    pub fn strongest_link(&self) -> i64 {
        self.linked.first().map_or(0, |l| i64::from(l.strength))
    }
}

/// The links between two accounts: everything they share, recent addresses only.
async fn linked_account(
    tx: &mut Tx,
    account_id: &str,
    other: &str,
    now: Timestamp,
) -> AppResult<LinkedAccount> {
    let recent: Vec<&str> = LinkKind::ALL
        .into_iter()
        .filter(|k| k.is_recent_only())
        .map(LinkKind::as_str)
        .collect();
    let shared = tx
        .identity_values_shared(account_id, other, &recent, now.plus_millis(-RECENT_MS))
        .await?;
    let links: Vec<Link> = shared
        .into_iter()
        .filter_map(|(kind, value)| {
            let kind = LinkKind::parse(&kind)?;
            Some(Link {
                kind,
                value,
                strength: kind.strength_label(),
            })
        })
        .collect();
    let kinds: Vec<LinkKind> = links.iter().map(|l| l.kind).collect();
    Ok(LinkedAccount {
        account_id: other.to_owned(),
        strength: combined_strength(&kinds),
        links,
    })
}

/// `candidates`' links to the account, leaving out banned accounts (the ban list speaks for
/// them), strongest first.
async fn links_to(
    tx: &mut Tx,
    account_id: &str,
    mut candidates: Vec<String>,
    now: Timestamp,
) -> AppResult<Vec<LinkedAccount>> {
    // In the order found (an event's personal values come first), so a shared device is weighed
    // however many accounts share an office's address.
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|c| seen.insert(c.clone()));
    candidates.truncate(20);
    let mut linked = Vec::new();
    for other in candidates {
        let restrictions = tx.restrictions_of(&other).await?;
        if trustwork_core::standing::standing(&restrictions, now) == Standing::Banned {
            continue;
        }
        let link = linked_account(tx, account_id, &other, now).await?;
        if !link.links.is_empty() {
            linked.push(link);
        }
    }
    linked.sort_by(|a, b| {
        b.strength
            .cmp(&a.strength)
            .then(a.account_id.cmp(&b.account_id))
    });
    Ok(linked)
}

/// The live accounts this one is linked to by anything it ever showed (for the agent reviewing
/// a profile: one person, one account).
pub async fn linked_accounts(
    tx: &mut Tx,
    account_id: &str,
    now: Timestamp,
) -> AppResult<Vec<LinkedAccount>> {
    let mut candidates = Vec::new();
    for (kind, value) in tx.identity_fingerprints_of(account_id).await? {
        let since = match LinkKind::parse(&kind) {
            Some(k) if !k.finds_accounts() => continue,
            Some(k) if k.is_recent_only() => now.plus_millis(-RECENT_MS),
            _ => Timestamp::from_millis(i64::MIN),
        };
        candidates.extend(
            tx.accounts_holding_since(&kind, &value, account_id, since)
                .await?,
        );
    }
    links_to(tx, account_id, candidates, now).await
}

/// Remembers the identifying values an event carries and answers what they match. A value the
/// account already holds was matched when it first came (an address: when it was last used
/// more than [`RECENT_MS`] ago), so a person signing in from the same device every day is not
/// news each day.
pub async fn remember(
    tx: &mut Tx,
    account_id: &str,
    data: &EventData,
    now: Timestamp,
) -> AppResult<Matches> {
    let mut matches = Matches::default();
    let checks_ban_list = matches!(
        data,
        EventData::AccountSignup(_) | EventData::PaymentMethodAdded(_)
    );
    let recent_since = now.plus_millis(-RECENT_MS);
    let mut candidates = Vec::new();
    let values: Vec<(LinkKind, String)> = values_of(data)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let asked: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let held = tx.identity_values_last_used(account_id, &asked).await?;
    for (kind, value) in values {
        if checks_ban_list
            && kind.is_personal()
            && tx
                .banned_by_fingerprint(kind.as_str(), &value)
                .await?
                .is_some_and(|owner| owner != account_id)
        {
            matches.banned += 1;
        }
        let last_used = held
            .iter()
            .find(|(k, v, _)| k == kind.as_str() && *v == value)
            .map(|(_, _, at)| *at);
        let is_new = match last_used {
            None => true,
            Some(at) => kind.is_recent_only() && at < recent_since,
        };
        match last_used {
            // "Last used" to the day is precise enough for a 7-day window: most sign-ins write
            // nothing here.
            Some(at) if kind.is_recent_only() && at < now.plus_millis(-TOUCH_AFTER_MS) => {
                tx.touch_identity_value(account_id, kind.as_str(), &value, now)
                    .await?;
            }
            Some(_) => {}
            None => {
                tx.add_identity_fingerprint(account_id, kind.as_str(), &value, now)
                    .await?;
            }
        }
        if !is_new || !kind.finds_accounts() {
            continue;
        }
        let since = if kind.is_recent_only() {
            recent_since
        } else {
            Timestamp::from_millis(i64::MIN)
        };
        let holders = tx
            .accounts_holding_since(kind.as_str(), &value, account_id, since)
            .await?;
        if kind.is_personal() {
            matches.duplicates += i64::try_from(holders.len()).unwrap_or(i64::MAX);
        }
        candidates.extend(holders);
    }
    if !candidates.is_empty() {
        matches.linked = links_to(tx, account_id, candidates, now).await?;
    }
    if let EventData::AccountLogin(login) = data {
        sign_in(tx, account_id, login, &mut matches, now).await?;
    }
    Ok(matches)
}

/// How long "many devices at once" looks back.
const DEVICES_WINDOW_MS: i64 = 3_600_000;
/// How many of the latest sign-ins are read for travel and devices (enough for a threshold of a
/// few devices in an hour; a located sign-in further back is not compared).
const SIGN_INS_READ: i64 = 20;
/// An address's "last used" is moved on at most once a day.
const TOUCH_AFTER_MS: i64 = 24 * 3_600_000;

/// Keeps the sign-in, and reads from the account's earlier ones whether it travelled faster
/// than anyone can and how many devices it used in the last hour.
async fn sign_in(
    tx: &mut Tx,
    account_id: &str,
    login: &trustwork_core::enforcement::event::AccountLogin,
    matches: &mut Matches,
    now: Timestamp,
) -> AppResult<()> {
    let place = login.place();
    let recent = tx.recent_sign_ins(account_id, SIGN_INS_READ).await?;
    if let Some(to) = place {
        let previous = recent.iter().find(|s| s.place.is_some()).cloned();
        if let Some(from) = previous.and_then(|p| {
            let (lat, lon) = p.place?;
            Some(SignIn {
                at: p.at,
                place: Place::new(lat, lon).ok()?,
            })
        }) {
            let to = SignIn { at: now, place: to };
            matches.travel = impossible_travel(from, to).map(|kmh| Travel { from, to, kmh });
        }
    }
    let device = login
        .device_id
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    let since = now.plus_millis(-DEVICES_WINDOW_MS);
    let mut devices: Vec<String> = Vec::new();
    for d in recent
        .iter()
        .filter(|s| s.at >= since)
        .filter_map(|s| s.device_id.clone())
    {
        if !devices.contains(&d) {
            devices.push(d);
        }
    }
    if let Some(d) = &device
        && !devices.contains(d)
    {
        devices.push(d.clone());
    }
    matches.devices_1h = i64::try_from(devices.len()).unwrap_or(i64::MAX);
    tx.insert_sign_in(
        account_id,
        &StoredSignIn {
            at: now,
            device_id: device,
            place: place.map(|p| (p.latitude, p.longitude)),
        },
    )
    .await?;
    Ok(())
}

/// What an agent reads in a `multiple_accounts` case: each linked account and what it shares.
pub fn describe_links(linked: &[LinkedAccount]) -> String {
    let mut out = String::new();
    for l in linked {
        out.push_str(&format!(
            "Linked to account {} ({}% likely the same person):\n",
            l.account_id, l.strength
        ));
        for link in &l.links {
            out.push_str(&format!(
                "- {}: {} ({})\n",
                link.kind.describe(),
                link.value,
                link.strength
            ));
        }
    }
    out
}

/// What an agent reads in an `account_sharing` case.
pub fn describe_sharing(m: &Matches) -> String {
    let mut out = String::new();
    if let Some(t) = &m.travel {
        let km = t.from.place.km_to(t.to.place);
        let minutes = (t.to.at.millis() - t.from.at.millis()).abs() / 60_000;
        out.push_str(&format!(
            "Signed in at ({:.2}, {:.2}) at {} and at ({:.2}, {:.2}) at {}: {:.0} km in {} minutes, {} km/h.\n",
            t.from.place.latitude,
            t.from.place.longitude,
            t.from.at.to_human(),
            t.to.place.latitude,
            t.to.place.longitude,
            t.to.at.to_human(),
            km,
            minutes,
            t.kmh
        ));
    }
    if m.devices_1h > 1 {
        out.push_str(&format!(
            "{} different devices signed in within an hour.\n",
            m.devices_1h
        ));
    }
    out
}

/// Copies the account's fingerprints to the ban list, its own email always among them (accounts
/// made in the console or the CLI have no sign-up event to learn it from).
pub async fn ban(tx: &mut Tx, account_id: &str, now: Timestamp) -> AppResult<usize> {
    let mut prints: Vec<(String, String)> = tx
        .identity_fingerprints_of(account_id)
        .await?
        .into_iter()
        .filter(|(kind, _)| LinkKind::parse(kind).is_some_and(LinkKind::is_personal))
        .collect();
    if let Some(account) = tx.find_account(account_id).await? {
        let email = ("email".to_owned(), normalise_email(&account.email));
        if !prints.contains(&email) {
            prints.push(email);
        }
    }
    for (kind, value) in &prints {
        tx.add_ban_fingerprint(account_id, kind, value, now).await?;
    }
    Ok(prints.len())
}

/// A case about who uses the account shows what was found, not the event's text (a sign-in has
/// none).
pub fn describe_in_cases(plan: &mut trustwork_core::enforcement::Plan, m: &Matches) {
    use trustwork_core::review::Queue;
    for case in &mut plan.cases {
        let found = match case.queue {
            Queue::MultipleAccounts => describe_links(&m.linked),
            Queue::AccountSharing => describe_sharing(m),
            _ => continue,
        };
        if !found.is_empty() {
            case.content = found;
        }
    }
}

impl crate::App {
    /// The live accounts this one is linked to, strongest first, with what they share.
    pub async fn linked_accounts(&self, account_id: &str) -> AppResult<Vec<LinkedAccount>> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        tx.account(account_id).await?;
        linked_accounts(&mut tx, account_id, now).await
    }
}
