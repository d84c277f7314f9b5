use crate::account;
use trustwork_core::marketplace::{
    ContractStatus, JobReviewDecision, JobStatus, JobVisibility, ProposalStatus, WithdrawalStatus,
};
use trustwork_core::{Role, Timestamp};
use trustwork_store::StoreError;
use trustwork_store::marketplace::{Contract, JobPost, JobReview, Proposal, Withdrawal};
use trustwork_store::testing::each_backend;

#[tokio::test]
async fn jobs_proposals_contracts_and_withdrawals() {
    each_backend(|db| async move {
        let f = account(&db, "f@example.com", Role::Freelancer).await;
        let c = account(&db, "c@example.com", Role::Client).await;
        let job = JobPost {
            id: "job_1".into(),
            client_id: c.id.clone(),
            title: "Build a landing page".into(),
            description: "One page, responsive.".into(),
            status: JobStatus::Open,
            visibility: JobVisibility::Public,
            created_at: Timestamp(1),
            review: JobReview::default(),
        };
        let mut closed = job.clone();
        closed.id = "job_2".into();
        closed.status = JobStatus::Closed;
        // Neither a private post nor one in review is listed.
        let mut private = job.clone();
        private.id = "job_3".into();
        private.visibility = JobVisibility::Private;
        let mut pending = job.clone();
        pending.id = "job_4".into();
        pending.status = JobStatus::PendingReview;
        pending.review.case_id = Some("rvc_1".into());
        let mut tx = db.begin().await.unwrap();
        for j in [&job, &closed, &private, &pending] {
            tx.insert_job_post(j).await.unwrap();
        }
        assert_eq!(tx.job_post("job_4").await.unwrap(), pending);
        // The review's decision is kept with the post, once.
        assert!(
            tx.decide_job_review(
                "job_4",
                JobReviewDecision::RequestChanges,
                "acc_agent",
                "add a budget",
                Timestamp(5)
            )
            .await
            .unwrap()
        );
        assert!(
            !tx.decide_job_review(
                "job_4",
                JobReviewDecision::Approve,
                "acc_agent",
                "",
                Timestamp(6)
            )
            .await
            .unwrap()
        );
        let reviewed = tx.job_post("job_4").await.unwrap();
        assert_eq!(reviewed.status, JobStatus::Rejected);
        assert_eq!(
            reviewed.review.decision,
            Some(JobReviewDecision::RequestChanges)
        );
        assert_eq!(reviewed.review.note.as_deref(), Some("add a budget"));
        assert_eq!(tx.job_post("job_1").await.unwrap(), job);
        assert!(matches!(
            tx.job_post("job_x").await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(tx.open_job_posts(10).await.unwrap(), vec![job.clone()]);

        let mut proposals = Vec::new();
        for (i, status) in [
            ProposalStatus::Submitted,
            ProposalStatus::Interviewing,
            ProposalStatus::Withdrawn,
            ProposalStatus::Hired,
        ]
        .into_iter()
        .enumerate()
        {
            let p = Proposal {
                id: format!("prp_{i}"),
                job_id: job.id.clone(),
                job_title: job.title.clone(),
                freelancer_id: f.id.clone(),
                cover_letter: format!("letter {i}"),
                status,
                created_at: Timestamp(10 + i as i64),
                updated_at: Timestamp(10 + i as i64),
            };
            tx.insert_proposal(&p).await.unwrap();
            proposals.push(p);
        }
        let listed = tx.proposals_of(&f.id).await.unwrap();
        assert_eq!(listed.len(), 4);
        assert_eq!(listed[0], proposals[3], "newest first");

        let mut cancelled = tx
            .cancel_active_proposals(&f.id, Timestamp(99))
            .await
            .unwrap();
        cancelled.sort();
        assert_eq!(cancelled, vec!["prp_0".to_string(), "prp_1".to_string()]);
        let after = tx.proposals_of(&f.id).await.unwrap();
        let status_of = |id: &str| after.iter().find(|p| p.id == id).map(|p| p.status);
        assert_eq!(status_of("prp_0"), Some(ProposalStatus::CancelledBySystem));
        assert_eq!(status_of("prp_1"), Some(ProposalStatus::CancelledBySystem));
        assert_eq!(
            status_of("prp_2"),
            Some(ProposalStatus::Withdrawn),
            "only active proposals are cancelled"
        );
        assert_eq!(status_of("prp_3"), Some(ProposalStatus::Hired));
        assert!(
            tx.cancel_active_proposals(&f.id, Timestamp(100))
                .await
                .unwrap()
                .is_empty()
        );

        assert_eq!(tx.proposal("prp_2").await.unwrap(), proposals[2]);
        assert!(matches!(
            tx.proposal("prp_x").await,
            Err(StoreError::NotFound { .. })
        ));
        tx.set_proposal_status(
            "prp_2",
            ProposalStatus::Withdrawn,
            ProposalStatus::Declined,
            Timestamp(120),
        )
        .await
        .unwrap();
        assert!(matches!(
            tx.set_proposal_status(
                "prp_2",
                ProposalStatus::Withdrawn,
                ProposalStatus::Hired,
                Timestamp(121)
            )
            .await,
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(
            tx.proposal("prp_2").await.unwrap().status,
            ProposalStatus::Declined
        );

        let contract = Contract {
            id: "ctr_1".into(),
            job_id: Some(job.id.clone()),
            client_id: c.id.clone(),
            freelancer_id: f.id.clone(),
            title: job.title.clone(),
            status: ContractStatus::Active,
            kind: trustwork_core::contracts::ContractKind::Hourly,
            hourly_rate_cents: Some(5_000),
            weekly_limit_hours: None,
            created_at: Timestamp(5),
            updated_at: Timestamp(5),
            ended_at: None,
            started_at: None,
            active_since: None,
        };
        tx.insert_contract(&contract).await.unwrap();
        assert_eq!(
            tx.contracts_of(&f.id).await.unwrap(),
            vec![contract.clone()]
        );
        assert_eq!(tx.contracts_of(&c.id).await.unwrap(), vec![contract]);

        let w = Withdrawal {
            id: "wd_1".into(),
            account_id: f.id.clone(),
            amount_cents: 500,
            status: WithdrawalStatus::Requested,
            created_at: Timestamp(7),
        };
        tx.insert_withdrawal(&w).await.unwrap();
        assert_eq!(tx.withdrawals_of(&f.id).await.unwrap(), vec![w]);
        tx.commit().await.unwrap();
    })
    .await;
}
