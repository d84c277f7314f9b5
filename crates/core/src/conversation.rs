//! Conversations between members (seed 002): threads tied to a job, a proposal or a contract
//! (or direct), their messages, invitations to interview, and calls started in a thread.

use crate::marketplace::{JobStatus, ProposalStatus, string_enum};
use crate::timestamp::Timestamp;

/// The longest message a member may type in the console (the API's events take more).
pub const MAX_MESSAGE_CHARS: usize = 5_000;

/// A call nobody answers within this long is missed.
pub const RING_TIMEOUT_MS: i64 = 60_000;

string_enum!(
    /// What a thread is about. An interview thread belongs to its proposal and stays after
    /// hiring, declining or closing.
    ThreadKind {
        Job => "job",
        Proposal => "proposal",
        Contract => "contract",
        Direct => "direct",
    }
);

impl ThreadKind {
    /// The kind of a thread first seen in a `message.sent` event, from what it names (the most
    /// specific wins).
    pub fn of(contract: bool, proposal: bool, job: bool) -> Self {
        if contract {
            ThreadKind::Contract
        } else if proposal {
            ThreadKind::Proposal
        } else if job {
            ThreadKind::Job
        } else {
            ThreadKind::Direct
        }
    }
}

string_enum!(
    /// A message after its decision: a blocked message is kept for review but never reaches
    /// its recipients.
    MessageStatus {
        Delivered => "delivered",
        Blocked => "blocked",
    }
);

impl MessageStatus {
    pub const fn after_decision(blocked: bool) -> Self {
        if blocked {
            MessageStatus::Blocked
        } else {
            MessageStatus::Delivered
        }
    }

    /// Whether `viewer` sees the message: its sender always (with the reason it was blocked),
    /// anyone else only once delivered.
    pub fn visible_to(self, sender_id: &str, viewer_id: &str) -> bool {
        self == MessageStatus::Delivered || sender_id == viewer_id
    }
}

/// A thread's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: String,
    pub kind: ThreadKind,
    /// The job, proposal or contract it is about; none for a direct thread.
    pub subject_id: Option<String>,
    pub created_at: Timestamp,
}

/// A message as kept. Its id is its `message.sent` event's id (a message's review case names
/// it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    pub thread_id: String,
    pub sender_id: String,
    pub recipient_ids: Vec<String>,
    pub body: String,
    pub status: MessageStatus,
    pub decision_id: String,
    pub created_at: Timestamp,
}

string_enum!(
    /// A client's invitation to a freelancer to interview for a job.
    InvitationStatus {
        Sent => "sent",
        Accepted => "accepted",
        Declined => "declined",
    }
);

/// Why the client may not invite the freelancer to the job now (`None` when she may): only an
/// open job, once per freelancer and job, and not someone who already proposed on it.
pub fn why_not_invite(
    job: JobStatus,
    earlier_invitation: bool,
    proposals: &[ProposalStatus],
) -> Option<&'static str> {
    if job != JobStatus::Open {
        Some("only an open job takes invitations")
    } else if earlier_invitation {
        Some("this freelancer was already invited to this job")
    } else if proposals
        .iter()
        .any(|p| p.is_active() || *p == ProposalStatus::Hired)
    {
        Some("this freelancer already has a proposal for this job")
    } else {
        None
    }
}

/// Why an invitation can no longer be answered.
pub fn why_not_answer(status: InvitationStatus) -> Option<&'static str> {
    match status {
        InvitationStatus::Sent => None,
        InvitationStatus::Accepted => Some("the invitation was already accepted"),
        InvitationStatus::Declined => Some("the invitation was already declined"),
    }
}

/// Seed 002: an interview starts when the client replies to a proposal. `Some` is the status
/// the client's reply moves it to.
pub fn after_client_reply(status: ProposalStatus) -> Option<ProposalStatus> {
    match status {
        ProposalStatus::Submitted => Some(ProposalStatus::Interviewing),
        _ => None,
    }
}

string_enum!(CallKind {
    Video => "video",
    Voice => "voice",
});

string_enum!(
    /// A call in a thread: ringing until the other side joins, ended by either side (missed
    /// if it never connected).
    CallState {
        Ringing => "ringing",
        Connected => "connected",
        Ended => "ended",
        Missed => "missed",
    }
);

/// Where a call stands, from its record.
pub fn call_state(
    started_at: Timestamp,
    connected_at: Option<Timestamp>,
    ended_at: Option<Timestamp>,
    now: Timestamp,
) -> CallState {
    match (connected_at, ended_at) {
        (Some(_), Some(_)) => CallState::Ended,
        (None, Some(_)) => CallState::Missed,
        (Some(_), None) => CallState::Connected,
        (None, None) if now.millis() - started_at.millis() > RING_TIMEOUT_MS => CallState::Missed,
        (None, None) => CallState::Ringing,
    }
}

/// How long a call lasted, in whole seconds, from connection to end.
pub fn call_duration_seconds(connected_at: Option<Timestamp>, ended_at: Option<Timestamp>) -> i64 {
    match (connected_at, ended_at) {
        (Some(c), Some(e)) => ((e.millis() - c.millis()).max(0)) / 1000,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    #[test]
    fn a_blocked_message_is_seen_only_by_its_sender() {
        let blocked = MessageStatus::after_decision(true);
        assert!(blocked.visible_to("f1", "f1"));
        assert!(!blocked.visible_to("f1", "c1"));
        let delivered = MessageStatus::after_decision(false);
        assert!(delivered.visible_to("f1", "c1"));
    }

    #[test]
    fn the_most_specific_subject_names_the_thread() {
        assert_eq!(ThreadKind::of(true, true, true), ThreadKind::Contract);
        assert_eq!(ThreadKind::of(false, true, true), ThreadKind::Proposal);
        assert_eq!(ThreadKind::of(false, false, true), ThreadKind::Job);
        assert_eq!(ThreadKind::of(false, false, false), ThreadKind::Direct);
    }

    #[test]
    fn invitations_only_to_open_jobs_once_and_not_after_a_proposal() {
        use ProposalStatus::*;
        assert_eq!(why_not_invite(JobStatus::Open, false, &[]), None);
        assert!(why_not_invite(JobStatus::PendingReview, false, &[]).is_some());
        assert!(why_not_invite(JobStatus::Closed, false, &[]).is_some());
        assert!(why_not_invite(JobStatus::Open, true, &[]).is_some());
        assert!(why_not_invite(JobStatus::Open, false, &[Submitted]).is_some());
        assert!(why_not_invite(JobStatus::Open, false, &[Hired]).is_some());
        assert_eq!(
            why_not_invite(JobStatus::Open, false, &[Withdrawn, Declined]),
            None
        );
        assert_eq!(why_not_answer(InvitationStatus::Sent), None);
        assert!(why_not_answer(InvitationStatus::Accepted).is_some());
    }

    #[test]
    fn only_a_submitted_proposal_moves_to_interviewing_on_a_reply() {
        assert_eq!(
            after_client_reply(ProposalStatus::Submitted),
            Some(ProposalStatus::Interviewing)
        );
        for s in ProposalStatus::ALL
            .iter()
            .filter(|s| **s != ProposalStatus::Submitted)
        {
            assert_eq!(after_client_reply(*s), None, "{s:?}");
        }
    }

    #[test]
    fn calls_ring_connect_end_or_are_missed() {
        assert_eq!(call_state(at(0), None, None, at(1_000)), CallState::Ringing);
        assert_eq!(
            call_state(at(0), None, None, at(RING_TIMEOUT_MS + 1)),
            CallState::Missed
        );
        assert_eq!(
            call_state(at(0), Some(at(5_000)), None, at(900_000)),
            CallState::Connected
        );
        assert_eq!(
            call_state(at(0), Some(at(5_000)), Some(at(65_400)), at(900_000)),
            CallState::Ended
        );
        assert_eq!(
            call_state(at(0), None, Some(at(9_000)), at(9_000)),
            CallState::Missed
        );
        assert_eq!(call_duration_seconds(Some(at(5_000)), Some(at(65_400))), 60);
        assert_eq!(call_duration_seconds(None, Some(at(65_400))), 0);
    }

    #[test]
    fn names_round_trip() {
        for k in ThreadKind::ALL {
            assert_eq!(ThreadKind::parse(k.as_str()), Some(*k));
        }
        for s in InvitationStatus::ALL {
            assert_eq!(InvitationStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(CallKind::parse("video"), Some(CallKind::Video));
        assert_eq!(MessageStatus::parse("lost"), None);
    }
}
