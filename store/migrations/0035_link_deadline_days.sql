-- A link's deadline may be a number of days after each invitation ("a week
-- to take it") as well as, or instead of, a date.
ALTER TABLE test_links ADD COLUMN expire_after_days INTEGER CHECK (expire_after_days IS NULL OR expire_after_days BETWEEN 1 AND 365);
