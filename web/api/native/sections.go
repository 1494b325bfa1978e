package native

import (
	"testgate/store"
)

// nativeSectionRequest is a section as a test is created with it: draw
// absent (or 0) gives every candidate all its own questions; a question
// given as {bankQuestionId} is picked from the bank; rules draw from it.
type nativeSectionRequest struct {
	Name             string           `json:"name"`
	Draw             int              `json:"draw"`
	ShuffleQuestions bool             `json:"shuffleQuestions"`
	ShuffleOptions   bool             `json:"shuffleOptions"`
	TimeLimitMinutes int              `json:"timeLimitMinutes"`
	Penalty          int              `json:"penalty"`
	Floor            int              `json:"floor"`
	Questions        []nativeQuestion `json:"questions"`
	Rules            []nativeRule     `json:"rules"`
}

// nativeRule draws count questions of a topic and a difficulty from the
// bank; matching (in answers) is how many it can draw from now.
type nativeRule struct {
	Topic      string `json:"topic"`
	Difficulty string `json:"difficulty"`
	Count      int    `json:"count"`
	Matching   *int   `json:"matching,omitempty"`
}

func sectionInputs(req []nativeSectionRequest) []store.SectionInput {
	out := make([]store.SectionInput, 0, len(req))
	for _, s := range req {
		in := store.SectionInput{Name: s.Name, Draw: s.Draw, ShuffleQuestions: s.ShuffleQuestions, ShuffleOptions: s.ShuffleOptions,
			TimeLimit: s.TimeLimitMinutes, Marking: store.SectionMarking{Penalty: s.Penalty, Floor: s.Floor}}
		for _, q := range s.Questions {
			if q.BankQuestionID > 0 {
				in.Picks = append(in.Picks, q.BankQuestionID)
			} else {
				in.Questions = append(in.Questions, q.input())
			}
		}
		for _, r := range s.Rules {
			in.Rules = append(in.Rules, store.SectionRule{Topic: r.Topic, Difficulty: store.Difficulty(r.Difficulty), Count: r.Count})
		}
		out = append(out, in)
	}
	return out
}

// nativeSection is a test's section with the ids of its questions and
// how many each candidate gets.
type nativeSection struct {
	ID               int64        `json:"id"`
	Name             string       `json:"name"`
	Draw             *int         `json:"draw"`
	ShuffleQuestions bool         `json:"shuffleQuestions"`
	ShuffleOptions   bool         `json:"shuffleOptions"`
	TimeLimitMinutes *int         `json:"timeLimitMinutes"`
	Penalty          int          `json:"penalty"`
	Floor            int          `json:"floor"`
	QuestionIDs      []int64      `json:"questionIds"`
	PickCount        int          `json:"pickedFromBank"`
	Rules            []nativeRule `json:"rules"`
	CandidateGets    int          `json:"candidateGets"`
}

func toNativeSections(sections []store.Section, qs []store.Question) []nativeSection {
	var out []nativeSection
	for _, s := range sections {
		ns := nativeSection{ID: s.ID, Name: s.Name, ShuffleQuestions: s.ShuffleQuestions, ShuffleOptions: s.ShuffleOptions,
			QuestionIDs: []int64{}, PickCount: s.PickCount, Rules: []nativeRule{}, CandidateGets: s.Gets(), Penalty: s.Marking.Penalty,
			Floor: s.Marking.Floor}
		for _, r := range s.Rules {
			ns.Rules = append(ns.Rules, nativeRule{Topic: r.Topic, Difficulty: string(r.Difficulty), Count: r.Count, Matching: &r.Matching})
		}
		if s.Draw > 0 {
			ns.Draw = &s.Draw
		}
		if s.TimeLimit > 0 {
			ns.TimeLimitMinutes = &s.TimeLimit
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
