//! Contact-info behaviour, one assertion per evasion or hard negative.

use crate::scan;
use crate::types::{Category, Kind, ScanContext, Source};

fn found(s: &str) -> Vec<(Kind, String)> {
    scan(s, &ScanContext::new(Source::Message))
        .into_iter()
        .filter(|f| f.category == Category::ContactInfo)
        .map(|f| (f.kind, f.value))
        .collect()
}

fn has(s: &str, kind: Kind, value: &str) {
    let f = found(s);
    assert!(
        f.iter().any(|(k, v)| *k == kind && v == value),
        "{s:?} -> {f:?}"
    );
}

fn has_kind(s: &str, kind: Kind) {
    let f = found(s);
    assert!(f.iter().any(|(k, _)| *k == kind), "{s:?} -> {f:?}");
}

fn none(s: &str) {
    let f = found(s);
    assert!(f.is_empty(), "{s:?} -> {f:?}");
}

#[test]
fn emails_plain_and_obfuscated() {
    has(
        "write to J.Doe@Gmail.com please",
        Kind::Email,
        "j.doe@gmail.com",
    );
    has("jdoe (at) host [dot] org", Kind::Email, "jdoe@host.org");
    has("jdoe at gmail dot com", Kind::Email, "jdoe@gmail.com");
    has(
        "jdoe\u{FF20}gmail\u{FF0E}com",
        Kind::Email,
        "jdoe@gmail.com",
    );
    has("j d o e @ g m a i l . c o m", Kind::Email, "jdoe@gmail.com");
    has(
        "reach me: jane_doe88 at gmail",
        Kind::Email,
        "jane_doe88@gmail.com",
    );
    has("my gmail is jdoe1990", Kind::Email, "jdoe1990@gmail.com");
}

#[test]
fn phones_in_many_shapes() {
    has("call +1 (415) 555-0100", Kind::Phone, "+14155550100");
    has("my number 415.555.0100", Kind::Phone, "+14155550100");
    has(
        "four one five five five five zero one zero zero",
        Kind::Phone,
        "+14155550100",
    );
    has("4 1 5 5 5 5 0 1 0 0", Kind::Phone, "+14155550100");
    has(
        "text me 415 five five five 0100",
        Kind::Phone,
        "+14155550100",
    );
    has("whatsapp +44 7700 900123", Kind::Phone, "+447700900123");
    has(
        "nine one seven double five triple two one zero",
        Kind::Phone,
        "+19175522210",
    );
    has(
        "\u{FF14}\u{FF11}\u{FF15}\u{FF15}\u{FF15}\u{FF15}\u{FF10}\u{FF11}\u{FF10}\u{FF10}",
        Kind::Phone,
        "+14155550100",
    );
    has("O77OO 9OO l23 call me", Kind::Phone, "07700900123");
}

#[test]
fn numbers_that_are_not_phones() {
    none("The budget is $1,250,000 for the whole project");
    none("Deadline 2024-03-15, kickoff 15/03/2024");
    none("Order #123456789 shipped");
    none("Invoice 2023-0045-118 is attached");
    none("I use version 10.15.7 and node 18.17.1");
    none("Server at 192.168.100.200 is down");
    none("We have 1 2 3 4 5 6 7 8 steps");
    none("Between 2019 2020 2021 sales grew");
    none("Meeting at 10:30 to 11:45 tomorrow");
    none("The file has 12500000 rows");
    none("Price: 4500.00 USD");
}

#[test]
fn urls_and_deep_links() {
    has(
        "see https://Janedoe-Studio.com/portfolio?x=1.",
        Kind::Url,
        "janedoe-studio.com/portfolio?x=1",
    );
    has("chat at wa.me/14155550100", Kind::Url, "wa.me/14155550100");
    has("t.me/janedoe", Kind::Url, "t.me/janedoe");
    has(
        "linkedin.com/in/jane-doe",
        Kind::Url,
        "linkedin.com/in/jane-doe",
    );
    has("my site is janedoe dot com", Kind::Url, "janedoe.com");
    has(
        "skype:live:jane.doe?chat",
        Kind::Handle,
        "skype:live:jane.doe",
    );
    none("I wrote it in ASP.NET and Node.js, see README.md");
    none("It works.Thanks a lot");
}

#[test]
fn handles_and_invitations() {
    has("telegram: @jdoe_dev", Kind::Handle, "telegram:jdoe_dev");
    has("skype id jane.doe77", Kind::Handle, "skype:jane.doe77");
    has(
        "my IG is janedoe_art",
        Kind::Handle,
        "instagram:janedoe_art",
    );
    has("discord jdoe#1234", Kind::Handle, "discord:jdoe#1234");
    has("let's continue on WhatsApp", Kind::MessagingApp, "whatsapp");
    has(
        "can we talk on w h a t s a p p?",
        Kind::MessagingApp,
        "whatsapp",
    );
    has("do you have telegram?", Kind::MessagingApp, "telegram");
    has("whatsapp me", Kind::MessagingApp, "whatsapp");
    has("send me your number", Kind::ContactRequest, "your number");
}

#[test]
fn negation_policy_and_tech_talk_are_fine() {
    none("I can't share my email here");
    none("we only talk on the platform");
    none("I will not move to WhatsApp, let's keep it here");
    none("I built a WhatsApp bot with the Business API");
    none("Experience with Telegram bot development and Discord integrations");
    none("I don't need your phone number, messages here are fine");
}

#[test]
fn spans_point_into_the_original() {
    let s = "Mail: ｊｄｏｅ＠ｇｍａｉｌ．ｃｏｍ!";
    let f = scan(s, &ScanContext::default());
    let e = f
        .iter()
        .find(|f| f.kind == Kind::Email)
        .map(|f| &s[f.start..f.end]);
    assert_eq!(e, Some("ｊｄｏｅ＠ｇｍａｉｌ．ｃｏｍ"));
}

#[test]
fn reserved_example_domains_are_not_contact_info() {
    none("The regex should match something like user@example.com");
    none("Replace example.com with your domain, or use api.test locally");
}

#[test]
fn phones_glued_to_digit_words_or_split_by_runs_of_punctuation() {
    has(
        "my cell is 5five5-12three-45six7",
        Kind::Phone,
        "5551234567",
    );
    has("call me at 4one5 555 0one00", Kind::Phone, "+14155550100");
    has("reach me on (555)...123...4567", Kind::Phone, "5551234567");
    has(
        "call 555 --- 123 --- 4567 after 6",
        Kind::Phone,
        "5551234567",
    );
    has("ping me 555.....123.....4567", Kind::Phone, "5551234567");
    // Their false-positive twins: lists and counts with dots, ids, words with digits.
    none("I have 3 logos... 2 banners... and 10 icons");
    none("scores: 10...20...30...40...50...60");
    none("order 12345 ... 678 shipped");
    none("the office4 is on floor two, room 12");
    none("we need 2one way tickets and 5 hotel nights");
}

mod disguised_phones {
    use super::*;
    use proptest::prelude::*;

    const WORDS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];

    /// Each digit as a digit or its word, glued to its neighbours or not.
    fn written(digits: &[u8], styles: &[u8]) -> Vec<String> {
        digits
            .iter()
            .zip(styles)
            .map(|(d, s)| match s % 2 {
                0 => d.to_string(),
                _ => WORDS[usize::from(*d)].to_owned(),
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// A US number (3-3-4 groups) with each digit a digit or a word, the groups split by a
        /// run of one to six separators: found, with its digits.
        #[test]
        fn a_number_in_any_disguise_is_found(
            rest in proptest::collection::vec(0u8..10, 7),
            styles in proptest::collection::vec(0u8..2, 10),
            sep in "[-.*~]{1,6}",
            spaced in any::<bool>(),
        ) {
            // A plausible area code and exchange: 2-9 first.
            let mut digits = vec![4, 1, 5];
            digits.extend(rest);
            digits[3] = 2 + digits[3] % 8;
            let parts = written(&digits, &styles);
            let gap = if spaced { format!(" {sep} ") } else { sep.clone() };
            let group = |r: std::ops::Range<usize>| parts[r].concat();
            let text = format!(
                "text me on {}{gap}{}{gap}{} tonight",
                group(0..3),
                group(3..6),
                group(6..10)
            );
            let want: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            let got = found(&text);
            prop_assert!(
                got.iter().any(|(k, v)| *k == Kind::Phone && v.ends_with(&want)),
                "{text}: {got:?}"
            );
        }

        /// A number with each digit a digit, a word, or its word spelled letter by letter
        /// ("s-e-v-e-n", "o.n.e"), one space between items: found, with its digits.
        #[test]
        fn a_number_spelled_letter_by_letter_is_found(
            rest in proptest::collection::vec(0u8..10, 7),
            styles in proptest::collection::vec(0u8..3, 10),
            sep in "[-.]",
        ) {
            let mut digits = vec![4, 1, 5];
            digits.extend(rest);
            digits[3] = 2 + digits[3] % 8;
            let items: Vec<String> = digits
                .iter()
                .zip(&styles)
                .map(|(d, s)| {
                    let word = WORDS[usize::from(*d)];
                    match s {
                        0 => d.to_string(),
                        1 => word.to_owned(),
                        _ => word.chars().map(String::from).collect::<Vec<_>>().join(&sep),
                    }
                })
                .collect();
            let text = format!("my cell is {} ok", items.join(" "));
            let want: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            let got = found(&text);
            prop_assert!(
                got.iter().any(|(k, v)| *k == Kind::Phone && v.ends_with(&want)),
                "{text}: {got:?}"
            );
        }

        /// A few things counted with their number spelled letter by letter are not a phone.
        #[test]
        fn counts_spelled_letter_by_letter_are_not(
            n in 0usize..10,
            sep in "[-. ]",
            thing in "(cats|days|pages|logos|revisions)",
        ) {
            let word = WORDS[n].chars().map(String::from).collect::<Vec<_>>().join(&sep);
            let text = format!("I have {word} {thing} left and o-n-e more question");
            prop_assert!(!found(&text).iter().any(|(k, _)| *k == Kind::Phone), "{text}");
        }

        /// Counts, lists and prices with the same separators are not phone numbers.
        #[test]
        fn lists_and_amounts_with_runs_of_punctuation_are_not(
            counts in proptest::collection::vec(1u16..60, 2..6),
            sep in "[-.*~]{2,6}",
            cents in 0u32..100,
            dollars in 1u32..10_000,
        ) {
            let list = counts
                .iter()
                .map(|c| format!("{c} logos"))
                .collect::<Vec<_>>()
                .join(&format!(" {sep} "));
            let priced = format!("{list} {sep} total ${dollars}.{cents:02}");
            let got = found(&priced);
            prop_assert!(!got.iter().any(|(k, _)| *k == Kind::Phone), "{priced}: {got:?}");
        }
    }
}

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

/// What a review of the four languages' rules found flagged in ordinary text: English words that
/// are also foreign words, dates, dot words in their own sense, copulas before plain words.
#[test]
fn ordinary_text_the_foreign_rules_once_flagged() {
    for s in [
        "Do you get a ton of email?",
        "Why am I getting a ton of contact requests?",
        "Can the TA email me?",
        "Is Telegram as popular as WhatsApp in LA?",
        "Could someone point me to the right file?",
        "Could anyone point me at the repo?",
        "The deadline is Sept 15, 2024",
        "Available from Sept 3 to Sept 30 2024",
        "Desde mi punto de vista",
        "El punto es que no hay tiempo",
        "De mon point de vue",
        "un bon point de départ",
        "Do meu ponto de vista",
        "Mi Instagram es privado",
        "Mon WhatsApp est en panne",
    ] {
        none(s);
    }
    has(
        "mi insta es lau_diseno2",
        Kind::Handle,
        "instagram:lau_diseno2",
    );
}

/// An app named in what other people do is talk about the app; asking the reader to move, or
/// offering oneself there, stays an invitation.
#[test]
fn what_others_use_is_not_an_invitation() {
    for s in [
        "Do people in Los Angeles and the USA use WhatsApp?",
        "Most of our clients use Slack for this kind of thing",
        "Does anyone still use Skype these days?",
        "They mostly use Telegram in that market",
    ] {
        none(s);
    }
    for s in [
        "Let's use WhatsApp instead",
        "Can we use WhatsApp for the rest?",
        "People can reach me on WhatsApp",
        "My clients use WhatsApp so you can add me there",
        "use whatsapp with me, it is faster",
    ] {
        has_kind(s, Kind::MessagingApp);
    }
}

/// A month named by a word that is also a number word, between a day and a year, is a date.
#[test]
fn dates_with_a_month_that_is_also_a_number_word() {
    for s in [
        "Entrego no dia 15 dez 2024, combinado?",
        "Lieferung am 3 Dez 2024",
        "prêt pour le 12 sept 2025",
        "Due 30 Sept. 24 as agreed",
    ] {
        none(s);
    }
    // The same words in a number read out stay a phone number.
    has(
        "meu numero: nove nove dez 2024 oito oito",
        Kind::Phone,
        "9910202488",
    );
}

/// "I'll write to you there": the first person moves the conversation as much as the imperative.
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
        "Hago publicaciones para Instagram",
    ] {
        none(s);
    }
}
