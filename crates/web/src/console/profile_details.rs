//! Settings → Profile → Portfolio and background: portfolio items, certificates, education and
//! languages, edited as rows (one empty row per list to add to; a row left without its first
//! field is removed). Saved with the rest of the profile through the detectors; what was typed
//! stays when it is refused.

use super::forms::FormPairs;
use super::layout::{Flash, Kind, Layout, app_error, flash, render};
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use trustwork_app::AppError;
use trustwork_core::Role;
use trustwork_core::profile_details::{
    Certificate, Education, LANGUAGE_LEVELS, Language, PortfolioItem, ProfileDetails,
};

/// One row of a list as the form shows it: its fields' values, typed or saved.
struct Row(Vec<String>);

impl Row {
    /// A portfolio row's file ids (its fourth field, comma-separated).
    fn files(&self) -> Vec<&str> {
        self.0
            .get(3)
            .map(|f| f.split(',').filter(|f| !f.is_empty()).collect())
            .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "profile_details.html")]
struct DetailsPage {
    layout: Layout,
    /// The saved portfolio items a file may be added to: (1-based number, title). Taken from
    /// what is saved, not from rows typed and refused.
    uploads: Vec<(usize, String)>,
    portfolio: Vec<Row>,
    certificates: Vec<Row>,
    education: Vec<Row>,
    languages: Vec<Row>,
    levels: [&'static str; 4],
}

fn year_text(y: Option<i32>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
}

/// The saved lists as rows, each with one empty row to add to.
fn rows_of(d: &ProfileDetails) -> [Vec<Row>; 4] {
    let mut portfolio: Vec<Row> = d
        .portfolio
        .iter()
        .map(|p| {
            Row(vec![
                p.title.clone(),
                p.description.clone(),
                p.link.clone().unwrap_or_default(),
                p.files.join(","),
            ])
        })
        .collect();
    let mut certificates: Vec<Row> = d
        .certificates
        .iter()
        .map(|c| Row(vec![c.name.clone(), c.issuer.clone(), year_text(c.year)]))
        .collect();
    let mut education: Vec<Row> = d
        .education
        .iter()
        .map(|e| {
            Row(vec![
                e.school.clone(),
                e.degree.clone(),
                year_text(e.from_year),
                year_text(e.to_year),
            ])
        })
        .collect();
    let mut languages: Vec<Row> = d
        .languages
        .iter()
        .map(|l| Row(vec![l.language.clone(), l.level.clone()]))
        .collect();
    portfolio.push(Row(vec![String::new(); 4]));
    certificates.push(Row(vec![String::new(); 3]));
    education.push(Row(vec![String::new(); 4]));
    languages.push(Row(vec![String::new(), "fluent".into()]));
    [portfolio, certificates, education, languages]
}

fn page(layout: Layout, rows: [Vec<Row>; 4], saved: &ProfileDetails) -> DetailsPage {
    let [portfolio, certificates, education, languages] = rows;
    DetailsPage {
        layout,
        uploads: saved
            .portfolio
            .iter()
            .enumerate()
            .map(|(i, p)| (i + 1, p.title.clone()))
            .collect(),
        portfolio,
        certificates,
        education,
        languages,
        levels: LANGUAGE_LEVELS,
    }
}

const PATH: &str = "/settings/profile/details";

/// `GET /settings/profile/details`.
pub async fn form(State(s): State<WebState>, viewer: Viewer, Query(f): Query<Flash>) -> Response {
    if let Err(r) = viewer.require(&[Role::Freelancer]) {
        return r;
    }
    let details = match s.app.profile(viewer.id()).await {
        Ok(p) => p.map(|p| p.input.details).unwrap_or_default(),
        Err(e) => return app_error(&e),
    };
    let layout = Layout::new(
        &s,
        &viewer,
        "/settings/profile",
        "Portfolio and background",
        f,
    )
    .await;
    render(&page(layout, rows_of(&details), &details))
}

/// The form's columns as rows: `names` are the fields of one row.
fn typed_rows(f: &FormPairs, names: &[&str]) -> Vec<Row> {
    let columns: Vec<Vec<String>> = names.iter().map(|n| f.all(n)).collect();
    let n = columns.iter().map(Vec::len).max().unwrap_or(0);
    (0..n)
        .map(|i| {
            Row(columns
                .iter()
                .map(|c| c.get(i).cloned().unwrap_or_default())
                .collect())
        })
        .collect()
}

fn year(field: &'static str, i: usize, text: &str) -> Result<Option<i32>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i32>()
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("item {}: a year such as 2021", i + 1)))
}

/// The details the rows describe (rows without their first field are left out).
fn details_of(rows: &[Vec<Row>; 4]) -> Result<ProfileDetails, AppError> {
    let kept = |rows: &Vec<Row>| -> Vec<Vec<String>> {
        rows.iter()
            .filter(|r| r.0.first().is_some_and(|v| !v.trim().is_empty()))
            .map(|r| r.0.clone())
            .collect()
    };
    let [portfolio, certificates, education, languages] = rows;
    let mut d = ProfileDetails::default();
    for r in kept(portfolio) {
        d.portfolio.push(PortfolioItem {
            title: r[0].clone(),
            description: r[1].clone(),
            link: Some(r[2].clone()).filter(|l| !l.trim().is_empty()),
            files: r[3]
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect(),
        });
    }
    for (i, r) in kept(certificates).into_iter().enumerate() {
        d.certificates.push(Certificate {
            name: r[0].clone(),
            issuer: r[1].clone(),
            year: year("certificates", i, &r[2])?,
        });
    }
    for (i, r) in kept(education).into_iter().enumerate() {
        d.education.push(Education {
            school: r[0].clone(),
            degree: r[1].clone(),
            from_year: year("education", i, &r[2])?,
            to_year: year("education", i, &r[3])?,
        });
    }
    for r in kept(languages) {
        d.languages.push(Language {
            language: r[0].clone(),
            level: r[1].clone(),
        });
    }
    Ok(d)
}

/// `POST /settings/profile/details`: saves the four lists with the rest of the profile.
pub async fn save(
    State(s): State<WebState>,
    viewer: Viewer,
    FormPairs(pairs): FormPairs,
) -> Response {
    let f = FormPairs(pairs);
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(f.one("csrf")))
    {
        return r;
    }
    let rows = [
        typed_rows(&f, &["p_title", "p_description", "p_link", "p_files"]),
        typed_rows(&f, &["c_name", "c_issuer", "c_year"]),
        typed_rows(&f, &["e_school", "e_degree", "e_from", "e_to"]),
        typed_rows(&f, &["l_language", "l_level"]),
    ];
    let result = match (details_of(&rows), s.app.profile(viewer.id()).await) {
        (_, Err(e)) => Err(e),
        (_, Ok(None)) => Err(AppError::Conflict(
            "save your profile's title, overview and rate first".into(),
        )),
        (Err(e), _) => Err(e),
        (Ok(details), Ok(Some(saved))) => {
            let mut input = saved.input;
            input.details = details;
            s.app.put_profile(&viewer.actor(), viewer.id(), input).await
        }
    };
    match result {
        Ok(_) => flash(
            &s,
            &viewer,
            PATH,
            Kind::Notice,
            "Your portfolio and background were saved.",
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let refused = Flash::error(format!("Not saved. {}", member_error(&e)));
            let layout = Layout::new(
                &s,
                &viewer,
                "/settings/profile",
                "Portfolio and background",
                refused,
            )
            .await;
            let saved = s
                .app
                .profile(viewer.id())
                .await
                .ok()
                .flatten()
                .map(|p| p.input.details)
                .unwrap_or_default();
            let mut response = render(&page(layout, rows, &saved));
            *response.status_mut() = crate::error::status_of(&e);
            response
        }
        Err(e) => app_error(&e),
    }
}

/// `POST /settings/profile/details/files`: multipart with `item` (1-based) and `file`; the file is
/// kept and shown on that portfolio item.
pub async fn upload(
    State(s): State<WebState>,
    viewer: Viewer,
    mut multipart: axum::extract::Multipart,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Freelancer]) {
        return r;
    }
    let mut csrf = String::new();
    let mut item = String::new();
    let mut bytes = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let read = match name.as_str() {
                    "file" => field.bytes().await.map(|b| bytes = Some(b.to_vec())),
                    "csrf" => field.text().await.map(|t| csrf = t),
                    "item" => field.text().await.map(|t| item = t),
                    _ => Ok(()),
                };
                if let Err(e) = read {
                    return flash(
                        &s,
                        &viewer,
                        PATH,
                        Kind::Error,
                        &format!("The file could not be read: {}", e.body_text()),
                    );
                }
            }
            Ok(None) => break,
            Err(e) => {
                return flash(
                    &s,
                    &viewer,
                    PATH,
                    Kind::Error,
                    &format!("The file could not be read: {}", e.body_text()),
                );
            }
        }
    }
    if let Err(r) = viewer.check_csrf(&csrf) {
        return r;
    }
    let result = add_file(&s, &viewer, &item, bytes.unwrap_or_default()).await;
    super::layout::after_post(&s, &viewer, PATH, result, member_error)
}

async fn add_file(
    s: &WebState,
    viewer: &Viewer,
    item: &str,
    bytes: Vec<u8>,
) -> Result<String, AppError> {
    let Some(mut profile) = s.app.profile(viewer.id()).await? else {
        return Err(AppError::Conflict("save your profile first".into()));
    };
    let index = item
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .filter(|i| *i < profile.input.details.portfolio.len())
        .ok_or_else(|| AppError::invalid("item", "choose a saved portfolio item"))?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "choose a file"));
    }
    // Checked before the file is kept, so a refusal leaves no file behind.
    let max = trustwork_core::profile_details::MAX_FILES_PER_ITEM;
    if profile.input.details.portfolio[index].files.len() >= max {
        return Err(AppError::Conflict(format!(
            "a portfolio item shows at most {max} files"
        )));
    }
    let file = s.app.add_portfolio_file(viewer.id(), &bytes).await?;
    profile.input.details.portfolio[index].files.push(file.id);
    s.app
        .put_profile(&viewer.actor(), viewer.id(), profile.input)
        .await?;
    Ok("The file was added to your portfolio item.".into())
}

/// `GET /settings/profile/files/{id}`: the freelancer's own file.
pub async fn own_file(
    State(s): State<WebState>,
    viewer: Viewer,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Freelancer]) {
        return r;
    }
    match s.app.portfolio_file(viewer.id(), &id).await {
        Ok((file, bytes)) => super::portfolio_file_response(&file, bytes),
        Err(e) => app_error(&e),
    }
}

/// `GET /agent/accounts/{account}/portfolio-files/{id}`: an agent opens a member's file.
pub async fn agent_file(
    State(s): State<WebState>,
    viewer: Viewer,
    axum::extract::Path((account, id)): axum::extract::Path<(String, String)>,
) -> Response {
    if let Err(r) = viewer.require(super::session::ENFORCERS) {
        return r;
    }
    match s.app.portfolio_file(&account, &id).await {
        Ok((file, bytes)) => super::portfolio_file_response(&file, bytes),
        Err(e) => app_error(&e),
    }
}
