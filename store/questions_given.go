package store

import "context"

// QuestionsGiven is how many questions a candidate of the test gets: its
// questions, or for a test of sections what each section gives (its own
// questions, its draw, what its rules draw from the bank as it is now).
// Lists and the candidate's intro say this number, not the pool's size.
func (db *DB) QuestionsGiven(ctx context.Context, t Test) (int, error) {
	if !t.Sectioned {
		return t.QuestionCount, nil
	}
	sections, err := db.Sections(ctx, t.ID)
	n := 0
	for _, s := range sections {
		n += s.Gets()
	}
	return n, err
}

// withQuestionsGiven sets each listed test's Given.
func (db *DB) withQuestionsGiven(ctx context.Context, tests []Test) ([]Test, error) {
	var err error
	for i := range tests {
		if tests[i].Given, err = db.QuestionsGiven(ctx, tests[i]); err != nil {
			return nil, err
		}
	}
	return tests, nil
}
