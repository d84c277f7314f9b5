//! The languages the word-based rules read (issue 19), and how a clause's language is told.
//!
//! A finding names the language of the words it rests on ([`crate::Finding::language`]). English is
//! the default: a clause is read as Spanish, Portuguese, French or German only when it holds
//! *marker* words of that language that English text does not use (articles, pronouns, the verbs
//! of the rules). Words that are also English words, names or abbreviations ("me", "no", "die",
//! "was", "est", "ton", "la", "los", "de", "con", "des", "den", "dir", "pour") are never markers,
//! so an English text gets no foreign vote.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::doc::Doc;
use crate::fxhash::FxBuild;
use crate::lexicon::is_negation;
use crate::tokens::TokKind;

/// A language of the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Es,
    Pt,
    Fr,
    De,
}

// Language bits, for words that belong to several languages ("por" is Spanish and Portuguese).
pub(crate) const EN: u8 = 1;
pub(crate) const ES: u8 = 2;
pub(crate) const PT: u8 = 4;
pub(crate) const FR: u8 = 8;
pub(crate) const DE: u8 = 16;

impl Lang {
    /// Every language, in the order ties are broken in.
    pub const ALL: [Lang; 5] = [Lang::En, Lang::Es, Lang::Pt, Lang::Fr, Lang::De];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Pt => "pt",
            Lang::Fr => "fr",
            Lang::De => "de",
        }
    }

    pub fn bit(self) -> u8 {
        match self {
            Lang::En => EN,
            Lang::Es => ES,
            Lang::Pt => PT,
            Lang::Fr => FR,
            Lang::De => DE,
        }
    }
}

/// Marker words, per language (skeleton spelling: lower case, accents folded, "ß" as "ss"),
/// separated by spaces.
const MARKERS: [(u8, &str); 4] = [
    (
        ES,
        "tu el del una unos unas esta estas este esto estoy estamos mis tus sus usted ustedes \
        nosotros nosotras pero por que como cuando donde porque muy aqui ahi hola \
        gracias bueno buenas tengo tienes tiene tenemos puedo puedes puede podemos quiero \
        quieres necesito hacer hago mejor ahora luego manana hoy tambien dinero plataforma \
        trabajo proyecto precio pago pagar pagame pagas numero telefono correo llamame escribeme \
        hablamos hablemos contactame agregame anademe mandame enviame dame pasame cual efectivo \
        comision fuera directamente transferencia cobrar cobrarte seguimos bien",
    ),
    (
        PT,
        "tu uma umas chama gente fala manda passa tudo pode valeu taxa das aos pelo pela voce voces meu minha meus minhas seu sua seus suas teu tua \
        nao obrigado obrigada ola bem agora aqui mais isso isto esse essa este esta estou \
        estamos tenho temos posso podemos quero preciso falar trabalho projeto preco dinheiro \
        pagamento plataforma fora direto diretamente taxas depois entao ja muito pagar paga qual \
        quais por que como numero telefone comigo contigo vamos continuar conversa",
    ),
    (
        FR,
        "sur ou pas ses tres frais tu moi toi laisse laissez adresse aux je contrat reste verses versez versement directement cloture vous nous votre vos cette ces une avec dans mais oui merci bonjour salut ici \
        peux peut pouvez veux voulez suis sommes avez faire aussi deja argent plateforme travail \
        projet virement paie paiement appelle ecris envoie donne numero courriel voici quel \
        quelle que contacte contactez ajoute ajoutez",
    ),
    (
        DE,
        "der und ist ich wir ihr mich dich mein meine meinen dein deine deinen nicht auf \
        bei zu zum zur ein eine einen einem einer oder aber auch noch schon jetzt bitte danke \
        hallo gerne gern nein kann kannst konnen machen mache habe hast haben wird werde sind \
        gibt schreib schick zahl zahle zahlen bezahl bezahlen uberweisung gebuhren geld \
        plattform nummer handynummer direkt dann wenn weil lieber mehr wie meld dich",
    ),
];

static MARKER_TABLE: LazyLock<HashMap<&'static str, u8, FxBuild>> = LazyLock::new(|| {
    let mut m: HashMap<&'static str, u8, FxBuild> = HashMap::default();
    for (bit, words) in MARKERS {
        for w in words.split_whitespace() {
            *m.entry(w).or_default() |= bit;
        }
    }
    m
});

/// The languages (bits) `w` is a marker of; 0 for English and unknown words.
pub(crate) fn markers(w: &str) -> u8 {
    MARKER_TABLE.get(w).copied().unwrap_or(0)
}

/// Marker counts of a span of tokens, per foreign language.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Votes {
    /// Indexed like [`Lang::ALL`]. Markers never count English; number words do.
    counts: [u16; 5],
}

impl Votes {
    /// The votes of the words in tokens `a..b`.
    pub fn of(d: &Doc<'_>, a: usize, b: usize) -> Votes {
        let mut v = Votes::default();
        for k in a..b.min(d.t.len()) {
            if d.t.kind(k) == Some(TokKind::Word) {
                v.add(markers(d.t.text(k)));
            }
        }
        v
    }

    /// Counts one vote for each language in `bits`.
    pub fn add(&mut self, bits: u8) {
        for (c, l) in self.counts.iter_mut().zip(Lang::ALL) {
            if bits & l.bit() != 0 {
                *c = c.saturating_add(1);
            }
        }
    }

    /// The votes of `lang`.
    pub fn count(&self, lang: Lang) -> u16 {
        Lang::ALL
            .iter()
            .zip(self.counts)
            .find(|(l, _)| **l == lang)
            .map_or(0, |(_, c)| c)
    }

    /// The language with the most votes; a tie is broken by `tie`'s votes, then by the order of
    /// [`Lang::ALL`]. None without any vote.
    pub fn best(&self, tie: &Votes) -> Option<Lang> {
        let top = self.counts.iter().copied().max().filter(|&c| c > 0)?;
        Lang::ALL
            .iter()
            .zip(self.counts.iter().zip(tie.counts.iter()))
            .filter(|(_, (c, _))| **c == top)
            // `max_by_key` keeps the last of equal keys: walk backwards so the first wins.
            .rev()
            .max_by_key(|(_, (_, t))| **t)
            .map(|(l, _)| *l)
    }

    /// The languages of `among` (bits) by votes, most first (ties in [`Lang::ALL`] order); those
    /// without a vote after them when `all` is set.
    pub fn ranked(&self, among: u8, all: bool) -> Vec<Lang> {
        let mut out: Vec<(u16, Lang)> = self
            .counts
            .iter()
            .zip(Lang::ALL)
            .filter(|&(&c, l)| among & l.bit() != 0 && (all || c > 0))
            .map(|(&c, l)| (c, l))
            .collect();
        // Stable: ties keep the order of `Lang::ALL`.
        out.sort_by_key(|x| std::cmp::Reverse(x.0));
        out.into_iter().map(|(_, l)| l).collect()
    }
}

/// Negation and policy words of a foreign language ("no", "não", "ne … pas", "nicht", "prohibido").
fn negation_in(lang: Lang, w: &str) -> bool {
    match lang {
        Lang::En => false,
        Lang::Es => matches!(
            w,
            "no" | "nunca"
                | "jamas"
                | "ni"
                | "tampoco"
                | "prohibido"
                | "prohibida"
                | "prohibe"
                | "politica"
                | "politicas"
                | "normas"
                | "reglas"
        ),
        Lang::Pt => matches!(
            w,
            "nao"
                | "nunca"
                | "jamais"
                | "nem"
                | "tampouco"
                | "proibido"
                | "proibida"
                | "proibe"
                | "politica"
                | "politicas"
                | "regras"
                | "normas"
        ),
        Lang::Fr => matches!(
            w,
            "ne" | "pas"
                | "jamais"
                | "aucun"
                | "aucune"
                | "ni"
                | "interdit"
                | "interdite"
                | "interdits"
                | "politique"
        ),
        Lang::De => matches!(
            w,
            "nicht"
                | "nie"
                | "niemals"
                | "kein"
                | "keine"
                | "keinen"
                | "keiner"
                | "keinem"
                | "nichts"
                | "weder"
                | "verboten"
                | "regeln"
                | "richtlinien"
        ),
    }
}

/// Like [`Doc::negated_before`] in a clause of `lang`: its own negation words count, and so do the
/// English ones, except Portuguese "no"/"na", which mean "in the" ("me chama no zap").
pub(crate) fn negated_before(d: &Doc<'_>, i: usize, window: usize, lang: Lang) -> bool {
    if lang == Lang::En {
        return d.negated_before(i, window);
    }
    let mut from = d.t.clause_start(i, window);
    // A negation does not reach across a comma (as in English).
    if let Some(c) = (from..i).rev().find(|&j| d.t.is_sym(j, b',')) {
        from = c + 1;
    }
    (from..i).any(|j| {
        let w = d.t.text(j);
        if d.t.kind(j) != Some(TokKind::Word) {
            return false;
        }
        negation_in(lang, w)
            || is_negation(&d.t, j) && !(lang == Lang::Pt && matches!(w, "no" | "na"))
    })
}

/// Scam and warning words of the foreign languages ("estafa", "golpe", "arnaque", "Betrug").
fn is_scam_word(w: &str) -> bool {
    matches!(
        w,
        "estafa"
            | "estafas"
            | "estafador"
            | "estafadores"
            | "fraude"
            | "fraudes"
            | "sospechoso"
            | "cuidado"
            | "golpe"
            | "golpes"
            | "golpista"
            | "golpistas"
            | "suspeito"
            | "arnaque"
            | "arnaques"
            | "arnaqueur"
            | "arnaqueurs"
            | "escroc"
            | "escrocs"
            | "escroquerie"
            | "mefiez"
            | "betrug"
            | "betruger"
            | "betrugerin"
            | "betrugsversuch"
            | "abzocke"
            | "vorsicht"
            | "verdachtig"
    )
}

/// [`Doc::scam_talk`] in any language: the clause around token `i` warns about scams.
pub(crate) fn scam_talk(d: &Doc<'_>, i: usize) -> bool {
    d.scam_talk(i)
        || {
            let a = d.t.clause_start(i, 20);
            let b = d.t.clause_end(i, 20);
            d.any_word(a, b, is_scam_word)
        }
        || (i.saturating_sub(40)..(i + 40).min(d.t.len())).any(|k| {
            is_report_verb(d.t.text(k)) || d.t.is_word(k, "melde") && d.t.is_word(k + 1, "ich")
        })
}

/// Reporting someone to the platform, within 40 words ("Un cliente me pidió pagarle por fuera,
/// ¿cómo lo reporto?", "ich habe es gemeldet", "Wo melde ich das?"): what it tells is someone
/// else's intent. ("melde dich" is "get in touch".)
fn is_report_verb(w: &str) -> bool {
    matches!(
        w,
        "reporto"
            | "reportar"
            | "reportarlo"
            | "denuncio"
            | "denunciar"
            | "denunciarlo"
            | "signale"
            | "signaler"
            | "denoncer"
            | "gemeldet"
            | "melden"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(s: &str) -> Vec<&'static str> {
        let d = Doc::new(s);
        Votes::of(&d, 0, d.t.len())
            .ranked(ES | PT | FR | DE, false)
            .into_iter()
            .map(Lang::code)
            .collect()
    }

    #[test]
    fn clauses_are_told_by_their_markers() {
        assert_eq!(langs("escríbeme por WhatsApp y lo vemos")[0], "es");
        assert_eq!(langs("me chama no zap que a gente fecha")[0], "pt");
        assert_eq!(
            langs("écris-moi sur WhatsApp, ce sera plus simple")[0],
            "fr"
        );
        assert_eq!(
            langs("schreib mir auf WhatsApp, dann geht's schneller")[0],
            "de"
        );
    }

    #[test]
    fn english_has_no_foreign_votes() {
        for s in [
            "no, don't add me on whatsapp, I will die before I do, it was a bad idea",
            "send me your number and your email address please",
            "pay me directly to avoid the fees, the est. total is in the plus column",
        ] {
            assert!(langs(s).is_empty(), "{s}: {:?}", langs(s));
        }
    }

    #[test]
    fn portuguese_no_is_not_a_negation() {
        let d = Doc::new("me chama no zap");
        assert!(!negated_before(&d, 3, 10, Lang::Pt));
        assert!(negated_before(&d, 3, 10, Lang::Es));
        let d = Doc::new("não me chama no zap");
        assert!(negated_before(&d, 4, 10, Lang::Pt));
    }
}
