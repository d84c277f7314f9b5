-- Job posts are reviewed before they are listed (seed 004: within 30 minutes), have a
-- visibility, and remember their review; a client's accepted payment method is recorded.

ALTER TABLE job_posts ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';
ALTER TABLE job_posts ADD COLUMN review_case_id TEXT;
ALTER TABLE job_posts ADD COLUMN reviewed_at BIGINT;
ALTER TABLE job_posts ADD COLUMN reviewed_by TEXT;
ALTER TABLE job_posts ADD COLUMN review_decision TEXT;
ALTER TABLE job_posts ADD COLUMN review_note TEXT;
ALTER TABLE job_posts ADD COLUMN updated_at BIGINT;
CREATE INDEX job_posts_by_status ON job_posts (status, created_at);
CREATE INDEX job_posts_by_client ON job_posts (client_id);

ALTER TABLE accounts ADD COLUMN payment_verified_at BIGINT;

-- When an open review case passed its SLA and the admins were told (once).
ALTER TABLE review_cases ADD COLUMN escalated_at BIGINT;
CREATE INDEX review_cases_to_escalate ON review_cases (status, escalated_at, sla_due_at);
