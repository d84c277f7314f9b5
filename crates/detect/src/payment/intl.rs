//! Off-platform payment in Spanish, Portuguese, French and German (issue 19): a payment brand or
//! rail named with intent to pay with it ("págame por PayPal", "pode me pagar por Pix?", "envoie
//! l'argent sur mon PayPal", "zahl mir per Überweisung"), and intent to pay outside without one
//! ("me paga por fora", "paie-moi directement, sans les frais", "transferencia directa para evitar
//! la comisión", "wir machen das außerhalb der Plattform"). The same shape as the English rules of
//! `payment`, with each language's words.
//!
//! Paying through the platform ("te pago por la plataforma", "ich zahle über die Plattform"), its
//! fees ("as taxas da plataforma subiram") and its refunds are talk, not intent: a fee word or the
//! platform alone is no phrase, only "without/avoid the fees" or "outside the platform" are.

use crate::doc::{Doc, is_dev_word};
use crate::lang::{self, DE, ES, FR, Lang, PT};
use crate::lexicon::Strength;
use crate::prefilter::may_be_intl_anchor;
use crate::tokens::TokKind;

/// Words about paying or receiving money.
fn pay_word(w: &str) -> u8 {
    match w {
        "pago" | "pagos" | "pagame" | "pagarme" | "pagarte" | "pagarle" | "pagues" | "pagaria"
        | "pagare" | "pagaras" | "transfiero" | "transfiereme" | "transferime" | "depositame"
        | "dinero" | "plata" | "cobrar" | "cobrame" | "cobrarte" | "cobras" | "abono"
        | "abonar" | "comision" | "descuento" => ES,
        "pagar" | "paga" | "pague" | "pagas" | "pagamos" | "transferencia" | "transferir"
        | "deposito" | "depositar" | "deposita" | "cobro" => ES | PT,
        "pagamento" | "pagamentos" | "transfiro" | "transfere" | "dinheiro" | "grana" | "taxa"
        | "taxas" | "comissao" | "cobranca" | "pix" | "boleto" | "recebo" | "receber"
        | "desconto" => PT,
        "payer" | "paie" | "paye" | "paies" | "payes" | "payez" | "payons" | "paierai"
        | "paiement" | "paiements" | "regler" | "regle" | "regles" | "reglez" | "reglement"
        | "virement" | "virer" | "vire" | "virez" | "argent" | "frais" | "verser" | "verse"
        | "verses" | "versez" | "versement" | "especes" | "liquide" | "recevoir" | "reglait"
        | "facturer" | "facture" | "facturation" | "reduc" | "reduction" | "remise" => FR,
        "zahlen" | "zahl" | "zahle" | "zahlst" | "zahlt" | "bezahlen" | "bezahl" | "bezahle"
        | "bezahlst" | "bezahlt" | "zahlung" | "zahlungen" | "bezahlung" | "uberweisung"
        | "uberweisen" | "uberweise" | "uberweis" | "uberweist" | "uberwiesen" | "geld"
        | "gebuhr" | "gebuhren" | "provision" | "bargeld" | "rabatt" | "abrechnen"
        | "abrechnung" | "rechne" | "rechnung" => DE,
        _ => 0,
    }
}

/// Discount and invoice words: paying outside only where the platform is left outright.
fn is_discount_or_bill(w: &str) -> bool {
    matches!(
        w,
        "descuento"
            | "desconto"
            | "reduc"
            | "reduction"
            | "remise"
            | "rabatt"
            | "facturer"
            | "facture"
            | "facturation"
            | "rechnung"
            | "rechne"
            | "abrechnen"
            | "abrechnung"
    )
}

/// Sending, which pays only when a brand is named ("mándamelo por Zelle", "schick's mir über
/// Revolut"): without one it sends files as often as money.
fn send_word(w: &str) -> u8 {
    match w {
        "mandas" | "envias" | "mandame" | "enviame" | "envia" => ES,
        "mandar" | "enviar" | "manda" | "mande" => ES | PT,
        "envie" => PT,
        "envoyer" | "envoie" | "envoies" | "envoyez" => FR,
        "schicken" | "schick" | "schickst" | "schicke" | "senden" | "sende" => DE,
        _ => 0,
    }
}

/// Words for the two parties, including verbs in the first person and verbs with the pronoun
/// glued on ("págame", "cobrarte"): "my clients pay through the site" is not between them.
fn personal(w: &str) -> u8 {
    match w {
        "mi" | "ti" | "nosotros" | "usted" | "yo" | "pagame" | "pagarme" | "pagarte"
        | "cobrarte" | "cobrame" | "enviame" | "mandame" | "transfiereme" | "depositame"
        | "acepto" | "prefiero" | "recibo" | "aceptas" | "acepta" => ES,
        "me" | "te" | "nos" | "cobro" => ES | PT | FR,
        "tu" => ES | PT | FR,
        "eu" | "voce" | "vc" | "meu" | "minha" | "seu" | "sua" | "teu" | "tua" | "gente"
        | "mim" | "comigo" | "aceito" | "prefiro" | "recebo" | "aceita" | "aceitas" => PT,
        "moi" | "m" | "t" | "toi" | "je" | "j" | "vous" | "nous" | "mon" | "ma" | "ton" | "ta"
        | "votre" | "accepte" | "prefere" | "acceptes" | "acceptez" => FR,
        "mir" | "mich" | "dir" | "dich" | "ich" | "du" | "wir" | "uns" | "mein" | "meine"
        | "meinen" | "meinem" | "dein" | "deine" | "ihnen" | "euch" | "akzeptiere" | "nehme"
        | "akzeptierst" | "nimmst" => DE,
        _ => 0,
    }
}

/// The platform.
fn platform(w: &str) -> u8 {
    match w {
        "plataforma" | "app" | "aqui" => ES | PT,
        "sitio" | "pagina" | "web" | "aplicacion" => ES,
        "site" => PT | FR,
        "aplicativo" | "sistema" => PT,
        "plateforme" | "ici" | "appli" | "application" => FR,
        "plattform" | "seite" | "website" | "hier" | "portal" | "marktplatz" => DE,
        _ => 0,
    }
}

/// Fees and middlemen.
fn fee(w: &str) -> u8 {
    match w {
        "comision" | "comisiones" | "cargo" | "cargos" | "porcentaje" | "intermediarios" => ES,
        "tarifa" | "tarifas" | "intermediario" => ES | PT,
        "taxa" | "taxas" | "comissao" | "comissoes" | "porcentagem" => PT,
        "frais" | "commission" | "commissions" | "pourcentage" | "intermediaire" => FR,
        "gebuhr" | "gebuhren" | "provision" | "provisionen" | "plattformgebuhr"
        | "plattformgebuhren" | "servicegebuhr" | "vermittlungsgebuhr" => DE,
        _ => 0,
    }
}

/// The contract or job ("cerramos el contrato", "on clôture le contrat").
fn contract(w: &str) -> u8 {
    match w {
        "contrato" | "proyecto" | "pedido" | "hito" => ES,
        "projeto" | "encomenda" | "etapa" => PT,
        "contrat" | "projet" | "commande" | "jalon" => FR,
        "vertrag" | "projekt" | "auftrag" => DE,
        _ => 0,
    }
}

/// The words the outside phrases of [`outside_phrase`] are anchored on (the prefilter's
/// `INTL_OUT`).
fn anchor(w: &str) -> u8 {
    match w {
        "fuera" | "directamente" | "directo" | "directa" | "sin" | "ahorrar" | "ahorramos"
        | "ahorrarnos" | "ahorrarte" | "ahorras" | "saltarnos" | "evitamos" | "cerrar"
        | "cerramos" | "cerremos" | "cancelamos" | "terminamos" | "finalizar" | "finalizamos"
        | "efectivo" => ES,
        "privado" | "privada" | "evitar" | "evita" | "cancelar" | "terminar" => ES | PT,
        "entre" => ES | PT | FR,
        "fora" | "diretamente" | "direto" | "direta" | "sem" | "economizar" | "economizamos"
        | "fechar" | "fechamos" | "encerrar" | "encerramos" | "dinheiro" | "especie"
        | "particular" => PT,
        "dehors" | "hors" | "directement" | "prive" | "privee" | "sans" | "eviter" | "evitons"
        | "economiser" | "contourner" | "fermer" | "fermons" | "cloturer" | "cloturons"
        | "cloture" | "annuler" | "annulons" | "terminer" | "terminons" | "especes" | "liquide" => {
            FR
        }
        "ausserhalb" | "direkt" | "privat" | "ohne" | "sparen" | "sparst" | "spart" | "umgehen"
        | "vermeiden" | "unter" | "zwischen" | "beenden" | "beende" | "schliessen"
        | "schliesse" | "abschliessen" | "kundigen" | "bar" | "bargeld" => DE,
        _ => 0,
    }
}

/// Prepositions of paying through something ("por la plataforma", "pela plataforma", "via la
/// plateforme", "über die Plattform").
fn through(w: &str) -> u8 {
    match w {
        "por" | "via" => ES | PT | FR | DE,
        "en" | "traves" | "mediante" | "desde" => ES,
        "pela" | "pelo" | "na" | "no" | "atraves" => PT,
        "par" | "sur" | "dans" | "depuis" => FR,
        "uber" | "auf" | "per" | "in" | "im" => DE,
        _ => 0,
    }
}

/// True when some word of tokens `a..b` satisfies `pred` for language `bit`.
fn any(d: &Doc<'_>, a: usize, b: usize, bit: u8, pred: fn(&str) -> u8) -> bool {
    d.any_word(a, b, |w| pred(w) & bit != 0)
}

/// True when the clause `a..b` pays through the platform ("te pago por la plataforma").
fn through_platform(d: &Doc<'_>, a: usize, b: usize, bit: u8) -> bool {
    (a..b.min(d.t.len())).any(|k| {
        let before = k.saturating_sub(3).max(a);
        platform(d.t.text(k)) & bit != 0
            && any(d, before, k, bit, through)
            // "nicht über die Plattform zahlen", "más barato que por la plataforma", "einfacher
            // als über die Seite": the platform named as what is avoided.
            && !d.any_word(k.saturating_sub(4).max(a), k, |w| {
                matches!(w, "que" | "als" | "nicht" | "kein" | "keine" | "pas" | "sem" | "sin")
            })
    })
}

/// Does the clause `a..b` express paying outside, in `lang`? Returns the anchor token.
fn outside_phrase(d: &Doc<'_>, a: usize, b: usize, lang: Lang) -> Option<usize> {
    let t = &d.t;
    let bit = lang.bit();
    let b = b.min(t.len());
    let within =
        |k: usize, n: usize, pred: fn(&str) -> u8| any(d, k + 1, (k + 1 + n).min(b), bit, pred);
    let prev = |k: usize| k.checked_sub(1).map_or("", |p| t.text(p));
    (a..b).find(|&k| {
        let w = t.text(k);
        if t.kind(k) != Some(TokKind::Word) || anchor(w) & bit == 0 {
            return false;
        }
        match w {
            // "por fuera", "fuera de la plataforma", "por fora", "fora da plataforma".
            "fuera" | "fora" => prev(k) == "por" || within(k, 4, platform),
            // "en dehors (de la plateforme)", "hors plateforme".
            "dehors" => prev(k) == "en" || within(k, 4, platform),
            "hors" => within(k, 3, platform),
            "ausserhalb" => within(k, 3, platform) || k + 1 >= b,
            // "págame directamente", not "directamente por la plataforma".
            "directamente" | "directo" | "directa" | "diretamente" | "direto" | "direta"
            | "directement" | "direkt" | "privado" | "privada" | "prive" | "privee" | "privat"
            | "particular" => !within(k, 4, platform),
            // "sin comisión", "sem passar pela plataforma", "sans les frais", "ohne Gebühren".
            "sin" | "sem" | "sans" | "ohne" => within(k, 4, fee) || within(k, 4, platform),
            "entre" => matches!(t.text(k + 1), "nosotros" | "nos" | "nous"),
            "unter" | "zwischen" => t.text(k + 1) == "uns",
            // "cerramos el contrato", "fechar o contrato", "clôturer le contrat", "den Vertrag
            // beenden" (German puts the verb last).
            "cerrar" | "cerramos" | "cerremos" | "cancelar" | "cancelamos" | "terminar"
            | "terminamos" | "finalizar" | "finalizamos" | "fechar" | "fechamos" | "encerrar"
            | "encerramos" | "fermer" | "fermons" | "cloturer" | "cloturons" | "cloture"
            | "annuler" | "annulons" | "terminer" | "terminons" => within(k, 3, contract),
            "beenden" | "beende" | "schliessen" | "schliesse" | "abschliessen" | "kundigen" => {
                within(k, 3, contract) || any(d, k.saturating_sub(3).max(a), k, bit, contract)
            }
            // Cash: "en efectivo", "em dinheiro", "en espèces", "bar" (not "an der Bar").
            "efectivo" | "especes" | "liquide" => prev(k) == "en",
            "dinheiro" | "especie" => prev(k) == "em",
            "bar" => !matches!(
                prev(k),
                "der" | "die" | "das" | "einer" | "eine" | "in" | "an" | "zur" | "im"
            ),
            "bargeld" => true,
            // "evitar la comisión", "economizar a taxa", "éviter les frais", "die Gebühren sparen",
            // "éviter la plateforme".
            _ => {
                within(k, 4, fee)
                    || any(d, k.saturating_sub(4).max(a), k, bit, fee)
                    || within(k, 3, platform)
            }
        }
    })
}

/// True when the clause `a..b` says outright that the platform is left out ("fuera de la
/// plataforma", "sem passar pela plataforma", "hors plateforme", "ohne Plattform"): then naming the
/// platform elsewhere in it ("sin pasar por la plataforma") is no payment through it.
fn leaves_platform(d: &Doc<'_>, a: usize, b: usize, lang: Lang) -> bool {
    let b = b.min(d.t.len());
    (a..b).any(|k| {
        matches!(
            d.t.text(k),
            "fuera" | "fora" | "dehors" | "hors" | "ausserhalb" | "sin" | "sem" | "sans" | "ohne"
        ) && outside_phrase(d, k, (k + 6).min(b), lang) == Some(k)
    })
}

/// First-person possessives before a brand ("mi PayPal", "minha chave pix", "mon PayPal").
fn my(w: &str) -> bool {
    matches!(
        w,
        "mi" | "meu" | "minha" | "mon" | "ma" | "mein" | "meine" | "meinen" | "meinem"
    )
}

/// Prepositions before a brand after a pay word ("págame por PayPal", "paie avec Lydia").
fn pay_prep(w: &str) -> bool {
    matches!(
        w,
        "por"
            | "x"
            | "con"
            | "via"
            | "pelo"
            | "pela"
            | "no"
            | "com"
            | "par"
            | "avec"
            | "sur"
            | "per"
            | "mit"
            | "uber"
            | "auf"
            | "en"
            | "em"
    )
}

/// Confidence that the brand at tokens `start..end` of the clause `c0..c1` is named with intent to
/// pay with it, in `lang` (the English table of `payment::detect`).
pub(crate) fn brand_intent(
    d: &Doc<'_>,
    (c0, c1): (usize, usize),
    (start, end): (usize, usize),
    name: &str,
    strength: Strength,
    lang: Lang,
) -> Option<f32> {
    let t = &d.t;
    let bit = lang.bit();
    if lang::negated_before(d, start, 12, lang) || lang::scam_talk(d, start) {
        return None;
    }
    // Sending a receipt or an invoice of the brand is no payment ("envíame el recibo de PayPal").
    let document = if d.any_word(c0, c1, |w| {
        matches!(
            w,
            "recibo"
                | "comprobante"
                | "comprovante"
                | "rechnung"
                | "beleg"
                | "quittung"
                | "facture"
                | "factura"
                | "fatura"
                | "screenshot"
                | "captura"
                | "recu"
        )
    }) {
        u8::MAX
    } else {
        0
    };
    let pay = (c0..c1.min(t.len())).any(|k| {
        (k < start || k >= end)
            && t.kind(k) == Some(TokKind::Word)
            && (pay_word(t.text(k)) | send_word(t.text(k))) & !document & bit != 0
    });
    let personal = any(d, c0, c1, bit, personal);
    // Work talk ("integrar PayPal", "el logo final") means the brand is the work's subject, unless
    // the clause pays a party with it and no work word touches the brand ("págame por Mercado
    // Pago y te entrego el logo final"): then it only lowers the confidence.
    let dev = d.any_word(c0, c1, is_dev_word);
    if dev
        && (!pay
            || !personal
            || d.any_word(
                start.saturating_sub(2).max(c0),
                (end + 2).min(c1),
                is_dev_word,
            ))
    {
        return None;
    }
    let penalty = if dev { 0.15 } else { 0.0 };
    let outside = outside_phrase(d, c0, c1, lang);
    if outside.is_some_and(|o| lang::negated_before(d, o, 8, lang)) {
        return None;
    }
    // "mi PayPal", "minha chave pix", "PayPal me".
    let before = |k: usize| start.checked_sub(k).map_or("", |p| t.text(p));
    let my_brand = my(before(1)) || before(1) == "chave" && my(before(2));
    let pay_via = (pay_prep(before(1)) || pay_prep(before(2)))
        && any(d, start.saturating_sub(7).max(c0), start, bit, pay_word);
    // Paying through the platform with the brand is not paying outside ("te pago con PayPal por
    // la plataforma").
    if through_platform(d, c0, c1, bit) && !leaves_platform(d, c0, c1, lang) {
        return None;
    }
    let weak_word = matches!(name, "cash" | "crypto" | "swift");
    let conf = match (strength, pay, personal, outside.is_some()) {
        (_, true, true, true) => 0.95,
        (Strength::Strong, true, true, false) => 0.88,
        (Strength::Strong, _, _, true) => 0.88,
        (Strength::Weak, true, true, false) if !weak_word => 0.75,
        (_, false, true, false) if my_brand => 0.85,
        (Strength::Weak, false, true, true) => 0.8,
        _ if pay_via && name != "swift" => 0.8,
        _ => return None,
    };
    Some(conf - penalty)
}

/// Intent to pay outside without a brand in the clause `a..b`, in one of the foreign languages:
/// returns the anchor token and the language.
pub(crate) fn outside_intent(d: &Doc<'_>, a: usize, b: usize) -> Option<(usize, Lang)> {
    if d.any_word(a, b, is_dev_word) {
        return None;
    }
    let votes = lang::Votes::of(d, a, b);
    votes
        .ranked(DE | ES | FR | PT, false)
        .into_iter()
        .find_map(|l| {
            let bit = l.bit();
            let anchor = outside_phrase(d, a, b, l)?;
            // "cerramos el contrato y te pago por la plataforma" pays through it.
            let through = through_platform(d, a, b, bit) && !leaves_platform(d, a, b, l);
            // Discounts and invoices count only where the platform is left outright ("sans passer
            // par la plateforme, je te fais 15 % de réduc"), not with "direkt" or closing a project.
            let pays = (a..b.min(d.t.len())).any(|k| {
                let w = d.t.text(k);
                pay_word(w) & bit != 0
                    && (!is_discount_or_bill(w)
                        || leaves_platform(d, a, b, l)
                        || d.any_word(a, b, |x| {
                            matches!(
                                x,
                                "privat"
                                    | "privado"
                                    | "privada"
                                    | "prive"
                                    | "privee"
                                    | "particular"
                            )
                        }))
            });
            (!through
                && pays
                && any(d, a, b, bit, personal)
                && !lang::negated_before(d, anchor, 10, l)
                && !lang::scam_talk(d, anchor))
            .then_some((anchor, l))
        })
}

/// Brands that are also an English word or a name ("pix", "Lydia"): read only in their language.
pub(crate) fn own_language(name: &str) -> Option<Lang> {
    match name {
        "pix" => Some(Lang::Pt),
        "lydia" => Some(Lang::Fr),
        _ => None,
    }
}

/// True when `w` is an anchor of a foreign outside phrase: a cheap test (most words fail on their
/// first letter and length).
pub(crate) fn is_anchor(w: &str) -> bool {
    may_be_intl_anchor(w) && anchor(w) != 0
}
