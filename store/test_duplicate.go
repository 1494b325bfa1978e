package store

import (
	"context"
	"unicode/utf8"
)

// DuplicateTest makes a new test from one: its settings (kind, duration,
// instructions, pass mark, bands, labels, team), its current questions and
// its sections with their settings, bank picks and draw rules, under the
// name given ("": "Copy of …") and with a default link of its own. Its invitations,
// results and other links stay with the original. A rule the bank can no
// longer fill is refused as it is when a test is made, so the copy never
// gives a candidate a short paper.
func (db *DB) DuplicateTest(ctx context.Context, id int64, name string) (Test, error) {
	t, err := db.Test(ctx, id)
	if err != nil {
		return Test{}, err
	}
	if name == "" {
		name = copyName(t.Name)
	}
	in := TestInput{Name: name, Kind: t.Kind, Instructions: t.Instructions, DurationMinutes: t.DurationMinutes,
		PassingScore: t.PassingScore, Bands: t.Bands, Labels: t.Labels, TeamID: t.TeamID}
	questions, err := db.Questions(ctx, id)
	if err != nil {
		return Test{}, err
	}
	if !t.Sectioned {
		inputs := make([]QuestionInput, len(questions))
		for i, q := range questions {
			inputs[i] = q.input()
		}
		return db.CreateTest(ctx, in, inputs)
	}
	sections, err := db.Sections(ctx, id)
	if err != nil {
		return Test{}, err
	}
	copies := make([]SectionInput, len(sections))
	for i, s := range sections {
		c := SectionInput{Name: s.Name, Draw: s.Draw, ShuffleQuestions: s.ShuffleQuestions, ShuffleOptions: s.ShuffleOptions,
			TimeLimit: s.TimeLimit, Marking: s.Marking, Rules: s.Rules}
		for _, q := range questions {
			if q.SectionID == s.ID {
				c.Questions = append(c.Questions, q.input())
			}
		}
		picks, err := db.SectionPicks(ctx, s.ID)
		if err != nil {
			return Test{}, err
		}
		for _, b := range picks {
			if b.ArchivedAt == nil { // an archived pick is no longer drawn
				c.Picks = append(c.Picks, b.ID)
			}
		}
		copies[i] = c
	}
	return db.CreateSectionedTest(ctx, in, copies)
}

// input is what a question was written as, to write it again.
func (q Question) input() QuestionInput {
	return QuestionInput{Text: q.Text, Kind: q.Kind, Options: q.Options, Correct: q.Correct, Points: q.Points, Topic: q.Topic,
		Difficulty: q.Difficulty, Spec: q.Spec}
}

// copyName is a duplicate's name, within the longest a name may be.
func copyName(name string) string {
	name = "Copy of " + name
	for utf8.RuneCountInString(name) > MaxNameLength {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}
