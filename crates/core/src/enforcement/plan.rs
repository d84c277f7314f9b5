//! The one planner: from an event, what is known of its actor and the policy, everything the
//! decision is and asks for — the policy's outcome with its counters, the account actions after
//! the escalation matrix, the review cases and the signals to record. Both ways of deciding an
//! event (one transaction per event, or a group of events from state held in memory) only load
//! what this reads and write what it returns.

use super::counters::{self, Before, Signal};
use super::decide::{AccountInput, EventInput, FindingInput, Input, Outcome, decide, escalate};
use super::event::{Event, EventData};
use super::policy::{Action, ActionKind, Policy};
use crate::conversation::{Message, MessageStatus};
use crate::restriction::NewRestriction;
use crate::review::{EntityType, Queue};
use crate::{DAY_MS, LiftCondition, ReasonCode, Restriction, Role, Severity, Timestamp, standing};
use std::collections::BTreeMap;

/// What the planner needs of the actor's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorFacts {
    pub role: Role,
    pub identity_verified: bool,
    pub payment_verified: bool,
    pub created_at: Timestamp,
}

/// Everything a decision is made from.
pub struct PlanInput<'a> {
    pub event: &'a Event,
    /// The text the detectors read (empty when the event carries none).
    pub text: &'a str,
    pub findings: &'a [FindingInput],
    pub actor: ActorFacts,
    /// The actor's restrictions, active or not.
    pub restrictions: &'a [Restriction],
    pub before: &'a Before,
    /// The event carries a cover letter (its near-duplicates are in `before`).
    pub has_letter: bool,
    pub policy: &'a Policy,
    pub event_id: &'a str,
    pub decision_id: &'a str,
    pub now: Timestamp,
    /// The server's secret for drawing the spot-check sample: without it nobody can tell which
    /// texts are sampled, so none can be written to slip past the people who check.
    pub sample_key: &'a [u8],
}

/// An account action as planned, in the order the policy gave them.
#[derive(Debug, Clone, PartialEq)]
pub enum PlannedAction {
    /// Open an identity verification case (unless one is open: only the database knows).
    RequireVerification { reason: ReasonCode },
    /// A new restriction: the rule's action, or a stronger one for repeated warnings.
    Restrict {
        chosen: Action,
        new: NewRestriction,
        /// Why it differs from the rule's action.
        note: Option<String>,
    },
    /// As strong a restriction for the same reason is already active.
    AlreadyInPlace { chosen: Action },
}

/// A review case the decision asks for; the writer opens it or adds to the open one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRequest {
    pub queue: Queue,
    pub subject_account_id: String,
    pub entity_type: EntityType,
    pub entity_id: String,
    /// The text under review.
    pub content: String,
}

impl CaseRequest {
    /// A message's case is about that message alone, so it is always new; a case about any other
    /// entity may be open already, which only the database knows.
    pub fn always_new(&self) -> bool {
        self.entity_type == EntityType::Message
    }
}

/// A decision and everything it asks to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub outcome: Outcome,
    pub counters: BTreeMap<String, i64>,
    pub account: AccountInput,
    pub actions: Vec<PlannedAction>,
    pub cases: Vec<CaseRequest>,
    /// Signals for the counters (the actor's and, for flags and feedback, the other account's).
    pub signals: Vec<Signal>,
    /// A `message.sent`'s message to keep in its thread: delivered, or blocked and kept for
    /// review.
    pub message: Option<Message>,
}

impl Plan {
    /// Whether writing it needs to read the database first: a verification requirement, a hold
    /// or worse (proposals cancelled, sessions ended, fingerprints listed), a case that may be
    /// open already, a flag (the reporter's record weighs it) or a sign-up. Otherwise the plan is
    /// written as rows built in memory.
    pub fn needs_database(&self, event: &Event) -> bool {
        matches!(
            event.data,
            EventData::AccountSignup(_) | EventData::FlagCreated(_)
        ) || self.cases.iter().any(|c| !c.always_new())
            || self.actions.iter().any(|a| match a {
                PlannedAction::RequireVerification { .. } => true,
                PlannedAction::Restrict { new, .. } => new.severity > Severity::Warning,
                PlannedAction::AlreadyInPlace { .. } => false,
            })
    }

    /// The restrictions it creates.
    pub fn new_restrictions(&self) -> impl Iterator<Item = &NewRestriction> {
        self.actions.iter().filter_map(|a| match a {
            PlannedAction::Restrict { new, .. } => Some(new),
            _ => None,
        })
    }
}

/// What the policy knows of the account.
pub fn account_input(
    actor: ActorFacts,
    restrictions: &[Restriction],
    now: Timestamp,
) -> AccountInput {
    AccountInput {
        role: actor.role.as_str().to_owned(),
        standing: standing::standing(restrictions, now).as_str().to_owned(),
        identity_verified: actor.identity_verified,
        payment_verified: actor.payment_verified,
        age_days: (now.millis() - actor.created_at.millis()) / DAY_MS,
        active_warnings: i64::try_from(
            restrictions
                .iter()
                .filter(|r| r.is_active(now) && r.severity == Severity::Warning)
                .count(),
        )
        .unwrap_or(i64::MAX),
    }
}

/// The event as the policy sees it.
pub fn event_input(event: &Event, text: &str) -> EventInput {
    EventInput {
        event_type: event.event_type.as_str().to_owned(),
        actor_id: event.actor_id.clone(),
        occurred_at: event.occurred_at.to_rfc3339(),
        contract_active: event.contract_active(),
        text: text.to_owned(),
        data: event.raw_data.clone(),
    }
}

/// Decides the event and plans what the decision asks for.
pub fn plan(input: &PlanInput<'_>) -> Plan {
    let findings = super::decide::shown_findings(input.policy, input.findings);
    let counters = counters::assemble(input.event, &findings, input.has_letter, input.before);
    let account = account_input(input.actor, input.restrictions, input.now);
    let event_in = event_input(input.event, input.text);
    let outcome = decide(
        input.policy,
        &Input {
            event: &event_in,
            findings: &findings,
            counters: &counters,
            account: &account,
        },
    );
    // Staff accounts are the operator's own people: their events are judged, never punished.
    let actions = if input.actor.role.is_staff() {
        Vec::new()
    } else {
        plan_actions(input, &outcome)
    };
    let blocked = outcome.verdict == super::policy::Verdict::Block;
    let mut cases: Vec<CaseRequest> = outcome
        .review_queues
        .iter()
        .filter_map(|name| Queue::parse(name))
        // A refused job post is not waiting to be listed: nothing for that queue to decide.
        .filter(|queue| !(blocked && *queue == Queue::JobPosts))
        .map(|queue| case_request(input.event, queue, input.event_id, input.text))
        .collect();
    if spot_checked(input, &outcome) {
        cases.push(case_request(
            input.event,
            Queue::SpotCheck,
            input.event_id,
            input.text,
        ));
    }
    let mut signals = counters::signals_of(input.event, input.event_id, &findings, input.now);
    if cases.iter().any(|c| c.queue == Queue::SpotCheck) {
        signals.push(Signal {
            account_id: input.event.actor_id.clone(),
            kind: counters::SPOT_CHECK,
            ref_id: input.event_id.to_owned(),
            at: input.now,
        });
    }
    let message = match &input.event.data {
        EventData::MessageSent(m) => Some(Message {
            id: input.event_id.to_owned(),
            thread_id: m.thread_id.clone(),
            sender_id: input.event.actor_id.clone(),
            recipient_ids: m.recipient_ids.clone(),
            body: m.text.clone(),
            status: MessageStatus::after_decision(blocked),
            decision_id: input.decision_id.to_owned(),
            created_at: input.now,
        }),
        _ => None,
    };
    Plan {
        outcome,
        counters,
        account,
        actions,
        cases,
        signals,
        message,
    }
}

fn plan_actions(input: &PlanInput<'_>, outcome: &Outcome) -> Vec<PlannedAction> {
    let now = input.now;
    // The active restrictions as (reason, severity), with those this decision adds: a second
    // action of the same decision sees the first.
    let mut active: Vec<(ReasonCode, Severity)> = input
        .restrictions
        .iter()
        .filter(|r| r.is_active(now))
        .map(|r| (r.reason, r.severity))
        .collect();
    let mut planned = Vec::new();
    for action in &outcome.actions {
        if action.kind == ActionKind::RequireVerification {
            planned.push(PlannedAction::RequireVerification {
                reason: action.reason,
            });
            continue;
        }
        let Some(p) = plan_restriction(input, outcome, action, &active) else {
            continue;
        };
        if let PlannedAction::Restrict { new, .. } = &p {
            active.push((new.reason, new.severity));
        }
        planned.push(p);
    }
    planned
}

fn severity_of(kind: ActionKind) -> Option<Severity> {
    match kind {
        ActionKind::Warning => Some(Severity::Warning),
        ActionKind::Hold => Some(Severity::Hold),
        ActionKind::Suspension => Some(Severity::Suspension),
        ActionKind::Ban => Some(Severity::Ban),
        ActionKind::RequireVerification => None,
    }
}

/// What a restricting action comes to given the active restrictions: the rule's action, or a
/// stronger one for repeated warnings (the escalation matrix), or nothing new when as strong a
/// restriction for the same reason is in place.
fn plan_restriction(
    input: &PlanInput<'_>,
    outcome: &Outcome,
    action: &Action,
    active: &[(ReasonCode, Severity)],
) -> Option<PlannedAction> {
    let policy = input.policy;
    let mut chosen: Action = *action;
    let mut note = None;
    if action.kind == ActionKind::Warning {
        let warnings = active.iter().filter(|(_, s)| *s == Severity::Warning);
        let any = warnings.clone().count() + 1;
        let same = warnings.filter(|(r, _)| *r == action.reason).count() + 1;
        if let Some(stronger) = escalate(policy, action.reason, same, any) {
            note = Some(format!(
                "escalated from a warning: {same} active {} warnings, {any} in all",
                action.reason.as_str()
            ));
            chosen = stronger;
        }
    }
    let severity = severity_of(chosen.kind)?;
    // Do not stack: an active restriction as strong for the same reason already says it.
    if severity > Severity::Warning
        && active
            .iter()
            .any(|(r, s)| *r == chosen.reason && *s >= severity)
    {
        return Some(PlannedAction::AlreadyInPlace { chosen });
    }
    let lift = match (severity, chosen.days) {
        (Severity::Warning, _) => LiftCondition::AtTime(input.now.plus_days(policy.warning_days)),
        (_, Some(days)) => LiftCondition::AtTime(input.now.plus_days(days)),
        (_, None) => LiftCondition::Manual,
    };
    let text = format!(
        "policy {} decision {}: {}",
        policy.version,
        input.decision_id,
        outcome.rules.join(", ")
    );
    Some(PlannedAction::Restrict {
        chosen,
        new: NewRestriction::new(chosen.reason, severity, lift, &text),
        note,
    })
}

/// Whether this letter or message, which passed, is one of the sampled share people check. The
/// sample is drawn from the event itself (sender, time and text) under the server's key, so the
/// planner stays a pure function, every path that decides the event draws the same, and a
/// sender cannot work out which texts are drawn.
fn spot_checked(input: &PlanInput<'_>, outcome: &Outcome) -> bool {
    let passed = outcome.rules.is_empty() && outcome.review_queues.is_empty();
    let sampled_kind = matches!(
        input.event.data,
        EventData::ProposalSubmitted(_) | EventData::MessageSent(_)
    );
    passed
        && sampled_kind
        && !input.actor.role.is_staff()
        && input.before.spot_checks_24h < input.policy.spot_checks_per_sender_per_day
        && permille_of(&[
            input.sample_key,
            input.event.actor_id.as_bytes(),
            &input.event.occurred_at.millis().to_le_bytes(),
            input.text.as_bytes(),
        ]) < input.policy.spot_check_permille
}

/// A number in 0..1000 spread evenly over its input (FNV-1a).
fn permille_of(parts: &[&[u8]]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 1000) as i64
}

/// What a case is about: its kind, id, and whose account it concerns.
fn case_request(event: &Event, queue: Queue, event_id: &str, text: &str) -> CaseRequest {
    let actor = event.actor_id.clone();
    let about_the_account = matches!(
        queue,
        Queue::MultipleAccounts | Queue::AccountSharing | Queue::WrongAccountType
    );
    let (entity_type, entity_id, subject_account_id) = match &event.data {
        // Who uses the account is about the account, whatever the event was.
        _ if about_the_account => (EntityType::Account, actor.clone(), actor),
        EventData::MessageSent(_) => (EntityType::Message, event_id.to_owned(), actor),
        EventData::ProposalSubmitted(p) => (EntityType::Proposal, p.proposal_id.clone(), actor),
        EventData::JobPosted(j) => (EntityType::JobPost, j.job_id.clone(), actor),
        EventData::ProfileUpdated(_) => (EntityType::Profile, actor.clone(), actor),
        // A pattern of bad feedback is about the one receiving it.
        EventData::FeedbackLeft(f) if queue == Queue::NegativeFeedback => (
            EntityType::Account,
            f.recipient_id.clone(),
            f.recipient_id.clone(),
        ),
        EventData::FeedbackLeft(f) => (EntityType::Feedback, f.contract_id.clone(), actor),
        EventData::DisputeOpened(o) => (
            EntityType::Account,
            o.recipient_id.clone(),
            o.recipient_id.clone(),
        ),
        _ => (EntityType::Account, actor.clone(), actor),
    };
    CaseRequest {
        queue,
        subject_account_id,
        entity_type,
        entity_id,
        content: text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enforcement::{parse_event, policy::Policy};
    use serde_json::json;

    const POLICY: &str = r#"
version = "t"
warning_days = 90

[[rule]]
name = "contact"
when = 'findings.exists(f, f.category == "contact_info")'
verdict = "block"
reason = "no"
actions = [{ type = "warning", reason_code = "CONTACT_INFO_SHARING" }]
review = "contact_info"

[[escalation]]
same_reason_warnings = 3
then = "hold"
days = 14
"#;

    fn message() -> Event {
        parse_event(
            &json!({"type": "message.sent", "occurred_at": "2026-11-21T10:00:00Z",
            "actor_id": "mp_1", "data": {"thread_id": "t", "recipient_ids": ["c1", "c2"],
            "contract_active": false, "text": "mail me"}}),
        )
        .expect("event")
    }

    fn finding() -> FindingInput {
        FindingInput {
            category: "contact_info".into(),
            kind: "email".into(),
            start: 0,
            end: 4,
            value: "mail".into(),
            confidence: 1.0,
            rule: "r".into(),
            severity: "medium".into(),
            language: None,
        }
    }

    fn warning(n: u32) -> Restriction {
        Restriction {
            id: format!("r{n}"),
            account_id: "mp_1".into(),
            reason: ReasonCode::ContactInfoSharing,
            severity: Severity::Warning,
            scope: Severity::Warning.default_scope(),
            lift: LiftCondition::AtTime(Timestamp(100 * DAY_MS)),
            actor: crate::Actor::system("policy"),
            note: String::new(),
            created_at: Timestamp(0),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        }
    }

    fn planned(role: Role, restrictions: &[Restriction]) -> Plan {
        let policy = Policy::parse(POLICY).expect("policy");
        let event = message();
        let findings = [finding()];
        plan(&PlanInput {
            event: &event,
            text: "mail me",
            findings: &findings,
            actor: ActorFacts {
                role,
                identity_verified: false,
                payment_verified: false,
                created_at: Timestamp(0),
            },
            restrictions,
            before: &Before {
                contact_attempts_30d: 1,
                ..Before::default()
            },
            has_letter: false,
            policy: &policy,
            event_id: "evt_1",
            decision_id: "dec_1",
            sample_key: b"test-key",
            now: Timestamp(DAY_MS),
        })
    }

    /// A clean message planned under `POLICY` with the given spot-check share.
    fn clean_message_cases(permille: i64, text: &str, role: Role) -> Vec<CaseRequest> {
        clean_message_plan(permille, text, role, 0).cases
    }

    /// The plan of a clean message from a sender with `checked_today` spot checks in 24 hours.
    fn clean_message_plan(permille: i64, text: &str, role: Role, checked_today: i64) -> Plan {
        let mut policy = Policy::parse(POLICY).expect("policy");
        policy.spot_check_permille = permille;
        let event = message();
        plan(&PlanInput {
            event: &event,
            text,
            findings: &[],
            actor: ActorFacts {
                role,
                identity_verified: false,
                payment_verified: false,
                created_at: Timestamp(0),
            },
            restrictions: &[],
            before: &Before {
                spot_checks_24h: checked_today,
                ..Before::default()
            },
            has_letter: false,
            policy: &policy,
            event_id: "evt_1",
            decision_id: "dec_1",
            sample_key: b"test-key",
            now: Timestamp(DAY_MS),
        })
    }

    #[test]
    fn a_sender_is_spot_checked_a_few_times_a_day_at_most() {
        let sampled = clean_message_plan(1000, "hello", Role::Freelancer, 2);
        assert_eq!(sampled.cases.len(), 1);
        assert!(
            sampled
                .signals
                .iter()
                .any(|s| s.kind == counters::SPOT_CHECK && s.account_id == "mp_1"),
            "the draw is counted for the sender"
        );
        let capped = clean_message_plan(1000, "hello", Role::Freelancer, 3);
        assert!(capped.cases.is_empty());
        assert!(
            capped
                .signals
                .iter()
                .all(|s| s.kind != counters::SPOT_CHECK)
        );
    }

    #[test]
    fn a_finding_under_its_categorys_threshold_neither_counts_nor_decides() {
        let mut policy = Policy::parse(POLICY).expect("policy");
        let event = message();
        let mut weak = finding();
        weak.confidence = 0.6;
        let planned = |policy: &Policy| {
            plan(&PlanInput {
                event: &event,
                text: "mail",
                findings: std::slice::from_ref(&weak),
                actor: ActorFacts {
                    role: Role::Freelancer,
                    identity_verified: false,
                    payment_verified: false,
                    created_at: Timestamp(0),
                },
                restrictions: &[],
                before: &Before::default(),
                has_letter: false,
                policy,
                event_id: "evt_1",
                decision_id: "dec_1",
                sample_key: b"key",
                now: Timestamp(DAY_MS),
            })
        };
        let counted = |p: &Plan| {
            p.signals
                .iter()
                .any(|s| s.kind == counters::CONTACT_ATTEMPT)
        };
        assert!(counted(&planned(&policy)));
        policy.thresholds.insert("contact_info".into(), 0.8);
        let quiet = planned(&policy);
        assert!(!counted(&quiet));
        assert_eq!(quiet.outcome.verdict, crate::enforcement::Verdict::Allow);
    }

    #[test]
    fn the_draw_depends_on_the_servers_key() {
        let mut policy = Policy::parse(POLICY).expect("policy");
        policy.spot_check_permille = 500;
        let event = message();
        let drawn = |key: &[u8], text: &str| {
            !plan(&PlanInput {
                event: &event,
                text,
                findings: &[],
                actor: ActorFacts {
                    role: Role::Freelancer,
                    identity_verified: false,
                    payment_verified: false,
                    created_at: Timestamp(0),
                },
                restrictions: &[],
                before: &Before::default(),
                has_letter: false,
                policy: &policy,
                event_id: "evt_1",
                decision_id: "dec_1",
                sample_key: key,
                now: Timestamp(DAY_MS),
            })
            .cases
            .is_empty()
        };
        let differ = (0..200)
            .filter(|i| {
                let text = format!("message {i}");
                drawn(b"key-a", &text) != drawn(b"key-b", &text)
            })
            .count();
        assert!(
            differ > 50,
            "another key draws other texts ({differ} of 200 differ)"
        );
    }

    #[test]
    fn a_sampled_share_of_what_passed_is_spot_checked() {
        let all = clean_message_cases(1000, "hello", Role::Freelancer);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].queue, Queue::SpotCheck);
        assert!(clean_message_cases(0, "hello", Role::Freelancer).is_empty());
        // Staff are not sampled; a blocked message has its own case, no spot check.
        assert!(clean_message_cases(1000, "hello", Role::Agent).is_empty());
        let blocked = planned(Role::Freelancer, &[]);
        assert!(blocked.cases.iter().all(|c| c.queue != Queue::SpotCheck));
        // About the share asked for, and the same answer for the same event every time.
        let sampled = (0..10_000)
            .filter(|i| {
                !clean_message_cases(10, &format!("message {i}"), Role::Freelancer).is_empty()
            })
            .count();
        assert!((60..=140).contains(&sampled), "{sampled} of 10,000 at 1%");
        assert_eq!(
            clean_message_cases(500, "same", Role::Freelancer),
            clean_message_cases(500, "same", Role::Freelancer)
        );
    }

    #[test]
    fn a_first_warning_is_written_in_memory_with_its_message_case() {
        let p = planned(Role::Freelancer, &[]);
        assert_eq!(p.counters["contact_attempts_30d"], 2);
        assert_eq!(p.counters["distinct_recipients_1h"], 2);
        assert!(
            matches!(&p.actions[..], [PlannedAction::Restrict { new, note: None, .. }]
            if new.severity == Severity::Warning)
        );
        assert_eq!(p.cases.len(), 1);
        assert_eq!(p.cases[0].entity_id, "evt_1");
        assert!(!p.needs_database(&message()));
        // The contact attempt and one signal per recipient.
        assert_eq!(p.signals.len(), 3);
    }

    #[test]
    fn a_third_warning_escalates_to_a_hold_that_needs_the_database() {
        let p = planned(Role::Freelancer, &[warning(1), warning(2)]);
        match &p.actions[..] {
            [PlannedAction::Restrict { new, note, .. }] => {
                assert_eq!(new.severity, Severity::Hold);
                assert!(note.as_deref().is_some_and(|n| n.contains("3 active")));
            }
            other => panic!("{other:?}"),
        }
        assert!(p.needs_database(&message()));
        assert_eq!(p.account.active_warnings, 2);
    }

    #[test]
    fn staff_are_judged_but_never_punished() {
        let p = planned(Role::Agent, &[]);
        assert_eq!(p.outcome.rules, vec!["contact".to_owned()]);
        assert!(p.actions.is_empty());
    }
}
