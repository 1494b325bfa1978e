package store

import (
	"context"
	"slices"
)

// Result is a completed attempt on its test's results: its rank by
// percentage (ties share a rank) and the share of the test's other
// completed candidates who scored lower.
type Result struct {
	Invitation Invitation
	Rank       int
	Percentile *float64 // nil when the attempt is the only one
}

// ResultFilter narrows a test's results after they are ranked: ranks and
// percentiles are always among all of the test's completed attempts.
type ResultFilter struct {
	Band  string // a band's name
	State string // ResultStates
}

// ResultStates are the states a test's results can be filtered by.
var ResultStates = []string{"awaiting", "graded", "passed", "failed"}

func (f ResultFilter) keeps(inv Invitation) bool {
	if f.Band != "" && inv.Band() != f.Band {
		return false
	}
	switch f.State {
	case "awaiting":
		return inv.Review == ReviewAwaiting
	case "graded":
		return inv.Final()
	case "passed", "failed":
		return inv.Outcome() == f.State
	}
	return true
}

// TestResults ranks a test's completed attempts, best first.
func (db *DB) TestResults(ctx context.Context, testID int64, f ResultFilter) ([]Result, error) {
	rows, err := db.query(ctx, `SELECT `+invitationColumns+invitationFrom+`
		WHERE i.test_id = ? AND i.status = 'completed' AND i.score IS NOT NULL`, testID)
	all, err := collect(rows, err, scanInvitation)
	if err != nil {
		return nil, err
	}
	percent := func(inv Invitation) float64 {
		if p := inv.ScorePercent(); p != nil {
			return *p
		}
		return 0
	}
	slices.SortStableFunc(all, func(a, b Invitation) int {
		pa, pb := percent(a), percent(b)
		switch {
		case pa > pb:
			return -1
		case pa < pb:
			return 1
		}
		return a.CompletedAt.Compare(*b.CompletedAt) // earlier first among equals
	})
	n := len(all)
	// lastTied[i] is the last attempt with attempt i's percentage.
	lastTied := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		lastTied[i] = i
		if i+1 < n && percent(all[i+1]) == percent(all[i]) {
			lastTied[i] = lastTied[i+1]
		}
	}
	out := make([]Result, 0, n)
	for i, inv := range all {
		r := Result{Invitation: inv, Rank: i + 1}
		if i > 0 && percent(all[i-1]) == percent(inv) {
			r.Rank = out[i-1].Rank
		}
		if n > 1 {
			lower := n - 1 - lastTied[i]
			p := float64(lower*1000/(n-1)) / 10
			r.Percentile = &p
		}
		out = append(out, r)
	}
	return slices.DeleteFunc(out, func(r Result) bool { return !f.keeps(r.Invitation) }), nil
}
