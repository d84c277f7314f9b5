//! Who caused a change: a person, one of the operator's systems, or Trustwork itself.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in person, by account id.
    Account(String),
    /// An operator system calling the API with a bearer token, by token id.
    ApiToken(String),
    /// Trustwork itself, e.g. `timer` or `demo_seed`.
    System(String),
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Actor::System(what.to_owned())
    }

    /// The stable text form stored in the database, e.g. `account:acc_123`.
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (kind, id) = text.split_once(':')?;
        let id = id.to_owned();
        match kind {
            "account" => Some(Actor::Account(id)),
            "api_token" => Some(Actor::ApiToken(id)),
            "system" => Some(Actor::System(id)),
            _ => None,
        }
    }

    pub fn account_id(&self) -> Option<&str> {
        match self {
            Actor::Account(id) => Some(id),
            _ => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Account(id) => write!(f, "account:{id}"),
            Actor::ApiToken(id) => write!(f, "api_token:{id}"),
            Actor::System(id) => write!(f, "system:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for actor in [
            Actor::Account("acc_1".into()),
            Actor::ApiToken("tok_1".into()),
            Actor::system("timer"),
        ] {
            assert_eq!(Actor::parse(&actor.to_text()), Some(actor));
        }
        assert_eq!(Actor::parse("nobody"), None);
        assert_eq!(Actor::parse("robot:1"), None);
    }
}
