package store

import "context"

// ExportQuestions lists every question the candidates of a test can have
// answered, for one column each in an export: the test's current
// questions in their order, then every other question an attempt was
// given — older versions, questions since deleted, questions drawn or
// picked from the bank — by id.
func (db *DB) ExportQuestions(ctx context.Context, testID int64) ([]Question, error) {
	current, err := db.Questions(ctx, testID)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT `+qualifiedQuestionColumns+` FROM questions q WHERE q.id IN (
			SELECT aq.question_id FROM attempt_questions aq JOIN invitations i ON i.id = aq.invitation_id WHERE i.test_id = ?)
		ORDER BY q.id`, testID)
	given, err := collect(rows, err, scanQuestion)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, q := range current {
		seen[q.ID] = true
	}
	out := current
	for _, q := range given {
		if !seen[q.ID] {
			out = append(out, q)
		}
	}
	return out, nil
}
