use crate::doc::Doc;

fn found(s: &str) -> Vec<&'static str> {
    let mut d = Doc::new(s);
    super::super::detect(&mut d);
    d.findings.iter().map(|f| f.kind.as_str()).collect()
}

#[test]
fn deals_in_many_words_are_found() {
    for s in [
        "A 5 star rating gets you 2 extra revisions, anything less and we stop here",
        "Only 5 stars or I dispute the payment, simple as that",
        "If you leave anything less than 5 stars I'll open a dispute",
        "Can you write the review first? Then I'll deliver the final version",
        "I'm holding the final invoice and the fonts until I see the review go up",
        "you'll get the watermark-free version once the review is posted",
        "if you give me a good rating I'll give you priority on all future orders and lower prices",
        "I gave you a discount, so the least you can do is 5 stars, otherwise I'll bill the difference",
        "hey, I gave you 5 stars already, now it's your turn or I'll revise mine",
        "Your review decides whether you get the bonus file pack",
        "Please leave 5 stars, I'll add 3 more product descriptions at no cost",
        "One bad review from you and I'll leave you one too, remember that",
        "the contract closes with a bad review from me if you don't approve the milestone today",
        "I'll accept your revision request but only if you promise a 5 star review",
        "If you're planning to leave 4 stars please don't, I'll pay you back $15 for the trouble",
        "Post the review first. Files come right after.",
        "Fix the bugs for free or I'm writing a review that tells everyone how bad your code is.",
        "Lower the price for phase two and you'll get a great review from me.",
        "Let's make a deal: you refund the last $200 and I'll change my review to 5 stars.",
        "For a 5 star review I can waive the rush fee",
        "Leave me 5 stars and the next logo is on the house",
        "If I don't get a 5 star rating, I'm keeping the deposit",
        "You want the raw footage? Leave a 5* review first",
        "I'll only hand over the PSDs after a five-star review goes live",
        // Session 17's tuning set, in other words.
        "Leave a good review and the hosting setup is on me.",
        "Please give me 5 stars, if you do I can deliver 2 days earlier than we agreed.",
        "I'll release the source files as soon as you've left your feedback on the contract.",
        "I'm not approving the milestone until you leave me a positive review first.",
        "No 5-star review, no source code. That's my policy.",
        "Before I send the Figma link, could you leave a five-star review?",
        "Your delivery will be expedited as soon as you leave a positive review on my last order.",
        "I'll only provide the licence key after your feedback has been submitted.",
        "We'll swap reviews: you rate me five stars, I rate you five stars, everybody's happy.",
        "If you don't add the extra pages for free, I'll be leaving a 1-star review.",
        "Don't make me leave a bad review. Just send the extra revisions and we're good.",
    ] {
        assert_eq!(found(s).len(), 1, "{s}");
    }
}

#[test]
fn asking_thanking_and_reporting_are_not_deals() {
    for s in [
        "If you were happy with the work, a review would mean a lot. No pressure!",
        "If you have a minute after approving, a short review helps new freelancers like me",
        "I'll send the final files today; feel free to leave a review once you've checked them",
        "Please leave a review once you receive the final files",
        "Please leave a review when you can, I'll add it to my portfolio",
        "If you leave a good review, I'd really appreciate it",
        "Thanks for the 5 star review, I'll give you 10% off the next order",
        "I rated you 5 stars because the files were perfect, thanks again",
        "A client told me he'd leave 1 star unless I worked for free, what should I do?",
        "Is it allowed to offer a discount for a 5 star review?",
        "Please review the final files and approve the milestone if they look good",
        "My rate is $40 an hour, or $35 if you book 20 hours",
        "I won't change my rating, but I appreciate the quick fix and the refund",
        "Please leave feedback after I pay the invoice",
        "I'll leave you a review once I pay the final milestone",
        "I'll leave a review when the job is finished, and I'll pay the bonus then",
        "I'm writing a review now, and I'll send the files for free tomorrow",
        "Thanks, I'll write a great review for you once the project is done",
        "Once I see your feedback I'll send the final files",
        "Give me feedback on version 2 and I'll deliver version 3 tomorrow",
        "Once I get feedback from my team, I'll approve the milestone",
        "I'll go through the app store reviews first and then send you a summary",
        "Your app gets 4.5 stars on average, I'll send the full analysis tonight",
        "The reviews section looks great; if you approve, I'll push it live",
        "Rate them 1 to 5 and I'll send the revised set tomorrow",
        "Once you leave feedback on the mockups, I'll charge the second milestone",
        "If the extra revisions come out well, I'll leave my 5 star review",
        "For every 10 reviews we collect for your restaurant, I'll send a monthly report",
        "I'll keep the deposit in escrow until the milestone is approved, then please leave a review",
        "You get the files tomorrow, and a review would be nice",
    ] {
        assert!(found(s).is_empty(), "{s}: {:?}", found(s));
    }
}

#[test]
fn given_ratings_reports_and_work_talk_of_session_17_stay_quiet() {
    for s in [
        "Hi support, my freelancer says he'll withhold the final files until I leave five stars. What are my options?",
        "I left 5 stars and a tip. Thanks for going above and beyond!",
        "Your feedback on the contract draft was really helpful, I've updated clause 4.",
        "Please rate the contract terms before we sign, do they look fair to you?",
        "Don't leave the review yet, I still need to send the source files.",
        "We should add a swap button next to the review form.",
        // Found by the review of this session's rules.
        "I received a message saying \"leave a good review or no files\". I didn't do it.",
        "We'd love a testimonial for our website, if you're happy to write one.",
        "After you leave feedback on the draft, I'll finalize the files.",
        "Please leave feedback on the draft, then I'll send the final link.",
        "Let's swap reviewers: you review my PR and I'll review yours.",
        "Let's do a review swap in the team: each person reviews another's code.",
    ] {
        assert!(found(s).is_empty(), "{s}: {:?}", found(s));
    }
}
