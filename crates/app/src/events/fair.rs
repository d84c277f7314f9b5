//! Building the writer's groups fairly: at most [`PER_SENDER`] events of one actor go in a group,
//! the rest wait, in order, for the next ones. One account flooding the pipeline (a bot, an
//! agency sharing a login) then fills its own backlog, not everyone's: the other actors' events
//! go in the next group, and its own are decided as fast as groups go round.

use std::collections::{HashMap, VecDeque};

/// At most this many events of one actor in a group.
pub(super) const PER_SENDER: usize = 64;

/// Something with an actor, to be put in a group.
pub(super) trait FromActor {
    fn actor_id(&self) -> &str;
}

/// The events put aside for later groups, and how many of each actor the group being built holds.
pub(super) struct Gatherer<T> {
    deferred: VecDeque<T>,
    in_group: HashMap<String, usize>,
    max_group: usize,
    max_deferred: usize,
}

impl<T: FromActor> Gatherer<T> {
    pub fn new(max_group: usize, max_deferred: usize) -> Self {
        Gatherer {
            deferred: VecDeque::new(),
            in_group: HashMap::new(),
            max_group,
            max_deferred,
        }
    }

    /// A new group begins: nobody has events in it.
    pub fn start_group(&mut self) {
        self.in_group.clear();
    }

    #[cfg(test)]
    pub fn has_deferred(&self) -> bool {
        !self.deferred.is_empty()
    }

    /// Whether more can be taken from the queue: a full backlog leaves events in the queue, so
    /// that its bound holds every sender back (memory stays bounded).
    pub fn room(&self, group: &[T]) -> bool {
        group.len() < self.max_group && self.deferred.len() < self.max_deferred
    }

    /// Fills `group` with the events put aside earlier, oldest first, each actor up to its share.
    /// Those left keep their order.
    pub fn take_deferred(&mut self, group: &mut Vec<T>) {
        if self.deferred.is_empty() {
            return;
        }
        let mut kept = VecDeque::with_capacity(self.deferred.len());
        while let Some(item) = self.deferred.pop_front() {
            if group.len() >= self.max_group {
                kept.push_back(item);
                kept.extend(self.deferred.drain(..));
                break;
            }
            if self.admits(&item) {
                group.push(item);
            } else {
                kept.push_back(item);
            }
        }
        self.deferred = kept;
    }

    /// Puts an event from the queue in `group`, or aside when its actor has had its share. An
    /// actor with events aside has had its share, so its events stay in order.
    pub fn offer(&mut self, item: T, group: &mut Vec<T>) {
        if group.len() < self.max_group && self.admits(&item) {
            group.push(item);
        } else {
            self.deferred.push_back(item);
        }
    }

    fn admits(&mut self, item: &T) -> bool {
        let n = self.in_group.entry(item.actor_id().to_owned()).or_default();
        if *n >= PER_SENDER {
            return false;
        }
        *n += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl FromActor for (&'static str, u32) {
        fn actor_id(&self) -> &str {
            self.0
        }
    }

    #[test]
    fn a_flooding_actor_gets_its_share_and_keeps_its_order() {
        let mut g = Gatherer::new(100, 1_000);
        let mut group = Vec::new();
        g.start_group();
        for n in 0..300 {
            g.offer(("flood", n), &mut group);
        }
        g.offer(("quiet", 0), &mut group);
        assert_eq!(group.len(), PER_SENDER + 1);
        assert_eq!(group.last(), Some(&("quiet", 0)));
        let mut seen: Vec<u32> = group
            .iter()
            .filter(|e| e.0 == "flood")
            .map(|e| e.1)
            .collect();
        // The next groups take the flood in order, each its share, beside newcomers.
        while g.has_deferred() {
            g.start_group();
            group.clear();
            g.take_deferred(&mut group);
            g.offer(("quiet", 1), &mut group);
            assert!(group.iter().filter(|e| e.0 == "flood").count() <= PER_SENDER);
            assert!(group.contains(&("quiet", 1)));
            seen.extend(group.iter().filter(|e| e.0 == "flood").map(|e| e.1));
        }
        assert_eq!(seen, (0..300).collect::<Vec<_>>());
    }

    #[test]
    fn a_full_group_leaves_the_rest_aside_in_order() {
        let mut g = Gatherer::new(3, 1_000);
        let mut group = Vec::new();
        g.start_group();
        for e in [("a", 0), ("b", 0), ("c", 0), ("a", 1), ("d", 0)] {
            g.offer(e, &mut group);
        }
        assert_eq!(group, vec![("a", 0), ("b", 0), ("c", 0)]);
        g.start_group();
        group.clear();
        g.take_deferred(&mut group);
        assert_eq!(group, vec![("a", 1), ("d", 0)]);
        assert!(!g.has_deferred());
        assert!(g.room(&group));
    }
}
