package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"testgate/store"
)

// On PostgreSQL a candidate's start and saves send the request on from the
// cached page when their store method decides again under the row lock,
// instead of first reading the invitation past the cache: a request one
// network hop from the database waits for no read of its own.
func TestCandidateWritesOnPostgresGoOnFromTheCachedPage(t *testing.T) {
	t.Parallel()
	trips, dsn := countedDatabase(t)
	f := newCandidateFixtureOn(t, dsn, store.LinkInput{})
	f.invite(t, store.NewInvitation{Name: "Warm", Email: "warm@example.com"})
	f.takeOnce(t) // each statement's first use prepares it
	f.invite(t, store.NewInvitation{})
	f.b.get(f.token) // opens the invitation; the page it wrote is cached

	steps := []struct {
		name string
		max  int64
		send func() response
		want int
	}{
		{"start", 3, func() response { return f.b.post(f.token+"/start", nil) }, http.StatusSeeOther},
		{"autosave", 3, func() response {
			return f.b.htmx(http.MethodPost, f.token+"/answers", url.Values{f.q(0): {"1"}, "action": {"autosave"}}, "save-status")
		}, http.StatusOK},
		{"submit", 3, func() response {
			return f.b.post(f.token+"/answers", url.Values{f.q(0): {"1"}, f.q(1): {"0"}, f.q(2): {"Go."}, "action": {"submit"}, "unanswered": {"ok"}})
		}, http.StatusSeeOther},
	}
	for _, s := range steps {
		before := trips.RoundTrips()
		if r := s.send(); r.Code != s.want {
			t.Fatalf("%s: %d, want %d\n%.300s", s.name, r.Code, s.want, r.Body.String())
		}
		if n := trips.RoundTrips() - before; n > s.max {
			t.Errorf("a candidate's %s took %d round trips to PostgreSQL, want at most %d", s.name, n, s.max)
		}
		f.b.get(f.token) // the page the browser is sent to, from the cache
	}
	done, err := f.db.Invitation(context.Background(), f.invitationID(t))
	if err != nil || done.Status != store.StatusCompleted || done.Score == nil || *done.Score == 0 {
		t.Fatalf("after the submit: %v, score %v, %v", done.Status, done.Score, err)
	}
}

// takeOnce takes the test of the fixture's latest invitation from its page
// to its submission.
func (f *candidateFixture) takeOnce(t *testing.T) {
	t.Helper()
	f.b.get(f.token)
	f.b.post(f.token+"/start", nil)
	f.b.htmx(http.MethodPost, f.token+"/answers", url.Values{f.q(0): {"1"}, "action": {"autosave"}}, "save-status")
	if r := f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, "unanswered": {"ok"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%.300s", r.Code, r.Body.String())
	}
}

// invitationID is the id of the invitation the fixture's token names.
func (f *candidateFixture) invitationID(t *testing.T) int64 {
	t.Helper()
	inv, _, err := f.db.InvitationAndTestForWrite(context.Background(), f.token[len("/t/"):])
	if err != nil {
		t.Fatal(err)
	}
	return inv.ID
}

// A cached page is trusted by a write only where the store decides again.
// Here another process wrote the invitation and its notice has not come
// (the write goes behind this process's back): the page still says
// "opened" where the attempt is started, or "started" where it is over.
func TestCandidateWritesOnPostgresDecideWhereTheCachedPageIsBehind(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("SQLite's cache is never behind: one process makes every change")
	}
	behind := func(t *testing.T, f *candidateFixture, statement string, args ...any) {
		t.Helper()
		if _, err := f.db.ReadOnly().Exec(statement, args...); err != nil {
			t.Fatal(err)
		}
	}
	started := func(t *testing.T, f *candidateFixture, id int64) {
		t.Helper()
		at := f.now.UnixMilli()
		behind(t, f, `UPDATE invitations SET status = 'started', started_at = $1, deadline_at = $2, updated_at = $1 WHERE id = $3`,
			at, f.now.Add(30*time.Minute).UnixMilli(), id)
		behind(t, f, `INSERT INTO attempt_questions (invitation_id, question_id, position)
			SELECT $1, id, position FROM questions WHERE test_id = $2`, id, f.test.ID)
	}

	t.Run("answers on a page that has not seen the start are saved", func(t *testing.T) {
		f := newCandidateFixture(t, store.LinkInput{})
		inv := f.invite(t, store.NewInvitation{})
		f.b.get(f.token) // opened, and cached so
		started(t, f, inv.ID)
		r := f.b.htmx(http.MethodPost, f.token+"/answers", url.Values{f.q(0): {"1"}, "action": {"autosave"}}, "save-status")
		if r.Code != http.StatusOK {
			t.Fatalf("autosave: %d %v\n%.300s", r.Code, r.Header(), r.Body.String())
		}
		answers, err := f.db.Answers(context.Background(), inv.ID)
		if err != nil || len(answers[f.qs[0].ID].Choices) != 1 {
			t.Fatalf("the answer was not saved: %v, %v", answers, err)
		}
	})

	t.Run("a start on a page that has not seen the start keeps it", func(t *testing.T) {
		f := newCandidateFixture(t, store.LinkInput{})
		inv := f.invite(t, store.NewInvitation{})
		f.b.get(f.token)
		started(t, f, inv.ID)
		if r := f.b.post(f.token+"/start", nil); r.Code != http.StatusSeeOther {
			t.Fatalf("start: %d\n%.300s", r.Code, r.Body.String())
		}
		now, _ := f.db.Invitation(context.Background(), inv.ID)
		if now.Status != store.StatusStarted || !now.StartedAt.Equal(*f.now) {
			t.Fatalf("after a second start: %v, started %v", now.Status, now.StartedAt)
		}
	})

	t.Run("an autosave after another process's completion is sent to the completion", func(t *testing.T) {
		f := newCandidateFixture(t, store.LinkInput{})
		inv := f.invite(t, store.NewInvitation{})
		f.b.get(f.token)
		f.b.post(f.token+"/start", nil)
		f.b.get(f.token) // the attempt page, cached as started
		behind(t, f, `UPDATE invitations SET status = 'completed', completed_at = $1, updated_at = $1 WHERE id = $2`, f.now.UnixMilli(), inv.ID)
		r := f.b.htmx(http.MethodPost, f.token+"/answers", url.Values{f.q(0): {"1"}, "action": {"autosave"}}, "save-status")
		if r.Code != http.StatusNoContent || r.Header().Get("HX-Redirect") != f.token {
			t.Fatalf("autosave after the completion: %d, HX-Redirect %q", r.Code, r.Header().Get("HX-Redirect"))
		}
		if answers, _ := f.db.Answers(context.Background(), inv.ID); len(answers) != 0 {
			t.Fatalf("answers were saved to a completed attempt: %v", answers)
		}
	})

	t.Run("an autosave to an attempt closed another way is sent to its page", func(t *testing.T) {
		f := newCandidateFixture(t, store.LinkInput{})
		inv := f.invite(t, store.NewInvitation{})
		f.b.get(f.token)
		f.b.post(f.token+"/start", nil)
		f.b.get(f.token)
		behind(t, f, `UPDATE invitations SET status = 'cancelled', cancelled_at = $1, updated_at = $1 WHERE id = $2`, f.now.UnixMilli(), inv.ID)
		r := f.b.htmx(http.MethodPost, f.token+"/answers", url.Values{f.q(0): {"1"}, "action": {"autosave"}}, "save-status")
		if r.Code != http.StatusNoContent || r.Header().Get("HX-Redirect") != f.token {
			t.Fatalf("autosave to a closed attempt: %d, HX-Redirect %q\n%.300s", r.Code, r.Header().Get("HX-Redirect"), r.Body.String())
		}
	})
}
