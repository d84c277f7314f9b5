//! The named verbs an account may or may not do. Every path that performs one of them asks
//! [`crate::standing::permission`] first.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Login,
    SubmitProposal,
    WithdrawEarnings,
    AppearInSearch,
    PostJob,
    StartContract,
    WorkOnActiveContracts,
    /// Messaging the other party of an active contract. Reaching out to strangers is governed by
    /// the enforcement pipeline, not by standing.
    SendMessages,
}

impl Capability {
    pub const ALL: [Capability; 8] = [
        Capability::Login,
        Capability::SubmitProposal,
        Capability::WithdrawEarnings,
        Capability::AppearInSearch,
        Capability::PostJob,
        Capability::StartContract,
        Capability::WorkOnActiveContracts,
        Capability::SendMessages,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::Login => "login",
            Capability::SubmitProposal => "submit_proposal",
            Capability::WithdrawEarnings => "withdraw_earnings",
            Capability::AppearInSearch => "appear_in_search",
            Capability::PostJob => "post_job",
            Capability::StartContract => "start_contract",
            Capability::WorkOnActiveContracts => "work_on_active_contracts",
            Capability::SendMessages => "send_messages",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// What a person reads in the console, e.g. "submit proposals".
    pub const fn describe(self) -> &'static str {
        match self {
            Capability::Login => "sign in",
            Capability::SubmitProposal => "submit proposals",
            Capability::WithdrawEarnings => "withdraw earnings",
            Capability::AppearInSearch => "appear in search results",
            Capability::PostJob => "post jobs",
            Capability::StartContract => "start new contracts",
            Capability::WorkOnActiveContracts => "work on active contracts",
            Capability::SendMessages => "send messages on active contracts",
        }
    }
}

/// A set of capabilities as a bit mask: cheap to copy, compare and store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CapabilitySet(u16);

impl CapabilitySet {
    pub const EMPTY: CapabilitySet = CapabilitySet(0);

    pub const fn of(caps: &[Capability]) -> Self {
        let mut bits = 0u16;
        let mut i = 0;
        while i < caps.len() {
            bits |= 1 << (caps[i] as u16);
            i += 1;
        }
        CapabilitySet(bits)
    }

    pub const fn all() -> Self {
        Self::of(&Capability::ALL)
    }

    pub const fn contains(self, cap: Capability) -> bool {
        self.0 & (1 << (cap as u16)) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL
            .into_iter()
            .filter(move |c| self.contains(*c))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Comma-separated names, the form stored in the database.
    pub fn to_text(self) -> String {
        self.iter()
            .map(Capability::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Parses [`Self::to_text`]; `None` names the first unknown capability.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut bits = 0u16;
        for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let cap = Capability::parse(name).ok_or_else(|| name.to_owned())?;
            bits |= 1 << (cap as u16);
        }
        Ok(CapabilitySet(bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for cap in Capability::ALL {
            assert_eq!(Capability::parse(cap.as_str()), Some(cap));
        }
    }

    #[test]
    fn set_text_round_trips() {
        let set = CapabilitySet::of(&[Capability::PostJob, Capability::Login]);
        assert_eq!(set.to_text(), "login,post_job");
        assert_eq!(CapabilitySet::parse(&set.to_text()), Ok(set));
        assert_eq!(CapabilitySet::parse(""), Ok(CapabilitySet::EMPTY));
        assert_eq!(CapabilitySet::parse("login,fly"), Err("fly".to_owned()));
        assert_eq!(CapabilitySet::all().iter().count(), Capability::ALL.len());
    }
}
