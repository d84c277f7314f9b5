//! Trustwork's use cases. Each public method of [`App`] loads state from the store, asks the pure
//! domain (`trustwork-core`) what should happen, and writes the change, its audit record and its
//! emails in one transaction. Workers deliver the emails and fire the timers after commit.

mod app;
mod audit;
mod clock;
mod error;
mod evidence;
mod identity;
mod mailer;
mod nodes;
mod notices;
mod password;
mod provider_http;
mod tokens;

pub mod accounts;
pub mod appeals;
pub mod auth;
pub mod contracts;
pub mod conversations;
pub mod demo;
pub mod events;
pub mod histogram;
pub mod jobs;
pub mod marketplace;
pub mod payments;
pub mod phone;
pub mod portfolio_files;
pub mod profile_approval;
pub mod profiles;
pub mod review;
pub mod skill_tests;
pub mod standing;
pub mod thread_calls;
pub mod tickets;
pub mod verification;
pub mod verification_call;
pub mod webhooks;
pub mod workers;

pub use app::{App, AppConfig, IceServer, WeakApp};
pub use clock::{Clock, ClockNotAdjustable, FakeClock, OffsetClock, SharedClock, SystemClock};
pub use error::{AppError, AppResult};
pub use evidence::EvidenceFile;
pub use mailer::{DevMailbox, Email, MailError, MailFuture, Mailer, SmtpMailer};
pub use webhooks::WebhookConfig;

/// The records the layers above show as they are stored (none carries a secret; an account is
/// shown as [`accounts::AccountView`], without its password hash).
pub mod records {
    pub use trustwork_store::chats::{Chat, ChatLine, SupportAgent};
    pub use trustwork_store::contracts::{
        Dispute, Milestone, MilestoneStep, NdaAcceptance, PaymentMethod,
    };
    pub use trustwork_store::conversations::{Invitation, ThreadCall};
    pub use trustwork_store::feedback::{Feedback, Payout};
    pub use trustwork_store::live_verification::{
        ChatMessage, Evidence, Question, VerificationCall, VerificationSession,
    };
    pub use trustwork_store::marketplace::{Contract, JobPost, JobReview, Proposal, Withdrawal};
    pub use trustwork_store::portfolio_files::PortfolioFile;
    pub use trustwork_store::profiles::Profile;
    pub use trustwork_store::review::QueueStats;
    pub use trustwork_store::ticket_desk::{TicketAttachment, TicketMacro};
    pub use trustwork_store::timers::{Backlog, Timer};
    pub use trustwork_store::webhooks::{WebhookDelivery, WebhookSubscription};
}
