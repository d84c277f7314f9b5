//! One text prepared for the detectors: skeleton, tokens, names, and helpers to report findings with
//! spans in the original text.

use crate::lang::Lang;
use crate::lexicon::{NameHit, find_names, is_negation};
use crate::normalize::Normalized;
use crate::tokens::{TokKind, Tokens, tokenize_owned};
use crate::types::{Category, Finding, Kind};

/// A text prepared once and shared by every detector.
pub(crate) struct Doc<'a> {
    /// The way back to the original text. Its skeleton is in the tokens ([`Doc::skeleton`]):
    /// `norm.as_str()` is empty.
    norm: Normalized<'a>,
    pub t: Tokens,
    pub names: Vec<NameHit>,
    pub findings: Vec<Finding>,
}

impl<'a> Doc<'a> {
    #[cfg(test)]
    pub fn new(text: &'a str) -> Doc<'a> {
        Doc::with_names(text, true)
    }

    #[cfg(test)]
    /// Prepares `text`; app and brand names are looked up only when `names` is set (abuse and
    /// feedback do not need them).
    pub fn with_names(text: &'a str, names: bool) -> Doc<'a> {
        Doc::from_normalized(crate::normalize::normalize(text), names)
    }

    /// Prepares an already normalised text (see [`Doc::with_names`]).
    pub fn from_normalized(mut norm: Normalized<'a>, names: bool) -> Doc<'a> {
        let t = tokenize_owned(norm.take_text());
        let names = if names { find_names(&t) } else { Vec::new() };
        Doc {
            norm,
            t,
            names,
            findings: Vec::new(),
        }
    }

    /// The normalised skeleton of the text.
    pub fn skeleton(&self) -> &str {
        self.t.skeleton()
    }

    /// The skeleton, the way back to the original text and the findings, borrowed together: a
    /// scorer reads the first two while it adds to the third.
    pub fn skeleton_and_findings(&mut self) -> (&str, &Normalized<'a>, &mut Vec<Finding>) {
        (self.t.skeleton(), &self.norm, &mut self.findings)
    }

    /// Original byte span of tokens `a..b`.
    pub fn span(&self, a: usize, b: usize) -> (usize, usize) {
        let s = self.t.toks.get(a).map_or(0, |t| t.start as usize);
        let e = self
            .t
            .toks
            .get(b.saturating_sub(1).max(a))
            .map_or(s, |t| t.end as usize);
        self.norm.original_span(s, e.max(s))
    }

    /// The original text of tokens `a..b`.
    pub fn original_text(&self, a: usize, b: usize) -> &'a str {
        let (s, e) = self.span(a, b);
        self.norm.original().get(s..e).unwrap_or("")
    }

    /// Records a finding for tokens `a..b` whose evidence is language-neutral (an address,
    /// digits, an IBAN): its `language` is None.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        category: Category,
        kind: Kind,
        a: usize,
        b: usize,
        value: String,
        confidence: f32,
        rule: &'static str,
    ) {
        self.record(None, category, kind, (a, b), value, confidence, rule);
    }

    /// Records a finding for tokens `a..b` that rests on words of `lang` (an invitation, a
    /// request, intent to pay, spelled-out digits).
    #[allow(clippy::too_many_arguments)]
    pub fn push_in(
        &mut self,
        lang: Lang,
        category: Category,
        kind: Kind,
        a: usize,
        b: usize,
        value: String,
        confidence: f32,
        rule: &'static str,
    ) {
        let lang = Some(lang.code());
        self.record(lang, category, kind, (a, b), value, confidence, rule);
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        language: Option<&'static str>,
        category: Category,
        kind: Kind,
        (a, b): (usize, usize),
        value: String,
        confidence: f32,
        rule: &'static str,
    ) {
        let (start, end) = self.span(a, b);
        self.findings.push(Finding {
            category,
            kind,
            start,
            end,
            value,
            confidence: confidence.clamp(0.0, 1.0),
            rule,
            language,
        });
    }

    /// True when a negation or policy word occurs in the clause of token `i`, up to `window` tokens
    /// before it (questions like "why don't we ..." are not negations).
    pub fn negated_before(&self, i: usize, window: usize) -> bool {
        let mut from = self.t.clause_start(i, window);
        // A negation does not reach across a comma: "I don't want the fees, can we do X?".
        if let Some(c) = (from..i).rev().find(|&j| self.t.is_sym(j, b',')) {
            from = c + 1;
        }
        (from..i).any(|j| is_negation(&self.t, j) && !self.is_why_question(j))
    }

    /// True when a negation word is among the `window` tokens just before token `i` (same clause).
    pub fn negated_near(&self, i: usize, window: usize) -> bool {
        let from = self.t.clause_start(i, window).max(i.saturating_sub(window));
        (from..i).any(|j| is_negation(&self.t, j))
    }

    fn is_why_question(&self, j: usize) -> bool {
        let lo = j.saturating_sub(4);
        (lo..j).any(|k| self.t.is_word(k, "why") || self.t.is_word(k, "how"))
    }

    /// True when any word in tokens `a..b` satisfies `pred`.
    /// True when the clause around token `i` is talk about scams or fraud (a warning, not a
    /// violation): "Scammers ask you to move to WhatsApp", "asking for gift cards, is that a scam?".
    pub fn scam_talk(&self, i: usize) -> bool {
        let a = self.t.clause_start(i, 20);
        let b = self.t.clause_end(i, 20);
        self.any_word(a, b, |w| {
            matches!(
                w,
                "scam"
                    | "scams"
                    | "scammer"
                    | "scammers"
                    | "scammy"
                    | "fraud"
                    | "fraudulent"
                    | "phishing"
                    | "beware"
                    | "suspicious"
            )
        }) || (a..b).any(|k| {
            self.t.is_word(k, "report")
                && (self.t.is_word(k + 1, "it") || self.t.is_word(k + 1, "them"))
        })
    }

    pub fn any_word(&self, a: usize, b: usize, pred: impl Fn(&str) -> bool) -> bool {
        (a..b.min(self.t.len()))
            .any(|j| self.t.kind(j) == Some(TokKind::Word) && pred(self.t.text(j)))
    }

    /// The index of the first word in tokens `a..b` satisfying `pred`.
    pub fn find_word(&self, a: usize, b: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
        (a..b.min(self.t.len()))
            .find(|&j| self.t.kind(j) == Some(TokKind::Word) && pred(self.t.text(j)))
    }
}

/// Very common English words that are never a user name, e-mail local part or domain label when they
/// appear next to "at"/"dot" words or app names ("look at this", "meet me on zoom at noon").
pub(crate) fn is_stopword(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "me"
            | "us"
            | "you"
            | "u"
            | "it"
            | "them"
            | "him"
            | "her"
            | "we"
            | "i"
            | "my"
            | "your"
            | "our"
            | "their"
            | "his"
            | "its"
            | "this"
            | "that"
            | "these"
            | "those"
            | "here"
            | "there"
            | "where"
            | "what"
            | "who"
            | "how"
            | "when"
            | "why"
            | "which"
            | "look"
            | "looking"
            | "home"
            | "work"
            | "site"
            | "page"
            | "website"
            | "available"
            | "link"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "am"
            | "best"
            | "good"
            | "great"
            | "least"
            | "once"
            | "first"
            | "all"
            | "night"
            | "noon"
            | "time"
            | "point"
            | "moment"
            | "rate"
            | "price"
            | "cost"
            | "and"
            | "or"
            | "but"
            | "for"
            | "from"
            | "to"
            | "in"
            | "on"
            | "of"
            | "by"
            | "with"
            | "as"
            | "at"
            | "if"
            | "so"
            | "not"
            | "no"
            | "yes"
            | "please"
            | "pls"
            | "plz"
            | "thanks"
            | "thank"
            | "hi"
            | "hello"
            | "hey"
            | "ok"
            | "okay"
            | "same"
            | "only"
            | "also"
            | "just"
            | "then"
            | "now"
            | "later"
            | "today"
            | "tomorrow"
            | "soon"
            | "again"
            | "too"
            | "very"
            | "more"
            | "much"
            | "many"
            | "some"
            | "any"
            | "can"
            | "could"
            | "will"
            | "would"
            | "should"
            | "do"
            | "does"
            | "did"
            | "have"
            | "has"
            | "had"
            | "get"
            | "got"
            | "send"
            | "call"
            | "text"
            | "message"
            | "chat"
            | "talk"
            | "contact"
            | "reach"
            | "add"
            | "find"
            | "follow"
            | "id"
            | "username"
            | "handle"
            | "account"
            | "profile"
            | "number"
            | "phone"
            | "email"
            | "mail"
            | "address"
            | "down"
            | "up"
            | "out"
            | "off"
            | "over"
            | "about"
            | "after"
            | "before"
            | "via"
            | "through"
            | "dot"
            | "com"
            | "net"
            | "org"
            | "app"
            | "apps"
            | "group"
            | "channel"
            | "bot"
            | "bots"
            | "business"
            | "api"
            | "integration"
            | "me."
            | "mine"
            | "yours"
            | "who's"
            | "ur"
            | "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "zero"
            | "end"
            | "day"
            | "week"
            | "month"
            | "year"
            | "office"
            | "school"
            | "same."
            | "client"
            | "clients"
            | "team"
            | "project"
            | "job"
            | "there."
            | "everyone"
            | "people"
    )
}

/// Words that make a mention of an app or payment brand technical talk ("build a WhatsApp bot",
/// "integrate PayPal checkout"), which is not a violation.
pub(crate) fn is_dev_word(w: &str) -> bool {
    matches!(
        w,
        "spreadsheet"
            | "reconcile"
            | "reconciles"
            | "transactions"
            | "bookkeeping"
            | "api"
            | "apis"
            | "sdk"
            | "integration"
            | "integrations"
            | "integrate"
            | "integrated"
            | "integrating"
            | "webhook"
            | "webhooks"
            | "bot"
            | "bots"
            | "chatbot"
            | "chatbots"
            | "plugin"
            | "plugins"
            | "widget"
            | "gateway"
            | "checkout"
            | "sandbox"
            | "develop"
            | "developer"
            | "developers"
            | "developing"
            | "development"
            | "build"
            | "building"
            | "built"
            | "implement"
            | "implemented"
            | "implementing"
            | "implementation"
            | "code"
            | "coding"
            | "backend"
            | "frontend"
            | "module"
            | "woocommerce"
            | "shopify"
            | "magento"
            | "wordpress"
            | "ipn"
            | "braintree"
            | "stripe"
            | "clone"
            | "scraper"
            | "automation"
            | "automate"
            | "template"
            | "templates"
            | "ui"
            | "ux"
            | "ads"
            | "campaign"
            | "campaigns"
            | "marketing"
            | "followers"
            | "posts"
            | "reels"
            | "feed"
            | "merchant"
            | "customers"
            | "subscription"
            | "subscriptions"
            | "app's"
            | "button"
            | "buttons"
            | "endpoint"
            | "react"
            | "flutter"
            | "android"
            | "ios"
            | "laravel"
            | "django"
            | "node"
            | "python"
            | "php"
            | "javascript"
            | "typescript"
            | "script"
            | "database"
            | "server"
            | "website's"
            | "ecommerce"
            | "store's"
            | "donations"
            | "donation"
            | "withdraw"
            | "withdrawal"
            | "withdrawals"
            | "withdrawing"
            | "payout"
            | "payouts"
            | "design"
            | "designing"
            | "logo"
            | "banner"
            | "thumbnail"
            | "stickers"
            | "emoji"
            | "filter"
            | "filters"
            | "library"
            | "framework"
            | "app.py"
            | "docs"
            | "documentation"
            | "test"
            | "testing"
            | "tested"
            | "bug"
            | "bugs"
            | "feature"
            | "features"
            | "users"
            | "user's"
            | "landing"
            | "webpage"
            | "mockup"
            | "prototype"
            | "wireframe"
            | "wireframes"
            // The same work in Spanish, Portuguese, French and German ("integrar PayPal en la
            // tienda", "o botão do WhatsApp", "intégrer PayPal", "einen WhatsApp-Button einbauen").
            | "integrar"
            | "integracion"
            | "integracao"
            | "integrer"
            | "integrieren"
            | "integriert"
            | "einbauen"
            | "eingebaut"
            | "desarrollo"
            | "desarrollar"
            | "desenvolver"
            | "desenvolvimento"
            | "developper"
            | "developpement"
            | "entwickeln"
            | "entwicklung"
            | "boton"
            | "botao"
            | "bouton"
            | "knopf"
            | "pasarela"
            | "passerelle"
            | "programar"
            | "programmer"
            | "programmieren"
            | "plantilla"
            | "modelo"
            | "modele"
            | "vorlage"
            | "diseno"
            | "disenar"
            | "desenho"
            | "conception"
    )
}
