-- Retention: invitations that ended (completed, expired or cancelled) and
-- are not erased yet, by when they ended, so that the sweep finds the ones
-- past the retention period without reading the others.
CREATE INDEX invitations_retention ON invitations (
    (CASE status WHEN 'completed' THEN completed_at WHEN 'expired' THEN expired_at ELSE cancelled_at END), id)
    WHERE erased_at IS NULL AND status IN ('completed', 'expired', 'cancelled');
