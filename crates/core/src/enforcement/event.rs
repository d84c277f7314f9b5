//! Events the operator's marketplace sends, parsed strictly: unknown types and unknown fields are
//! refused with an error that names the field.

use crate::timestamp::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where a text comes from; detectors and policy treat them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSource {
    Profile,
    JobPost,
    Proposal,
    Message,
    Feedback,
}

macro_rules! event_types {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType { $($variant),+ }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $name),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|t| t.as_str() == text)
            }
        }
    };
}

event_types! {
    AccountSignup => "account.signup",
    AccountLogin => "account.login",
    ProfileUpdated => "profile.updated",
    JobPosted => "job.posted",
    ProposalSubmitted => "proposal.submitted",
    MessageSent => "message.sent",
    FeedbackLeft => "feedback.left",
    DisputeOpened => "dispute.opened",
    PaymentMethodAdded => "payment_method.added",
    WithdrawalRequested => "withdrawal.requested",
    FlagCreated => "flag.created",
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSignup {
    pub email: String,
    pub role: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub device_id: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountLogin {
    pub ip: String,
    #[serde(default)]
    pub device_id: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Where the operator's edge placed the sign-in (its GeoIP lookup), in degrees; both or
    /// neither. Two sign-ins too far apart for the time between them are account sharing.
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

impl AccountLogin {
    /// The place, checked when the event was read.
    pub fn place(&self) -> Option<crate::identity_links::Place> {
        crate::identity_links::Place::new(self.latitude?, self.longitude?).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdated {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub overview: Option<String>,
    /// The rest of the profile's texts and links (portfolio, certificates, education).
    #[serde(default)]
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobPosted {
    pub job_id: String,
    pub title: String,
    pub description: String,
    /// `public` (the default), `invite_only` or `private`.
    #[serde(default)]
    pub visibility: Option<String>,
}

impl JobPosted {
    /// The visibility, checked when the event was read.
    pub fn visibility(&self) -> crate::marketplace::JobVisibility {
        self.visibility
            .as_deref()
            .and_then(crate::marketplace::JobVisibility::parse)
            .unwrap_or(crate::marketplace::JobVisibility::Public)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalSubmitted {
    pub proposal_id: String,
    pub job_id: String,
    pub cover_letter: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageSent {
    pub thread_id: String,
    pub recipient_ids: Vec<String>,
    pub contract_active: bool,
    pub text: String,
    /// What the thread is about, when the marketplace says (the most specific names it).
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub proposal_id: Option<String>,
    #[serde(default)]
    pub contract_id: Option<String>,
}

impl MessageSent {
    /// The thread as this message describes it (kept as first seen).
    pub fn thread(&self, now: crate::Timestamp) -> crate::conversation::Thread {
        let kind = crate::conversation::ThreadKind::of(
            self.contract_id.is_some(),
            self.proposal_id.is_some(),
            self.job_id.is_some(),
        );
        crate::conversation::Thread {
            id: self.thread_id.clone(),
            kind,
            subject_id: (self.contract_id.clone())
                .or_else(|| self.proposal_id.clone())
                .or_else(|| self.job_id.clone()),
            created_at: now,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackLeft {
    pub contract_id: String,
    pub recipient_id: String,
    pub rating: u8,
    #[serde(default)]
    pub text: Option<String>,
    /// The client opened a dispute on this contract.
    #[serde(default)]
    pub dispute: bool,
}

/// A client disputed hours or a milestone of a contract with the freelancer `recipient_id`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeOpened {
    pub contract_id: String,
    pub recipient_id: String,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodAdded {
    pub method: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequested {
    pub amount_cents: i64,
    #[serde(default)]
    pub method_fingerprint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagCreated {
    pub target_type: String,
    pub target_id: String,
    pub target_account_id: String,
    pub reason: String,
    #[serde(default)]
    pub note: Option<String>,
    /// The flagged content as the reporter saw it, for the reviewer.
    #[serde(default)]
    pub content: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    AccountSignup(AccountSignup),
    AccountLogin(AccountLogin),
    ProfileUpdated(ProfileUpdated),
    JobPosted(JobPosted),
    ProposalSubmitted(ProposalSubmitted),
    MessageSent(MessageSent),
    FeedbackLeft(FeedbackLeft),
    DisputeOpened(DisputeOpened),
    PaymentMethodAdded(PaymentMethodAdded),
    WithdrawalRequested(WithdrawalRequested),
    FlagCreated(FlagCreated),
}

/// A parsed, validated event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event_type: EventType,
    pub occurred_at: Timestamp,
    pub actor_id: String,
    pub data: EventData,
    /// The `data` object as sent, for the policy and the stored record.
    pub raw_data: Value,
}

/// Why an event was refused: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EventError {
    pub field: String,
    pub message: String,
}

impl EventError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Texts longer than this are refused: no marketplace message needs more, and it bounds the work.
pub const MAX_TEXT_BYTES: usize = 20_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    #[serde(rename = "type")]
    event_type: String,
    occurred_at: String,
    actor_id: String,
    data: Value,
}

/// Deserializes with the path of the failing field, e.g. `data.recipient_ids[2]`.
fn typed_at<T: DeserializeOwned>(prefix: &str, data: &Value) -> Result<T, EventError> {
    serde_path_to_error::deserialize(data).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // For a missing or unknown field the path is its parent; serde names the field itself
        // in backticks ("missing field `text`").
        let named = inner.split('`').nth(1).filter(|f| {
            !path.ends_with(f)
                && (inner.starts_with("missing field") || inner.starts_with("unknown field"))
        });
        let mut field = prefix.to_owned();
        for part in [Some(path.as_str()).filter(|p| *p != "."), named]
            .into_iter()
            .flatten()
        {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(part);
        }
        EventError::new(field, inner)
    })
}

fn typed<T: DeserializeOwned>(data: &Value) -> Result<T, EventError> {
    typed_at("data", data)
}

fn check_text(field: &str, text: &str) -> Result<(), EventError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(EventError::new(
            field,
            format!("longer than {MAX_TEXT_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn non_empty(field: &str, text: &str) -> Result<(), EventError> {
    if text.trim().is_empty() {
        return Err(EventError::new(field, "must not be empty"));
    }
    Ok(())
}

/// Parses one event from its JSON value.
pub fn parse_event(value: &Value) -> Result<Event, EventError> {
    if !value.is_object() {
        return Err(EventError::new("", "an event is a JSON object"));
    }
    let envelope: Envelope = typed_at("", value)?;
    let event_type = EventType::parse(&envelope.event_type).ok_or_else(|| {
        EventError::new(
            "type",
            format!("unknown event type {:?}", envelope.event_type),
        )
    })?;
    let occurred_at = Timestamp::parse_rfc3339(&envelope.occurred_at)
        .ok_or_else(|| EventError::new("occurred_at", "expected an RFC 3339 time"))?;
    non_empty("actor_id", &envelope.actor_id)?;
    if !envelope.data.is_object() {
        return Err(EventError::new("data", "expected an object"));
    }
    let d = &envelope.data;
    let data = match event_type {
        EventType::AccountSignup => {
            let s: AccountSignup = typed(d)?;
            if !matches!(s.role.as_str(), "freelancer" | "client") {
                return Err(EventError::new(
                    "data.role",
                    "expected freelancer or client",
                ));
            }
            non_empty("data.email", &s.email)?;
            EventData::AccountSignup(s)
        }
        EventType::AccountLogin => {
            let l: AccountLogin = typed(d)?;
            if l.ip.trim().parse::<std::net::IpAddr>().is_err() {
                return Err(EventError::new(
                    "data.ip",
                    "expected an IP address such as 203.0.113.7 or 2001:db8::1",
                ));
            }
            match (l.latitude, l.longitude) {
                (None, None) => {}
                (Some(lat), Some(lon)) => {
                    crate::identity_links::Place::new(lat, lon)
                        .map_err(|e| EventError::new("data.latitude", e))?;
                }
                _ => {
                    return Err(EventError::new(
                        "data.latitude",
                        "latitude and longitude come together",
                    ));
                }
            }
            EventData::AccountLogin(l)
        }
        EventType::ProfileUpdated => {
            let p: ProfileUpdated = typed(d)?;
            check_text("data.title", p.title.as_deref().unwrap_or(""))?;
            check_text("data.overview", p.overview.as_deref().unwrap_or(""))?;
            check_text("data.details", p.details.as_deref().unwrap_or(""))?;
            EventData::ProfileUpdated(p)
        }
        EventType::JobPosted => {
            let j: JobPosted = typed(d)?;
            non_empty("data.job_id", &j.job_id)?;
            check_text("data.title", &j.title)?;
            check_text("data.description", &j.description)?;
            if let Some(v) = &j.visibility
                && crate::marketplace::JobVisibility::parse(v).is_none()
            {
                return Err(EventError::new(
                    "data.visibility",
                    "expected public, invite_only or private",
                ));
            }
            EventData::JobPosted(j)
        }
        EventType::ProposalSubmitted => {
            let p: ProposalSubmitted = typed(d)?;
            check_text("data.cover_letter", &p.cover_letter)?;
            EventData::ProposalSubmitted(p)
        }
        EventType::MessageSent => {
            let m: MessageSent = typed(d)?;
            check_text("data.text", &m.text)?;
            if m.recipient_ids.is_empty() {
                return Err(EventError::new("data.recipient_ids", "must not be empty"));
            }
            if m.recipient_ids.len() > 100 {
                return Err(EventError::new(
                    "data.recipient_ids",
                    "at most 100 recipients",
                ));
            }
            EventData::MessageSent(m)
        }
        EventType::FeedbackLeft => {
            let f: FeedbackLeft = typed(d)?;
            if !(1..=5).contains(&f.rating) {
                return Err(EventError::new("data.rating", "expected 1 to 5"));
            }
            check_text("data.text", f.text.as_deref().unwrap_or(""))?;
            EventData::FeedbackLeft(f)
        }
        EventType::DisputeOpened => {
            let o: DisputeOpened = typed(d)?;
            check_text("data.reason", o.reason.as_deref().unwrap_or(""))?;
            EventData::DisputeOpened(o)
        }
        EventType::PaymentMethodAdded => EventData::PaymentMethodAdded(typed(d)?),
        EventType::WithdrawalRequested => {
            let w: WithdrawalRequested = typed(d)?;
            if w.amount_cents <= 0 {
                return Err(EventError::new("data.amount_cents", "must be positive"));
            }
            EventData::WithdrawalRequested(w)
        }
        EventType::FlagCreated => {
            let f: FlagCreated = typed(d)?;
            if !matches!(
                f.target_type.as_str(),
                "profile" | "job_post" | "proposal" | "message"
            ) {
                return Err(EventError::new(
                    "data.target_type",
                    "expected profile, job_post, proposal or message",
                ));
            }
            check_text("data.content", f.content.as_deref().unwrap_or(""))?;
            EventData::FlagCreated(f)
        }
    };
    Ok(Event {
        event_type,
        occurred_at,
        actor_id: envelope.actor_id,
        data,
        raw_data: envelope.data,
    })
}

impl Event {
    /// The text detectors should read, where it comes from, and whether a contract exists.
    pub fn text(&self) -> Option<(TextSource, String, bool)> {
        match &self.data {
            EventData::ProfileUpdated(p) => {
                let text = [
                    p.title.as_deref(),
                    p.overview.as_deref(),
                    p.details.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n");
                Some((TextSource::Profile, text, false))
            }
            EventData::JobPosted(j) => Some((
                TextSource::JobPost,
                format!("{}\n{}", j.title, j.description),
                false,
            )),
            EventData::ProposalSubmitted(p) => {
                Some((TextSource::Proposal, p.cover_letter.clone(), false))
            }
            EventData::MessageSent(m) => {
                Some((TextSource::Message, m.text.clone(), m.contract_active))
            }
            EventData::FeedbackLeft(f) => f.text.clone().map(|t| (TextSource::Feedback, t, true)),
            EventData::DisputeOpened(o) => {
                o.reason.clone().map(|t| (TextSource::Feedback, t, true))
            }
            _ => None,
        }
    }

    pub fn contract_active(&self) -> bool {
        matches!(&self.data, EventData::MessageSent(m) if m.contract_active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(data: Value) -> Value {
        json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": "acc_1", "data": data})
    }

    #[test]
    fn parses_a_message() {
        let e = parse_event(&message(json!({"thread_id": "t", "recipient_ids": ["b"], "contract_active": false, "text": "hi"}))).unwrap();
        assert_eq!(e.event_type, EventType::MessageSent);
        assert_eq!(e.text(), Some((TextSource::Message, "hi".into(), false)));
    }

    #[test]
    fn names_the_bad_field() {
        let err = |v: Value| parse_event(&v).unwrap_err().field;
        assert_eq!(
            err(message(
                json!({"thread_id": "t", "recipient_ids": ["b"], "contract_active": false})
            )),
            "data.text"
        );
        assert_eq!(
            err(message(
                json!({"thread_id": "t", "recipient_ids": ["b"], "contract_active": false, "text": "x", "extra": 1})
            )),
            "data.extra"
        );
        assert_eq!(
            err(message(
                json!({"thread_id": "t", "recipient_ids": [], "contract_active": false, "text": "x"})
            )),
            "data.recipient_ids"
        );
        assert_eq!(
            err(
                json!({"type": "message.sent", "occurred_at": "yesterday", "actor_id": "a", "data": {}})
            ),
            "occurred_at"
        );
        assert_eq!(
            err(
                json!({"type": "message.deleted", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": "a", "data": {}})
            ),
            "type"
        );
        assert_eq!(
            err(
                json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z", "actor_id": "a", "data": {}, "x": 1})
            ),
            "x"
        );
        assert_eq!(
            err(json!({"occurred_at": "2026-11-21T10:00:00Z", "actor_id": "a", "data": {}})),
            "type"
        );
        assert_eq!(err(json!([1])), "");
    }

    #[test]
    fn wrong_types_are_named() {
        let e = parse_event(&message(
            json!({"thread_id": "t", "recipient_ids": ["b"], "contract_active": "no", "text": "x"}),
        ))
        .unwrap_err();
        assert!(e.message.contains("invalid type"), "{e}");
        assert_eq!(e.field, "data.contract_active");
        let e = parse_event(&message(json!({"thread_id": "t", "recipient_ids": ["b", 3], "contract_active": true, "text": "x"}))).unwrap_err();
        assert_eq!(e.field, "data.recipient_ids[1]");
    }

    #[test]
    fn every_type_has_a_name() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
        }
    }
}
