package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

func TestInviteFromLinkPage(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", SendEmail: true})
	path := linkPath(link.ID)

	r := b.get(path)
	if _, on := r.doc.Find("#invite-panel #f-sendEmail").Attr("checked"); !on {
		t.Fatal("send-email default not taken from the link")
	}
	r = b.post(path+"/invitations", url.Values{"name": {"Kim"}, "email": {"not-an-email"}})
	if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-email"]`) != "Email is not a valid email address" {
		t.Fatalf("bad email: %d %q", r.Code, r.text(`[data-testid="error-email"]`))
	}
	if v, _ := r.doc.Find("#invite-panel #f-name").Attr("value"); v != "Kim" {
		t.Fatalf("name not kept: %q", v)
	}
	if r := b.post(path+"/invitations", url.Values{"email": {"kim@example.com"}}); r.text(`[data-testid="error-name"]`) != "Name is required" {
		t.Fatalf("no name: %q", r.text(`[data-testid="error-name"]`))
	}

	r = b.post(path+"/invitations", url.Values{"name": {"Kim <script>"}, "email": {"kim@example.com"}, "sendEmail": {"1"}})
	if r.Code != http.StatusCreated || !strings.Contains(r.text(`[data-testid="invite-result"]`), "Invited Kim <script> (kim@example.com)") {
		t.Fatalf("invite: %d %q", r.Code, r.text(`[data-testid="invite-result"]`))
	}
	if strings.Contains(r.Body.String(), "Kim <script>") {
		t.Fatal("candidate name rendered unescaped")
	}
	testURL, _ := r.doc.Find("#invite-url").Attr("value")
	invs, total, _ := db.Invitations(ctx, store.InvitationFilter{})
	if total != 1 || testURL != testBaseURL+"/t/"+invs[0].Token || !invs[0].SendEmail || invs[0].Source != store.SourceConsole {
		t.Fatalf("stored %+v, shown %q", invs, testURL)
	}
	events, _ := db.Timeline(ctx, invs[0].ID)
	if events[0].Actor != "user:recruiter@example.com" {
		t.Fatalf("actor %q", events[0].Actor)
	}

	// htmx: the panel alone; the same address again gives the same invitation.
	r = b.htmx(http.MethodPost, path+"/invitations", url.Values{"name": {"Kim"}, "email": {"KIM@example.com"}}, "invite-panel")
	if r.Code != http.StatusOK || r.doc.Find("header.top").Length() != 0 || !strings.Contains(r.text(`[data-testid="invite-result"]`), "already invited") {
		t.Fatalf("htmx re-invite: %d %s", r.Code, r.Body)
	}
	if got, _ := r.doc.Find("#invite-url").Attr("value"); got != testURL {
		t.Fatalf("re-invite URL %q", got)
	}

	db.SetLinkDisabled(ctx, link.ID, true)
	r = b.post(path+"/invitations", url.Values{"name": {"Lee"}, "email": {"lee@example.com"}})
	if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="invite-problem"]`) != "Not invited: The test link is disabled." {
		t.Fatalf("disabled link: %d %q", r.Code, r.text(`[data-testid="invite-problem"]`))
	}
	if _, total, _ := db.Invitations(ctx, store.InvitationFilter{}); total != 1 {
		t.Fatalf("refused invites wrote rows: %d", total)
	}
}

// seedInvitations makes two tests with invitations in several states.
func seedInvitations(t *testing.T, db *store.DB) (store.Test, store.Test, store.TestLink) {
	t.Helper()
	ctx := context.Background()
	java, _ := db.CreateTest(ctx, store.TestInput{Name: "Java", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	golang, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	campus, _ := db.CreateLink(ctx, golang.ID, store.LinkInput{Name: "Campus"})
	for i := range 60 {
		n := store.NewInvitation{TestID: java.ID, Name: fmt.Sprintf("Java person %02d", i), Email: fmt.Sprintf("j%02d@example.com", i), Source: store.SourceNative}
		if i%4 == 0 {
			n.TestID, n.LinkID = golang.ID, campus.ID
		}
		res, err := db.Invite(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		switch i % 5 {
		case 1:
			db.OpenInvitation(ctx, res.Invitation.ID)
		case 2:
			db.StartInvitation(ctx, res.Invitation.ID)
		case 3:
			db.CancelInvitation(ctx, res.Invitation.ID, "test")
		}
	}
	db.Invite(ctx, store.NewInvitation{TestID: golang.ID, LinkID: campus.ID, Name: "Zoë Ångström", Email: "zoe@example.org", Source: store.SourceNative})
	return java, golang, campus
}

func TestInvitationListFiltersSortsPages(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	java, golang, campus := seedInvitations(t, db)

	r := b.get("/invitations")
	if r.Code != http.StatusOK || r.doc.Find(`[data-testid="invitations"] tbody tr`).Length() != 50 || r.text(`[data-testid="invitations-range"]`) != "1–50 of 61" {
		t.Fatalf("first page: %d rows, %q", r.doc.Find(`[data-testid="invitations"] tbody tr`).Length(), r.text(`[data-testid="invitations-range"]`))
	}
	if first := r.doc.Find(`[data-testid="invitation-link"]`).First().Text(); first != "Zoë Ångström" {
		t.Fatalf("newest first: %q", first)
	}
	next, _ := r.doc.Find(`[data-testid="next-page"]`).Attr("href")
	if next != "/invitations?page=2" {
		t.Fatalf("next href %q", next)
	}
	if r := b.get(next); r.doc.Find(`[data-testid="invitations"] tbody tr`).Length() != 11 {
		t.Fatal("second page")
	}

	r = b.get("/invitations?test=" + idStr(golang.ID) + "&status=cancelled&q=person")
	rows := r.doc.Find(`[data-testid="invitations"] tbody tr`)
	if rows.Length() != 3 {
		t.Fatalf("filtered rows %d: %s", rows.Length(), r.text(`[data-testid="invitations"]`))
	}
	rows.Each(func(_ int, s *goquerySelection) {
		if !strings.Contains(s.Text(), "Go") || strings.TrimSpace(s.Find(`[data-testid="status"]`).Text()) != "Cancelled" {
			t.Errorf("row %q", s.Text())
		}
	})
	// The form shows the filter the URL carries.
	if v, _ := r.doc.Find(`#f-test option[selected]`).Attr("value"); v != idStr(golang.ID) {
		t.Errorf("test select %q", v)
	}
	if v, _ := r.doc.Find(`#f-status option[selected]`).Attr("value"); v != "cancelled" {
		t.Errorf("status select %q", v)
	}
	if v, _ := r.doc.Find(`#f-q`).Attr("value"); v != "person" {
		t.Errorf("search %q", v)
	}
	if r.doc.Find(`#f-link optgroup[label="Go"] option`).Length() != 2 {
		t.Error("link select lacks the Go test's links")
	}

	// Search by email, case-insensitively, through htmx: the table alone.
	r = b.htmx(http.MethodGet, "/invitations", url.Values{"q": {"ZOE@EXAMPLE"}}, "invitations-table")
	if r.doc.Find("header.top").Length() != 0 || r.doc.Find(`[data-testid="invitations"] tbody tr`).Length() != 1 {
		t.Fatalf("htmx search: %s", r.Body)
	}
	if r := b.get("/invitations?link=" + idStr(campus.ID)); !strings.HasPrefix(r.text(`[data-testid="invitations-range"]`), "1–16 of 16") {
		t.Fatalf("by link: %q", r.text(`[data-testid="invitations-range"]`))
	}
	if r := b.get("/invitations?test=" + idStr(java.ID) + "&q=nobody"); r.text(`[data-testid="no-invitations"]`) != "No invitations match these filters." {
		t.Fatalf("empty: %q", r.text(`[data-testid="no-invitations"]`))
	}

	// Sorting: by name ascending, then the same header flips it.
	r = b.get("/invitations?sort=name&dir=asc")
	if first := r.doc.Find(`[data-testid="invitation-link"]`).First().Text(); first != "Java person 00" {
		t.Fatalf("by name: %q", first)
	}
	if href, _ := r.doc.Find(`th[aria-sort="ascending"] a`).Attr("href"); href != "/invitations?dir=desc&sort=name" {
		t.Fatalf("flip href %q", href)
	}
	// Nonsense parameters fall back to the defaults, not an error.
	if r := b.get("/invitations?status=bogus&sort=drop+table&page=-4&test=abc"); r.Code != http.StatusOK || r.doc.Find(`[data-testid="invitations"] tbody tr`).Length() != 50 {
		t.Fatalf("nonsense params: %d", r.Code)
	}
}

func TestInvitationDetailCancelAndExtend(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Mo", Email: "mo@example.com", Source: store.SourceIMocha, Actor: "api:ats"})
	path := invitationPath(res.Invitation.ID)

	// The viewer's time zone, as the browser reports it.
	b.cookies[tzCookie] = &http.Cookie{Name: tzCookie, Value: url.QueryEscape("Asia/Kolkata")}
	r := b.get(path)
	if r.Code != http.StatusOK || r.text(`[data-testid="invitation-name"]`) != "Mo" {
		t.Fatalf("detail: %d", r.Code)
	}
	if u, _ := r.doc.Find("#invitation-url").Attr("value"); u != testBaseURL+"/t/"+res.Invitation.Token {
		t.Fatalf("URL %q", u)
	}
	timeline := r.text(`[data-testid="timeline"]`)
	if !strings.Contains(timeline, "Invited") || !strings.Contains(timeline, "via the iMocha API by the API key “ats”") || !strings.Contains(timeline, "IST") {
		t.Fatalf("timeline %q", timeline)
	}

	// Extend: the form's time is read in the viewer's zone.
	future := time.Now().In(loadZone("Asia/Kolkata")).Add(72 * time.Hour).Truncate(time.Minute)
	r = b.post(path+"/extend", url.Values{"expiresAt": {future.Format(datetimeLocal)}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("extend: %d %s", r.Code, r.Body)
	}
	inv, _ := db.Invitation(ctx, res.Invitation.ID)
	if !inv.ExpiresAt.Equal(future) {
		t.Fatalf("expiry %v, want %v", inv.ExpiresAt, future.UTC())
	}
	if got := b.get(path).text(`[data-testid="invitation-expires"]`); !strings.HasSuffix(got, "IST") {
		t.Fatalf("expiry shown as %q", got)
	}
	for _, bad := range []string{"", "yesterday", "2001-01-01T00:00"} {
		r = b.post(path+"/extend", url.Values{"expiresAt": {bad}})
		if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-expiresAt"]`) == "" {
			t.Errorf("extend %q: %d", bad, r.Code)
		}
	}

	// Cancelling asks first, saying who loses the test, and "keep it" keeps it.
	q := b.post(path+"/cancel", nil)
	if q.Code != http.StatusOK || q.text(`[data-testid="confirm-touches"]`) != "This touches 1 candidate." {
		t.Fatalf("cancel question: %d %q", q.Code, q.text(`[data-testid="confirm-touches"]`))
	}
	if back, _ := q.doc.Find(`[data-testid="confirm-back"]`).Attr("href"); back != path {
		t.Fatalf("keep-it leads to %q", back)
	}
	if inv, _ := db.Invitation(context.Background(), res.Invitation.ID); inv.Status == store.StatusCancelled {
		t.Fatal("cancelled before the confirmation")
	}
	_, r = b.postConfirmed(path+"/cancel", nil)
	if r.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.Code)
	}
	r = b.get(path)
	if r.text(`[data-testid="status"]`) != "Cancelled" || r.doc.Find(`[data-testid="cancel-invitation"]`).Length() != 0 {
		t.Fatalf("after cancel: %q", r.text(`[data-testid="status"]`))
	}
	if !strings.Contains(r.text(`[data-testid="timeline"]`), "by recruiter@example.com") {
		t.Fatal("cancel not on the timeline")
	}

	started, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "No", Email: "no@example.com", Source: store.SourceNative})
	markStarted(t, db, started.Invitation.ID)
	b.get(invitationPath(started.Invitation.ID))
	r = b.post(invitationPath(started.Invitation.ID)+"/cancel", nil)
	if r.Code != http.StatusConflict || !strings.Contains(r.text(`[data-testid="invitation-problem"]`), "already started") {
		t.Fatalf("cancel started: %d", r.Code)
	}
	if r := b.get("/invitations/999999"); r.Code != http.StatusNotFound {
		t.Fatalf("missing: %d", r.Code)
	}
}

func TestDashboardCountsAndFunnels(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	seedInvitations(t, db)
	r := b.get("/")
	counts := map[string]string{}
	for _, s := range store.Statuses {
		counts[string(s)] = r.text(`[data-testid="count-` + string(s) + `"]`)
	}
	// 60 invitations: i%5 = 0 or 4 stay invited (24), 1 opened (12), 2 started (12), 3 cancelled (12); plus Zoë.
	if counts["invited"] != "25" || counts["opened"] != "12" || counts["started"] != "12" || counts["cancelled"] != "12" || counts["completed"] != "0" {
		t.Fatalf("counts %v", counts)
	}
	// The counts and the funnel of all invitations count the same people:
	// 61 in all, 24 of whom got past the invitation (opened or started).
	if got := r.text(`[data-testid="counts-total"]`); got != "61 invitations in all, by where each stands now:" {
		t.Fatalf("total: %q", got)
	}
	funnels := r.doc.Find(`[data-testid="funnel"]`)
	if funnels.Length() != 3 {
		t.Fatalf("%d funnels", funnels.Length())
	}
	var titles []string
	funnels.First().Find(`[data-testid="funnel-step"]`).Each(func(_ int, s *goquerySelection) {
		titles = append(titles, s.Find("dt").Text()+": "+s.Find(".funnel-count").Text())
	})
	if want := "Invitations: 61 · 100%|Opened: 24 · 39%|Started: 12 · 19%|Completed: 0 · 0%"; strings.Join(titles, "|") != want {
		t.Fatalf("the funnel of all invitations: %q, want %q", titles, want)
	}
	// Then the busiest link: the Java default link, 45 invited.
	bars := funnels.Eq(1).Find(`[data-testid="funnel-bar"]`)
	widths := []string{}
	bars.Each(func(_ int, s *goquerySelection) { w, _ := s.Attr("width"); widths = append(widths, w) })
	// invited 45 → 260; opened = opened+started (9+9=18) → 104; started 9 → 52; completed 0.
	if strings.Join(widths, ",") != "260,104,52,0" {
		t.Fatalf("bar widths %v", widths)
	}
	if title, _ := funnels.Eq(1).Find(`[data-testid="funnel-step"]`).First().Attr("title"); title != "Invitations: 45 (100%)" {
		t.Fatalf("bar title %q", title)
	}
}

// A link that makes name and email optional lets the console invite
// without them, as the API does: the candidate gives them on opening.
func TestConsoleInviteHonoursOptionalNameAndEmail(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Walk-in", DisableMandatoryFields: true})
	path := linkPath(link.ID)
	if r := b.get(path); !strings.Contains(r.text(`label[for="f-name"]`), "optional") {
		t.Fatalf("the form does not say the name is optional: %q", r.text(`label[for="f-name"]`))
	}
	r := b.post(path+"/invitations", url.Values{"name": {""}, "email": {""}})
	if r.Code != http.StatusCreated || !strings.Contains(r.text(`[data-testid="invite-result"]`), "gives their name and email when opening") {
		t.Fatalf("empty invite: %d %q %q", r.Code, r.text(`[data-testid="invite-result"]`), r.text(".error-summary"))
	}
	invs, _, _ := db.Invitations(ctx, store.InvitationFilter{LinkID: link.ID})
	if len(invs) != 1 || !invs[0].Placeholder {
		t.Fatalf("invitations %+v", invs)
	}
	// A name alone is kept; the address is generated.
	if r := b.post(path+"/invitations", url.Values{"name": {"Kim"}}); r.Code != http.StatusCreated {
		t.Fatalf("name only: %d", r.Code)
	}
	// A link without the setting still asks for both.
	strict, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Strict"})
	if r := b.post(linkPath(strict.ID)+"/invitations", url.Values{}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("strict link: %d", r.Code)
	}
}
