//! What a rule's condition reads, found once from its syntax tree when the policy loads:
//!
//! - the event types it can fire for: a top-level `event.type == "…"` or `event.type in […]`
//!   conjunct. CEL's `&&` is false as soon as one side is false (even when the other side is an
//!   error), so for any other type the rule is known not to fire without evaluating it;
//! - whether it reads the event's `text` or `data`, the large fields: when no rule does, they are
//!   left out of the rule context, which CEL would otherwise convert on every `event.…` access.

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
        if let Some(types) = type_test(c) {
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
}
