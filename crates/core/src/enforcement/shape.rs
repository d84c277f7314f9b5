//! What a rule's condition reads, found once from its syntax tree when the policy loads:
//!
//! - the event types it can fire for: a top-level `event.type == "…"` or `event.type in […]`
//!   conjunct. CEL's `&&` is false as soon as one side is false (even when the other side is an
//!   error), so for any other type the rule is known not to fire without evaluating it;
//! - whether it reads the event's `text` or `data`, the large fields: when no rule does, they are
//!   left out of the rule context, which CEL would otherwise convert on every `event.…` access;
//! - what else must hold for it to fire, read off its top-level conjuncts: a shown finding of a
//!   category (`findings.exists(f, f.category == "…" && …)`) or a counter's comparison with a
//!   number (`counters.x >= 3`). When one is known false the rule is skipped unevaluated, for the
//!   same reason as a wrong type; most events fire no rule, and skipping them all spares building
//!   the rule context at all (the writer's largest cost per event, measured).

use cel::IdedExpr;
use cel::common::ast::{EntryExpr, Expr, LiteralValue, operators};

/// The event fields the rules read beyond the small ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventReads {
    pub text: bool,
    pub data: bool,
}

impl EventReads {
    pub const ALL: EventReads = EventReads {
        text: true,
        data: true,
    };

    pub fn union(self, other: EventReads) -> EventReads {
        EventReads {
            text: self.text || other.text,
            data: self.data || other.data,
        }
    }
}

/// The event types the condition can be true for; `None` when it does not say.
pub(crate) fn event_types(expr: &IdedExpr) -> Option<Vec<String>> {
    let mut conjuncts = Vec::new();
    collect_conjuncts(expr, &mut conjuncts);
    let mut allowed: Option<Vec<String>> = None;
    for c in conjuncts {
        if let Some(types) = type_test(c).or_else(|| either_types(c)) {
            allowed = Some(match allowed {
                None => types,
                Some(before) => before.into_iter().filter(|t| types.contains(t)).collect(),
            });
        }
    }
    allowed
}

fn collect_conjuncts<'a>(expr: &'a IdedExpr, out: &mut Vec<&'a IdedExpr>) {
    match &expr.expr {
        Expr::Call(c) if c.func_name == operators::LOGICAL_AND && c.target.is_none() => {
            for arg in &c.args {
                collect_conjuncts(arg, out);
            }
        }
        _ => out.push(expr),
    }
}

fn is_event_type(expr: &IdedExpr) -> bool {
    matches!(&expr.expr, Expr::Select(s)
        if !s.test && s.field == "type" && matches!(&s.operand.expr, Expr::Ident(name) if name == "event"))
}

fn string_literal(expr: &IdedExpr) -> Option<String> {
    match &expr.expr {
        Expr::Literal(LiteralValue::String(s)) => Some(s.inner().to_owned()),
        _ => None,
    }
}

/// `A || B` where each side is limited to some types: the union (a side known false for this
/// type leaves the other, which is known false too).
fn either_types(expr: &IdedExpr) -> Option<Vec<String>> {
    let Expr::Call(c) = &expr.expr else {
        return None;
    };
    if c.func_name != operators::LOGICAL_OR || c.target.is_some() {
        return None;
    }
    let mut all: Vec<String> = Vec::new();
    for side in &c.args {
        for t in event_types(side)? {
            if !all.contains(&t) {
                all.push(t);
            }
        }
    }
    Some(all)
}

/// Something that must hold for a rule to fire, checked without evaluating it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Need {
    /// A shown finding of this category.
    Finding(String),
    /// `counters.<name> <op> <value>`, with the counter on the left.
    Counter {
        name: String,
        op: Compare,
        value: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Compare {
    fn of(func: &str) -> Option<Compare> {
        Some(match func {
            operators::EQUALS => Compare::Eq,
            operators::NOT_EQUALS => Compare::Ne,
            operators::LESS => Compare::Lt,
            operators::LESS_EQUALS => Compare::Le,
            operators::GREATER => Compare::Gt,
            operators::GREATER_EQUALS => Compare::Ge,
            _ => return None,
        })
    }

    /// `a op b` read as `b op' a`.
    fn flipped(self) -> Compare {
        match self {
            Compare::Lt => Compare::Gt,
            Compare::Le => Compare::Ge,
            Compare::Gt => Compare::Lt,
            Compare::Ge => Compare::Le,
            same => same,
        }
    }

    pub(crate) fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Compare::Eq => a == b,
            Compare::Ne => a != b,
            Compare::Lt => a < b,
            Compare::Le => a <= b,
            Compare::Gt => a > b,
            Compare::Ge => a >= b,
        }
    }
}

impl Need {
    /// Known false for this input: the rule's condition is then false whatever the rest gives
    /// (a missing counter is not known: CEL decides what an absent key means).
    pub(crate) fn fails(
        &self,
        findings: &[super::decide::FindingInput],
        counters: &std::collections::BTreeMap<String, i64>,
    ) -> bool {
        match self {
            Need::Finding(category) => !findings.iter().any(|f| &f.category == category),
            Need::Counter { name, op, value } => counters
                .get(name)
                .is_some_and(|have| !op.holds(*have, *value)),
        }
    }
}

/// What the condition's top-level conjuncts need.
pub(crate) fn needs(expr: &IdedExpr) -> Vec<Need> {
    let mut conjuncts = Vec::new();
    collect_conjuncts(expr, &mut conjuncts);
    conjuncts
        .into_iter()
        .filter_map(|c| finding_need(c).or_else(|| counter_need(c)))
        .collect()
}

/// `findings.exists(f, … && f.category == "c" && …)`: the `exists` macro's expansion (a
/// comprehension over `findings` starting from false, its step `@result || predicate`).
fn finding_need(expr: &IdedExpr) -> Option<Need> {
    let Expr::Comprehension(c) = &expr.expr else {
        return None;
    };
    let over_findings = matches!(&c.iter_range.expr, Expr::Ident(n) if n == "findings");
    let starts_false =
        matches!(&c.accu_init.expr, Expr::Literal(LiteralValue::Boolean(b)) if !*b.inner());
    let returns_accu = matches!(&c.result.expr, Expr::Ident(n) if *n == c.accu_var);
    if !over_findings || !starts_false || !returns_accu || c.iter_var2.is_some() {
        return None;
    }
    let Expr::Call(step) = &c.loop_step.expr else {
        return None;
    };
    if step.func_name != operators::LOGICAL_OR || step.target.is_some() || step.args.len() != 2 {
        return None;
    }
    if !matches!(&step.args[0].expr, Expr::Ident(n) if *n == c.accu_var) {
        return None;
    }
    let mut conjuncts = Vec::new();
    collect_conjuncts(&step.args[1], &mut conjuncts);
    conjuncts.into_iter().find_map(|p| {
        let Expr::Call(eq) = &p.expr else {
            return None;
        };
        if eq.func_name != operators::EQUALS || eq.target.is_some() || eq.args.len() != 2 {
            return None;
        }
        let is_category = |e: &IdedExpr| {
            matches!(&e.expr, Expr::Select(s)
                if !s.test && s.field == "category"
                    && matches!(&s.operand.expr, Expr::Ident(n) if *n == c.iter_var))
        };
        let (a, b) = (&eq.args[0], &eq.args[1]);
        if is_category(a) {
            string_literal(b).map(Need::Finding)
        } else if is_category(b) {
            string_literal(a).map(Need::Finding)
        } else {
            None
        }
    })
}

/// `counters.x >= 3` (or `3 <= counters.x`, any comparison with an integer literal).
fn counter_need(expr: &IdedExpr) -> Option<Need> {
    let Expr::Call(c) = &expr.expr else {
        return None;
    };
    if c.target.is_some() || c.args.len() != 2 {
        return None;
    }
    let op = Compare::of(&c.func_name)?;
    let counter = |e: &IdedExpr| match &e.expr {
        Expr::Select(s)
            if !s.test && matches!(&s.operand.expr, Expr::Ident(n) if n == "counters") =>
        {
            Some(s.field.clone())
        }
        _ => None,
    };
    let int = |e: &IdedExpr| match &e.expr {
        Expr::Literal(LiteralValue::Int(i)) => Some(*i.inner()),
        _ => None,
    };
    let (a, b) = (&c.args[0], &c.args[1]);
    if let (Some(name), Some(value)) = (counter(a), int(b)) {
        return Some(Need::Counter { name, op, value });
    }
    if let (Some(value), Some(name)) = (int(a), counter(b)) {
        return Some(Need::Counter {
            name,
            op: op.flipped(),
            value,
        });
    }
    None
}

/// `event.type == "x"`, `"x" == event.type` or `event.type in ["x", "y"]`.
fn type_test(expr: &IdedExpr) -> Option<Vec<String>> {
    let Expr::Call(c) = &expr.expr else {
        return None;
    };
    if c.target.is_some() || c.args.len() != 2 {
        return None;
    }
    let (a, b) = (&c.args[0], &c.args[1]);
    if c.func_name == operators::EQUALS {
        if is_event_type(a) {
            return string_literal(b).map(|t| vec![t]);
        }
        if is_event_type(b) {
            return string_literal(a).map(|t| vec![t]);
        }
    }
    if c.func_name == operators::IN
        && is_event_type(a)
        && let Expr::List(list) = &b.expr
    {
        return list.elements.iter().map(string_literal).collect();
    }
    None
}

/// Which of the event's large fields the condition may read. `event` used other than as
/// `event.field` (passed whole, indexed, or a comprehension's variable of that name) reads all.
pub(crate) fn event_reads(expr: &IdedExpr) -> EventReads {
    let mut reads = EventReads::default();
    walk(expr, &mut reads);
    reads
}

fn walk(expr: &IdedExpr, reads: &mut EventReads) {
    match &expr.expr {
        Expr::Select(s) => {
            if matches!(&s.operand.expr, Expr::Ident(name) if name == "event") {
                match s.field.as_str() {
                    "text" => reads.text = true,
                    "data" => reads.data = true,
                    _ => {}
                }
            } else {
                walk(&s.operand, reads);
            }
        }
        Expr::Ident(name) => {
            if name == "event" {
                *reads = EventReads::ALL;
            }
        }
        Expr::Literal(_) | Expr::Unspecified => {}
        Expr::Call(c) => {
            if let Some(target) = &c.target {
                walk(target, reads);
            }
            for arg in &c.args {
                walk(arg, reads);
            }
        }
        Expr::Comprehension(c) => {
            let binds_event = [Some(c.iter_var.as_str()), c.iter_var2.as_deref()]
                .into_iter()
                .flatten()
                .chain([c.accu_var.as_str()])
                .any(|v| v == "event");
            if binds_event {
                *reads = EventReads::ALL;
            }
            for part in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                walk(part, reads);
            }
        }
        Expr::List(l) => l.elements.iter().for_each(|e| walk(e, reads)),
        Expr::Map(m) => m.entries.iter().for_each(|e| walk_entry(&e.expr, reads)),
        Expr::Struct(s) => s.entries.iter().for_each(|e| walk_entry(&e.expr, reads)),
    }
}

fn walk_entry(entry: &EntryExpr, reads: &mut EventReads) {
    match entry {
        EntryExpr::StructField(f) => walk(&f.value, reads),
        EntryExpr::MapEntry(e) => {
            walk(&e.key, reads);
            walk(&e.value, reads);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(src: &str) -> IdedExpr {
        match cel::Program::compile(src) {
            Ok(p) => p.expression().clone(),
            Err(e) => panic!("{src}: {e}"),
        }
    }

    #[test]
    fn finds_the_event_types_a_condition_is_limited_to() {
        let types = |src: &str| event_types(&expr(src));
        let v = |t: &[&str]| Some(t.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(types(r#"event.type == "a" && x > 1"#), v(&["a"]));
        assert_eq!(types(r#""a" == event.type"#), v(&["a"]));
        assert_eq!(
            types(r#"x && event.type in ["a", "b"] && y"#),
            v(&["a", "b"])
        );
        assert_eq!(
            types(r#"event.type in ["a", "b"] && event.type == "b""#),
            v(&["b"])
        );
        assert_eq!(types(r#"event.type == "a" && event.type == "b""#), v(&[]));
        // Alternatives each limited: the union.
        assert_eq!(
            types(r#"(event.type == "a" && x) || (event.type in ["b", "a"] && y)"#),
            v(&["a", "b"])
        );
        // Not limited: an alternative, a negation, a computed name, another field.
        assert_eq!(types(r#"event.type == "a" || x"#), None);
        assert_eq!(types(r#"event.type != "a""#), None);
        assert_eq!(types(r#"event.type in ["a", y]"#), None);
        assert_eq!(types(r#"event.kind == "a""#), None);
        assert_eq!(types(r#"findings.exists(f, f.type == "a")"#), None);
    }

    #[test]
    fn finds_whether_the_large_event_fields_are_read() {
        let reads = |src: &str| event_reads(&expr(src));
        assert_eq!(
            reads(r#"event.type == "a" && !event.contract_active"#),
            EventReads::default()
        );
        assert_eq!(
            reads(r#"event.text.contains("x")"#),
            EventReads {
                text: true,
                data: false
            }
        );
        assert_eq!(
            reads(r#"has(event.data.amount) && event.data.amount > 5"#),
            EventReads {
                text: false,
                data: true
            }
        );
        assert!(reads(r#"findings.exists(f, f.value in event.text)"#).text);
        // The whole event, or a variable that hides it: everything.
        assert_eq!(reads(r#"size(event) > 3"#), EventReads::ALL);
        assert_eq!(reads(r#"event["text"] == "x""#), EventReads::ALL);
        assert_eq!(
            reads(r#"findings.exists(event, event.kind == "x")"#),
            EventReads::ALL
        );
    }

    #[test]
    fn finds_the_findings_and_counter_values_a_condition_needs() {
        let needs = |src: &str| needs(&expr(src));
        let finding = |c: &str| Need::Finding(c.to_owned());
        let counter = |name: &str, op, value| Need::Counter {
            name: name.to_owned(),
            op,
            value,
        };
        assert_eq!(
            needs(r#"x && findings.exists(f, f.kind != "a" && "contact_info" == f.category)"#),
            vec![finding("contact_info")]
        );
        assert_eq!(
            needs(r#"counters.a >= 3 && 20 < counters.b && event.type == "x""#),
            vec![counter("a", Compare::Ge, 3), counter("b", Compare::Gt, 20)]
        );
        // Nothing known: an alternative, a negation, another variable's field, another macro,
        // a comparison with a computed value or a double, the category of something else.
        for src in [
            r#"findings.exists(f, f.category == "a") || x"#,
            r#"!findings.exists(f, f.category == "a")"#,
            r#"findings.all(f, f.category == "a")"#,
            r#"findings.exists(f, f.category == "a" || f.kind == "b")"#,
            r#"findings.exists(f, g.category == "a")"#,
            r#"others.exists(f, f.category == "a")"#,
            r#"counters.a >= counters.b"#,
            r#"counters.a >= 2.5"#,
            r#"account.a >= 3"#,
        ] {
            assert_eq!(needs(src), vec![], "{src}");
        }
    }
}
