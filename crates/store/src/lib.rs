//! Trustwork's storage: the only crate that knows SQL.
//!
//! One code path for SQLite (the embedded default) and PostgreSQL (the scale path) through sqlx's
//! `Any` driver and a portable schema. Every repository function is a method on [`Tx`], so a use
//! case can change state, write its audit record and queue its emails in one transaction.

mod checkpoint;
pub mod db;
mod error;
mod ids;
mod rows;

pub mod accounts;
pub mod appeals;
pub mod audit;
pub mod auth;
mod changes;
pub mod chats;
pub mod contracts;
pub mod conversations;
pub mod events;
pub mod feedback;
mod group;
pub mod identity_graph;
pub mod live_verification;
pub mod marketplace;
pub mod outbox;
pub mod phone;
pub mod portfolio_files;
pub mod profiles;
pub mod restrictions;
pub mod review;
pub mod settings;
pub mod signals;
pub mod skill_tests;
pub mod testing;
pub mod ticket_desk;
pub mod tickets;
pub mod timers;
pub mod verification;
pub mod webhooks;

pub use db::{Backend, Db, Listener, Tx};
pub use error::StoreError;
pub use group::{GroupRows, GroupStart, NewTimer};
pub use ids::new_id;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
