//! Contact-info behaviour, one assertion per evasion or hard negative.

use crate::scan;
use crate::types::{Category, Kind, ScanContext, Source};

mod languages;

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

#[test]
fn phones_dictated_in_pieces_or_split_by_bars() {
    has(
        "hey just call 917 then 555 then 0134, ask for Marco",
        Kind::Phone,
        "+19175550134",
    );
    has(
        "ok it's five five nine, then double five five, then oh one one eight",
        Kind::Phone,
        "+15595550118",
    );
    has(
        "number = 2 1 3 | 5 5 5 | 0 1 6 0, whatsapp is fine",
        Kind::Phone,
        "+12135550160",
    );
    // Years, counts and table cells are not dictated numbers.
    none("we did 2019 then 2020 then 2021");
    none("I'll do 100 then 250 then 500 words");
    none("pages 12 | 34 | 56 | 78");
    none("Chapter word counts then totals: 3200 then 4100 then 7300");
    none("Upgrade from 2.3.1 then 2.4.0 then 3.0.1, one at a time");
    none("Q1 | 1200 | 1350 | 1400");
    none("Prices: 120 | 240 | 360 | 480");
}

#[test]
fn phones_written_one_piece_per_line() {
    has(
        "Drop me a line:\n7 1 8\n5 5 5\n0 1 5 3",
        Kind::Phone,
        "+17185550153",
    );
    has(
        "Number below, split up so it goes through:\n310\n555\n0185",
        Kind::Phone,
        "+13105550185",
    );
    has(
        "Meine Handynummer:\n0 1 7 6\n5 5 5\n0 1 7 2",
        Kind::Phone,
        "01765550172",
    );
    // The first pieces right after the phone word, on its line.
    has(
        "ring me: 0 7 9 1 1\n1 2 3 4 5 6",
        Kind::Phone,
        "07911123456",
    );
    has("call me: 07911\n123456", Kind::Phone, "07911123456");
    // A line with words before the break still ends the number (a postcode, then a phone).
    has(
        "Portugal 30971\n21 253 109 8211",
        Kind::Phone,
        "212531098211",
    );
    // Lists of numbers with no phone in the text, prices, and a phone word far away.
    none("Order IDs:\n4412\n5567\n8890");
    none("Quantities for the print run:\n120\n340\n560\n780");
    none("Here are the totals, one per line:\n120\n245\n380\n4450");
    none("Pricing tiers for the phone plan page:\n19.99\n29.99\n49.99");
    none("Office floor plan areas (sq ft):\n1200\n850\n640");
    // A phone word earlier in the sentence, or figures after "call me" that are no phone.
    none("Call me tomorrow, the total is 4500\n3200 for design");
    none("call me: 20245\nbudget 3000");
    none("call me about the totals:\n12345\n67890");
    none("phone: 0800\n0900 slot");
}

#[test]
fn links_to_the_work_are_not_contact_details() {
    for s in [
        "The finished site is live at www.greenleafbakery.com, please check it on mobile.",
        "Your new site is deployed at www.brightleafbakery.com, please check the menu page",
        "La web de prueba ya está en https://demo-tienda-ferreteria.netlify.app, échale un vistazo.",
        "Die Testseite läuft unter https://staging.zahnarzt-mueller.de, schau mal drüber.",
    ] {
        let kinds: Vec<Kind> = found(s).into_iter().map(|(k, _)| k).collect();
        assert!(!kinds.contains(&Kind::Url), "{s}: {kinds:?}");
        assert!(!kinds.contains(&Kind::Email), "{s}: {kinds:?}");
    }
    // The sender's own site stays contact info, live or not.
    has(
        "my website is live at www.janedoe.com",
        Kind::Url,
        "www.janedoe.com",
    );
    has(
        "contact me via www.janedoe.com",
        Kind::Url,
        "www.janedoe.com",
    );
}

#[test]
fn handles_a_few_words_after_the_app_name() {
    has(
        "Bin auf Telegram als @lea_grafik, lass uns da weiterreden",
        Kind::Handle,
        "telegram:lea_grafik",
    );
    has(
        "dispo sur discord si tu veux, pseudo : kev_3d#0912",
        Kind::Handle,
        "discord:kev_3d#0912",
    );
    has(
        "Te paso mi insta para que sigamos por ahí: @anaruiz.ilustra",
        Kind::Handle,
        "instagram:anaruiz.ilustra",
    );
    // A work word inside the user name does not make the clause about the work.
    has("tg: @mx_frontend", Kind::Handle, "telegram:mx_frontend");
    has(
        "my telegram is @dev_backend_pro",
        Kind::Handle,
        "telegram:dev_backend_pro",
    );
    // Someone else's account tagged or reported on in the work, numbers of things, and an
    // e-mail address are no handle.
    for s in [
        "We posted it on Instagram, tag @nike in the caption",
        "email me on gmail: jane@gmail.com",
        "Instagram growth report: @sunrise_yoga gained 1,200 followers this month",
        "For the Instagram carousel, credit the photographer @lena_photo on slide 3",
        "The Telegram notification for order#1001 is working now",
        "telegram bot: @mx_frontend_bot integration for the backend",
    ] {
        assert!(
            !found(s).iter().any(|(k, _)| *k == Kind::Handle),
            "{s}: {:?}",
            found(s)
        );
    }
}

#[test]
fn a_brands_public_account_is_no_way_to_reach_the_sender() {
    none("The Twitter handle for the brand is @coffeeshop");
    none("the brand's Instagram is @glowskin, match its tone please");
    none("our competitor's TikTok @fitfuel_official posts daily");
    // Either party's own account is, brand or not.
    has_kind("my Instagram is @glowskin", Kind::Handle);
    has_kind("the brand is mine, my Instagram is @glowskin", Kind::Handle);
    has_kind(
        "for the brand work add me on telegram: @mx_brand",
        Kind::Handle,
    );
}
