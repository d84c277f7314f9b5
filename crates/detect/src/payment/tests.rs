//! Off-platform payment behaviour.

use crate::scan;
use crate::types::{Category, Kind, ScanContext};

fn kinds(s: &str) -> Vec<Kind> {
    scan(s, &ScanContext::default())
        .into_iter()
        .filter(|f| f.category == Category::OffPlatformPayment)
        .map(|f| f.kind)
        .collect()
}

#[test]
fn intent_is_found() {
    assert_eq!(
        kinds("Can I pay you via PayPal instead?"),
        [Kind::BrandIntent]
    );
    assert_eq!(kinds("send the money to my Payoneer"), [Kind::BrandIntent]);
    assert_eq!(
        kinds("let's close the contract and I'll pay you directly"),
        [Kind::OutsideIntent]
    );
    assert_eq!(
        kinds("pay me outside the platform to avoid the fees"),
        [Kind::OutsideIntent]
    );
    assert_eq!(
        kinds("I accept Wise, Zelle or bank transfer, no fees for you"),
        [Kind::BrandIntent]
    );
    assert_eq!(
        kinds("my p4yp4l is the same as my name"),
        [Kind::BrandIntent]
    );
}

#[test]
fn details_are_found() {
    assert_eq!(kinds("IBAN GB82 WEST 1234 5698 7654 32"), [Kind::Iban]);
    assert_eq!(kinds("card 4111 1111 1111 1111"), [Kind::Card]);
    assert_eq!(
        kinds("usdt 0x52908400098527886E0F7030069857D2E4169EE7"),
        [Kind::CryptoAddress]
    );
}

#[test]
fn fine_talk_about_payments() {
    for s in [
        "I never accept payment outside the platform",
        "I integrated PayPal checkout and Stripe webhooks for the store",
        "Please don't ask me to pay outside Upwork",
        "Payment will be released through the milestone as usual",
        "The invoice total is 1,250.00 USD, due on 2024-05-01",
        "I withdraw my earnings to Payoneer every month",
        "Our customers pay with PayPal and Apple Pay on the website",
    ] {
        assert!(kinds(s).is_empty(), "{s}");
    }
}

#[test]
fn work_talk_lowers_an_explicit_request_but_does_not_erase_it() {
    let plain = scan("pay me via paypal outside", &ScanContext::default());
    let with_work = scan(
        "pay me via paypal outside, the logo is done",
        &ScanContext::default(),
    );
    assert_eq!(with_work.len(), 1, "{with_work:?}");
    assert_eq!(with_work[0].kind, Kind::BrandIntent);
    assert!(with_work[0].confidence < plain[0].confidence);
    for s in [
        "the logo is done, send the money to my PayPal",
        "the banner is ready; can you pay me with Wise instead?",
    ] {
        assert_eq!(kinds(s), [Kind::BrandIntent], "{s}");
    }
    // The brand as the work's subject, or a third party paying, stays fine.
    for s in [
        "I will design the PayPal logo for you and send you the files",
        "Build the checkout so customers can pay me via PayPal",
        "integrate PayPal so you can pay me later through the app",
    ] {
        assert!(kinds(s).is_empty(), "{s}");
    }
}

/// The languages of the off-platform payment findings of `s`.
fn languages(s: &str) -> Vec<Option<&'static str>> {
    scan(s, &ScanContext::default())
        .into_iter()
        .filter(|f| f.category == Category::OffPlatformPayment)
        .map(|f| f.language)
        .collect()
}

#[test]
fn english_intent_is_english_and_details_are_neutral() {
    assert_eq!(languages("Can I pay you via PayPal instead?"), [Some("en")]);
    assert_eq!(
        languages("pay me outside the platform to avoid the fees"),
        [Some("en")]
    );
    assert_eq!(languages("IBAN GB82 WEST 1234 5698 7654 32"), [None]);
    assert_eq!(languages("card 4111 1111 1111 1111"), [None]);
}

#[test]
fn spanish_intent() {
    for s in [
        "Págame por PayPal fuera de la plataforma y te hago un descuento",
        "Te propongo una transferencia bancaria directa para evitar la comisión",
        "Si me pagas por Bizum nos ahorramos la comisión de la plataforma",
        "Cerramos el contrato aquí y el resto me lo pagas directamente",
        "Puedo cobrarte en efectivo cuando nos veamos, sin pasar por la plataforma",
        "Mejor me pagas por fuera y así no pierdo el 20%",
        "Mi cuenta de PayPal es laura.mendez, envíame el dinero ahí",
    ] {
        assert_eq!(languages(s), [Some("es")], "{s}");
    }
}

#[test]
fn spanish_talk_about_paying_is_fine() {
    for s in [
        "Te pago por la plataforma como siempre, sin problema",
        "La comisión de la plataforma es del 10%, ya lo tengo en cuenta",
        "El reembolso se hace a través de la plataforma",
        "Necesito integrar PayPal en la tienda online del cliente",
        "Cuidado: si alguien te pide pagar por fuera, es una estafa",
        "No te voy a pagar por PayPal, todo va por la plataforma",
        "Te pago con PayPal a través de la plataforma",
    ] {
        assert!(languages(s).is_empty(), "{s}: {:?}", kinds(s));
    }
}

#[test]
fn portuguese_intent() {
    for s in [
        "Me paga por fora que eu te faço um preço melhor",
        "Pode me pagar por Pix?",
        "Minha chave pix é 11987654321",
        "Pagamento por fora da plataforma sai mais barato pra nós dois",
        "Faz uma transferência direto pra minha conta, sem as taxas do site",
        "Se você me pagar no PayPal a gente evita a comissão",
        "Fechamos o contrato aqui e o resto você me paga direto",
        "Aceito pagamento em dinheiro na entrega, sem passar pela plataforma",
    ] {
        assert_eq!(languages(s), [Some("pt")], "{s}");
    }
}

#[test]
fn portuguese_talk_about_paying_is_fine() {
    for s in [
        "O pagamento é feito pela plataforma, como sempre",
        "As taxas da plataforma subiram esse mês",
        "O reembolso foi feito pela plataforma ontem",
        "Preciso integrar o Pix no checkout da loja",
        "Cuidado com quem pede pagamento por fora, é golpe",
        "Não aceito pagamento por fora, só pela plataforma",
    ] {
        assert!(languages(s).is_empty(), "{s}: {:?}", kinds(s));
    }
    // "pix" is also English for pictures: read only in Portuguese.
    assert!(languages("send me the pix of the house, I will pay you tomorrow").is_empty());
}

#[test]
fn french_intent() {
    for s in [
        "Paie-moi directement par virement, sans les frais de la plateforme",
        "On peut faire ça hors plateforme, tu me paies par PayPal",
        "Si tu me règles en espèces, je te fais une remise",
        "Envoie l'argent sur mon PayPal, c'est plus rapide",
        "On clôture le contrat et tu me verses le reste directement",
        "Je préfère être payé en dehors de la plateforme pour éviter la commission",
        "Tu peux me payer avec Lydia ?",
    ] {
        assert_eq!(languages(s), [Some("fr")], "{s}");
    }
}

#[test]
fn french_talk_about_paying_is_fine() {
    for s in [
        "Les frais de la plateforme sont de 10 %, c'est inclus dans mon tarif",
        "Le paiement passe par la plateforme, comme d'habitude",
        "Le remboursement a été fait par la plateforme",
        "Il faut intégrer PayPal sur la boutique du client",
        "Attention aux arnaques : personne ne doit vous demander un virement hors plateforme",
        "Je ne veux pas être payé en dehors de la plateforme",
    ] {
        assert!(languages(s).is_empty(), "{s}: {:?}", kinds(s));
    }
    // "Lydia" is a name in English.
    assert!(languages("send the invoice to Lydia, she will pay you").is_empty());
}

#[test]
fn german_intent() {
    for s in [
        "Zahl mir direkt per Überweisung, ohne Gebühren",
        "Kannst du mir per PayPal zahlen?",
        "Wir machen das außerhalb der Plattform, du überweist mir den Rest direkt",
        "Bezahl mich bar, dann fällt die Provision weg",
        "Schick das Geld an mein PayPal, das geht schneller",
        "Wir schließen den Vertrag hier und du zahlst mir den Rest privat",
    ] {
        assert_eq!(languages(s), [Some("de")], "{s}");
    }
}

#[test]
fn german_talk_about_paying_is_fine() {
    for s in [
        "Ich zahle wie immer über die Plattform",
        "Die Gebühren der Plattform sind ganz schön hoch",
        "Die Rückerstattung läuft über die Plattform",
        "Wir müssen PayPal in den Shop integrieren",
        "Vorsicht: Wer dich bittet, außerhalb der Plattform zu zahlen, ist ein Betrüger",
        "Ich zahle dich nicht außerhalb der Plattform",
        "Ich zahle per Überweisung über die Plattform",
        "Wir treffen uns an der Bar, ich zahle die Getränke",
    ] {
        assert!(languages(s).is_empty(), "{s}: {:?}", kinds(s));
    }
}

#[test]
fn ways_of_paying_asked_for_in_other_words() {
    for s in [
        "if you pay me outside, I'll drop my rate to $25/h",
        "my rate is $40 on platform or $32 if we go direct",
        "Do you take revolut? I can send it tonight",
        "Can we make the future milestones off the books?",
        "Tell you what, cancel the order and I'll pay the full amount straight to you, saves the 10%",
        "we can split the difference if I pay you another way",
        "I'll give you 10% more if we settle this privately",
        "Is Cash App okay for you? I'll send my cashtag",
        "Do you have Revolut? We can settle the milestone there",
        "If you're local I can just pay cash when we meet for the handover.",
        "Keep it off the books? I'll pay you weekly, no platform involved.",
        "can you pay me on the side for the extra hours?",
        "I'll pay you the rest on the side",
    ] {
        assert!(!kinds(s).is_empty(), "{s}");
    }
}

#[test]
fn files_sent_reports_and_rules_questions_are_not_paying_outside() {
    for s in [
        "send me the files directly",
        "We'll go direct to the homepage design next",
        "another client asked me to pay a 'registration fee' via Western Union, is that allowed?",
        "Heads up: someone messaged me asking to be paid through Zelle outside the site. I reported them to support.",
        "Is it true that asking for payment outside the platform can get your account suspended?",
        "I need a spreadsheet that reconciles our Wise business account transactions with the invoices.",
        "I use PayPal for my own business expenses",
        "the cash flow report is ready, you can pay the invoice on the platform",
        "I'll close the job today, the rate was fair, thanks!",
        "We can end the contract once the remaining milestones are approved",
        "If you cancel the order you will get your money back from the platform",
        "Can we find another way to structure the milestones? I'd rather pay per chapter",
        "Let's go direct to the price page, I want you to fix the layout there first",
        "I'll pay you outside of business hours if that works",
        "Do you take Venmo at your cafe? I need it for the menu board design",
        "I paid cash for the printing, can you add it to the expense report?",
        "The payment will go straight to you through the platform",
        "I design logos on the side to pay my bills",
        "send me the fries on the side",
        "I'll pay you for the edits on the side of the main contract",
        "I get paid on the side for consulting",
    ] {
        assert!(kinds(s).is_empty(), "{s}: {:?}", kinds(s));
    }
}

#[test]
fn other_languages_discounts_billing_and_the_platform_avoided() {
    for (s, lang) in [
        (
            "Wenn wir das ohne die Plattform machen, kann ich dir 15 % Rabatt geben.",
            "de",
        ),
        (
            "Schick's mir einfach über Revolut, dann bekommt die Plattform nichts ab.",
            "de",
        ),
        (
            "Zahl mir bitte per Twint, ist einfacher als über die Seite",
            "de",
        ),
        (
            "Ich stelle Ihnen eine Rechnung direkt von meiner Firma aus, dann müssen Sie nicht über die Plattform zahlen.",
            "de",
        ),
        (
            "pagame x mercado pago y te entrego hoy mismo el logo final",
            "es",
        ),
        (
            "cancela o pedido aqui e me manda por pix, é mais rapido e ninguem perde os 20%",
            "pt",
        ),
        (
            "Si on passe en direct sans passer par la plateforme, je te fais 15 % de réduc",
            "fr",
        ),
    ] {
        assert_eq!(languages(s), [Some(lang)], "{s}");
    }
    for s in [
        "Un cliente me pidió pagarle por fuera y le dije que no, ¿cómo lo reporto?",
        "Um cliente me pediu pra pagar pelo Pix fora da plataforma, recusei. Devo denunciar?",
        "Ein Kunde wollte mich per Überweisung außerhalb der Plattform bezahlen, ich habe abgelehnt. Wo melde ich das?",
        "te envío los archivos directamente",
        "Integrar Mercado Pago en la tienda, te pago por hito en la plataforma",
        "Si cerramos el proyecto el viernes, te hago el descuento acordado en el siguiente",
        "Ich kann dir direkt einen Rabatt von 10 % geben, wenn du drei Logos nimmst",
        "On clôture le projet vendredi, la facture finale suivra",
        "Peux-tu m'envoyer la facture PayPal de l'hébergement pour ma compta ?",
    ] {
        assert!(languages(s).is_empty(), "{s}: {:?}", kinds(s));
    }
}

#[test]
fn paying_someone_outside_the_deal_is_no_intent() {
    for s in [
        "I pay my landlord via bank transfer every month",
        "we paid the printer with PayPal last week",
        "I usually pay our suppliers by wire transfer",
    ] {
        assert!(kinds(s).is_empty(), "{s}");
    }
    // Paying each other is, even with a third party named elsewhere in the message.
    for s in [
        "pay my fee via bank transfer, I need it for the rent",
        "I'll pay you via PayPal, same as my landlord",
        "pay my accountant via PayPal outside the platform and he passes it on",
    ] {
        assert_eq!(kinds(s), [Kind::BrandIntent], "{s}");
    }
}
