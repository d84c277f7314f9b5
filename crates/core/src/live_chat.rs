//! Live chat's queue (seed 004): a member waits in line for the category's agents; the window
//! shows the place in line and an estimated wait from how many chats the available agents can
//! take at once and how long recent chats lasted.

use crate::marketplace::string_enum;
use crate::timestamp::MINUTE_MS;

string_enum!(
    /// Where a chat stands.
    ChatStatus {
        Waiting => "waiting",
        Active => "active",
        Ended => "ended",
    }
);

/// What a chat is assumed to last before any has ended.
pub const DEFAULT_HANDLE_MS: i64 = 6 * MINUTE_MS;

/// The desk's capacity right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskCapacity {
    /// Chats the available agents can take in all.
    pub slots: i64,
    /// Of those, not taken.
    pub free: i64,
}

/// The expected wait of the chat at `position` (1 is next) in milliseconds, or none when no agent
/// is taking chats. Those ahead within the free slots are taken at once; beyond them, each full
/// round of the desk's slots takes one average chat.
pub fn estimated_wait_ms(position: i64, desk: DeskCapacity, average_handle_ms: i64) -> Option<i64> {
    if desk.slots <= 0 {
        return None;
    }
    let beyond_free = position - desk.free.max(0);
    if beyond_free <= 0 {
        return Some(0);
    }
    let rounds = (beyond_free + desk.slots - 1) / desk.slots;
    Some(rounds * average_handle_ms.max(MINUTE_MS))
}

/// The wait in words for the member's window.
pub fn wait_in_words(wait_ms: Option<i64>) -> String {
    match wait_ms {
        None => "No agent is taking chats this minute; stay in line or leave a message.".into(),
        Some(0) => "An agent will be with you in a moment.".into(),
        Some(ms) => {
            let minutes = (ms + MINUTE_MS - 1) / MINUTE_MS;
            if minutes == 1 {
                "About 1 minute.".into()
            } else {
                format!("About {minutes} minutes.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk(slots: i64, free: i64) -> DeskCapacity {
        DeskCapacity { slots, free }
    }

    #[test]
    fn within_free_slots_there_is_no_wait() {
        assert_eq!(estimated_wait_ms(1, desk(3, 1), 600_000), Some(0));
        assert_eq!(estimated_wait_ms(2, desk(3, 2), 600_000), Some(0));
    }

    #[test]
    fn beyond_them_each_round_of_slots_takes_one_average_chat() {
        assert_eq!(estimated_wait_ms(1, desk(3, 0), 600_000), Some(600_000));
        assert_eq!(estimated_wait_ms(3, desk(3, 0), 600_000), Some(600_000));
        assert_eq!(estimated_wait_ms(4, desk(3, 0), 600_000), Some(1_200_000));
        assert_eq!(estimated_wait_ms(5, desk(3, 1), 600_000), Some(1_200_000));
    }

    #[test]
    fn nobody_taking_chats_has_no_estimate() {
        assert_eq!(estimated_wait_ms(1, desk(0, 0), 600_000), None);
        assert!(wait_in_words(None).contains("leave a message"));
    }

    #[test]
    fn the_estimate_is_at_least_a_minute_and_reads_in_minutes() {
        assert_eq!(estimated_wait_ms(1, desk(1, 0), 5_000), Some(MINUTE_MS));
        assert_eq!(wait_in_words(Some(90_000)), "About 2 minutes.");
        assert_eq!(wait_in_words(Some(MINUTE_MS)), "About 1 minute.");
    }
}
