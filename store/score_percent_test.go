package store

import "testing"

// One percentage everywhere, rounded (not cut) to two decimals; pass,
// fail and bands compare the exact share, so rounding never lifts a
// score over a threshold.
func TestScorePercentRoundsAndThresholdsAreExact(t *testing.T) {
	t.Parallel()
	inv := func(score, max, passing int) Invitation {
		return Invitation{Score: &score, MaxScore: &max, PassingScore: passing, Status: StatusCompleted, Review: ReviewNone,
			Bands: []Band{{Name: "Expert", MinPercent: 65}, {Name: "Beginner", MinPercent: 0}}}
	}
	for _, c := range []struct {
		score, max int
		want       string
	}{{9, 14, "64.29"}, {1, 3, "33.33"}, {2, 3, "66.67"}, {1, 2, "50"}, {0, 7, "0"}, {7, 7, "100"}} {
		if p := inv(c.score, c.max, 0).ScorePercent(); p == nil || FormatPercent(*p) != c.want {
			t.Errorf("%d/%d: %v, want %s", c.score, c.max, p, c.want)
		}
	}
	// 64.996 % shows as 65 % but has not reached a passing score or band of 65.
	near := inv(16249, 25000, 65)
	if p := near.ScorePercent(); FormatPercent(*p) != "65" || near.Passed() || near.Band() != "Beginner" {
		t.Fatalf("64.996 %%: shows %v, passed %v, band %q", *p, near.Passed(), near.Band())
	}
	if at := inv(13, 20, 65); !at.Passed() || at.Band() != "Expert" {
		t.Fatal("exactly 65 % did not pass")
	}
}
