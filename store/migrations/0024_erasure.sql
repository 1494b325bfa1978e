-- Erasing a candidate: their name, address, answers' text, emails,
-- callback bodies, search entries and the addresses their browser came
-- from are replaced or removed; counts, scores and timelines stay,
-- anonymous. erased_at says when.
ALTER TABLE invitations ADD COLUMN erased_at INTEGER;

-- The timeline and the score history stay append-only, except that an
-- erase may blank what an entry says about the candidate (its detail or
-- reason) and nothing else.
DROP TRIGGER invitation_events_no_update;
CREATE TRIGGER invitation_events_no_update BEFORE UPDATE ON invitation_events
WHEN NOT (NEW.detail = '(erased)' AND NEW.id = OLD.id AND NEW.invitation_id = OLD.invitation_id AND NEW.kind = OLD.kind
    AND NEW.from_status = OLD.from_status AND NEW.to_status = OLD.to_status AND NEW.actor = OLD.actor
    AND NEW.occurred_at = OLD.occurred_at)
BEGIN
    SELECT RAISE(ABORT, 'invitation_events is append-only');
END;

DROP TRIGGER score_changes_no_update;
CREATE TRIGGER score_changes_no_update BEFORE UPDATE ON score_changes
WHEN NOT (NEW.reason = '(erased)' AND NEW.id = OLD.id AND NEW.invitation_id = OLD.invitation_id
    AND NEW.question_id = OLD.question_id AND NEW.from_points IS OLD.from_points AND NEW.to_points = OLD.to_points
    AND NEW.actor = OLD.actor AND NEW.changed_at = OLD.changed_at)
BEGIN
    SELECT RAISE(ABORT, 'score_changes is append-only');
END;

-- A deleted search entry leaves the index at once instead of waiting, as
-- a delete marker, for the next merge of the index's segments.
INSERT INTO invitations_search (invitations_search, rank) VALUES ('secure-delete', 1);
