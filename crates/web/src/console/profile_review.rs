//! The agent's side of profile approval (seed 001): on a `profiles` case, the profile with its
//! verified skills, the accounts it is linked to (one person, one account), the letter each
//! refusal would send, and the decision; on a `multiple_accounts` or `account_sharing` case, the
//! linked accounts.

use super::forms::ConsoleForm;
use super::layout::{after_post, app_error};
use super::session::Viewer;
use crate::WebState;
use axum::extract::{Path, State};
use axum::response::Response;
use trustwork_app::profile_approval::ProfileDecision;
use trustwork_core::profile_approval::RejectionReason;
use trustwork_core::review::{Queue, ReviewCase};

/// The profile under review, as the agent reads it.
pub struct ProfileUnderReview {
    pub title: String,
    pub rate: String,
    pub skills: Vec<String>,
    pub verified_skills: Vec<String>,
    pub visibility: &'static str,
    pub status: &'static str,
    /// Portfolio items as (title, description, link, file ids).
    pub portfolio: Vec<(String, String, String, Vec<String>)>,
    pub account_id: String,
    /// Certificates, schools and languages, each in a line of words.
    pub certificates: Vec<String>,
    pub education: Vec<String>,
    pub languages: String,
    /// Each refusal reason with the letter it sends: (code, label, subject, body).
    pub letters: Vec<(&'static str, &'static str, String, String)>,
}

/// Another account linked to the case's account, as a row.
pub struct LinkRow {
    pub account_id: String,
    pub strength: u8,
    /// "the same device: dev-77 (strong)", …
    pub links: Vec<String>,
}

/// The accounts linked to the subject, on the cases where who uses the account matters.
pub async fn links_of(s: &WebState, case: &ReviewCase) -> Vec<LinkRow> {
    if !matches!(
        case.queue,
        Queue::Profiles | Queue::MultipleAccounts | Queue::AccountSharing
    ) {
        return Vec::new();
    }
    s.app
        .linked_accounts(&case.subject_account_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|l| LinkRow {
            account_id: l.account_id,
            strength: l.strength,
            links: l
                .links
                .iter()
                .map(|k| format!("{}: {} ({})", k.kind.describe(), k.value, k.strength))
                .collect(),
        })
        .collect()
}

/// The profile of a `profiles` case.
pub async fn profile_of(s: &WebState, case: &ReviewCase) -> Option<ProfileUnderReview> {
    if case.queue != Queue::Profiles {
        return None;
    }
    let p = s.app.profile(&case.subject_account_id).await.ok()??;
    let verified = s
        .app
        .skill_test_results(&case.subject_account_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.passed)
        .map(|r| format!("{} (Top {}%)", r.test_name, r.top_percent))
        .collect();
    let d = &p.input.details;
    let name = |slug: &String| {
        trustwork_core::skills::find(slug).map_or_else(|| slug.clone(), |k| k.name.clone())
    };
    Some(ProfileUnderReview {
        title: p.input.title.clone(),
        rate: format!("{} an hour", super::views::money(p.input.hourly_rate_cents)),
        skills: p.input.skills.iter().map(name).collect(),
        verified_skills: verified,
        visibility: p.input.visibility.as_str(),
        status: p.approval.status.label(),
        account_id: p.account_id.clone(),
        portfolio: d
            .portfolio
            .iter()
            .map(|i| {
                (
                    i.title.clone(),
                    i.description.clone(),
                    i.link.clone().unwrap_or_default(),
                    i.files.clone(),
                )
            })
            .collect(),
        certificates: d
            .certificates
            .iter()
            .map(|c| {
                let year = c.year.map(|y| format!(", {y}")).unwrap_or_default();
                format!("{} ({}{year})", c.name, c.issuer)
            })
            .collect(),
        education: d
            .education
            .iter()
            .map(|e| {
                let years = match (e.from_year, e.to_year) {
                    (Some(a), Some(b)) => format!(", {a}–{b}"),
                    (Some(a), None) => format!(", from {a}"),
                    (None, Some(b)) => format!(", until {b}"),
                    (None, None) => String::new(),
                };
                format!("{}: {}{years}", e.school, e.degree)
            })
            .collect(),
        languages: d
            .languages
            .iter()
            .map(|l| format!("{} ({})", l.language, l.level))
            .collect::<Vec<_>>()
            .join(", "),
        letters: RejectionReason::ALL
            .iter()
            .map(|r| {
                let (subject, body) = s.app.profile_letter_preview(*r, "");
                (r.as_str(), r.label(), subject, body)
            })
            .collect(),
    })
}

#[derive(serde::Deserialize)]
pub struct ProfileDecisionForm {
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// `POST /review/{id}/profile`: approve, refuse with a reason, or ask for changes.
pub async fn decide(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<ProfileDecisionForm>,
) -> Response {
    let case = match super::review::case_to_decide(
        &s,
        &viewer,
        &id,
        &f.csrf,
        |c| c.queue == Queue::Profiles,
        "This case is not a profile's review.",
    )
    .await
    {
        Ok(c) => c,
        Err(r) => return r,
    };
    let here = format!("/review/{id}");
    // The case on screen must be the submission waiting: an old case of an earlier submission
    // does not decide the new one.
    let current = match s.app.profile(&case.subject_account_id).await {
        Ok(p) => p.and_then(|p| p.approval.review_case_id),
        Err(e) => return app_error(&e),
    };
    if current.as_deref() != Some(case.id.as_str()) {
        return after_post(
            &s,
            &viewer,
            &here,
            Err(trustwork_app::AppError::Conflict(
                "this case's submission was decided already; the profile's current case is the one to decide".into(),
            )),
            super::views::member_error,
        );
    }
    let decision = ProfileDecision::parse(&f.decision, Some(&f.reason));
    let result = match decision {
        Ok(d) => s
            .app
            .review_profile(viewer.id(), &case.subject_account_id, d, &f.note)
            .await
            .map(|p| format!("Profile: {}.", p.approval.status.label().to_lowercase())),
        Err(e) => Err(e),
    };
    after_post(&s, &viewer, &here, result, super::views::member_error)
}
