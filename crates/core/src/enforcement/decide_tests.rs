use super::*;

const POLICY: &str = r#"
version = "t"

[[rule]]
name = "contact"
when = 'event.type == "message.sent" && !event.contract_active && findings.exists(f, f.category == "contact_info")'
verdict = "block"
reason = "Keep contact details on the platform until a contract starts."
actions = [{ type = "warning", reason_code = "CONTACT_INFO_SHARING" }]

[[rule]]
name = "third_contact"
when = 'counters.contact_attempts_30d >= 3'
verdict = "block"
reason = "Repeated attempts."
actions = [{ type = "hold", reason_code = "CONTACT_INFO_SHARING" }]

[[rule]]
name = "spam_shadow"
when = 'counters.similar_letters_24h >= 2'
verdict = "allow_and_review"
review = "spam"
mode = "shadow"

[[rule]]
name = "broken"
when = 'account.nonexistent > 1'
verdict = "allow_and_review"

[[escalation]]
same_reason_warnings = 3
then = "hold"
days = 14

[[escalation]]
any_reason_warnings = 5
then = "suspension"
"#;

fn input_with(
    findings: Vec<FindingInput>,
    contacts: i64,
    contract: bool,
) -> (
    EventInput,
    Vec<FindingInput>,
    BTreeMap<String, i64>,
    AccountInput,
) {
    let event = EventInput {
        event_type: "message.sent".into(),
        actor_id: "a".into(),
        occurred_at: "2026-11-21T00:00:00.000Z".into(),
        contract_active: contract,
        text: "x".into(),
        data: serde_json::json!({}),
    };
    let mut counters = BTreeMap::new();
    counters.insert("contact_attempts_30d".to_owned(), contacts);
    counters.insert("similar_letters_24h".to_owned(), 5);
    let account = AccountInput {
        role: "freelancer".into(),
        standing: "good".into(),
        identity_verified: false,
        payment_verified: false,
        age_days: 3,
        active_warnings: 0,
    };
    (event, findings, counters, account)
}

fn contact() -> FindingInput {
    FindingInput {
        category: "contact_info".into(),
        kind: "email".into(),
        start: 0,
        end: 5,
        value: "a@b.co".into(),
        confidence: 0.9,
        rule: "email.plain".into(),
        severity: "medium".into(),
        language: None,
    }
}

#[test]
fn findings_under_their_categorys_threshold_are_not_shown_to_the_rules() {
    // A table must come before the rules' array in TOML.
    let text = POLICY.replacen(
        "\n[[rule]]",
        "\n[thresholds]\ncontact_info = 0.95\n\n[[rule]]",
        1,
    );
    let policy = Policy::parse(&text).expect("policy");
    let mut weak = contact();
    let out = decide_on(&policy, &input_with(vec![weak.clone()], 0, false));
    assert_eq!(out.verdict, Verdict::Allow);
    weak.confidence = 0.97;
    let out = decide_on(&policy, &input_with(vec![weak], 0, false));
    assert_eq!(out.verdict, Verdict::Block);
}

#[test]
fn thresholds_name_known_categories_between_0_and_1() {
    for (table, says) in [
        ("[thresholds]\nspam = 0.5\n", "unknown category"),
        ("[thresholds]\nharassment = 1.5\n", "between 0 and 1"),
    ] {
        let e = Policy::parse(&format!("version = \"t\"\n{table}")).expect_err("refused");
        assert!(e.message.contains(says), "{e}");
    }
}

fn decide_on(
    policy: &Policy,
    (event, findings, counters, account): &(
        EventInput,
        Vec<FindingInput>,
        BTreeMap<String, i64>,
        AccountInput,
    ),
) -> Outcome {
    decide(
        policy,
        &Input {
            event,
            findings,
            counters,
            account,
        },
    )
}

fn run(findings: Vec<FindingInput>, contacts: i64, contract: bool) -> Outcome {
    let policy = Policy::parse(POLICY).unwrap();
    decide_on(&policy, &input_with(findings, contacts, contract))
}

#[test]
fn contact_info_before_a_contract_is_blocked_with_a_warning() {
    let o = run(vec![contact()], 1, false);
    assert_eq!(o.verdict, Verdict::Block);
    assert_eq!(o.rules, vec!["contact"]);
    assert_eq!(
        o.reason,
        "Keep contact details on the platform until a contract starts."
    );
    assert_eq!(o.actions.len(), 1);
    assert_eq!(o.actions[0].kind, ActionKind::Warning);
    assert_eq!(
        o.shadow_rules,
        vec!["spam_shadow"],
        "shadow rules are recorded"
    );
    assert!(o.review_queues.is_empty(), "shadow rules enforce nothing");
    assert_eq!(o.errors.len(), 1, "the broken rule is reported");
    assert_eq!(o.errors[0].rule, "broken");
}

#[test]
fn with_a_contract_it_is_allowed() {
    let o = run(vec![contact()], 1, true);
    assert_eq!(o.verdict, Verdict::Allow);
    assert!(o.rules.is_empty());
    assert_eq!(o.reason, "");
}

#[test]
fn the_third_attempt_brings_a_hold_instead_of_a_warning() {
    let o = run(vec![contact()], 3, false);
    assert_eq!(o.rules, vec!["contact", "third_contact"]);
    assert_eq!(o.actions.len(), 1);
    assert_eq!(o.actions[0].kind, ActionKind::Hold);
}

#[test]
fn escalation_matrix_picks_the_strongest_step() {
    let policy = Policy::parse(POLICY).unwrap();
    assert_eq!(escalate(&policy, ReasonCode::Spam, 2, 2), None);
    let hold = escalate(&policy, ReasonCode::Spam, 3, 3).unwrap();
    assert_eq!((hold.kind, hold.days), (ActionKind::Hold, Some(14)));
    let susp = escalate(&policy, ReasonCode::Spam, 3, 5).unwrap();
    assert_eq!(susp.kind, ActionKind::Suspension);
}

/// Rules limited to other event types are skipped, and the text and data reach the rules
/// only when some rule reads them: neither changes what fires.
#[test]
fn skipped_rules_and_left_out_fields_change_no_answer() {
    let with_reads = r#"
version = "t"
[[rule]]
name = "big"
when = 'event.type == "message.sent" && event.data.amount > 5'
verdict = "allow_and_review"
[[rule]]
name = "says_hi"
when = 'event.text.contains("hi") && event.type in ["message.sent", "job.posted"]'
verdict = "allow_and_review"
[[rule]]
name = "never"
when = 'event.type == "job.posted" && account.nonexistent > 1'
verdict = "block"
reason = "x"
"#;
    let without = r#"
version = "t"
[[rule]]
name = "message"
when = 'event.type == "message.sent" && !event.contract_active'
verdict = "allow_and_review"
[[rule]]
name = "any"
when = 'event.type != "job.posted" && counters.contact_attempts_30d >= 0'
verdict = "allow_and_review"
"#;
    let decide_with = |src: &str, event_type: &str| {
        let policy = Policy::parse(src).unwrap();
        let mut input = input_with(Vec::new(), 0, false);
        input.0.event_type = event_type.into();
        input.0.text = "hi there".into();
        input.0.data = serde_json::json!({"amount": 9});
        decide_on(&policy, &input)
    };
    let o = decide_with(with_reads, "message.sent");
    assert_eq!(o.rules, vec!["big", "says_hi"]);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    // "never" would be an error (no such field) if it were evaluated for a message; for a
    // job post it is, as CEL evaluates it.
    let o = decide_with(with_reads, "job.posted");
    assert_eq!(o.rules, vec!["says_hi"]);
    assert_eq!(o.errors.len(), 1, "{:?}", o.errors);
    let o = decide_with(without, "message.sent");
    assert_eq!(o.rules, vec!["message", "any"]);
    let o = decide_with(without, "job.posted");
    assert!(o.rules.is_empty());
}

const SHAPES: &str = r#"
version = "shapes"

[[rule]]
name = "contact_before_contract"
when = 'event.type in ["message.sent", "job.posted"] && !event.contract_active && findings.exists(f, f.category == "contact_info")'
verdict = "block"
reason = "r"
actions = [{ type = "warning", reason_code = "CONTACT_INFO_SHARING" }]

[[rule]]
name = "third_contact"
when = 'counters.contact_attempts_30d >= 3 && findings.exists(f, f.category == "contact_info")'
verdict = "block"
reason = "r"
actions = [{ type = "hold", reason_code = "CONTACT_INFO_SHARING" }]

[[rule]]
name = "reversed"
when = '3 <= counters.contact_attempts_30d && event.type == "message.sent"'
verdict = "allow_and_review"
review = "spam"

[[rule]]
name = "missing_counter"
when = 'counters.not_kept > 1 && findings.exists(f, f.category == "harassment" && f.kind != "abusive")'
verdict = "block"
reason = "r"

[[rule]]
name = "missing_counter_alone"
when = 'counters.not_kept > 1'
verdict = "block"
reason = "r"

[[rule]]
name = "predicate_first"
when = 'findings.exists(f, f.confidence > 0.5 && f.category == "off_platform_payment")'
verdict = "block"
reason = "r"

[[rule]]
name = "either_type"
when = '(event.type == "proposal.submitted" && account.role == "client") || (event.type == "job.posted" && account.role == "freelancer")'
verdict = "allow_and_review"
review = "wrong_account_type"

[[rule]]
name = "either_side_open"
when = 'event.type == "job.posted" || counters.similar_letters_24h == 5'
verdict = "allow_and_review"
review = "spam"

[[rule]]
name = "not_equal"
when = 'counters.similar_letters_24h != 5 && account.nonexistent'
verdict = "allow_and_review"
review = "spam"

[[rule]]
name = "broken_with_type"
when = 'event.type == "job.posted" && account.nonexistent > 1'
verdict = "allow_and_review"
review = "spam"
mode = "shadow"
"#;

#[test]
fn skipping_rules_known_not_to_fire_changes_no_outcome() {
    let policy = Policy::parse(SHAPES).expect("policy");
    let harassment = FindingInput {
        category: "harassment".into(),
        kind: "insult".into(),
        ..contact()
    };
    let payment = FindingInput {
        category: "off_platform_payment".into(),
        kind: "request".into(),
        confidence: 0.7,
        ..contact()
    };
    let finding_sets = [
        vec![],
        vec![contact()],
        vec![harassment.clone()],
        vec![payment.clone(), harassment],
        vec![FindingInput {
            confidence: 0.2,
            ..payment
        }],
    ];
    let mut checked = 0;
    for findings in &finding_sets {
        for contacts in [0, 2, 3, 7] {
            for contract in [false, true] {
                for event_type in ["message.sent", "job.posted", "proposal.submitted"] {
                    for role in ["freelancer", "client"] {
                        let (mut event, findings, mut counters, mut account) =
                            input_with(findings.clone(), contacts, contract);
                        event.event_type = event_type.into();
                        account.role = role.into();
                        if contacts == 7 {
                            counters.insert("similar_letters_24h".into(), 4);
                        }
                        let input = Input {
                            event: &event,
                            findings: &findings,
                            counters: &counters,
                            account: &account,
                        };
                        let each = |skip| {
                            STDLIB.with(|stdlib| {
                                decide_in(stdlib.new_inner_scope(), &policy, &input, skip)
                            })
                        };
                        let (skipped, evaluated) = (each(true), each(false));
                        assert_eq!(
                            skipped, evaluated,
                            "{event_type} {role} {contacts} {contract} {findings:?}"
                        );
                        checked += usize::from(!evaluated.rules.is_empty());
                    }
                }
            }
        }
    }
    // The inputs make rules fire, not only stay quiet.
    assert!(checked > 50, "{checked}");
}
