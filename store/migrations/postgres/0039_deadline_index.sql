-- SQLite's 0039: the deadline sweep's index holds started attempts alone.
DROP INDEX invitations_deadline;
CREATE INDEX invitations_deadline ON invitations (deadline_at) WHERE status = 'started';
