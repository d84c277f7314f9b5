//! The operator's policy: named rules whose conditions are CEL expressions over the event, the
//! detectors' findings, counters and the account. Validated when loaded, with errors that name
//! the rule and the position.

use crate::restriction::ReasonCode;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a rule says about the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Allow,
    AllowAndReview,
    Block,
}

impl Verdict {
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::AllowAndReview => "allow_and_review",
            Verdict::Block => "block",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "allow" => Some(Verdict::Allow),
            "allow_and_review" => Some(Verdict::AllowAndReview),
            "block" => Some(Verdict::Block),
            _ => None,
        }
    }
}

/// An account action a rule asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    Warning,
    Hold,
    Suspension,
    Ban,
    RequireVerification,
}

impl ActionKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ActionKind::Warning => "warning",
            ActionKind::Hold => "hold",
            ActionKind::Suspension => "suspension",
            ActionKind::Ban => "ban",
            ActionKind::RequireVerification => "require_verification",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "warning" => Some(ActionKind::Warning),
            "hold" => Some(ActionKind::Hold),
            "suspension" => Some(ActionKind::Suspension),
            "ban" => Some(ActionKind::Ban),
            "require_verification" => Some(ActionKind::RequireVerification),
            _ => None,
        }
    }

    /// Stronger actions first when two rules ask for the same reason.
    pub const fn rank(self) -> u8 {
        match self {
            ActionKind::RequireVerification => 0,
            ActionKind::Warning => 1,
            ActionKind::Hold => 2,
            ActionKind::Suspension => 3,
            ActionKind::Ban => 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Action {
    pub kind: ActionKind,
    pub reason: ReasonCode,
    /// For holds and suspensions: how long, in days; `None` means until lifted by hand.
    pub days: Option<i64>,
}

/// Enforced rules change what happens; shadow rules are only recorded, to try a rule out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Enforce,
    Shadow,
}

pub struct Rule {
    pub name: String,
    pub description: String,
    pub when_source: String,
    pub(crate) when: cel::Program,
    /// The only event types `when` can be true for, when it says (see `shape`).
    pub(crate) event_types: Option<Vec<String>>,
    /// The event's large fields `when` may read.
    pub(crate) reads: super::shape::EventReads,
    /// Findings and counter values `when` cannot fire without (see `shape`).
    pub(crate) needs: Vec<super::shape::Need>,
    pub verdict: Verdict,
    /// The user-facing reason shown when the rule blocks or warns.
    pub reason: String,
    pub actions: Vec<Action>,
    /// The review queue this rule sends content to, if any.
    pub review: Option<String>,
    pub mode: Mode,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("name", &self.name)
            .field("when", &self.when_source)
            .field("verdict", &self.verdict)
            .field("mode", &self.mode)
            .finish()
    }
}

/// When repeated warnings become something stronger. Warnings count while active (90 days).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// Active warnings with the same reason, the new one included.
    #[serde(default)]
    pub same_reason_warnings: Option<usize>,
    /// Active warnings of any reason, the new one included.
    #[serde(default)]
    pub any_reason_warnings: Option<usize>,
    /// `hold`, `suspension` or `ban`.
    pub then: String,
    /// How long a hold or suspension lasts; none means until lifted.
    #[serde(default)]
    pub days: Option<i64>,
}

#[derive(Debug)]
pub struct Policy {
    pub version: String,
    pub rules: Vec<Rule>,
    pub escalation: Vec<EscalationStep>,
    /// Days a warning stays active.
    pub warning_days: i64,
    /// Thousandths of the cover letters and messages that passed (no rule fired) that go to the
    /// `spot_check` queue anyway: the seeds' human spot-checks of what the detectors let by.
    pub spot_check_permille: i64,
    /// At most this many of one sender's texts are spot-checked in 24 hours: a flood of a
    /// million messages must not put ten thousand cases in front of people.
    pub spot_checks_per_sender_per_day: i64,
    /// Per finding category, the confidence below which its findings are not given to the rules
    /// (an operator who sees too many false alarms of one detector raises its bar alone).
    pub thresholds: BTreeMap<String, f64>,
}

/// The categories a `[thresholds]` table may name: the detectors' categories.
pub const FINDING_CATEGORIES: [&str; 5] = [
    "contact_info",
    "off_platform_payment",
    "harassment",
    "profanity",
    "feedback_pressure",
];

/// A policy file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", .rule.as_ref().map(|r| format!("rule {r:?}: ")).unwrap_or_default(), .message)]
pub struct PolicyError {
    pub rule: Option<String>,
    /// 1-based line and column in the policy file, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    version: String,
    #[serde(default = "default_warning_days")]
    warning_days: i64,
    #[serde(default = "default_spot_check_permille")]
    spot_check_permille: i64,
    #[serde(default = "default_spot_checks_per_sender_per_day")]
    spot_checks_per_sender_per_day: i64,
    #[serde(default)]
    thresholds: BTreeMap<String, f64>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleFile>,
    #[serde(default)]
    escalation: Vec<EscalationStep>,
}

/// 1% (seed 003: a share of what passed is looked at by people).
fn default_spot_check_permille() -> i64 {
    10
}

fn default_spot_checks_per_sender_per_day() -> i64 {
    3
}

fn default_warning_days() -> i64 {
    90
}

/// A condition may be at most this long, and use at most this many operators, brackets and
/// separators: the CEL parser, the shape analysis and the evaluator all recurse into the syntax
/// tree, and a chain of thousands (`1 + 1 + …`, `event.data.data…`) overflows a thread's stack,
/// which aborts the whole process. Real conditions use tens.
pub const MAX_CONDITION_BYTES: usize = 16 * 1024;
pub const MAX_CONDITION_OPERATORS: usize = 256;

/// Refuses a condition too long or too deep to parse safely, before the parser sees it.
fn check_condition_size(when: &str) -> Result<(), String> {
    if when.len() > MAX_CONDITION_BYTES {
        return Err(format!(
            "when: the condition is {} bytes long; at most {MAX_CONDITION_BYTES} are allowed",
            when.len()
        ));
    }
    let mut operators = 0_usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in when.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '.' | '+' | '-' | '*' | '/' | '%' | '!' | '(' | '[' | '{' | '?' | ',' | '<'
                | '>' | '=' | '&' | '|' => operators += 1,
                _ => {}
            },
        }
    }
    if operators > MAX_CONDITION_OPERATORS {
        return Err(format!(
            "when: the condition has {operators} operators, brackets and separators; at most \
             {MAX_CONDITION_OPERATORS} are allowed (split it into several rules)"
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    name: String,
    #[serde(default)]
    description: String,
    when: String,
    verdict: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    actions: Vec<ActionFile>,
    #[serde(default)]
    review: Option<String>,
    #[serde(default)]
    mode: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    #[serde(rename = "type")]
    kind: String,
    reason_code: String,
    #[serde(default)]
    days: Option<i64>,
}

/// The variables a rule may read.
pub const VARIABLES: [&str; 4] = ["event", "findings", "counters", "account"];

/// Names bound by CEL's comprehension macros (`list.exists(f, …)`), which are not free variables.
fn comprehension_variables(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    for mac in ["exists", "all", "exists_one", "map", "filter"] {
        let pattern = format!(".{mac}(");
        let mut rest = expr;
        while let Some(i) = rest.find(&pattern) {
            let after = &rest[i + pattern.len()..];
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty()
                && after.trim_start()[name.len()..]
                    .trim_start()
                    .starts_with(',')
            {
                names.push(name);
            }
            rest = after;
        }
    }
    names
}

/// Line and column (1-based) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The line where `rule = name` is written, to point errors at the rule.
fn rule_line(text: &str, name: &str) -> Option<usize> {
    let quoted = format!("\"{name}\"");
    text.lines()
        .position(|l| l.trim_start().starts_with("name") && l.contains(&quoted))
        .map(|i| i + 1)
}

fn err(text: &str, rule: Option<&str>, message: String) -> PolicyError {
    PolicyError {
        rule: rule.map(str::to_owned),
        line: rule.and_then(|r| rule_line(text, r)),
        column: None,
        message,
    }
}

impl Policy {
    /// Parses and validates a policy file (TOML).
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        // TOML may spell U+0000 as an escape; no rule means it, and the stored policy text must
        // be storable on PostgreSQL.
        if let Some(at) = ["\0", "\\u0000", "\\U00000000"]
            .iter()
            .filter_map(|needle| text.find(needle))
            .min()
        {
            let (line, column) = position(text, at);
            return Err(PolicyError {
                rule: None,
                line: Some(line),
                column: Some(column),
                message: "the policy must not contain the NUL character (U+0000)".into(),
            });
        }
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((None, None), |s| {
                let (l, c) = position(text, s.start);
                (Some(l), Some(c))
            });
            PolicyError {
                rule: None,
                line,
                column,
                message: e.message().to_owned(),
            }
        })?;
        if file.version.trim().is_empty() {
            return Err(err(text, None, "version must not be empty".into()));
        }
        if file.warning_days <= 0 {
            return Err(err(text, None, "warning_days must be positive".into()));
        }
        if !(0..=1000).contains(&file.spot_check_permille) {
            return Err(err(
                text,
                None,
                "spot_check_permille must be between 0 and 1000".into(),
            ));
        }
        if !(0..=10_000).contains(&file.spot_checks_per_sender_per_day) {
            return Err(err(
                text,
                None,
                "spot_checks_per_sender_per_day must be between 0 and 10000".into(),
            ));
        }
        for (category, min) in &file.thresholds {
            if !FINDING_CATEGORIES.contains(&category.as_str()) {
                return Err(err(
                    text,
                    None,
                    format!(
                        "thresholds: unknown category {category:?} (one of {})",
                        FINDING_CATEGORIES.join(", ")
                    ),
                ));
            }
            if !(0.0..=1.0).contains(min) {
                return Err(err(
                    text,
                    None,
                    format!("thresholds: {category} must be between 0 and 1"),
                ));
            }
        }
        let mut names = BTreeSet::new();
        let mut rules = Vec::new();
        for r in file.rules {
            let name = r.name.clone();
            let at = |m: String| err(text, Some(&name), m);
            if name.trim().is_empty() || !names.insert(name.clone()) {
                return Err(at("rule names must be unique and not empty".into()));
            }
            check_condition_size(&r.when).map_err(at)?;
            let when = cel::Program::compile(&r.when).map_err(|e| {
                let first = e.errors.first();
                let (line, column) = first.map_or((0, 0), |p| (p.pos.0, p.pos.1));
                at(format!(
                    "when: line {line}, column {}: {}",
                    column + 1,
                    first.map_or_else(|| e.to_string(), |p| p.msg.clone())
                ))
            })?;
            let refs = when.references();
            let bound = comprehension_variables(&r.when);
            for var in refs.variables() {
                if !VARIABLES.contains(&var) && !bound.iter().any(|b| b == var) {
                    return Err(at(format!(
                        "when: unknown variable {var:?} (use {})",
                        VARIABLES.join(", ")
                    )));
                }
            }
            let verdict = Verdict::parse(&r.verdict).ok_or_else(|| {
                at(format!(
                    "verdict: expected allow, allow_and_review or block, got {:?}",
                    r.verdict
                ))
            })?;
            let mut actions = Vec::new();
            for a in &r.actions {
                let kind = ActionKind::parse(&a.kind)
                    .ok_or_else(|| at(format!("actions: unknown action type {:?}", a.kind)))?;
                let reason = ReasonCode::parse(&a.reason_code).ok_or_else(|| {
                    at(format!("actions: unknown reason_code {:?}", a.reason_code))
                })?;
                if a.days.is_some_and(|d| d <= 0) {
                    return Err(at("actions: days must be positive".into()));
                }
                actions.push(Action {
                    kind,
                    reason,
                    days: a.days,
                });
            }
            let mode = match r.mode.as_deref() {
                None | Some("enforce") => Mode::Enforce,
                Some("shadow") => Mode::Shadow,
                Some(other) => {
                    return Err(at(format!(
                        "mode: expected enforce or shadow, got {other:?}"
                    )));
                }
            };
            if verdict == Verdict::Block && r.reason.trim().is_empty() {
                return Err(at("reason: a blocking rule must say why to the user".into()));
            }
            if let Some(q) = r.review.as_deref().filter(|q| !q.trim().is_empty())
                && crate::review::Queue::parse(q).is_none()
            {
                let known: Vec<&str> = crate::review::Queue::ALL
                    .iter()
                    .map(|q| q.as_str())
                    .collect();
                return Err(at(format!(
                    "review: unknown queue {q:?} (use {})",
                    known.join(", ")
                )));
            }
            rules.push(Rule {
                name,
                description: r.description,
                when_source: r.when,
                event_types: super::shape::event_types(when.expression()),
                reads: super::shape::event_reads(when.expression()),
                needs: super::shape::needs(when.expression()),
                when,
                verdict,
                reason: r.reason,
                actions,
                review: r.review.filter(|q| !q.trim().is_empty()),
                mode,
            });
        }
        for (i, step) in file.escalation.iter().enumerate() {
            if step.same_reason_warnings.is_none() && step.any_reason_warnings.is_none() {
                return Err(err(
                    text,
                    None,
                    format!("escalation[{i}]: give same_reason_warnings or any_reason_warnings"),
                ));
            }
            if !matches!(step.then.as_str(), "hold" | "suspension" | "ban") {
                return Err(err(
                    text,
                    None,
                    format!("escalation[{i}].then: expected hold, suspension or ban"),
                ));
            }
        }
        Ok(Policy {
            version: file.version,
            rules,
            escalation: file.escalation,
            warning_days: file.warning_days,
            spot_check_permille: file.spot_check_permille,
            spot_checks_per_sender_per_day: file.spot_checks_per_sender_per_day,
            thresholds: file.thresholds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
version = "t1"

[[rule]]
name = "contact"
when = 'findings.exists(f, f.category == "contact_info")'
verdict = "block"
reason = "Keep contact details on the platform."
actions = [{ type = "warning", reason_code = "CONTACT_INFO_SHARING" }]
"#;

    #[test]
    fn parses_a_valid_policy() {
        let p = Policy::parse(OK).unwrap();
        assert_eq!(p.version, "t1");
        assert_eq!(p.rules.len(), 1);
        assert_eq!(p.rules[0].verdict, Verdict::Block);
        assert_eq!(p.rules[0].mode, Mode::Enforce);
        assert_eq!(p.warning_days, 90);
    }

    #[test]
    fn a_bad_expression_names_the_rule_and_position() {
        let bad = OK.replace("f.category ==", "f.category = =");
        let e = Policy::parse(&bad).unwrap_err();
        assert_eq!(e.rule.as_deref(), Some("contact"));
        assert_eq!(e.line, Some(5));
        assert!(e.message.starts_with("when: line 1, column"), "{e}");
    }

    #[test]
    fn conditions_too_deep_for_the_parser_are_refused_before_it_sees_them() {
        let when = |expr: &str| {
            OK.replace(
                "'findings.exists(f, f.category == \"contact_info\")'",
                &format!("'{expr}'"),
            )
        };
        // What crashed the server from outside: a 10,000-term sum and a 6,000-step member chain
        // overflow the parser's stack (a process abort, not an error).
        for expr in [
            vec!["1"; 10_000].join(" + ") + " > 0",
            format!("event{} == 1", ".data".repeat(6_000)),
            format!("{}true{}", "(".repeat(3_000), ")".repeat(3_000)),
        ] {
            let e = Policy::parse(&when(&expr)).unwrap_err();
            assert_eq!(e.rule.as_deref(), Some("contact"));
            assert!(e.message.starts_with("when: the condition"), "{e}");
        }
        // Strings do not count, and a realistic long condition passes.
        let long_list = (0..40)
            .map(|i| format!("\"type.{i}.a+b\""))
            .collect::<Vec<_>>()
            .join(", ");
        Policy::parse(&when(&format!("event.type in [{long_list}]"))).unwrap();
        let chain = vec!["counters.contact_attempts_30d > 1"; 40].join(" && ");
        Policy::parse(&when(&chain)).unwrap();
        // U+0000, raw or escaped, is refused with its place.
        for nul in ["\0", "\\u0000", "\\U00000000"] {
            let e = Policy::parse(&format!("{OK}\n# {nul}\n")).unwrap_err();
            assert!(e.message.contains("U+0000") && e.line.is_some(), "{e}");
        }
        // Deeply nested TOML is refused by the TOML parser's own limit, with a line.
        let nested = format!(
            "version = \"x\"\nx = {}{}\n",
            "[".repeat(30_000),
            "]".repeat(30_000)
        );
        let e = Policy::parse(&nested).unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }

    #[test]
    fn unknown_variables_actions_and_codes_are_refused() {
        let e = Policy::parse(&OK.replace("findings.exists", "posts.exists")).unwrap_err();
        assert!(e.message.contains("unknown variable \"posts\""), "{e}");
        let e = Policy::parse(&OK.replace("type = \"warning\"", "type = \"spank\"")).unwrap_err();
        assert!(e.message.contains("unknown action type"), "{e}");
        let e = Policy::parse(&OK.replace("CONTACT_INFO_SHARING", "CHATTY")).unwrap_err();
        assert!(e.message.contains("unknown reason_code"), "{e}");
        let e =
            Policy::parse(&OK.replace("verdict = \"block\"", "verdict = \"maybe\"")).unwrap_err();
        assert!(e.message.starts_with("verdict"), "{e}");
    }

    #[test]
    fn toml_errors_carry_the_line() {
        let e =
            Policy::parse("version = \"x\"\n[[rule]]\nname = \"a\"\nwhen = true\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        let e = Policy::parse("version = \"x\"\nsurprise = 1\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn duplicate_names_are_refused() {
        let twice = format!("{OK}\n{}", &OK[OK.find("[[rule]]").unwrap_or(0)..]);
        let e = Policy::parse(&twice).unwrap_err();
        assert!(e.message.contains("unique"), "{e}");
    }

    /// Conditions made of the pieces that nest (brackets, unary and binary operators, member
    /// steps, calls) in random order and number: each is parsed or refused with a message,
    /// never a panic or a stack overflow. (`fuzz/fuzz_targets/policy.rs` does the same with
    /// coverage guidance.)
    mod generated {
        use super::super::Policy;
        use proptest::prelude::*;

        fn piece() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec![
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "!",
                "-",
                "+ 1",
                "* 2",
                " && true",
                " || false",
                ".data",
                ".size()",
                "event",
                "counters.contact_attempts_30d",
                "1",
                "\"s\"",
                "? 1 : 2",
                " in [1]",
                ", ",
                "findings.exists(f, ",
                " == ",
                "account.role",
            ])
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn any_condition_is_parsed_or_refused(
                pieces in prop::collection::vec(piece(), 0..120),
                repeat in 1_usize..4,
            ) {
                let when = pieces.concat().repeat(repeat);
                let text = format!(
                    "version = \"p\"\n[[rule]]\nname = \"r\"\nwhen = '''{when}'''\nverdict = \"allow\"\n"
                );
                if let Err(e) = Policy::parse(&text) {
                    prop_assert!(!e.message.is_empty());
                }
            }

            #[test]
            fn any_text_is_parsed_or_refused(text in "\\PC{0,400}") {
                let _ = Policy::parse(&text);
            }
        }
    }
}
