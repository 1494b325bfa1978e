package native

import (
	"testgate/store"
)

// nativeSectionRequest is a section as a test is created with it: draw
// absent (or 0) gives every candidate all its questions.
type nativeSectionRequest struct {
	Name             string           `json:"name"`
	Draw             int              `json:"draw"`
	ShuffleQuestions bool             `json:"shuffleQuestions"`
	ShuffleOptions   bool             `json:"shuffleOptions"`
	Questions        []nativeQuestion `json:"questions"`
}

func sectionInputs(req []nativeSectionRequest) []store.SectionInput {
	out := make([]store.SectionInput, 0, len(req))
	for _, s := range req {
		in := store.SectionInput{Name: s.Name, Draw: s.Draw, ShuffleQuestions: s.ShuffleQuestions, ShuffleOptions: s.ShuffleOptions}
		for _, q := range s.Questions {
			in.Questions = append(in.Questions, q.input())
		}
		out = append(out, in)
	}
	return out
}

// nativeSection is a test's section with the ids of its questions and
// how many each candidate gets.
type nativeSection struct {
	ID               int64   `json:"id"`
	Name             string  `json:"name"`
	Draw             *int    `json:"draw"`
	ShuffleQuestions bool    `json:"shuffleQuestions"`
	ShuffleOptions   bool    `json:"shuffleOptions"`
	QuestionIDs      []int64 `json:"questionIds"`
	CandidateGets    int     `json:"candidateGets"`
}

func toNativeSections(sections []store.Section, qs []store.Question) []nativeSection {
	var out []nativeSection
	for _, s := range sections {
		ns := nativeSection{ID: s.ID, Name: s.Name, ShuffleQuestions: s.ShuffleQuestions, ShuffleOptions: s.ShuffleOptions,
			QuestionIDs: []int64{}, CandidateGets: s.Gets()}
		if s.Draw > 0 {
			ns.Draw = &s.Draw
		}
		for _, q := range qs {
			if q.SectionID == s.ID {
				ns.QuestionIDs = append(ns.QuestionIDs, q.ID)
			}
		}
		out = append(out, ns)
	}
	return out
}

// nativeAttemptSection is a section of an attempt's paper: the questions
// drawn for the candidate, in the order shown, and the points scored.
type nativeAttemptSection struct {
	Name        string  `json:"name"`
	QuestionIDs []int64 `json:"questionIds"`
	Score       int     `json:"score"`
	MaxScore    int     `json:"maxScore"`
	Pending     int     `json:"pendingReview"`
}

func toNativeAttemptSections(qs []store.Question, answers map[int64]store.Answer) []nativeAttemptSection {
	out := []nativeAttemptSection{}
	for _, sc := range store.ScoreSections(qs, answers) {
		out = append(out, nativeAttemptSection{Name: sc.Name, QuestionIDs: sc.QuestionIDs, Score: sc.Score, MaxScore: sc.MaxScore,
			Pending: sc.Pending})
	}
	return out
}
