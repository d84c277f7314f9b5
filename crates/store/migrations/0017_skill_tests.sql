-- Skill-test attempts (seed 001): the questions drawn (indices into the test's bank, a JSON
-- array; the answers to them never leave the server), the answers given (a JSON array of
-- choice indices or null), the clock, and the score once finished.
CREATE TABLE skill_test_attempts (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    test_slug TEXT NOT NULL,
    questions TEXT NOT NULL,
    answers TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    finished_at BIGINT,
    score BIGINT,
    passed BIGINT
);
CREATE INDEX skill_test_attempts_by_account ON skill_test_attempts (account_id, started_at);
CREATE INDEX skill_test_attempts_by_test ON skill_test_attempts (test_slug, score);
