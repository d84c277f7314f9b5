//! Contact info in Spanish, Portuguese, French and German (issue 19): invitations to move to an app
//! ("escríbeme por WhatsApp", "me chama no zap", "écris-moi sur WhatsApp", "schreib mir auf
//! Telegram") and requests for the other party's details ("pásame tu número", "qual é o seu
//! WhatsApp?", "donne-moi ton numéro", "gib mir deine Nummer"). They follow the English rules of
//! `apps` with each language's words, and report that language.
//!
//! Talk about the platform's own chat or calls names no app and no details, so it is not read
//! here ("hablamos por el chat de la plataforma", "je vous appelle demain via la plateforme").

use crate::doc::{Doc, is_dev_word};
use crate::lang::{self, DE, ES, FR, Lang, PT, Votes};
use crate::lexicon::Strength;
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// All foreign languages (bits).
const FOREIGN: u8 = ES | PT | FR | DE;

/// Verbs that move a conversation to an app or ask to be reached there.
fn move_verb(w: &str) -> u8 {
    match w {
        "escribeme" | "escribime" | "escribe" | "escribir" | "escribenos" | "hablemos"
        | "hablamos" | "hablar" | "hablame" | "contactame" | "contactar" | "contactarme"
        | "agregame" | "agregar" | "agrega" | "anademe" | "anadir" | "anade" | "llamame"
        | "llamar" | "mandame" | "enviame" | "sigamos" | "seguir" | "continuemos" | "pasemos"
        | "pasamos" | "cambiemos" | "movamos" | "chatear" | "chateamos" | "charlemos"
        | "charlamos" | "conversemos" | "buscame" | "encuentrame" | "respondeme" | "contestame"
        | "mensaje" | "mensajes" | "comunicarnos" | "comuniquemos" | "unete" => ES,
        "manda" | "mande" | "mandar" | "envia" | "envie" | "enviar" | "conversar" | "continuar"
        | "continuamos" | "contacta" | "vamos" | "seguimos" => ES | PT,
        "escreve" | "escreva" | "escrever" | "chama" | "chame" | "chamar" | "chamo" | "fala"
        | "fale" | "falar" | "falamos" | "falemos" | "conversamos" | "adiciona" | "adicione"
        | "adicionar" | "liga" | "ligue" | "ligar" | "ligo" | "contata" | "contate"
        | "contatar" | "passamos" | "passar" | "bora" | "mensagem" | "mensagens" | "encontra"
        | "responde" => PT,
        "add" => PT | DE,
        "ecris" | "ecrivez" | "ecrire" | "ecrivons" | "contacte" | "contactez" | "contacter"
        | "appelle" | "appelez" | "appeler" | "ajoute" | "ajoutez" | "ajouter" | "envoie"
        | "envoyez" | "envoyer" | "parlons" | "parler" | "parle" | "discutons" | "discuter"
        | "continuons" | "continuer" | "continue" | "passons" | "rejoins" | "rejoignez"
        | "retrouve" | "retrouvez" | "joindre" | "joignable" | "message" | "messages" | "texto" => {
            FR
        }
        "schreib" | "schreibe" | "schreibt" | "schreiben" | "meld" | "melde" | "meldet"
        | "melden" | "kontaktier" | "kontaktiere" | "kontaktieren" | "ruf" | "rufe" | "ruft"
        | "anrufen" | "fug" | "fuge" | "hinzufugen" | "adde" | "schick" | "schicke" | "schickt"
        | "schicken" | "sende" | "senden" | "reden" | "sprechen" | "weiterreden"
        | "weiterschreiben" | "erreichen" | "erreichst" | "erreichbar" | "wechseln"
        | "nachricht" | "nachrichten" | "chatten" | "texten" | "lass" | "lasst"
        | "kommunizieren" => DE,
        _ => 0,
    }
}

/// The writer's own moves, read only after a pronoun for the reader: "te escribo por WhatsApp",
/// "eu te escrevo no WhatsApp" — not "hablo por WhatsApp con mis clientes", "me llamo Ana".
fn first_person_move(w: &str) -> u8 {
    match w {
        "escribo" | "llamo" | "agrego" | "hablo" => ES,
        "mando" | "envio" => ES | PT,
        "escrevo" | "falo" | "adiciono" => PT,
        _ => 0,
    }
}

/// Prepositions before an app name ("por", "no", "sur", "auf").
fn app_prep(w: &str) -> u8 {
    match w {
        "por" => ES | PT,
        "en" => ES | FR,
        "al" | "a" => ES,
        "via" => ES | PT | FR | DE,
        "no" | "na" | "pelo" | "pela" | "pro" | "pra" | "num" | "numa" => PT,
        "sur" | "par" => FR,
        "auf" | "uber" | "per" | "bei" | "an" | "im" => DE,
        _ => 0,
    }
}

/// Articles and possessives between a preposition and an app ("por el WhatsApp", "no meu zap").
fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "el" | "la"
            | "mi"
            | "o"
            | "meu"
            | "mon"
            | "le"
            | "mein"
            | "meinem"
            | "meinen"
            | "dem"
            | "den"
    )
}

/// "Do you have / use …?" before an app name and a question mark.
fn have_verb(w: &str) -> u8 {
    match w {
        "tienes" | "tenes" | "tiene" | "usas" => ES,
        "tem" | "tens" => PT,
        // "as" is English too: read only where the clause already has French votes.
        "as" | "avez" | "utilises" | "utilisez" => FR,
        "hast" | "habt" | "haben" | "nutzt" | "nutzen" | "benutzt" | "benutzen" | "bist" => DE,
        _ => 0,
    }
}

/// First-person possessives before an app name ("mi WhatsApp es …").
fn my(w: &str) -> u8 {
    match w {
        "mi" => ES,
        "meu" | "minha" => PT,
        "mon" | "ma" => FR,
        "mein" | "meine" | "meinen" => DE,
        _ => 0,
    }
}

/// "is" after "my app" ("mi WhatsApp es", "meu zap é", "mon WhatsApp c'est", "mein Insta ist").
fn copula(w: &str) -> u8 {
    match w {
        "es" => ES,
        "e" => PT,
        "est" => FR,
        "ist" | "lautet" => DE,
        _ => 0,
    }
}

/// True when a preposition of `bit` is right before token `start`, or before an article or
/// possessive right before it.
fn prep_before(d: &Doc<'_>, start: usize, bit: u8) -> bool {
    let t = &d.t;
    let word = |k: usize| (t.kind(k) == Some(TokKind::Word)).then(|| t.text(k));
    match start.checked_sub(1).and_then(word) {
        Some(w) if app_prep(w) & bit != 0 => true,
        Some(w) if is_determiner(w) => start
            .checked_sub(2)
            .and_then(word)
            .is_some_and(|p| app_prep(p) & bit != 0),
        _ => false,
    }
}

/// The foreign languages of the clause `c0..c1` around an app named at token `start`, most marked
/// first (empty for English). "no"/"na" right before the app is the Portuguese "in the".
pub(crate) fn clause_langs(d: &Doc<'_>, c0: usize, c1: usize, start: usize) -> Vec<Lang> {
    let mut v = Votes::of(d, c0, c1);
    if start
        .checked_sub(1)
        .is_some_and(|p| d.t.is_word(p, "no") || d.t.is_word(p, "na"))
    {
        v.add(PT);
    }
    v.ranked(FOREIGN, false)
}

/// Confidence that the app named by tokens `start..end` is an invitation to move there, in
/// `lang`, or None. `mail` is set for e-mail and mail providers, which need an address to be
/// contact details ("escríbeme al correo" is not).
pub(crate) fn invitation(
    d: &Doc<'_>,
    c0: usize,
    (start, end): (usize, usize),
    strength: Strength,
    mail: bool,
    lang: Lang,
) -> Option<f32> {
    if mail {
        return None;
    }
    let t = &d.t;
    let bit = lang.bit();
    let lo = start.saturating_sub(7).max(c0);
    let verb_before = d.any_word(lo, start, |w| move_verb(w) & bit != 0)
        || (lo.max(1)..start).any(|j| {
            t.kind(j) == Some(TokKind::Word)
                && first_person_move(t.text(j)) & bit != 0
                && matches!(t.text(j - 1), "te" | "le" | "lhe" | "vos" | "os" | "les")
        });
    let prep = prep_before(d, start, bit);
    let after = end..(end + 3).min(t.len());
    let question = after.clone().any(|k| t.is_sym(k, b'?'))
        && d.any_word(lo, start, |w| have_verb(w) & bit != 0);
    let my_app = start
        .checked_sub(1)
        .is_some_and(|p| my(t.text(p)) & bit != 0)
        && after
            .clone()
            .any(|k| t.is_sym(k, b':') || copula(t.text(k)) & bit != 0);
    match strength {
        Strength::Strong if verb_before && prep || question || my_app => Some(0.88),
        Strength::Strong if verb_before => Some(0.75),
        Strength::Weak if verb_before && prep => Some(0.7),
        Strength::Weak if question && prep => Some(0.65),
        _ => None,
    }
}

/// Brazilian names for WhatsApp that are English words too ("zap", "whats" as in "what's").
fn is_slang(w: &str) -> bool {
    matches!(w, "zap" | "whats" | "wpp")
}

/// The Portuguese words a slang app name is read after ("no zap", "meu whats", "tem wpp?"); the
/// prefilter checks the same pair.
fn slang_before(w: &str) -> bool {
    matches!(
        w,
        "no" | "na" | "pelo" | "pela" | "meu" | "seu" | "teu" | "tem" | "tens" | "um" | "num" | "o"
    )
}

/// Invitations to the Brazilian slang names: "me chama no zap", "manda um zap", "tem whats?".
pub(crate) fn slang(d: &mut Doc<'_>, used: &[bool]) {
    let n = d.t.len();
    for i in 1..n {
        let t = &d.t;
        if t.kind(i) != Some(TokKind::Word)
            || !is_slang(t.text(i))
            || t.kind(i - 1) != Some(TokKind::Word)
            || !slang_before(t.text(i - 1))
            || used.get(i).copied().unwrap_or(true)
        {
            continue;
        }
        let c0 = t.clause_start(i, 12);
        let c1 = t.clause_end(i, 12);
        if d.any_word(c0, c1, is_dev_word)
            || lang::negated_before(d, i, 10, Lang::Pt)
            || lang::scam_talk(d, i)
        {
            continue;
        }
        if let Some(conf) = invitation(d, c0, (i, i + 1), Strength::Strong, false, Lang::Pt) {
            d.push_in(
                Lang::Pt,
                Category::ContactInfo,
                Kind::MessagingApp,
                i,
                i + 1,
                "whatsapp".to_string(),
                conf,
                "app.invitation",
            );
        }
    }
}

/// Second-person possessives ("tu", "seu", "ton", "deine").
fn your(w: &str) -> u8 {
    match w {
        "tu" => ES | FR | PT,
        "tus" | "su" | "sus" => ES,
        "seu" | "sua" | "seus" | "suas" | "teu" | "tua" => PT,
        // "ton" and "ta" are English too ("a ton of email", "the TA"): the clause must have
        // French votes besides them.
        "ton" | "ta" | "tes" | "votre" | "vos" => FR,
        "dein" | "deine" | "deinen" | "deiner" | "deinem" | "ihre" | "ihren" | "ihrer"
        | "ihrem" | "eure" | "euren" | "euer" => DE,
        _ => 0,
    }
}

/// A verb that hands something over to the writer, with no possessive after it: "pásame el
/// número", "me passa o zap", "donne-moi le numéro", "gib mir die Nummer". The noun must then be
/// a number, a phone or an app (not a mail word: "envíame el correo" is "send me the email").
fn give_me(w: &str) -> u8 {
    match w {
        "pasame" | "dame" | "mandame" | "enviame" | "facilitame" | "proporcioname" | "regalame" => {
            ES
        }
        "manda" | "envia" => ES | PT,
        "passa" | "mande" | "envie" => PT,
        "passe" => PT | FR,
        "donne" | "envoie" | "file" => FR,
        "gib" | "schick" | "schicke" | "sende" => DE,
        _ => 0,
    }
}

/// Whether the handing-over verb at `i` asks for the noun at `k` ([`give_me`]): a definite
/// article right after it ("pásame el", "passa o", "donne-moi le"; "manda um zap" is a message
/// sent there, and "pásame tu número" is read from the possessive), no mail word, and a number
/// only with nothing `after` it but a phone word, a joining word or a plea ("pásame el número y
/// te llamo", not "dame el número exacto").
fn handed_over(
    t: &crate::tokens::Tokens,
    i: usize,
    k: usize,
    class: Noun,
    after: [&str; 2],
) -> bool {
    let mut a = i + 1;
    if t.is_sym(a, b'-') {
        a += 1;
    }
    if matches!(t.text(a), "moi" | "mir") {
        a += 1;
    }
    let article = matches!(
        t.text(a),
        "el" | "la" | "los" | "las" | "o" | "a" | "os" | "as" | "le" | "les" | "die" | "den"
    );
    let joining = |w: &str| {
        matches!(
            w,
            "" | "y"
                | "e"
                | "que"
                | "para"
                | "pra"
                | "por"
                | "te"
                | "ahi"
                | "ai"
                | "et"
                | "pour"
                | "und"
                | "dann"
        )
    };
    let any_number = class == Noun::Number
        && !(joining(after[0])
            || please(after[0])
            || matches!(after[0], "de" | "do" | "da") && phone_after_of(after[1]));
    article && !is_mail_word(t.text(k)) && !any_number
}

/// What a contact noun needs to be a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Noun {
    /// "número", "Nummer": not "número de pedido".
    Number,
    /// "teléfono", "portable", "Handy": the device too ("revisa tu teléfono"), so only with a verb
    /// asking for it.
    Device,
    /// "dirección", "adresse": only an e-mail address ("ton adresse mail").
    Address,
    /// Contact details on their own: "correo", "WhatsApp", "Handynummer".
    Detail,
}

/// Contact nouns and their languages.
fn noun(w: &str) -> Option<(u8, Noun)> {
    Some(match w {
        "numero" => (ES | PT | FR, Noun::Number),
        "nummer" => (DE, Noun::Number),
        "telefono" | "movil" => (ES, Noun::Device),
        "celular" | "cel" => (ES | PT, Noun::Device),
        "telefone" => (PT, Noun::Device),
        "telephone" | "portable" => (FR, Noun::Device),
        "telefon" | "handy" => (DE, Noun::Device),
        "direccion" => (ES, Noun::Address),
        "endereco" => (PT, Noun::Address),
        "adresse" => (FR | DE, Noun::Address),
        "correo" | "wasap" | "guasap" => (ES, Noun::Detail),
        // "contacto" is Portugal's word too ("o seu contacto de telemóvel").
        "contacto" => (ES | PT, Noun::Detail),
        "telemovel" => (PT, Noun::Device),
        "contato" | "zap" | "zapzap" | "whats" | "wpp" => (PT, Noun::Detail),
        "courriel" | "coordonnees" | "contact" => (FR, Noun::Detail),
        "kontakt" | "kontaktdaten" | "handynummer" | "telefonnummer" | "mobilnummer"
        | "emailadresse" | "mailadresse" => (DE, Noun::Detail),
        "email" | "mail" | "gmail" | "whatsapp" | "telegram" | "skype" | "instagram" | "insta"
        | "discord" | "signal" | "snapchat" | "wechat" | "viber" | "facebook" | "linkedin" => {
            (FOREIGN, Noun::Detail)
        }
        _ => return None,
    })
}

/// Verbs and question words that ask for or hand over details ("pásame", "me passa", "donne-moi",
/// "gib mir", "cuál es", "wie ist").
fn ask(w: &str) -> u8 {
    match w {
        "pasame" | "pasa" | "pasas" | "pasar" | "dame" | "das" | "dar" | "darme" | "mandame"
        | "mandas" | "enviame" | "envias" | "comparte" | "compartes" | "compartir"
        | "compartirme" | "deja" | "dejame" | "dejas" | "dejar" | "necesito" | "cual"
        | "cuales" | "apunta" | "escribe" | "escribeme" | "facilita" | "facilitame"
        | "proporciona" | "proporcioname" | "indica" | "indicame" | "dime" | "decime"
        | "regalame" => ES,
        "manda" | "mandar" | "envia" | "enviar" | "quiero" | "anota" => ES | PT,
        "passa" | "passe" | "passar" | "mande" | "envie" | "compartilha" | "compartilhe"
        | "deixa" | "deixe" | "preciso" | "quero" | "qual" | "quais" | "pode" | "poderia"
        | "da" | "fala" | "fale" | "informa" | "informe" | "diz" | "diga" => PT,
        "donne" | "donnez" | "donner" | "passez" | "envoie" | "envoyez" | "envoyer" | "laisse"
        | "laissez" | "partage" | "partagez" | "quel" | "quelle" | "faut" | "besoin" | "veux"
        | "voudrais" | "communique" | "communiquez" | "indique" | "indiquez" | "dis" | "dites"
        | "ecris" | "ecrivez" | "file" | "communiquer" | "transmettre" | "laisser" => FR,
        "gib" | "gibst" | "geben" | "schick" | "schicke" | "schickst" | "schicken" | "sende"
        | "sendest" | "senden" | "sag" | "sagst" | "sagen" | "teil" | "teilst" | "teile"
        | "teilen" | "mitteilen" | "brauche" | "brauchen" | "wie" | "welche" | "welches"
        | "verrat" | "verratst" | "verraten" | "hinterlass" | "lass" | "schreib" => DE,
        _ => 0,
    }
}

/// "please" after the noun ("tu número, por favor", "ta adresse mail, stp", "deine Nummer bitte").
fn please(w: &str) -> bool {
    matches!(
        w,
        "favor" | "porfa" | "porfavor" | "plait" | "svp" | "stp" | "bitte" | "pls" | "plz"
    )
}

/// Words after "número de" that keep it a phone number ("número de teléfono"); any other makes it
/// an order or account number ("número de pedido").
fn phone_after_of(w: &str) -> bool {
    matches!(
        w,
        "telefono"
            | "telefone"
            | "telephone"
            | "celular"
            | "movil"
            | "movel"
            | "portable"
            | "whatsapp"
            | "zap"
            | "whats"
            | "contacto"
            | "contato"
            | "contact"
            | "tel"
            | "cel"
            | "handy"
            | "telefon"
            | "mobile"
    )
}

/// Mail words after "dirección", "adresse" ("ton adresse mail", "dirección de correo").
fn is_mail_word(w: &str) -> bool {
    matches!(
        w,
        "mail" | "email" | "correo" | "courriel" | "electronico" | "electronique" | "eletronico"
    )
}

/// Requests for the other party's details: a possessive, a contact noun in the next three words,
/// and a verb asking for it (or a question mark, or "please").
pub(crate) fn requests(d: &mut Doc<'_>) {
    let n = d.t.len();
    let mut i = 0;
    while i < n {
        let t = &d.t;
        let (yl, gl) = if t.kind(i) == Some(TokKind::Word) {
            let yl = your(t.text(i));
            (yl, if yl == 0 { give_me(t.text(i)) } else { 0 })
        } else {
            (0, 0)
        };
        if yl | gl == 0 {
            i += 1;
            continue;
        }
        // The noun: one of the next three words (hyphens between: "E-Mail-Adresse").
        let mut found = None;
        let (mut k, mut words) = (i + 1, 0);
        while k < n && words < 3 {
            match t.kind(k) {
                Some(TokKind::Word) => {
                    words += 1;
                    if let Some((nl, class)) = noun(t.text(k)) {
                        found = Some((k, nl, class));
                        break;
                    }
                }
                Some(TokKind::Sym(b'-')) => {}
                _ => break,
            }
            k += 1;
        }
        let Some((k, nl, class)) = found else {
            i += 1;
            continue;
        };
        let langs = (yl | gl) & nl;
        let next = |j: usize| {
            (k + 1..(k + 6).min(n))
                .filter(|&x| t.kind(x) == Some(TokKind::Word))
                .nth(j)
                .map_or("", |x| t.text(x))
        };
        let twin = match class {
            // "tu número de pedido", "o número do pedido": an order, not a phone.
            Noun::Number => {
                matches!(
                    next(0),
                    "de" | "do" | "da" | "du" | "des" | "der" | "dos" | "das" | "von" | "vom"
                ) && !phone_after_of(next(1))
            }
            Noun::Address => !(0..3).any(|j| is_mail_word(next(j))),
            Noun::Device | Noun::Detail => false,
        };
        if gl != 0 && !handed_over(t, i, k, class, [next(0), next(1)]) {
            // A possessive after the verb is read on its own ("pásame tu número").
            i += 1;
            continue;
        }
        if langs == 0 || twin {
            i = k + 1;
            continue;
        }
        let lo = t.clause_start(i, 8);
        let hi = t.clause_end(k, 8);
        if d.any_word(lo, hi, is_dev_word) {
            i = k + 1;
            continue;
        }
        let after = k + 1..(k + 4).min(n);
        let mark = after.clone().any(|x| t.is_sym(x, b'?'))
            || after
                .clone()
                .any(|x| t.kind(x) == Some(TokKind::Word) && please(t.text(x)));
        let votes = Votes::of(d, lo, hi);
        let asked_in = votes.ranked(langs, false).into_iter().find(|&l| {
            // A German verb may come last: "kannst du mir deine Nummer geben?", "Ihre private
            // E-Mail-Adresse mitteilen?". The handing-over verb itself asks ("pásame el número").
            let verb = d.any_word(lo, i + usize::from(gl != 0), |w| ask(w) & l.bit() != 0)
                || d.any_word(k + 1, (k + 5).min(hi), |w| ask(w) & l.bit() != 0);
            (verb || mark && class != Noun::Device) && !lang::negated_before(d, i, 8, l)
        });
        let Some(l) = asked_in else {
            i = k + 1;
            continue;
        };
        if lang::scam_talk(d, i) {
            i = k + 1;
            continue;
        }
        let value = format!("{} {}", t.text(i), t.text(k));
        d.push_in(
            l,
            Category::ContactInfo,
            Kind::ContactRequest,
            i,
            k + 1,
            value,
            0.8,
            "request.contact_details",
        );
        i = k + 1;
    }
}
