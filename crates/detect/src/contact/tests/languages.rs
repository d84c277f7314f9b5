//! Contact details in Spanish, Portuguese, French and German: numbers read out, the language
//! named in each finding, each language's details and its hard negatives.

use super::{has, has_kind, none};
use crate::scan;
use crate::types::{Category, Kind, ScanContext, Source};

#[test]
fn phones_read_out_in_spanish_portuguese_french_and_german() {
    has(
        "llámame al cinco cinco cinco uno dos tres cuatro cinco seis siete",
        Kind::Phone,
        "5551234567",
    );
    has(
        "mi número: seis uno dos, cuatro tres siete, ocho ocho nueve cero",
        Kind::Phone,
        "+16124378890",
    );
    has(
        "me liga: nove oito sete, meia cinco dois, três dois um zero",
        Kind::Phone,
        "+19876523210",
    );
    has(
        "appelle-moi au zéro six douze trente-quatre cinquante-six",
        Kind::Phone,
        "06123456",
    );
    has(
        "ruf mich an: null eins sieben zwei drei vier fünf sechs sieben acht",
        Kind::Phone,
        "0172345678",
    );
    // Their twins: a few number words in a sentence, and counting out loud in any language.
    none("dos cafés y tres tostadas, por favor");
    none("un, deux, trois, quatre, cinq, six, sept, huit");
    none("one two three four five six seven eight");
    none("eins, zwei, drei, vier, fünf, sechs, sieben");
    none("if the value is null return null, else null");
}

/// The language of the first contact finding of `kind` in `s`.
fn language(s: &str, kind: Kind) -> Option<&'static str> {
    scan(s, &ScanContext::new(Source::Message))
        .into_iter()
        .find(|f| f.category == Category::ContactInfo && f.kind == kind)
        .and_then(|f| f.language)
}

#[test]
fn findings_name_the_language_of_their_words() {
    assert_eq!(
        language("let's continue on WhatsApp", Kind::MessagingApp),
        Some("en")
    );
    assert_eq!(
        language("send me your number", Kind::ContactRequest),
        Some("en")
    );
    assert_eq!(
        language(
            "four one five five five five zero one zero zero",
            Kind::Phone
        ),
        Some("en")
    );
    // Addresses, digits and handles are language-neutral.
    assert_eq!(language("call +1 (415) 555-0100", Kind::Phone), None);
    assert_eq!(language("write to j.doe@gmail.com", Kind::Email), None);
    assert_eq!(language("telegram: @jdoe_dev", Kind::Handle), None);
    assert_eq!(language("see https://janedoe-studio.com", Kind::Url), None);
}

#[test]
fn spanish_contact_details() {
    has(
        "Escríbeme por WhatsApp y lo vemos",
        Kind::MessagingApp,
        "whatsapp",
    );
    has(
        "¿Tienes Telegram? Te paso los archivos",
        Kind::MessagingApp,
        "telegram",
    );
    has("Mejor hablamos por wasap", Kind::MessagingApp, "whatsapp");
    has("Agrégame en Insta, porfa", Kind::MessagingApp, "instagram");
    has(
        "Pásame tu número y te llamo",
        Kind::ContactRequest,
        "tu numero",
    );
    has("¿Cuál es tu correo?", Kind::ContactRequest, "tu correo");
    has(
        "Dame tus datos de contacto",
        Kind::ContactRequest,
        "tus contacto",
    );
    has(
        "mi correo es laura.mendez arroba gmail punto com",
        Kind::Email,
        "laura.mendez@gmail.com",
    );
    has("mi gmail es laura88", Kind::Email, "laura88@gmail.com");
    has(
        "mi web es estudiogarcia punto es",
        Kind::Url,
        "estudiogarcia.es",
    );
    has(
        "seis uno dos, treinta y cuatro, cincuenta y seis, setenta y ocho",
        Kind::Phone,
        "612345678",
    );
    assert_eq!(
        language("Escríbeme por WhatsApp", Kind::MessagingApp),
        Some("es")
    );
    assert_eq!(
        language("Pásame tu número", Kind::ContactRequest),
        Some("es")
    );
    assert_eq!(
        language(
            "llámame: seis uno dos, treinta y cuatro, cincuenta y seis",
            Kind::Phone
        ),
        Some("es")
    );
    assert_eq!(
        language("mi correo es laura arroba gmail punto com", Kind::Email),
        None
    );
}

#[test]
fn spanish_twins_are_fine() {
    none("Hablamos por el chat de la plataforma, así queda todo registrado");
    none("No comparto mi WhatsApp, prefiero que hablemos por aquí");
    none("El número de pedido es 4587123");
    none("¿Me confirmas tu número de pedido?");
    none("Ya subí la versión 2.3 del logo");
    none("¿Puedes revisar tu teléfono? Te llegó una notificación");
    none("Revisa tu correo, te mandé la factura");
    none("Hay que añadir un botón de WhatsApp en la web");
    none("Tengo tres diseños listos y dos más en camino");
    none("Es un punto importante para el cliente");
    none("Cuidado: si alguien te pide tu WhatsApp, es una estafa");
}

#[test]
fn portuguese_contact_details() {
    has(
        "Me chama no zap que a gente fecha",
        Kind::MessagingApp,
        "whatsapp",
    );
    has("me chama no zapzap", Kind::MessagingApp, "whatsapp");
    has("Manda um zap pra mim", Kind::MessagingApp, "whatsapp");
    has("Tem whats? Fica mais fácil", Kind::MessagingApp, "whatsapp");
    has("Fala comigo pelo Telegram", Kind::MessagingApp, "telegram");
    has(
        "Vamos continuar a conversa no WhatsApp?",
        Kind::MessagingApp,
        "whatsapp",
    );
    has(
        "Me passa seu número que eu te ligo",
        Kind::ContactRequest,
        "seu numero",
    );
    has(
        "Qual é o seu WhatsApp?",
        Kind::ContactRequest,
        "seu whatsapp",
    );
    has("qual seu zap?", Kind::ContactRequest, "seu zap");
    has(
        "Meu e-mail é joao.silva arroba gmail ponto com",
        Kind::Email,
        "joao.silva@gmail.com",
    );
    has(
        "Meu insta é @ana.ilustra",
        Kind::Handle,
        "instagram:ana.ilustra",
    );
    has(
        "Meu telefone é onze, nove oito sete, seis cinco, quatro três, dois um",
        Kind::Phone,
        "11987654321",
    );
    has(
        "me liga: trinta e quatro, noventa e nove, setenta e um, vinte",
        Kind::Phone,
        "34997120",
    );
    assert_eq!(language("Me chama no zap", Kind::MessagingApp), Some("pt"));
    assert_eq!(
        language("me manda no WhatsApp", Kind::MessagingApp),
        Some("pt")
    );
    assert_eq!(
        language("Me passa seu número", Kind::ContactRequest),
        Some("pt")
    );
}

#[test]
fn portuguese_twins_are_fine() {
    none("Vamos conversar por aqui mesmo, pelo chat do site");
    none("Não passo meu número, prefiro falar por aqui");
    none("Não me chama no zap, fala por aqui");
    none("O número do pedido é 58473921");
    none("Terminei a versão 3.1 do aplicativo");
    none("Coloquei o botão do WhatsApp no rodapé do site");
    none("O cliente falou no zap dele que quer outra cor");
    none("Tenho duas ideias e três referências pra te mostrar");
    none("é um ponto importante do projeto");
}

#[test]
fn french_contact_details() {
    has(
        "Écris-moi sur WhatsApp, ce sera plus simple",
        Kind::MessagingApp,
        "whatsapp",
    );
    has(
        "Tu as Telegram ? Je t'envoie les maquettes",
        Kind::MessagingApp,
        "telegram",
    );
    has(
        "Envoie-moi un message sur Signal",
        Kind::MessagingApp,
        "signal",
    );
    has("Contactez-moi par WhatsApp", Kind::MessagingApp, "whatsapp");
    has(
        "Donne-moi ton numéro et je t'appelle",
        Kind::ContactRequest,
        "ton numero",
    );
    has("Quel est ton mail ?", Kind::ContactRequest, "ton mail");
    has(
        "Laisse-moi ton adresse e-mail",
        Kind::ContactRequest,
        "ton adresse",
    );
    has(
        "claire.martin arobase orange point fr",
        Kind::Email,
        "claire.martin@orange.fr",
    );
    has(
        "claire (arobase) orange point fr",
        Kind::Email,
        "claire@orange.fr",
    );
    has(
        "mon portfolio est sur lucie-design point com",
        Kind::Url,
        "lucie-design.com",
    );
    has(
        "mon numéro c'est le 06.12.34.56.78",
        Kind::Phone,
        "0612345678",
    );
    has(
        "appelle-moi au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
        Kind::Phone,
        "0612345678",
    );
    has(
        "zéro sept, quatre-vingt-dix-neuf, soixante et onze, quatre-vingts, treize",
        Kind::Phone,
        "0799718013",
    );
    assert_eq!(
        language("Écris-moi sur WhatsApp", Kind::MessagingApp),
        Some("fr")
    );
    assert_eq!(language("Tu as Telegram ?", Kind::MessagingApp), Some("fr"));
    assert_eq!(
        language("zéro six, douze, trente-quatre, cinquante-six", Kind::Phone),
        Some("fr")
    );
}

#[test]
fn french_twins_are_fine() {
    none("Je vous appelle demain via la plateforme");
    none("On en discute sur le chat de la plateforme ?");
    none("Je ne donne pas mon numéro, on reste ici");
    none("Le numéro de commande est 48392017");
    none("Quel est ton numéro de commande ?");
    none("Ton adresse de livraison est bien à Lyon ?");
    none("J'ai livré la version 2.3 du site");
    none("Livraison prévue le 12.09.2024");
    none("J'ai ajouté un bouton WhatsApp sur la page d'accueil");
    none("C'est un point important : le logo doit rester lisible");
    none("un point à revoir, point de vue du client, au point mort");
    none("Ça fait soixante-dix euros, quatre-vingts avec la livraison");
}

#[test]
fn german_contact_details() {
    has(
        "Schreib mir auf WhatsApp, dann geht's schneller",
        Kind::MessagingApp,
        "whatsapp",
    );
    has(
        "Hast du Telegram? Dann schicke ich dir die Entwürfe",
        Kind::MessagingApp,
        "telegram",
    );
    has(
        "Lass uns auf Telegram weiterreden",
        Kind::MessagingApp,
        "telegram",
    );
    has(
        "Schick mir eine Nachricht auf Signal",
        Kind::MessagingApp,
        "signal",
    );
    has("Gib mir deine Nummer", Kind::ContactRequest, "deine nummer");
    has(
        "Wie ist deine E-Mail-Adresse?",
        Kind::ContactRequest,
        "deine mail",
    );
    has(
        "Kannst du mir deine Handynummer geben?",
        Kind::ContactRequest,
        "deine handynummer",
    );
    has(
        "max.mueller (at) web punkt de",
        Kind::Email,
        "max.mueller@web.de",
    );
    has(
        "Mein Instagram ist @studio_kranz",
        Kind::Handle,
        "instagram:studio_kranz",
    );
    has(
        "meine Website: kranz-design punkt de",
        Kind::Url,
        "kranz-design.de",
    );
    has(
        "Ruf mich an: null eins sieben eins, zweiundvierzig, dreiunddreißig, neunzehn",
        Kind::Phone,
        "0171423319",
    );
    assert_eq!(
        language("Schreib mir auf WhatsApp", Kind::MessagingApp),
        Some("de")
    );
    assert_eq!(
        language("Gib mir deine Nummer", Kind::ContactRequest),
        Some("de")
    );
    assert_eq!(
        language(
            "null eins sieben eins, zweiundvierzig, dreiunddreißig",
            Kind::Phone
        ),
        Some("de")
    );
}

#[test]
fn german_twins_are_fine() {
    none("Lass uns hier im Chat der Plattform weitermachen");
    none("Ich rufe dich morgen über die Videofunktion der Plattform an");
    none("Meine Nummer gebe ich nicht raus, wir schreiben hier");
    none("Schreib mir bitte nicht auf WhatsApp, nur hier");
    none("Die Bestellnummer ist 84736251");
    none("Wie ist deine Nummer von der Bestellung?");
    none("Version 2.3 ist hochgeladen");
    none("Abgabe am 15.03.2024");
    none("Ich habe einen WhatsApp-Button in die Seite eingebaut");
    none("Ein wichtiger Punkt: das Logo muss lesbar bleiben");
    none("Dein Handy klingelt die ganze Zeit");
}

mod numbers_read_in_pairs {
    use super::*;
    use proptest::prelude::*;

    const FR_UNITS: [&str; 20] = [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
        "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
        "dix-neuf",
    ];

    /// 10..=99 in French, with the 70s and 90s built on 60 and 80.
    fn fr(n: usize) -> String {
        const TENS: [&str; 7] = [
            "",
            "",
            "vingt",
            "trente",
            "quarante",
            "cinquante",
            "soixante",
        ];
        let (t, u) = (n / 10, n % 10);
        match n {
            0..=19 => FR_UNITS[n].to_string(),
            20..=69 if u == 0 => TENS[t].to_string(),
            20..=69 if u == 1 => format!("{} et un", TENS[t]),
            20..=69 => format!("{}-{}", TENS[t], FR_UNITS[u]),
            71 => "soixante et onze".to_string(),
            70..=79 => format!("soixante-{}", FR_UNITS[n - 60]),
            80 => "quatre-vingts".to_string(),
            81..=89 => format!("quatre-vingt-{}", FR_UNITS[u]),
            _ => format!("quatre-vingt-{}", FR_UNITS[n - 80]),
        }
    }

    /// 10..=99 in Spanish ("treinta y cuatro", "veintidós").
    fn es(n: usize) -> String {
        const UNITS: [&str; 10] = [
            "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
        ];
        const TEENS: [&str; 10] = [
            "diez",
            "once",
            "doce",
            "trece",
            "catorce",
            "quince",
            "dieciséis",
            "diecisiete",
            "dieciocho",
            "diecinueve",
        ];
        const TWENTIES: [&str; 10] = [
            "veinte",
            "veintiuno",
            "veintidós",
            "veintitrés",
            "veinticuatro",
            "veinticinco",
            "veintiséis",
            "veintisiete",
            "veintiocho",
            "veintinueve",
        ];
        const TENS: [&str; 10] = [
            "",
            "",
            "",
            "treinta",
            "cuarenta",
            "cincuenta",
            "sesenta",
            "setenta",
            "ochenta",
            "noventa",
        ];
        let (t, u) = (n / 10, n % 10);
        match t {
            1 => TEENS[u].to_string(),
            2 => TWENTIES[u].to_string(),
            _ if u == 0 => TENS[t].to_string(),
            _ => format!("{} y {}", TENS[t], UNITS[u]),
        }
    }

    /// 10..=99 in Brazilian Portuguese ("trinta e quatro").
    fn pt(n: usize) -> String {
        const UNITS: [&str; 10] = [
            "zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove",
        ];
        const TEENS: [&str; 10] = [
            "dez",
            "onze",
            "doze",
            "treze",
            "catorze",
            "quinze",
            "dezesseis",
            "dezessete",
            "dezoito",
            "dezenove",
        ];
        const TENS: [&str; 10] = [
            "",
            "",
            "vinte",
            "trinta",
            "quarenta",
            "cinquenta",
            "sessenta",
            "setenta",
            "oitenta",
            "noventa",
        ];
        let (t, u) = (n / 10, n % 10);
        match t {
            1 => TEENS[u].to_string(),
            _ if u == 0 => TENS[t].to_string(),
            _ => format!("{} e {}", TENS[t], UNITS[u]),
        }
    }

    /// 10..=99 in German ("zweiundvierzig", "einundzwanzig").
    fn de(n: usize) -> String {
        const UNITS: [&str; 10] = [
            "null", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
        ];
        const TEENS: [&str; 10] = [
            "zehn",
            "elf",
            "zwölf",
            "dreizehn",
            "vierzehn",
            "fünfzehn",
            "sechzehn",
            "siebzehn",
            "achtzehn",
            "neunzehn",
        ];
        const TENS: [&str; 10] = [
            "", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig",
            "neunzig",
        ];
        let (t, u) = (n / 10, n % 10);
        match t {
            1 => TEENS[u].to_string(),
            _ if u == 0 => TENS[t].to_string(),
            _ => format!("{}und{}", UNITS[u], TENS[t]),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// A number read as a zero, a digit and four pairs from 10 to 99, in French, Spanish,
        /// Portuguese or German: found with its digits, and named in its language.
        #[test]
        fn a_number_read_in_pairs_is_found_in_its_language(
            lang in 0usize..4,
            pairs in proptest::collection::vec(10usize..100, 4),
            // Pairs apart by a space alone are ambiguous when spoken ("soixante dix" is 70).
            sep in prop_oneof![Just(", "), Just(" - "), Just(" / ")],
        ) {
            let (intro, start, say, code): (&str, &str, fn(usize) -> String, &str) = match lang {
                0 => ("appelle-moi au", "zéro six", fr, "fr"),
                1 => ("llámame al", "cero seis", es, "es"),
                2 => ("me liga no", "zero seis", pt, "pt"),
                _ => ("ruf mich an:", "null sechs", de, "de"),
            };
            let said: Vec<String> = pairs.iter().map(|&p| say(p)).collect();
            let text = format!("{intro} {start}{sep}{} merci", said.join(sep));
            let want: String = std::iter::once("06".to_string())
                .chain(pairs.iter().map(|p| p.to_string()))
                .collect();
            let f = scan(&text, &ScanContext::new(Source::Message));
            let phone = f.iter().find(|f| f.kind == Kind::Phone);
            prop_assert!(
                phone.is_some_and(|p| p.value == want && p.language == Some(code)),
                "{text}: want {want} ({code}), got {f:?}"
            );
        }
    }

    #[test]
    fn every_french_pair_reads_back() {
        for n in 10..100 {
            let text = format!(
                "appelle-moi au zéro six, {}, douze, treize, quatorze",
                fr(n)
            );
            let want = format!("06{n}121314");
            has(&text, Kind::Phone, &want);
        }
    }
}

/// "I'll write to you there": the first person moves the conversation as much as the imperative,
/// when it speaks to the reader ("te", "lhe").
#[test]
fn first_person_invitations_in_other_languages() {
    for s in [
        "te escribo por WhatsApp",
        "te llamo por Telegram mañana",
        "eu te escrevo no WhatsApp",
        "te envio as fotos pelo zap",
    ] {
        has_kind(s, Kind::MessagingApp);
    }
    for s in [
        "Te escribo mañana con los cambios",
        "Mando el informe mañana",
        "hablo inglés y español",
        // Without a pronoun for the reader, the writer tells what they do.
        "Hablo por WhatsApp con mis clientes",
        "Me llamo Ana y trabajo con Instagram",
        "Falo com meus clientes pelo WhatsApp",
        "Envio as fotos pelo Instagram da empresa",
        "Hago publicaciones para Instagram",
    ] {
        none(s);
    }
}

/// Asking for a number or an app without a possessive: "pásame el número", "me passa o zap",
/// "donne-moi le numéro", "gib mir die Nummer".
/// Without "tu"/"teu" the noun must be a phone's (a number with nothing after it but a phone word,
/// a joining word or a plea), never a mail word ("envíame el correo" sends an email).
#[test]
fn requests_without_a_possessive() {
    for s in [
        "pásame el número y te llamo",
        "Pásame el número de teléfono",
        "dame el WhatsApp",
        "me passa o zap",
        "me passa o número por favor",
        "dame el teléfono, te llamo",
        "Donne-moi le numéro et je t'appelle",
        "file-moi le WhatsApp stp",
        "gib mir die Nummer",
        "gib mir die Handynummer",
    ] {
        has_kind(s, Kind::ContactRequest);
    }
    for s in [
        "dame el número exacto de horas",
        "pásame el número de la factura",
        "me passa o número do pedido",
        "envíame el correo con el informe",
        "me manda o email com o relatório",
        "manda el archivo cuando puedas",
        "donne-moi le numéro de commande",
        "donne-moi le numéro gagnant",
        "envoie-moi le mail",
        "gib mir die Nummer der Bestellung",
        "schick mir die E-Mail",
        "gib mir die Datei",
    ] {
        none(s);
    }
}

#[test]
fn formal_requests_with_the_verb_late_or_portugal_words() {
    for s in [
        "Könnten Sie mir bitte Ihre private E-Mail-Adresse mitteilen?",
        "Pode enviar-me o seu contacto de telemóvel?",
        "pourriez-vous me communiquer votre adresse e-mail personnelle ?",
        "Deixe o seu contacto e eu ligo amanhã de manhã.",
    ] {
        has_kind(s, Kind::ContactRequest);
    }
    none("Können Sie mir Ihre Rechnungsadresse mitteilen?");
    none("pourriez-vous me communiquer votre adresse de livraison ?");
}
