//! Who a person is to the marketplace. One login per person, one role per login.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Freelancer,
    Client,
    /// Trust & safety agent.
    Agent,
    /// Support agent (tickets, chat).
    Support,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Freelancer,
        Role::Client,
        Role::Agent,
        Role::Support,
        Role::Admin,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Freelancer => "freelancer",
            Role::Client => "client",
            Role::Agent => "agent",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Operator staff: may look at other people's accounts.
    pub const fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Support | Role::Admin)
    }

    /// May take trust & safety actions (require verification, apply or lift holds).
    pub const fn may_enforce(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
