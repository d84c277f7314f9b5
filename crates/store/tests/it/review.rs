use crate::account;
use std::collections::HashMap;
use trustwork_core::appeal::{Appeal, AppealStatus};
use trustwork_core::review::{
    CaseStatus, EntityType, Flag, FlagOutcome, FlagReason, Queue, Resolution, ReviewCase,
};
use trustwork_core::{Actor, LiftCondition, ReasonCode, Restriction, Role, Severity, Timestamp};
use trustwork_store::review::{CaseFilter, CaseResolution};
use trustwork_store::testing::{TestDb, each_backend, postgres_url};
use trustwork_store::{Db, StoreError, new_id};

fn new_case(subject: &str, queue: Queue, entity_id: &str, at: i64) -> ReviewCase {
    ReviewCase {
        id: new_id("rvc"),
        queue,
        subject_account_id: subject.to_owned(),
        entity_type: EntityType::Message,
        entity_id: entity_id.to_owned(),
        content: "call me at 555 0100".into(),
        explanation_json: r#"{"findings":[{"start":8,"end":19}]}"#.into(),
        decision_id: Some("dec_1".into()),
        priority: queue.base_priority(),
        weight: 500,
        reports: 1,
        status: CaseStatus::Open,
        claimed_by: None,
        claim_expires_at: None,
        sla_due_at: Timestamp(at + 1_000),
        created_at: Timestamp(at),
        updated_at: Timestamp(at),
        resolution: None,
        resolution_action: None,
        restriction_id: None,
        resolved_by: None,
        resolved_at: None,
        resolution_note: None,
    }
}

fn resolution(agent: &str, at: i64) -> CaseResolution<'_> {
    CaseResolution {
        resolution: Resolution::Upheld,
        action: Some("warning:SPAM"),
        restriction_id: Some("rst_1"),
        agent_id: agent,
        note: "spam",
        at: Timestamp(at),
    }
}

#[tokio::test]
async fn one_open_case_per_entity_and_reports_add_up() {
    each_backend(|db| async move {
        let a = account(&db, "subject@example.com", Role::Freelancer).await;
        let mut tx = db.begin().await.unwrap();
        let first = new_case(&a.id, Queue::Spam, "msg_1", 10);
        let (stored, opened) = tx.open_or_report_case(&first).await.unwrap();
        assert!(opened);
        assert_eq!(stored, first);
        let (bumped, opened) = tx
            .open_or_report_case(&new_case(&a.id, Queue::Spam, "msg_1", 20))
            .await
            .unwrap();
        assert!(!opened);
        assert_eq!(bumped.id, first.id);
        assert_eq!((bumped.weight, bumped.reports), (1_000, 2));
        assert_eq!(bumped.updated_at, Timestamp(20));
        assert_eq!(
            bumped.sla_due_at, first.sla_due_at,
            "the SLA runs from the first"
        );
        tx.set_review_case_priority(&first.id, 77).await.unwrap();
        assert_eq!(tx.review_case(&first.id).await.unwrap().priority, 77);
        // Another queue, or another entity, is another case.
        let (other, opened) = tx
            .open_or_report_case(&new_case(&a.id, Queue::ContactInfo, "msg_1", 30))
            .await
            .unwrap();
        assert!(opened);
        assert_ne!(other.id, first.id);

        // Once resolved, a new report opens a new case.
        assert!(matches!(
            tx.resolve_review_case(&first.id, &resolution("ag1", 40))
                .await,
            Err(StoreError::Conflict { .. })
        ));
        tx.claim_review_case(&first.id, "ag1", Timestamp(40), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        tx.resolve_review_case(&first.id, &resolution("ag1", 50))
            .await
            .unwrap();
        let done = tx.review_case(&first.id).await.unwrap();
        assert_eq!(done.status, CaseStatus::Resolved);
        assert_eq!(done.resolution, Some(Resolution::Upheld));
        assert_eq!(done.resolution_action.as_deref(), Some("warning:SPAM"));
        assert_eq!(done.restriction_id.as_deref(), Some("rst_1"));
        assert_eq!(done.resolved_by.as_deref(), Some("ag1"));
        assert_eq!(done.resolved_at, Some(Timestamp(50)));
        assert_eq!(done.resolution_note.as_deref(), Some("spam"));
        let (again, opened) = tx
            .open_or_report_case(&new_case(&a.id, Queue::Spam, "msg_1", 60))
            .await
            .unwrap();
        assert!(opened);
        assert_ne!(again.id, first.id);

        assert!(matches!(
            tx.review_case("rvc_nope").await,
            Err(StoreError::NotFound { .. })
        ));
        let history = tx.review_cases_of(&a.id).await.unwrap();
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].id, again.id, "newest first");
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn lists_filter_and_order_by_priority_then_sla() {
    each_backend(|db| async move {
        let a = account(&db, "s@example.com", Role::Freelancer).await;
        let mut tx = db.begin().await.unwrap();
        let mut low = new_case(&a.id, Queue::Spam, "m1", 0);
        low.priority = 10;
        let mut high = new_case(&a.id, Queue::Harassment, "m2", 0);
        high.priority = 50;
        let mut high_later = new_case(&a.id, Queue::Harassment, "m3", 0);
        high_later.priority = 50;
        high_later.sla_due_at = Timestamp(5_000);
        for c in [&low, &high_later, &high] {
            tx.open_or_report_case(c).await.unwrap();
        }
        let all = tx
            .review_cases(&CaseFilter {
                limit: 10,
                ..CaseFilter::default()
            })
            .await
            .unwrap();
        let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, [&high.id, &high_later.id, &low.id]);
        let spam = tx
            .review_cases(&CaseFilter {
                queue: Some(Queue::Spam),
                status: Some(CaseStatus::Open),
                limit: 10,
            })
            .await
            .unwrap();
        assert_eq!(spam.len(), 1);
        assert_eq!(spam[0].id, low.id);
        let resolved = tx
            .review_cases(&CaseFilter {
                status: Some(CaseStatus::Resolved),
                limit: 10,
                ..CaseFilter::default()
            })
            .await
            .unwrap();
        assert!(resolved.is_empty());
        let one = tx
            .review_cases(&CaseFilter {
                limit: 1,
                ..CaseFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(one.len(), 1);
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn claims_hold_until_they_expire_and_release() {
    each_backend(|db| async move {
        let a = account(&db, "c@example.com", Role::Freelancer).await;
        let mut tx = db.begin().await.unwrap();
        let c = new_case(&a.id, Queue::Spam, "m1", 0);
        tx.open_or_report_case(&c).await.unwrap();
        let held = tx
            .claim_review_case(&c.id, "ag1", Timestamp(10), Timestamp(100))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(held.claimed_by.as_deref(), Some("ag1"));
        assert_eq!(held.claim_expires_at, Some(Timestamp(100)));
        assert!(
            tx.claim_review_case(&c.id, "ag2", Timestamp(99), Timestamp(200))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            tx.claim_next_review_case(None, "ag2", Timestamp(99), Timestamp(200))
                .await
                .unwrap()
                .is_none()
        );
        // The holder extends; after expiry another agent takes it.
        tx.claim_review_case(&c.id, "ag1", Timestamp(50), Timestamp(150))
            .await
            .unwrap()
            .unwrap();
        let taken = tx
            .claim_next_review_case(Some(Queue::Spam), "ag2", Timestamp(150), Timestamp(300))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(taken.claimed_by.as_deref(), Some("ag2"));
        assert!(
            !tx.release_review_case(&c.id, "ag1", Timestamp(160))
                .await
                .unwrap()
        );
        assert!(
            tx.release_review_case(&c.id, "ag2", Timestamp(160))
                .await
                .unwrap()
        );
        let released = tx.review_case(&c.id).await.unwrap();
        assert_eq!(
            (released.claimed_by, released.claim_expires_at),
            (None, None)
        );
        assert!(
            tx.claim_next_review_case(
                Some(Queue::Harassment),
                "ag1",
                Timestamp(170),
                Timestamp(300)
            )
            .await
            .unwrap()
            .is_none()
        );
        // An expired claim cannot resolve.
        tx.claim_review_case(&c.id, "ag1", Timestamp(170), Timestamp(180))
            .await
            .unwrap()
            .unwrap();
        assert!(
            tx.resolve_review_case(&c.id, &resolution("ag1", 180))
                .await
                .is_err()
        );
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn flags_record_outcomes_that_make_the_reporters_record() {
    each_backend(|db| async move {
        let subject = account(&db, "t@example.com", Role::Freelancer).await;
        let reporter = account(&db, "r@example.com", Role::Client).await;
        let mut tx = db.begin().await.unwrap();
        let c = new_case(&subject.id, Queue::Flag, "prop_1", 0);
        tx.open_or_report_case(&c).await.unwrap();
        let flag = Flag {
            id: new_id("flg"),
            reporter_account_id: reporter.id.clone(),
            target_type: EntityType::Proposal,
            target_id: "prop_1".into(),
            target_account_id: subject.id.clone(),
            reason: FlagReason::Spam,
            note: "same letter everywhere".into(),
            weight: 500,
            case_id: c.id.clone(),
            created_at: Timestamp(1),
            outcome: None,
        };
        tx.insert_flag(&flag).await.unwrap();
        assert_eq!(tx.flags_of_case(&c.id).await.unwrap(), vec![flag.clone()]);
        assert_eq!(tx.reporter_record(&reporter.id).await.unwrap().upheld, 0);
        assert_eq!(
            tx.set_flag_outcomes(&c.id, FlagOutcome::Upheld)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            tx.set_flag_outcomes(&c.id, FlagOutcome::Dismissed)
                .await
                .unwrap(),
            0,
            "decided once"
        );
        let record = tx.reporter_record(&reporter.id).await.unwrap();
        assert_eq!((record.upheld, record.dismissed), (1, 0));
        tx.commit().await.unwrap();

        // A second flag of the same case by the same reporter is refused by the database too;
        // its own transaction, since PostgreSQL aborts a transaction on an error.
        let mut tx = db.begin().await.unwrap();
        let mut twice = flag.clone();
        twice.id = new_id("flg");
        assert!(matches!(
            tx.insert_flag(&twice).await,
            Err(StoreError::Conflict { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn one_appeal_per_restriction_and_overturned_restrictions() {
    each_backend(|db| async move {
        let a = account(&db, "ap@example.com", Role::Freelancer).await;
        let r = Restriction {
            id: "rst_ap".into(),
            account_id: a.id.clone(),
            reason: ReasonCode::Spam,
            severity: Severity::Hold,
            scope: Severity::Hold.default_scope(),
            lift: LiftCondition::Manual,
            actor: Actor::Account("ag1".into()),
            note: "n".into(),
            created_at: Timestamp(1),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        };
        let appeal = Appeal {
            id: "apl_1".into(),
            restriction_id: r.id.clone(),
            account_id: a.id.clone(),
            statement: "I only sent one letter".into(),
            status: AppealStatus::Open,
            filed_at: Timestamp(5),
            decided_by: None,
            decided_at: None,
            decision_note: None,
        };
        let mut tx = db.begin().await.unwrap();
        tx.insert_restriction(&r).await.unwrap();
        assert_eq!(tx.appeal_of_restriction(&r.id).await.unwrap(), None);
        tx.insert_appeal(&appeal).await.unwrap();
        assert_eq!(tx.appeal("apl_1").await.unwrap(), appeal);
        assert_eq!(
            tx.appeal_of_restriction(&r.id).await.unwrap(),
            Some(appeal.clone())
        );
        assert_eq!(tx.appeals_of(&a.id).await.unwrap(), vec![appeal.clone()]);
        assert_eq!(
            tx.appeals_in(Some(AppealStatus::Open), 10).await.unwrap(),
            vec![appeal.clone()]
        );
        tx.decide_appeal(
            "apl_1",
            AppealStatus::Overturned,
            "ag2",
            "fair",
            Timestamp(9),
        )
        .await
        .unwrap();
        assert!(matches!(
            tx.decide_appeal("apl_1", AppealStatus::Upheld, "ag2", "again", Timestamp(9))
                .await,
            Err(StoreError::Conflict { .. })
        ));
        let decided = tx.appeal("apl_1").await.unwrap();
        assert_eq!(decided.status, AppealStatus::Overturned);
        assert_eq!(decided.decided_by.as_deref(), Some("ag2"));
        assert_eq!(decided.decided_at, Some(Timestamp(9)));
        assert!(
            tx.appeals_in(Some(AppealStatus::Open), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(tx.appeals_in(None, 10).await.unwrap().len(), 1);
        assert!(matches!(
            tx.appeal("apl_nope").await,
            Err(StoreError::NotFound { .. })
        ));

        assert!(tx.overturn_restriction(&r.id, Timestamp(9)).await.unwrap());
        assert!(!tx.overturn_restriction(&r.id, Timestamp(10)).await.unwrap());
        assert_eq!(
            tx.restriction(&r.id).await.unwrap().overturned_at,
            Some(Timestamp(9))
        );
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        let mut second = appeal.clone();
        second.id = "apl_2".into();
        assert!(matches!(
            tx.insert_appeal(&second).await,
            Err(StoreError::Conflict { .. })
        ));
    })
    .await;
}

/// Two agents' processes, each with its own pool, claim from the same queue at once: no case
/// is handed to both, and every case is handed out.
async fn race(url: &str) {
    const CASES: usize = 40;
    let setup = Db::connect(url).await.unwrap();
    let subject = account(&setup, "race@example.com", Role::Freelancer).await;
    let mut tx = setup.begin().await.unwrap();
    for i in 0..CASES {
        let mut c = new_case(&subject.id, Queue::Spam, &format!("m{i:03}"), i as i64);
        c.priority = (i % 3) as i64;
        tx.open_or_report_case(&c).await.unwrap();
    }
    tx.commit().await.unwrap();
    setup.close().await;

    let mut handles = Vec::new();
    for agent in ["agent-a", "agent-b"] {
        let db = Db::connect(url).await.unwrap();
        handles.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let mut tx = db.begin().await.unwrap();
                let Some(c) = tx
                    .claim_next_review_case(
                        Some(Queue::Spam),
                        agent,
                        Timestamp(10_000),
                        Timestamp(1_000_000),
                    )
                    .await
                    .unwrap()
                else {
                    break;
                };
                tx.commit().await.unwrap();
                assert_eq!(c.claimed_by.as_deref(), Some(agent));
                got.push(c.id);
                tokio::task::yield_now().await;
            }
            db.close().await;
            got
        }));
    }
    let mut count: HashMap<String, usize> = HashMap::new();
    for h in handles {
        for id in h.await.unwrap() {
            *count.entry(id).or_default() += 1;
        }
    }
    assert_eq!(count.len(), CASES, "every case was claimed");
    assert!(
        count.values().all(|&n| n == 1),
        "no case went to two agents: {count:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_claim_the_same_case() {
    let sqlite = TestDb::sqlite().await.unwrap();
    race(&sqlite.url).await;
    sqlite.cleanup().await;
    if let Some(url) = postgres_url() {
        let pg = TestDb::postgres(&url).await.unwrap();
        race(&pg.url).await;
        pg.cleanup().await;
    }
}
