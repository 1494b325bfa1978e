package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// On PostgreSQL a candidate's write answers with a cookie of the
// invitation's time after it, and a cached page older than that is read
// again: the page after their own start on another process is never the
// moment-old page that offers the start again.
func TestACandidatesPageCatchesUpWithTheirOwnWrite(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("SQLite's cache is never behind: one process makes every change")
	}
	f := newCandidateFixture(t, store.LinkInput{})
	inv := f.invite(t, store.NewInvitation{})
	f.b.get(f.token) // the page, now cached
	// Another process's write whose notice has not arrived: behind the
	// store's back, a minute later.
	later := inv.UpdatedAt.Add(time.Minute)
	if _, err := f.db.ReadOnly().Exec(`UPDATE invitations SET name = 'Written elsewhere', updated_at = $1 WHERE id = $2`,
		later.UnixMilli(), inv.ID); err != nil {
		t.Fatal(err)
	}
	if r := f.b.get(f.token); strings.Contains(r.Body.String(), "Written elsewhere") {
		t.Fatal("the page is not cached, so this test shows nothing")
	}
	// The browser holds the cookie that write's response gave.
	f.b.cookies[wroteCookie(inv)] = &http.Cookie{Name: wroteCookie(inv), Value: strconv.FormatInt(later.UnixMilli(), 10)}
	if r := f.b.get(f.token); !strings.Contains(r.Body.String(), "Written elsewhere") {
		t.Fatalf("the page is behind the candidate's own write:\n%.300s", r.Body.String())
	}

	// A start answers with the cookie, naming the invitation's time after it.
	delete(f.b.cookies, wroteCookie(inv))
	r := f.b.post(f.token+"/start", nil)
	started, _ := f.db.Invitation(context.Background(), inv.ID)
	cookie, ok := f.b.cookies[wroteCookie(inv)]
	if r.Code != http.StatusSeeOther || !ok || cookie.Value != strconv.FormatInt(started.UpdatedAt.UnixMilli(), 10) {
		t.Fatalf("start: %d, cookie %v, invitation at %d", r.Code, cookie, started.UpdatedAt.UnixMilli())
	}
}
