package views

import (
	"github.com/a-h/templ"

	"testgate/store"
)

// orderingAnswer gives each item, shown shuffled, a menu of places.
func orderingAnswer(p CandidatePage, v AttemptView, q store.Question) templ.Component {
	places := make([]menuChoice, len(q.Options))
	for i := range places {
		places[i] = menuChoice{Value: i + 1, Label: itoa(i + 1)}
	}
	return itemMenus(p, v, q, p.L.S("OrderHint"), p.L.S("ChoosePlace"), places)
}
