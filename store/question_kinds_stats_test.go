package store

import (
	"context"
	"slices"
	"testing"
)

// The question statistics read every kind: an answer of any kind counts
// as given (a filled blank, a place, a number), part marks and penalties
// count as scored between nothing and all.
func TestStatisticsOfEveryKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newTestDB(t)
	tt, err := db.CreateTest(ctx, TestInput{Name: "Every kind", Kind: KindAssessment, DurationMinutes: 30}, everyKind())
	if err != nil {
		t.Fatal(err)
	}
	link, _ := db.DefaultLink(ctx, tt.ID)
	take := func(email string, form func(qs []Question) map[string][]string) {
		res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: email, Email: email, Source: SourceConsole})
		inv, err := db.StartInvitation(ctx, res.Invitation.ID)
		if err != nil {
			t.Fatal(err)
		}
		qs, _ := db.AttemptQuestions(ctx, inv)
		if _, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: form(qs)}); err != nil {
			t.Fatal(err)
		}
		if out, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Finish: true, Confirmed: true}); err != nil || out.Outcome != Completed {
			t.Fatalf("submit: %+v %v", out, err)
		}
	}
	f := func(q Question) string { return answerField(q) }
	take("all@example.com", func(qs []Question) map[string][]string {
		return map[string][]string{f(qs[0]): {"0", "1", "3"}, f(qs[1]): {"0"}, f(qs[2]): {"9.81"}, f(qs[3]): {"0:1", "1:2", "2:3", "3:4"},
			f(qs[4]): {"0:1", "1:2", "2:3"}, f(qs[5]): {"Google", "2009"}, f(qs[6]): {"Because."}, f(qs[7]): {"return s"}}
	})
	take("some@example.com", func(qs []Question) map[string][]string {
		return map[string][]string{f(qs[0]): {"0", "2"}, f(qs[1]): {"1"}, f(qs[2]): {""}, f(qs[3]): {"", "", "", ""},
			f(qs[4]): {"0:1"}, f(qs[5]): {"", ""}, f(qs[6]): {""}, f(qs[7]): {""}}
	})
	st, err := db.TestStatistics(ctx, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	skipped := make([]float64, len(st.Questions))
	for i, q := range st.Questions {
		skipped[i] = q.Skipped
	}
	if want := []float64{0, 0, 0.5, 0.5, 0, 0.5, 0.5, 0.5}; !slices.Equal(skipped, want) {
		t.Fatalf("skipped shares %v, want %v", skipped, want)
	}
	// Multiple choice: 3 of 3 and (1 right − 1 wrong → 0 of 3 after the penalty): facility ½.
	if got := st.Questions[0].Facility; got != 0.5 {
		t.Fatalf("facility of the part-marked question %v", got)
	}
	// True/false: 2 of 2 and −1 (floor −1) → (2 − 1) / (2 × 2).
	if got := st.Questions[1].Facility; got != 0.25 {
		t.Fatalf("facility of the penalised question %v", got)
	}
	if st.Dichotomous {
		t.Fatal("part marks counted as all-or-nothing (KR-20)")
	}
	// True or false: how many said each, the right one marked.
	if o := st.Questions[1].Options; len(o) != 2 || o[0] != (OptionChoice{Text: "True", Correct: true, Chosen: 1, Share: 0.5}) ||
		o[1].Chosen != 1 || o[1].Correct {
		t.Fatalf("true/false choices %+v", o)
	}
	if st.Questions[2].Options != nil || st.Questions[3].Options != nil {
		t.Fatal("a number or an ordering has choices in the statistics")
	}
}
