//! Contact information: e-mails, phone numbers, URLs, handles, app invitations and requests for
//! contact details. Runs the detectors in an order where the more specific claims tokens first
//! (an e-mail's host is not reported again as a URL, its digits not as a phone number).

pub(crate) mod apps;
mod domain;
mod email;
mod handles;
mod intl;
mod phone;
mod requests;
mod spoken;
mod url;

use crate::doc::Doc;
#[cfg(test)]
use crate::prefilter::C_ALL;
use crate::prefilter::{C_APPS, C_EMAIL, C_INTL, C_PHONE, C_URL};

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
#[cfg(test)]
pub(crate) fn detect(d: &mut Doc<'_>, allow: &Allow<'_>) {
    detect_parts(d, allow, C_ALL);
}

/// Runs the contact-info detectors of `parts` (`prefilter::C_*`) over `d`. The prefilter leaves
/// out only detectors that find nothing in the text: a detector that finds nothing marks no token
/// used, so the others see what they would after it.
pub(crate) fn detect_parts(d: &mut Doc<'_>, allow: &Allow<'_>, parts: u8) {
    let mut used = vec![false; d.t.len() + 1];
    if parts & C_EMAIL != 0 {
        email::detect(d, allow, &mut used);
    }
    if parts & C_URL != 0 {
        url::detect(d, allow, &mut used);
    }
    if parts & C_APPS != 0 {
        apps::detect(d, &mut used, parts & C_INTL != 0);
    }
    if parts & C_PHONE != 0 {
        phone::detect(d, &mut used);
    }
}

#[cfg(test)]
mod tests;
