-- Question statistics read one row per completed attempt: its answers
-- summed up as "question:points:choices:wrote:seconds;…" (points empty
-- until scored, choices as option indexes joined by dots, wrote 1 when a
-- written answer has words). Written at completion and at each grade;
-- attempts completed before are summed up here.
ALTER TABLE invitations ADD COLUMN stat_items TEXT;
UPDATE invitations SET stat_items = (
    SELECT group_concat(aq.question_id || ':' || COALESCE(a.points, '') || ':' ||
        REPLACE(REPLACE(REPLACE(COALESCE(a.choices, '[]'), '[', ''), ']', ''), ',', '.') || ':' ||
        CASE WHEN TRIM(COALESCE(a.body, '')) = '' THEN 0 ELSE 1 END || ':' || COALESCE(a.seconds_spent, 0), ';')
    FROM attempt_questions aq LEFT JOIN answers a ON a.invitation_id = aq.invitation_id AND a.question_id = aq.question_id
    WHERE aq.invitation_id = invitations.id)
WHERE status = 'completed';
