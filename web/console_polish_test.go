package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"testgate/store"
)

// Small things a recruiter trips on (issue 31's polish).

// A band named without the percentage it starts from is refused, not
// saved as 0 %.
func TestBandWithoutItsPercentageIsRefused(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	b.get("/tests/new") // the form, and its token
	r := b.post("/tests", url.Values{"name": {"Banded"}, "kind": {"assessment"}, "durationMinutes": {"30"},
		"bandName0": {"Expert"}, "bandMin0": {"80"}, "bandName1": {"Beginner"}, "bandMin1": {""}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-bands"]`), "percentage it starts from") {
		t.Fatalf("band without a percentage: %d %q", r.Code, r.text(`[data-testid="error-bands"]`))
	}
	if tests, _ := db.Tests(context.Background(), store.TestFilter{}); len(tests) != 0 {
		t.Fatalf("a refused test was saved: %+v", tests)
	}
	if r := b.post("/tests", url.Values{"name": {"Banded"}, "kind": {"assessment"}, "durationMinutes": {"30"},
		"bandName0": {"Expert"}, "bandMin0": {"80"}, "bandName1": {"Beginner"}, "bandMin1": {"0"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("with 0 given: %d", r.Code)
	}
}

// A disabled self-registration link does not tell the recruiter that
// anyone can register through it.
func TestDisabledPublicLinkSaysNoOneCanRegister(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Open", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	l, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", Public: true, Slug: "campus"})
	b := signIn(t, srv, db, store.RoleRecruiter)
	if got := b.get(linkPath(l.ID)).Body.String(); !strings.Contains(got, "Anyone with this URL can register") {
		t.Fatal("an open public link does not say who can register")
	}
	db.SetLinkDisabled(ctx, l.ID, true)
	got := b.get(linkPath(l.ID)).Body.String()
	if strings.Contains(got, "Anyone with this URL can register") || !strings.Contains(got, "no one can register through this URL") {
		t.Fatal("a disabled link still says anyone can register")
	}
}
