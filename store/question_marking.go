package store

import (
	"fmt"
	"math"
	"strings"
)

// Marking: how a question scored at submission is marked. A kind compares
// an answer with its key part by part (an option, a pair, an item, a
// blank); the question's marking rules turn the comparison into points.
//
//   - All parts right and nothing wrong: the question's points.
//   - Part marks (Spec.Partial): points × right parts ÷ parts, rounded
//     down to a whole point, less the penalty for each wrong part.
//   - Otherwise a wrong answer scores minus the penalty.
//   - Never below the floor (0 unless the recruiter sets it lower), and a
//     question left unanswered scores 0.

// Mark is an answer compared with its question's key.
type Mark struct {
	Parts int // what the answer is made of: options to find, pairs, items, blanks
	Right int // parts given right
	Wrong int // parts given but not right
}

// Marking is a question's points for an answer, and how they were made.
type Marking struct {
	Points int
	Right  bool   // the whole answer is right
	How    string // "2 of 3 pairs right: 2 of 3 points, 1 wrong: −1"
}

// Marked is the question's points for an answer (a reviewed kind's are
// not known until a reviewer grades it: zero, and How says so).
func (q Question) Marked(a Answer) Marking {
	rules := q.Rules()
	if rules.Reviewed() {
		return Marking{How: "graded by a reviewer"}
	}
	m := rules.mark(q, a)
	if m.Right+m.Wrong == 0 {
		return Marking{How: "not answered"}
	}
	if m.Right == m.Parts && m.Wrong == 0 {
		return Marking{Points: q.Points, Right: true, How: "right"}
	}
	s := q.Spec
	var out Marking
	if s.Partial && m.Parts > 1 {
		credit := q.Points * m.Right / m.Parts
		out.Points = credit - s.Penalty*m.Wrong
		out.How = fmt.Sprintf("%d of %d %s right: %d of %s", m.Right, m.Parts, plural(m.Parts, rules.PartName()), credit, Count(q.Points, "point"))
		if s.Penalty > 0 && m.Wrong > 0 {
			out.How += fmt.Sprintf(", %d wrong: −%d", m.Wrong, s.Penalty*m.Wrong)
		}
	} else {
		out.Points = -s.Penalty
		out.How = "wrong"
		if s.Penalty > 0 {
			out.How += fmt.Sprintf(": −%d", s.Penalty)
		}
	}
	if out.Points < s.Floor {
		out.Points = s.Floor
		out.How += fmt.Sprintf(" (held at the floor, %d)", s.Floor)
	}
	return out
}

// plural is a part's name for n of them.
func plural(n int, name string) string {
	switch {
	case n == 1:
		return name
	case strings.HasSuffix(name, "ch"):
		return name + "es"
	}
	return name + "s"
}

// withinTolerance reports whether got is want give or take tolerance (a
// tolerance of 0 still forgives the last digits of a decimal's binary form).
func withinTolerance(got, want, tolerance float64) bool {
	return math.Abs(got-want) <= tolerance+1e-9*math.Max(1, math.Abs(want))
}

// SectionMarking is negative marking set on a section: the penalty for a
// wrong answer (or each wrong part) and the floor, for each of its
// questions scored at submission that sets neither itself.
type SectionMarking struct {
	Penalty int // points; 0: none
	Floor   int // 0 or below
}

func (m SectionMarking) validate(fe FieldErrors, prefix string) {
	if m.Penalty < 0 || m.Penalty > MaxPoints {
		fe[prefix+"penalty"] = fmt.Sprintf("must be between 0 and %d", MaxPoints)
	}
	if m.Floor > 0 || m.Floor < -MaxPoints {
		fe[prefix+"floor"] = fmt.Sprintf("must be between -%d and 0", MaxPoints)
	}
}

// apply gives a question of a paper its section's marking when it sets
// none of its own, within its points.
func (m SectionMarking) apply(q *Question) {
	if (m.Penalty == 0 && m.Floor == 0) || q.Rules().Reviewed() || q.Spec.Penalty != 0 || q.Spec.Floor != 0 {
		return
	}
	q.Spec.Penalty, q.Spec.Floor = min(m.Penalty, q.Points), max(m.Floor, -q.Points)
}
