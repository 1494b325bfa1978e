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

	"github.com/PuerkitoBio/goquery"
)

func queued(t *testing.T, db *store.DB, invitationID int64) []store.OutboxMessage {
	t.Helper()
	msgs, err := db.Outbox(context.Background(), store.OutboxFilter{InvitationID: invitationID})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestSendEmailQueuesTheInvitation(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	_, yes := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"y@example.com","name":"Yes","sendEmail":"yes"}`, nil)
	_, no := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"n@example.com","name":"No","sendEmail":"no"}`, nil)
	_, dflt := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"d@example.com","name":"Default"}`, nil)
	msgs := queued(t, f.db, int64(yes["testInvitationId"].(float64)))
	if len(msgs) != 1 || msgs[0].Status != store.OutboxQueued || msgs[0].Recipient != "y@example.com" ||
		!strings.Contains(msgs[0].Text, yes["testUrl"].(string)) || msgs[0].Subject != "Your invitation to Java" {
		t.Fatalf("sendEmail=yes: %+v", msgs)
	}
	if n := len(queued(t, f.db, int64(no["testInvitationId"].(float64)))); n != 0 {
		t.Fatalf("sendEmail=no queued %d", n)
	}
	if n := len(queued(t, f.db, int64(dflt["testInvitationId"].(float64)))); n != 0 {
		t.Fatalf("default (no) queued %d", n)
	}
	// Inviting the same address again sends nothing more.
	f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"y@example.com","name":"Yes","sendEmail":"yes"}`, nil)
	if n := len(queued(t, f.db, int64(yes["testInvitationId"].(float64)))); n != 1 {
		t.Fatalf("re-invite queued again: %d", n)
	}
}

func TestConsoleResendRemindAndCancel(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus"})
	b.get(linkPath(link.ID))
	b.post(linkPath(link.ID)+"/invitations", url.Values{"name": {"Kim"}, "email": {"kim@example.com"}, "sendEmail": {"1"}})
	b.post(linkPath(link.ID)+"/invitations", url.Values{"name": {"Lee"}, "email": {"lee@example.com"}})
	invs, _, _ := db.Invitations(ctx, store.InvitationFilter{Sort: "name"})
	kim, lee := invs[0], invs[1]
	if len(queued(t, db, kim.ID)) != 1 || len(queued(t, db, lee.ID)) != 0 {
		t.Fatal("console invite did not follow the send-email box")
	}

	b.get(invitationPath(lee.ID))
	if r := b.post(invitationPath(lee.ID)+"/resend", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("resend: %d", r.Code)
	}
	if msgs := queued(t, db, lee.ID); len(msgs) != 1 || msgs[0].Kind != store.EmailInvitation {
		t.Fatalf("resend queued %+v", msgs)
	}
	r := b.get(invitationPath(lee.ID))
	if r.doc.Find(`[data-testid="invitation-emails"] li`).Length() != 1 || !strings.Contains(r.text(`[data-testid="timeline"]`), "Invitation email queued") {
		t.Fatal("resend not shown on the invitation")
	}

	// Just invited: nobody is reminded yet, and the page says from when.
	r = b.get(linkPath(link.ID))
	if !strings.Contains(r.text(`[data-testid="remind-all"]`), "invited 12 hours+ ago") {
		t.Fatalf("remind button %q", r.text(`[data-testid="remind-all"]`))
	}
	if r := b.post(linkPath(link.ID)+"/remind", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("remind right after inviting: %d", r.Code)
	}
	if r := b.get(linkPath(link.ID)); !strings.Contains(r.text(`[data-testid="flash"]`), "Nobody to remind") {
		t.Fatalf("remind flash %q", r.text(`[data-testid="flash"]`))
	}
	later := time.Now().Add(13 * time.Hour)
	db.SetClock(func() time.Time { return later })
	b = signIn(t, srv, db, store.RoleAdmin) // the first session has ended by then
	b.get(linkPath(link.ID))
	q, r := b.postConfirmed(linkPath(link.ID)+"/remind", nil)
	if r.Code != http.StatusSeeOther || q.text(`[data-testid="confirm-touches"]`) != "This touches 2 candidates." {
		t.Fatalf("remind: %d %q", r.Code, q.text(`[data-testid="confirm-touches"]`))
	}
	if r := b.get(linkPath(link.ID)); !strings.Contains(r.text(`[data-testid="flash"]`), "Reminders queued for 2") {
		t.Fatalf("remind flash %q", r.text(`[data-testid="flash"]`))
	}
	reminders, _ := db.Outbox(ctx, store.OutboxFilter{Status: store.OutboxQueued})
	if len(reminders) != 4 {
		t.Fatalf("%d queued after reminding", len(reminders))
	}

	// Cancelling withdraws what is still queued.
	b.get(invitationPath(kim.ID))
	b.postConfirmed(invitationPath(kim.ID)+"/cancel", nil)
	for _, m := range queued(t, db, kim.ID) {
		if m.Status != store.OutboxCancelled {
			t.Fatalf("email of a cancelled invitation still %s", m.Status)
		}
	}
	// Once started, no more invitation emails.
	markStarted(t, db, lee.ID)
	b.get(invitationPath(lee.ID))
	if r := b.post(invitationPath(lee.ID)+"/resend", nil); r.Code != http.StatusConflict {
		t.Fatalf("resend after start: %d", r.Code)
	}
	for _, m := range queued(t, db, lee.ID) {
		if m.Kind == store.EmailReminder && m.Status != store.OutboxCancelled {
			t.Fatal("a reminder survived the start")
		}
	}
}

func TestOutboxPagesRetryAndCancel(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	send := true
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.org"} {
		db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "X <b>", Email: email, SendEmail: &send, Source: store.SourceNative})
	}
	// One sent to the dev mailbox, one failed, one still queued.
	claimed, _ := db.ClaimOutbox(ctx, 2, time.Minute)
	db.MarkSent(ctx, claimed[0].ID, true)
	db.MarkFailed(ctx, claimed[1].ID, "550 mailbox unavailable")

	r := b.get("/outbox")
	if r.doc.Find(`[data-testid="messages"] tbody tr`).Length() != 3 {
		t.Fatalf("outbox rows: %s", r.text("main"))
	}
	if r := b.get("/outbox?status=failed"); r.doc.Find(`[data-testid="messages"] tbody tr`).Length() != 1 {
		t.Fatal("status filter")
	}
	if r := b.get("/outbox?q=EXAMPLE.ORG"); r.doc.Find(`[data-testid="messages"] tbody tr`).Length() != 1 {
		t.Fatal("recipient search")
	}
	mailbox := b.get("/mailbox")
	if mailbox.doc.Find(`[data-testid="messages"] tbody tr`).Length() != 1 {
		t.Fatal("dev mailbox should hold the delivered message only")
	}
	if r := b.get("/outbox?kind=reminder"); r.doc.Find(`[data-testid="messages"] tbody tr`).Length() != 0 {
		t.Fatal("kind filter")
	}
	// The dev mailbox has the outbox's filters, and keeps them as it pages.
	db.InviteUser(ctx, store.NewUser{Email: "nia@example.org", Role: store.RoleRecruiter})
	if claimed, _ := db.ClaimOutbox(ctx, 5, time.Minute); len(claimed) > 0 {
		for _, m := range claimed {
			db.MarkSent(ctx, m.ID, true)
		}
	}
	for query, want := range map[string]int{"": 3, "?q=example.org": 2, "?kind=account": 1, "?kind=invitation&q=EXAMPLE.ORG": 1,
		"?status=failed": 0, "?kind=nonsense": 3} {
		page := b.get("/mailbox" + query)
		if n := page.doc.Find(`[data-testid="messages"] tbody tr`).Length(); n != want {
			t.Errorf("/mailbox%s lists %d emails, want %d", query, n, want)
		}
		if action, _ := page.doc.Find(`form[role="search"]`).Attr("action"); action != "/mailbox" {
			t.Errorf("/mailbox%s filters through %q", query, action)
		}
	}
	if v := b.get("/mailbox?kind=account").doc.Find(`select[name="kind"] option[selected]`).Text(); v != "Account links" {
		t.Errorf("the kind filter shows %q", v)
	}
	// One name for the email pages, as the menu calls them.
	if r.text("h1") != "Emails" || mailbox.text("h1") != "Emails" || !strings.Contains(mailbox.text(`[data-testid="dev-mailbox"]`), "dev mailbox") {
		t.Fatalf("headings %q and %q", r.text("h1"), mailbox.text("h1"))
	}
	r = b.get("/outbox/" + idStr(claimed[0].ID))
	if r.text(`[data-testid="message-subject"]`) != "Your invitation to Go" || !strings.Contains(r.text(`[data-testid="message-text"]`), "Hello X <b>") {
		t.Fatalf("message page %q", r.text("main"))
	}
	if r.text(".crumbs") != "Emails" || !strings.Contains(r.text(".facts"), "KindInvitation") {
		t.Fatalf("message page crumbs %q, facts %q", r.text(".crumbs"), r.text(".facts"))
	}
	r = b.get("/outbox/" + idStr(claimed[0].ID) + "/html")
	if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || strings.Contains(csp, "script") {
		t.Fatalf("preview CSP %q", csp)
	}
	if !strings.Contains(r.Body.String(), "Hello X &lt;b&gt;") {
		t.Fatal("candidate name not escaped in the HTML part")
	}
	failed := claimed[1].ID
	b.get("/outbox/" + idStr(failed))
	if r := b.post("/outbox/"+idStr(failed)+"/cancel", nil); r.Code != http.StatusConflict {
		t.Fatalf("cancel a failed message: %d", r.Code)
	}
	if r := b.post("/outbox/"+idStr(failed)+"/retry", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.Code)
	}
	if m, _ := db.OutboxMessage(ctx, failed); m.Status != store.OutboxQueued {
		t.Fatalf("after retry: %s", m.Status)
	}
	if r := b.post("/outbox/"+idStr(failed)+"/cancel", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("cancel queued: %d", r.Code)
	}
	if m, _ := db.OutboxMessage(ctx, failed); m.Status != store.OutboxCancelled {
		t.Fatalf("after cancel: %s", m.Status)
	}
	if r := b.get("/outbox/99999"); r.Code != http.StatusNotFound {
		t.Fatalf("missing message: %d", r.Code)
	}
}

func TestLinkEmailWording(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus"})
	path := linkPath(link.ID) + "/emails"
	// The editor shows placeholders as words and the built-in text with
	// them, no template code.
	page := b.get(path)
	if got := page.text(`[data-testid="placeholders"] tbody tr:first-child`); !strings.Contains(got, "{{candidate name}}") || !strings.Contains(got, "the candidate's name") {
		t.Errorf("placeholder list: %q", got)
	}
	builtIn := page.doc.Find("#f-inviteBody").AttrOr("placeholder", "")
	if !strings.Contains(builtIn, "Hello {{candidate name}},") || strings.Contains(builtIn, "{{if") || strings.Contains(builtIn, "{{.") {
		t.Errorf("the built-in text shown: %q", builtIn)
	}
	for field, form := range map[string]url.Values{
		"inviteBody":       {"inviteBody": {"Hi {{.CandidateName"}},
		"inviteSubject":    {"inviteSubject": {"Hi {{.Nobody}}"}},
		"remindAfterHours": {"remindAfterHours": {"soon"}},
		// The review's reproduction: a loop of 30 million steps, previewed.
		"reminderBody": {"reminderBody": {"{{range 30000000}}{{end}}"}, "action": {"preview"}},
	} {
		r := b.post(path, form)
		if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-`+field+`"]`) == "" {
			t.Errorf("%s: %d", field, r.Code)
		}
	}
	if r := b.post(path, url.Values{"inviteBody": {"{{range 30000000}}{{end}}"}, "action": {"preview"}}); !strings.Contains(
		r.text(`[data-testid="error-inviteBody"]`), "{{range 30000000}} is not a placeholder") {
		t.Errorf("loop preview: %d %q", r.Code, r.text(`[data-testid="error-inviteBody"]`))
	}
	// Placeholders as words, and in a wording saved when they were Go's.
	custom := url.Values{"inviteSubject": {"{{candidate name}}, your {{.TestName}} test"},
		"inviteBody": {"Dear {{Candidate Name}},\n\nPlease take it here: {{test link}}\nCode: {{access code}}\n\nAcme"}, "remindAfterHours": {"48"}}
	preview := url.Values{"action": {"preview"}}
	for k, v := range custom {
		preview[k] = v
	}
	r := b.post(path, preview)
	if r.Code != http.StatusOK || !strings.Contains(r.text(`[data-testid="email-preview"]`), "Ada Lovelace, your Go test") ||
		!strings.Contains(r.text(`[data-testid="email-preview"]`), testBaseURL+"/t/sample-token") {
		t.Fatalf("preview: %d %q", r.Code, r.text(`[data-testid="email-preview"]`))
	}
	if l, _ := db.Link(ctx, link.ID); l.InviteSubject != "" {
		t.Fatal("preview saved the wording")
	}
	if r := b.post(path, custom); r.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Code, r.Body)
	}
	send := true
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Kim", Email: "kim@example.com", SendEmail: &send, Source: store.SourceNative})
	msgs := queued(t, db, res.Invitation.ID)
	if msgs[0].Subject != "Kim, your Go test" || !strings.HasPrefix(msgs[0].Text, "Dear Kim,") || strings.Contains(msgs[0].Text, "Code:") {
		t.Fatalf("custom wording not used: %q %q", msgs[0].Subject, msgs[0].Text)
	}
	if l, _ := db.Link(ctx, link.ID); l.RemindAfterHours != 48 {
		t.Fatalf("reminder hours %d", l.RemindAfterHours)
	}
	// The link's other settings are not touched by the emails page, nor
	// the emails by the settings form.
	b.get(linkPath(link.ID) + "/edit")
	b.post(linkPath(link.ID), url.Values{"name": {"Campus 2"}, "slug": {link.Slug}})
	if l, _ := db.Link(ctx, link.ID); l.InviteSubject == "" || l.Name != "Campus 2" {
		t.Fatalf("link after both forms %+v", l)
	}
}

func TestAutomaticReminders(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	_ = srv
	ctx := context.Background()
	now := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	expires := now.Add(72 * time.Hour)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", ExpiresAt: &expires})
	db.UpdateLinkEmails(ctx, link.ID, store.LinkEmails{RemindAfterHours: 24, RemindBeforeExpiryHours: 12})
	a, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "A", Email: "a@example.com", Source: store.SourceNative})
	b, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "B", Email: "b@example.com", Source: store.SourceNative})
	db.StartInvitation(ctx, b.Invitation.ID) // started: no reminders

	now = now.Add(23 * time.Hour)
	if n, _ := db.QueueDueReminders(ctx); n != 0 {
		t.Fatalf("reminded early: %d", n)
	}
	now = now.Add(time.Hour)
	if n, _ := db.QueueDueReminders(ctx); n != 1 {
		t.Fatalf("after 24 h: %d", n)
	}
	if n, _ := db.QueueDueReminders(ctx); n != 0 {
		t.Fatalf("reminded twice: %d", n)
	}
	now = expires.Add(-12 * time.Hour)
	if n, _ := db.QueueDueReminders(ctx); n != 1 {
		t.Fatalf("12 h before expiry: %d", n)
	}
	msgs := queued(t, db, a.Invitation.ID)
	if len(msgs) != 2 || msgs[0].Kind != store.EmailReminder || msgs[0].Subject != "Reminder: Go is waiting for you" {
		t.Fatalf("reminders %+v", msgs)
	}
	if len(queued(t, db, b.Invitation.ID)) != 0 {
		t.Fatal("a started candidate was reminded")
	}
}

// The outbox and the dev mailbox list every email a page at a time, with
// the count, instead of stopping at 200.
func TestOutboxAndMailboxPaginate(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", SendEmail: true})
	ns := make([]store.NewInvitation, 230)
	for i := range ns {
		ns[i] = store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: fmt.Sprintf("C %d", i), Email: fmt.Sprintf("c%03d@example.com", i),
			Source: store.SourceNative}
	}
	if _, err := db.InviteMany(ctx, ns); err != nil {
		t.Fatal(err)
	}
	r := b.get("/outbox")
	if n := r.doc.Find(`[data-testid="messages"] tbody tr`).Length(); n != store.OutboxPageSize || r.text(`[data-testid="messages-count"]`) != "230 emails" {
		t.Fatalf("first page: %d rows, %q", n, r.text(`[data-testid="messages-count"]`))
	}
	seen := map[string]bool{}
	for page := 1; ; page++ {
		r := b.get(fmt.Sprintf("/outbox?page=%d", page))
		r.doc.Find(`[data-testid="messages"] tbody tr td:first-child`).Each(func(_ int, s *goquery.Selection) { seen[s.Text()] = true })
		if _, more := r.doc.Find(`[data-testid="next-page"]`).Attr("href"); !more {
			break
		}
	}
	if len(seen) != 230 {
		t.Fatalf("paging through the outbox shows %d of 230 emails", len(seen))
	}
	// Filters are kept from page to page.
	r = b.get("/outbox?q=c1&status=queued")
	if next, _ := r.doc.Find(`[data-testid="next-page"]`).Attr("href"); next != "/outbox?page=2&q=c1&status=queued" {
		t.Fatalf("next page keeps the filters: %q", next)
	}
}
