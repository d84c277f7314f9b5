//! Deciding the next group ahead. On SQLite a group decided in memory ends with one round trip
//! that writes its rows and commits; the writer would wait for it with nothing to do while
//! requests queue up. Instead it decides, meanwhile, the events queued so far, from the actors it
//! holds — as it would at the start of the next group, which then only checks that nothing it
//! relied on changed: a key taken, an actor changed by another writer or decided on its own.

use super::actors::ActorCache;
use super::actors::reads_only_the_actor;
use super::batch::{Rows, decide_in_memory};
use super::{DecisionView, Prepared};
use crate::App;
use std::collections::HashSet;

/// The first events of the next group, decided in memory while the group before committed.
pub(super) struct Ahead {
    pub views: Vec<DecisionView>,
    pub rows: Rows,
    /// Actors whose state in the cache includes these decisions.
    pub touched: HashSet<String>,
}

impl Ahead {
    /// How many events, from the start of the next group, are decided.
    pub fn len(&self) -> usize {
        self.views.len()
    }

    /// Throws the work away: its actors are loaded again from the database when next needed.
    pub fn discard(self, actors: &mut ActorCache) {
        for id in &self.touched {
            actors.forget(id);
        }
    }

    /// Whether the work still stands at the start of the group of `items` (whose first events it
    /// decided): none of their keys is `taken`, and none of its actors was `changed` (sorted) or
    /// `forgotten` meanwhile.
    pub fn holds(
        &self,
        items: &[Prepared],
        taken: &HashSet<String>,
        changed: &[String],
        forgotten: &[String],
    ) -> bool {
        items.len() >= self.len()
            && still_holds(
                items[..self.len()].iter().map(|p| p.key.as_str()),
                &self.touched,
                taken,
                changed,
                forgotten,
            )
    }
}

fn still_holds<'k>(
    mut keys: impl Iterator<Item = &'k str>,
    touched: &HashSet<String>,
    taken: &HashSet<String>,
    changed: &[String],
    forgotten: &[String],
) -> bool {
    keys.all(|k| !taken.contains(k))
        && touched
            .iter()
            .all(|id| changed.binary_search(id).is_err() && !forgotten.contains(id))
}

/// Decides in memory, in order, the longest run of `items` from the first that the group would
/// decide in memory: each event's key new, its actor held, its decision taking no action beyond
/// a warning. `None` if not even the first (or the subscriptions are not at hand without the
/// database).
pub(super) fn decide_ahead(
    app: &App,
    actors: &mut ActorCache,
    items: &[&Prepared],
) -> Option<Ahead> {
    let subscriptions = app.subscriptions().fresh()?;
    let live = app.live_policy().get();
    let now = app.now();
    let mut keys = HashSet::new();
    let mut ahead = Ahead {
        views: Vec::new(),
        rows: Rows::default(),
        touched: HashSet::new(),
    };
    for p in items {
        if !reads_only_the_actor(&p.event) || !keys.insert(p.key.as_str()) {
            break;
        }
        let Some(state) = actors.get_mut(&p.event.actor_id, now) else {
            break;
        };
        ahead.touched.insert(p.event.actor_id.clone());
        let decided = decide_in_memory(
            app,
            p,
            state,
            &live.policy,
            &subscriptions,
            &mut ahead.rows,
            now,
        );
        match decided {
            Ok(Some(view)) => ahead.views.push(view),
            // Nothing was changed for an event the group must decide on the one-event path.
            Ok(None) => break,
            // Part of the event's rows may be written: none of it stands.
            Err(_) => {
                ahead.discard(actors);
                return None;
            }
        }
    }
    if ahead.views.is_empty() {
        return None;
    }
    Some(ahead)
}

#[cfg(test)]
mod tests {
    use super::still_holds;
    use std::collections::HashSet;

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn work_done_ahead_stands_only_if_nothing_it_relied_on_changed() {
        let touched = set(&["mp_1", "mp_2"]);
        let keys = ["k1", "k2"];
        let none: Vec<String> = Vec::new();
        assert!(still_holds(
            keys.into_iter(),
            &touched,
            &set(&["k9"]),
            &none,
            &none
        ));
        // A key taken meanwhile (by another node).
        assert!(!still_holds(
            keys.into_iter(),
            &touched,
            &set(&["k2"]),
            &none,
            &none
        ));
        // An actor changed by another writer (the change notes are sorted).
        let changed = vec!["mp_0".to_owned(), "mp_2".to_owned(), "mp_3".to_owned()];
        assert!(!still_holds(
            keys.into_iter(),
            &touched,
            &set(&[]),
            &changed,
            &none
        ));
        let elsewhere = vec!["mp_0".to_owned(), "mp_3".to_owned()];
        assert!(still_holds(
            keys.into_iter(),
            &touched,
            &set(&[]),
            &elsewhere,
            &none
        ));
        // An actor decided on its own, outside the writer.
        let forgotten = vec!["mp_1".to_owned()];
        assert!(!still_holds(
            keys.into_iter(),
            &touched,
            &set(&[]),
            &none,
            &forgotten
        ));
    }
}
