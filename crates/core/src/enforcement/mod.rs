//! Enforcement: events in, explained decisions out. Pure: the application loads the state, runs
//! the detectors and stores what this module plans.

pub mod counters;
pub mod decide;
pub mod event;
pub mod plan;
pub mod policy;
mod shape;

pub use decide::{AccountInput, EventInput, FindingInput, Input, Outcome, decide, escalate};
pub use event::{Event, EventData, EventError, EventType, TextSource, parse_event};
pub use plan::{ActorFacts, CaseRequest, Plan, PlanInput, PlannedAction, plan};
pub use policy::{Action, ActionKind, Mode, Policy, PolicyError, Verdict};
