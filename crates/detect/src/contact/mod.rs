//! Contact information: e-mails, phone numbers, URLs, handles, app invitations and requests for
//! contact details. Runs the detectors in an order where the more specific claims tokens first
//! (an e-mail's host is not reported again as a URL, its digits not as a phone number).

pub(crate) mod apps;
mod domain;
mod email;
mod phone;
mod url;

use crate::doc::Doc;

pub(crate) use domain::is_allowed;

/// The operator's domains: never reported.
pub(crate) struct Allow<'a> {
    pub config: &'a [String],
    pub context: &'a [String],
}

impl Allow<'_> {
    pub fn allows(&self, host: &str) -> bool {
        domain::is_reserved(host)
            || self
                .config
                .iter()
                .chain(self.context.iter())
                .any(|a| is_allowed(host, a))
    }
}

/// Runs every contact-info detector over `d`.
pub(crate) fn detect(d: &mut Doc<'_>, allow: &Allow<'_>) {
    let mut used = vec![false; d.t.len() + 1];
    email::detect(d, allow, &mut used);
    url::detect(d, allow, &mut used);
    apps::detect(d, &mut used);
    phone::detect(d, &mut used);
}

#[cfg(test)]
mod tests;
