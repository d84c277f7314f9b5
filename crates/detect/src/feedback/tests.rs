use super::*;

fn kinds(s: &str) -> Vec<&'static str> {
    let mut d = Doc::new(s);
    detect(&mut d);
    d.findings.iter().map(|f| f.kind.as_str()).collect()
}

#[test]
fn pressure_is_found() {
    assert_eq!(
        kinds("I'll give you a 20% discount if you leave a 5 star review"),
        ["incentive"]
    );
    assert_eq!(
        kinds("If you don't pay extra I will leave you a bad review"),
        ["feedback_threat"]
    );
    assert_eq!(
        kinds("I won't send the final files until you leave 5 stars"),
        ["withholding"]
    );
    assert_eq!(
        kinds("Could you please change your feedback to 5 stars?"),
        ["change_request"]
    );
    assert_eq!(
        kinds("I'll refund $20 for a five star rating"),
        ["incentive"]
    );
}

#[test]
fn trading_ratings_and_protecting_a_score_are_found() {
    for s in [
        "I will give you 5 stars if you give me 5 stars",
        "5 stars for 5 stars?",
        "review for review, deal?",
        "leave me five stars and I'll do the same for you",
        "I will give you 5 stars if you give me 5 stars and I'll confirm it",
        "Leave me 5 stars and I'll leave you 5 stars",
    ] {
        assert_eq!(kinds(s), ["reciprocal_rating"], "{s}");
    }
    for s in [
        "please end the contract now so it does not hurt my job success score",
        "can you close the contract before the deadline so my JSS stays high",
        "please cancel the contract instead of closing it so the 3 stars won't show",
        "Can you please cancel the contract from your side? If it closes normally the feedback will tank my score.",
        "Let's close this early by mutual agreement so neither of us has to leave feedback. My JSS can't take another hit.",
    ] {
        assert_eq!(kinds(s), ["score_protection"], "{s}");
    }
}

#[test]
fn talk_about_ratings_given_and_contracts_ended_is_fine() {
    for s in [
        "Thanks for the 5 star review, I left you 5 stars too",
        "I rated you 5 stars and you rated me 5 stars, great working together",
        "We can end the contract once the last milestone is approved",
        "Closing the contract now; my score is not your concern, the work is",
        "The job success score is calculated from feedback over 24 months",
        "Can you cancel the contract? The review section doesn't show for me",
        "Please close the contract so the review shows on my profile",
        "Let's close this ticket. My score on the quiz was high.",
        "We need 5 star reviews displayed on the landing page and the free shipping banner",
        "The app should let users leave a 5 star rating and get a discount code for their next order",
        "Build a 5 star review widget for our free trial page",
        "We can end the contract once the last milestone is approved. My success score is doing fine.",
    ] {
        assert!(kinds(s).is_empty(), "{s}: {:?}", kinds(s));
    }
}

#[test]
fn asking_for_feedback_is_fine() {
    assert!(kinds("Please leave feedback when you have a moment").is_empty());
    assert!(kinds("I strive to earn a 5 star rating on every job").is_empty());
    assert!(kinds("How do I change my feedback for the freelancer?").is_empty());
    assert!(kinds("I'm sorry, I have to leave honest feedback").is_empty());
    assert!(kinds("I would never pressure anyone to change their review").is_empty());
}

#[test]
fn stars_that_describe_a_place_are_no_threat() {
    for s in [
        "I'll be leaving the 1-star hotel tomorrow",
        "we'll stay in a two star motel, I will leave early",
    ] {
        assert!(kinds(s).is_empty(), "{s}");
        let all = crate::scan(s, &crate::types::ScanContext::default());
        assert!(all.is_empty(), "{s}: {all:?}");
    }
    assert_eq!(
        kinds("I'll be leaving a 1-star review for this hotel job"),
        ["feedback_threat"]
    );
}

#[test]
fn a_rate_that_is_a_price_is_no_rating_traded() {
    assert!(
        kinds("could you review my proposal and tell me if the rate works for you?").is_empty()
    );
    assert!(kinds("review the scope first, then if my hourly rate is ok we start").is_empty());
    assert_eq!(
        kinds("I'll give you 5 stars if you give me 5 stars"),
        ["reciprocal_rating"]
    );
}
