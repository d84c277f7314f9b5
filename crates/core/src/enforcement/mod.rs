//! Enforcement: events in, explained decisions out. Pure: the application loads the state, runs
//! the detectors and stores what this module decides.

pub mod decide;
pub mod event;
pub mod policy;
mod shape;

pub use decide::{AccountInput, EventInput, FindingInput, Input, Outcome, decide, escalate};
pub use event::{Event, EventData, EventError, EventType, TextSource, parse_event};
pub use policy::{Action, ActionKind, Mode, Policy, PolicyError, Verdict};
