-- SQLite's 0035: a link's deadline as days after each invitation.
ALTER TABLE test_links ADD COLUMN expire_after_days BIGINT CHECK (expire_after_days IS NULL OR expire_after_days BETWEEN 1 AND 365);
