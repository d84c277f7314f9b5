//! The verification queue's estimate of the wait, from how long recent calls took.

use crate::timestamp::MINUTE_MS;

/// Until there are calls to learn from, a call is taken to last the seed's ten minutes.
pub const DEFAULT_HANDLING_MS: i64 = 10 * MINUTE_MS;

/// The estimated wait in seconds for the member at `position` (1 = next), with `agents`
/// agents available and `recent_handling_ms` the durations of recently finished calls.
/// With no agent available everyone ahead, and the member's own turn, wait for one to come.
pub fn estimated_wait_seconds(position: usize, agents: usize, recent_handling_ms: &[i64]) -> i64 {
    let usable: Vec<i64> = recent_handling_ms
        .iter()
        .copied()
        .filter(|ms| *ms > 0)
        .collect();
    let average = if usable.is_empty() {
        DEFAULT_HANDLING_MS
    } else {
        usable.iter().sum::<i64>() / usable.len() as i64
    };
    let ahead = position.saturating_sub(1) as i64;
    let rounds = if agents == 0 {
        ahead + 1
    } else {
        ahead / agents as i64
    };
    rounds * average / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_in_line_with_an_agent_waits_no_round() {
        assert_eq!(estimated_wait_seconds(1, 1, &[]), 0);
        assert_eq!(estimated_wait_seconds(2, 1, &[]), 600);
        assert_eq!(estimated_wait_seconds(3, 2, &[300_000, 100_000]), 200);
    }

    #[test]
    fn nobody_available_means_waiting_for_a_call_to_end() {
        assert_eq!(estimated_wait_seconds(1, 0, &[120_000]), 120);
        assert_eq!(estimated_wait_seconds(0, 0, &[-5]), 600);
    }
}

/// Where a member's visit to the verification queue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// In the queue, not yet taken by an agent.
    Waiting,
    /// An agent took the member: chat, then the video call.
    WithAgent,
    /// The agent finished (an outcome was recorded or the call was closed).
    Ended,
    /// The member left the queue before an agent took them.
    Left,
}

impl CallStatus {
    pub const ALL: [CallStatus; 4] = [
        CallStatus::Waiting,
        CallStatus::WithAgent,
        CallStatus::Ended,
        CallStatus::Left,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CallStatus::Waiting => "waiting",
            CallStatus::WithAgent => "with_agent",
            CallStatus::Ended => "ended",
            CallStatus::Left => "left",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub const fn is_live(self) -> bool {
        matches!(self, CallStatus::Waiting | CallStatus::WithAgent)
    }
}
