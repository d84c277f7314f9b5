//! User names of unmistakable shape near an app name, whatever words join them.

use super::email::user_name;
use crate::doc::Doc;
use crate::tokens::TokKind;

/// A user name of unmistakable shape a few words after the app name, whatever joins them: an `@`
/// handle ("Bin auf Telegram als @lea_grafik", "tem telegram? me chama @felipe_dev_br") or a
/// Discord tag ("mi discord es pablito#4471", "pseudo : kev_3d#0912").
pub(super) fn handle_near(d: &Doc<'_>, end: usize) -> Option<(usize, String, f32)> {
    let t = &d.t;
    // The writer's own account: a first-person word or a naming word from just before the app
    // name to the handle ("mi discord es …", "Bin auf Telegram als …", "pseudo : …"), not a
    // report on others ("Instagram growth report: @sunrise_yoga gained…").
    let own = |to: usize| {
        d.any_word(end.saturating_sub(4), to, |w| {
            matches!(
                w,
                "my" | "mi"
                    | "mein"
                    | "meine"
                    | "meu"
                    | "minha"
                    | "mon"
                    | "ma"
                    | "me"
                    | "mich"
                    | "moi"
                    | "i"
                    | "im"
                    | "m"
                    | "ich"
                    | "je"
                    | "j"
                    | "eu"
                    | "yo"
                    | "bin"
                    | "sou"
                    | "soy"
                    | "suis"
                    | "als"
                    | "como"
                    | "pseudo"
                    | "user"
                    | "username"
                    | "usuario"
                    | "handle"
                    | "es"
                    | "ist"
                    | "est"
            )
        })
    };
    for j in end..(end + 12).min(t.len()) {
        // The handle stays in the app name's sentence.
        if j > end && t.starts_clause(j) {
            break;
        }
        let glued = |k: usize| t.toks.get(k).is_some_and(|x| !x.space_before);
        // An '@' that starts a word (not the middle of an e-mail address).
        // "tag @nike in the caption": someone else's account named in the work.
        let tagged = j > 0
            && matches!(
                t.text(j - 1),
                "tag" | "tagged" | "tagging" | "mention" | "mentioned" | "mentions" | "cc"
            );
        if t.is_sym(j, b'@')
            && !tagged
            && !(j > 0 && glued(j) && t.kind(j - 1) == Some(TokKind::Word))
            && t.kind(j + 1) == Some(TokKind::Word)
            && glued(j + 1)
        {
            let (h_end, handle) =
                user_name(d, j + 1).unwrap_or_else(|| (j + 2, t.text(j + 1).to_string()));
            if handle.len() >= 3 && handle.bytes().any(|b| b.is_ascii_alphabetic()) && own(j) {
                return Some((h_end, handle, 0.85));
            }
        }
        if t.kind(j) == Some(TokKind::Word)
            && t.is_sym(j + 1, b'#')
            && glued(j + 1)
            && t.toks
                .get(j + 2)
                .is_some_and(|x| x.has_digit && !x.has_alpha && !x.space_before)
            && t.text(j + 2).len() == 4
            // "order#1001", "role#1234" are numbers of things.
            && !matches!(
                t.text(j),
                "order" | "role" | "issue" | "ticket" | "pr" | "item" | "invoice" | "bug" | "task"
            )
            && own(j)
        {
            let mut handle = user_name_ending(d, j);
            handle.push('#');
            handle.push_str(t.text(j + 2));
            return Some((j + 3, handle, 0.88));
        }
    }
    None
}

/// The user name that ends at word `j` ("kev_3d" of "kev_3d#0912"): its pieces joined by `_`, `.`
/// or `-` glued to them.
fn user_name_ending(d: &Doc<'_>, j: usize) -> String {
    let t = &d.t;
    let mut a = j;
    while a >= 2
        && t.toks.get(a).is_some_and(|x| !x.space_before)
        && matches!(t.kind(a - 1), Some(TokKind::Sym(b'_' | b'.' | b'-')))
        && t.toks.get(a - 1).is_some_and(|x| !x.space_before)
        && t.kind(a - 2) == Some(TokKind::Word)
    {
        a -= 2;
    }
    (a..=j).map(|k| t.text(k)).collect()
}
