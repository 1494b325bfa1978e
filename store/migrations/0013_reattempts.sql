-- A reattempt (iMocha's reattempt call, the console's button) is a new
-- invitation for the same candidate through the same link. The attempt it
-- follows stays in the candidate's history, marked superseded, and leaves
-- the one-live-invitation rule to its successor.
ALTER TABLE invitations ADD COLUMN reattempt_of INTEGER REFERENCES invitations (id);
ALTER TABLE invitations ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
DROP INDEX invitations_one_live_per_link;
CREATE UNIQUE INDEX invitations_one_live_per_link ON invitations (link_id, email_norm)
    WHERE status NOT IN ('cancelled', 'expired') AND superseded = 0;
CREATE INDEX invitations_reattempt_of ON invitations (reattempt_of) WHERE reattempt_of IS NOT NULL;
-- Integrations poll for attempts that ended in a time range.
CREATE INDEX invitations_completed_at ON invitations (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX invitations_cancelled_at ON invitations (cancelled_at) WHERE cancelled_at IS NOT NULL;
CREATE INDEX invitations_expired_at ON invitations (expired_at) WHERE expired_at IS NOT NULL;
