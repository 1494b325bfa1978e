-- SQLite's 0037: each completed attempt's answers summed up for the
-- question statistics.
ALTER TABLE invitations ADD COLUMN stat_items TEXT;
UPDATE invitations SET stat_items = (
    SELECT string_agg(aq.question_id || ':' || COALESCE(CAST(a.points AS TEXT), '') || ':' ||
        REPLACE(REPLACE(REPLACE(COALESCE(a.choices, '[]'), '[', ''), ']', ''), ',', '.') || ':' ||
        CASE WHEN TRIM(COALESCE(a.body, '')) = '' THEN 0 ELSE 1 END || ':' || COALESCE(a.seconds_spent, 0), ';')
    FROM attempt_questions aq LEFT JOIN answers a ON a.invitation_id = aq.invitation_id AND a.question_id = aq.question_id
    WHERE aq.invitation_id = invitations.id)
WHERE status = 'completed';
