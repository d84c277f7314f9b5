//! Trustwork's domain: who may do what, and why.
//!
//! Everything here is pure: no I/O, no async, and the current time is always an argument. The
//! application layer loads state, asks these functions what should happen, and stores the answer
//! in one transaction. That keeps every rule in one place and every deadline testable with a
//! fake clock.

pub mod actor;
pub mod appeal;
pub mod audit;
pub mod browser;
pub mod business_calendar;
pub mod capability;
pub mod contracts;
pub mod conversation;
pub mod enforcement;
pub mod error;
pub mod evidence;
pub mod identity_links;
pub mod job_success;
pub mod live_chat;
pub mod marketplace;
pub mod net;
pub mod phone;
pub mod policy;
pub mod profile;
pub mod profile_approval;
pub mod profile_details;
pub mod restriction;
pub mod review;
pub mod role;
pub mod search;
pub mod sign_in;
pub mod skill_attempts;
pub mod skill_tests;
pub mod skills;
pub mod standing;
pub mod support_report;
pub mod tickets;
pub mod timestamp;
pub mod verification;
pub mod verification_questions;
pub mod verification_queue;
pub mod webhook;
pub mod work_diary;

pub use actor::Actor;
pub use capability::Capability;
pub use error::DomainError;
pub use policy::PolicyConfig;
pub use restriction::{LiftCondition, ReasonCode, RequiredAction, Restriction, Severity};
pub use role::Role;
pub use standing::{Permission, Standing};
pub use timestamp::{DAY_MS, HOUR_MS, Timestamp};
