//! Abuse behaviour.

use crate::scan;
use crate::types::{Category, Kind, ScanContext};

/// What the word lists and phrase rules find (the toxicity model's findings are tested with it).
fn kinds(s: &str) -> Vec<(Category, Kind)> {
    scan(s, &ScanContext::default())
        .into_iter()
        .filter(|f| !f.rule.ends_with(".model"))
        .map(|f| (f.category, f.kind))
        .collect()
}

#[test]
fn profanity_with_severity() {
    assert_eq!(
        kinds("this is f**king broken"),
        [(Category::Profanity, Kind::Strong)]
    );
    assert_eq!(
        kinds("damn, the build failed"),
        [(Category::Profanity, Kind::Mild)]
    );
    assert_eq!(kinds("sh1t happens"), [(Category::Profanity, Kind::Strong)]);
}

#[test]
fn harassment_is_directed() {
    let k = kinds("you are a useless idiot");
    assert!(k.contains(&(Category::Harassment, Kind::Insult)), "{k:?}");
    assert!(kinds("this stupid bug again").is_empty());
    let k = kinds("f u c k you");
    assert!(
        k.contains(&(Category::Harassment, Kind::Insult))
            && k.contains(&(Category::Profanity, Kind::Strong)),
        "{k:?}"
    );
}

#[test]
fn threats_and_self_harm() {
    assert!(kinds("I will find you and hurt you").contains(&(Category::Harassment, Kind::Threat)));
    assert!(kinds("just kys").contains(&(Category::Harassment, Kind::SelfHarm)));
    assert!(kinds("I know where you live").contains(&(Category::Harassment, Kind::Threat)));
    assert!(kinds("I would never hurt you").is_empty());
    assert!(kinds("I will kill the process and restart it").is_empty());
    assert!(kinds("I will find you a better developer").is_empty());
}

#[test]
fn death_wishes() {
    for text in [
        "hope you die",
        "I hope you die, scammer",
        "honestly i wish you'd die",
        "I want you to die",
        "you deserve to die",
        "u need to die",
        "hoping you die soon",
    ] {
        assert!(
            kinds(text).contains(&(Category::Harassment, Kind::Threat)),
            "{text}: {:?}",
            kinds(text)
        );
    }
    for text in [
        "I hope you don't die of boredom reading this spec",
        "Do you want to die on that hill? It's a small change",
        "you need to die cut the sticker sheet",
        "you need to die-cut the labels",
        "I hope your plants don't die while you travel",
        "if you die in the game you lose the level",
    ] {
        assert!(
            !kinds(text).contains(&(Category::Harassment, Kind::Threat)),
            "{text}: {:?}",
            kinds(text)
        );
    }
}
