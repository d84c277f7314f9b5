//! Turning an event, its findings, counters and the account into a decision that explains itself.

use super::policy::{Action, ActionKind, Mode, Policy, Rule, Verdict};
use crate::restriction::ReasonCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A detector finding as the policy sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingInput {
    pub category: String,
    pub kind: String,
    pub start: usize,
    pub end: usize,
    pub value: String,
    pub confidence: f64,
    pub rule: String,
    /// `low` (mild swearing, offensive words aimed at no one), `medium` (a policy violation:
    /// contact details, insults) or `high` (threats, slurs, self-harm incitement, payment details).
    #[serde(default)]
    pub severity: String,
    /// The language of the words the finding rests on ("en", "es", "pt", "fr", "de"); none for
    /// language-neutral evidence (an address, digits, an IBAN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// The account as the policy sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInput {
    pub role: String,
    pub standing: String,
    pub identity_verified: bool,
    /// The account has a payment method the marketplace reported and the policy accepted.
    #[serde(default)]
    pub payment_verified: bool,
    pub age_days: i64,
    pub active_warnings: i64,
}

/// The event as the policy sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventInput {
    #[serde(rename = "type")]
    pub event_type: String,
    pub actor_id: String,
    pub occurred_at: String,
    pub contract_active: bool,
    pub text: String,
    pub data: serde_json::Value,
}

pub struct Input<'a> {
    pub event: &'a EventInput,
    pub findings: &'a [FindingInput],
    pub counters: &'a BTreeMap<String, i64>,
    pub account: &'a AccountInput,
}

/// A rule that fired (or failed to evaluate), for the explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fired {
    pub rule: String,
    pub verdict: &'static str,
    pub shadow: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleError {
    pub rule: String,
    pub error: String,
}

/// The policy's answer before any effect is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// The user-facing reason of the strongest enforced rule that fired ("" when allowed).
    pub reason: String,
    /// Enforced rules that fired, in policy order.
    pub rules: Vec<String>,
    /// Shadow rules that fired: recorded, not enforced.
    pub shadow_rules: Vec<String>,
    /// Account actions of the enforced rules, strongest per reason.
    pub actions: Vec<Action>,
    /// Review queues to send the content to.
    pub review_queues: Vec<String>,
    /// Rules whose condition could not be evaluated (counted as not fired).
    pub errors: Vec<RuleError>,
}

thread_local! {
    /// The standard functions, registered once per thread: building them is most of the cost of
    /// a fresh context, and a decision only adds its four variables in a scope of its own.
    static STDLIB: cel::Context<'static, 'static> = cel::Context::default();
}

/// The findings at or above their category's threshold in the policy: the others are not shown to
/// the rules, and do not count (a contact finding under its bar is no contact attempt).
pub fn shown_findings<'a>(
    policy: &Policy,
    findings: &'a [FindingInput],
) -> std::borrow::Cow<'a, [FindingInput]> {
    let shown = |f: &FindingInput| {
        policy
            .thresholds
            .get(&f.category)
            .is_none_or(|min| f.confidence >= *min)
    };
    if findings.iter().all(shown) {
        std::borrow::Cow::Borrowed(findings)
    } else {
        std::borrow::Cow::Owned(findings.iter().filter(|f| shown(f)).cloned().collect())
    }
}

/// Evaluates the rules against the input (those known not to fire are skipped, see `may_fire`).
pub fn decide(policy: &Policy, input: &Input<'_>) -> Outcome {
    STDLIB.with(|stdlib| decide_in(stdlib.new_inner_scope(), policy, input, true))
}

/// The event as the rules' context holds it: without the text and the data when no rule reads
/// them (CEL converts the whole variable on every `event.…` access).
#[derive(Serialize)]
struct EventVariable<'a> {
    #[serde(rename = "type")]
    event_type: &'a str,
    actor_id: &'a str,
    occurred_at: &'a str,
    contract_active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a serde_json::Value>,
}

/// `skip_known_false`: leave out the rules known not to fire for this input (always, but for the
/// tests that check it changes nothing); when none is left the rule context is not even built.
fn decide_in(
    mut ctx: cel::Context<'_, '_>,
    policy: &Policy,
    input: &Input<'_>,
    skip_known_false: bool,
) -> Outcome {
    let kept = shown_findings(policy, input.findings);
    let candidates: Vec<&Rule> = policy
        .rules
        .iter()
        .filter(|rule| !skip_known_false || may_fire(rule, input, &kept))
        .collect();
    let mut out = Outcome {
        verdict: Verdict::Allow,
        reason: String::new(),
        rules: Vec::new(),
        shadow_rules: Vec::new(),
        actions: Vec::new(),
        review_queues: Vec::new(),
        errors: Vec::new(),
    };
    if candidates.is_empty() {
        return out;
    }
    let reads = policy
        .rules
        .iter()
        .fold(super::shape::EventReads::default(), |all, r| {
            all.union(r.reads)
        });
    let event = EventVariable {
        event_type: &input.event.event_type,
        actor_id: &input.event.actor_id,
        occurred_at: &input.event.occurred_at,
        contract_active: input.event.contract_active,
        text: reads.text.then_some(input.event.text.as_str()),
        data: reads.data.then_some(&input.event.data),
    };
    let added = [
        ctx.add_variable("event", &event).map_err(|e| e.to_string()),
        ctx.add_variable("findings", kept.as_ref())
            .map_err(|e| e.to_string()),
        ctx.add_variable("counters", input.counters)
            .map_err(|e| e.to_string()),
        ctx.add_variable("account", input.account)
            .map_err(|e| e.to_string()),
    ];
    if let Some(Err(e)) = added.into_iter().find(Result::is_err) {
        out.errors.push(RuleError {
            rule: String::new(),
            error: format!("could not build the rule context: {e}"),
        });
    }
    for rule in candidates {
        let fired = match rule.when.execute(&ctx) {
            Ok(cel::Value::Bool(b)) => b,
            Ok(other) => {
                out.errors.push(RuleError {
                    rule: rule.name.clone(),
                    error: format!("condition gave {other:?}, not a boolean"),
                });
                false
            }
            Err(e) => {
                out.errors.push(RuleError {
                    rule: rule.name.clone(),
                    error: e.to_string(),
                });
                false
            }
        };
        if !fired {
            continue;
        }
        if rule.mode == Mode::Shadow {
            out.shadow_rules.push(rule.name.clone());
            continue;
        }
        out.rules.push(rule.name.clone());
        if rule.verdict > out.verdict || (out.reason.is_empty() && rule.verdict == out.verdict) {
            if rule.verdict > out.verdict || !rule.reason.is_empty() {
                out.reason = rule.reason.clone();
            }
            out.verdict = out.verdict.max(rule.verdict);
        }
        for action in &rule.actions {
            merge_action(&mut out.actions, *action);
        }
        if let Some(queue) = &rule.review
            && !out.review_queues.contains(queue)
        {
            out.review_queues.push(queue.clone());
        }
    }
    if !out.review_queues.is_empty() && out.verdict == Verdict::Allow {
        out.verdict = Verdict::AllowAndReview;
    }
    out
}

/// False when the rule is known not to fire: a type it is limited away from, a finding it needs
/// and the event lacks, a counter comparison that fails. CEL's `&&` is false as soon as one side
/// is false, even when another side would be an error, so skipping gives the same outcome.
fn may_fire(rule: &Rule, input: &Input<'_>, shown: &[FindingInput]) -> bool {
    let type_allowed = rule
        .event_types
        .as_ref()
        .is_none_or(|types| types.contains(&input.event.event_type));
    type_allowed && !rule.needs.iter().any(|n| n.fails(shown, input.counters))
}

/// Keeps the strongest action per reason (a hold for spam supersedes a spam warning).
fn merge_action(actions: &mut Vec<Action>, new: Action) {
    let same_family = |a: &Action| {
        a.reason == new.reason
            && (a.kind == ActionKind::RequireVerification)
                == (new.kind == ActionKind::RequireVerification)
    };
    match actions.iter_mut().find(|a| same_family(a)) {
        Some(existing) if new.kind.rank() > existing.kind.rank() => *existing = new,
        Some(_) => {}
        None => actions.push(new),
    }
}

/// What a warning turns into given the account's active warnings (the new one included).
pub fn escalate(
    policy: &Policy,
    reason: ReasonCode,
    same_reason_active: usize,
    any_reason_active: usize,
) -> Option<Action> {
    let mut best: Option<Action> = None;
    for step in &policy.escalation {
        let hit = step
            .same_reason_warnings
            .is_some_and(|n| same_reason_active >= n)
            || step
                .any_reason_warnings
                .is_some_and(|n| any_reason_active >= n);
        if !hit {
            continue;
        }
        let kind = match step.then.as_str() {
            "hold" => ActionKind::Hold,
            "suspension" => ActionKind::Suspension,
            _ => ActionKind::Ban,
        };
        if best.is_none_or(|b| kind.rank() > b.kind.rank()) {
            best = Some(Action {
                kind,
                reason,
                days: step.days,
            });
        }
    }
    best
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
