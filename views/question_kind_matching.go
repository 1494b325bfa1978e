package views

import (
	"github.com/a-h/templ"

	"testgate/store"
)

// matchingAnswer gives each prompt a menu of the matches, in alphabetical
// order (store.Question.MatchOrder).
func matchingAnswer(p CandidatePage, v AttemptView, q store.Question) templ.Component {
	var matches []menuChoice
	for _, m := range q.MatchOrder() {
		matches = append(matches, menuChoice{Value: m + 1, Label: q.Spec.Matches[m]})
	}
	return itemMenus(p, v, q, p.L.S("MatchHint"), p.L.S("ChooseMatch"), matches)
}
