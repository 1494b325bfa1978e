package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// Anyone can type any address into a public link. Registering an address
// the link already knows — invited, cancelled by a recruiter, expired or
// completed — hands over nothing of its invitation, re-opens nothing and
// changes nothing, and answers exactly as "email me my link" answers for an
// address nobody registered.
func TestSelfRegistrationRevealsAndReopensNothing(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{Public: true, Slug: "open-day"})
	ctx := context.Background()
	inFuture := f.now.Add(time.Hour)
	invite := func(name, email string) store.Invitation {
		res, err := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: name, Email: email,
			Source: store.SourceConsole, ExpiresAt: &inFuture})
		if err != nil {
			t.Fatal(err)
		}
		return res.Invitation
	}
	invite("Lina Live", "lina@victims.example") // expires below, then is invited again
	cancelled := invite("Carl Cancelled", "carl@victims.example")
	if _, err := f.db.CancelInvitation(ctx, cancelled.ID, "user:rita@example.com"); err != nil {
		t.Fatal(err)
	}
	done := invite("Dora Done", "dora@victims.example")
	markStarted(t, f.db, done.ID)
	if _, err := f.db.CompleteInvitation(ctx, done.ID, "submitted"); err != nil {
		t.Fatal(err)
	}
	expired := invite("Eve Expired", "eve@victims.example")
	*f.now = f.now.Add(2 * time.Hour)
	if n, err := f.db.ExpireDue(ctx); err != nil || n != 2 { // Lina's too: she is invited again below
		t.Fatalf("expired %d, %v", n, err)
	}
	live := invite("Lina Live", "lina@victims.example")

	answerFor := func(b *browser, r response, email string) string {
		t.Helper()
		if r.Code != http.StatusOK {
			t.Fatalf("%s: %d, to %q", email, r.Code, r.Header().Get("Location"))
		}
		return strings.ReplaceAll(r.Body.String(), email, "ADDRESS")
	}
	stranger := newBrowser(t, f.srv)
	stranger.ip = "203.0.113.50:4000"
	stranger.get("/l/open-day")
	want := answerFor(stranger, stranger.post("/l/open-day/link", url.Values{"email": {"nobody@victims.example"}}), "nobody@victims.example")
	mailsBefore, _ := f.db.Outbox(ctx, store.OutboxFilter{})
	for _, victim := range []store.Invitation{live, cancelled, done, expired} {
		before, _ := f.db.Invitation(ctx, victim.ID)
		r := stranger.post("/l/open-day", url.Values{"name": {"Mallory"}, "email": {strings.ToUpper(victim.Email[:1]) + victim.Email[1:]}})
		got := answerFor(stranger, r, strings.ToUpper(victim.Email[:1])+victim.Email[1:])
		if got != want {
			t.Errorf("%s (%s): the answer differs from one for an unknown address", victim.Email, before.Status)
		}
		if strings.Contains(r.Body.String(), victim.Token) {
			t.Errorf("%s: the answer holds the invitation's token", victim.Email)
		}
		after, _ := f.db.Invitation(ctx, victim.ID)
		if after.Status != before.Status || after.Name != before.Name || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("%s: %s %q became %s %q", victim.Email, before.Status, before.Name, after.Status, after.Name)
		}
	}
	if page := stranger.get("/l/open-day"); page.Code != http.StatusOK {
		t.Fatalf("the link after the tries: %d", page.Code)
	}
	// Only the live invitation's owner is emailed, their own link.
	mails, _ := f.db.Outbox(ctx, store.OutboxFilter{})
	if len(mails)-len(mailsBefore) != 1 || mails[0].Recipient != live.Email || !strings.Contains(mails[0].Text, live.Token) {
		t.Fatalf("emails after the tries: %d new, first to %q", len(mails)-len(mailsBefore), mails[0].Recipient)
	}
	if invs, _, _ := f.db.Invitations(ctx, store.InvitationFilter{LinkID: f.link.ID, PageSize: 50}); len(invs) != 4 {
		t.Fatalf("the tries made invitations: %d on the link", len(invs))
	}
}

// Self-registration is throttled per client address and per mailbox
// (+tags folded), with counts in the database that every process shares,
// and the refusal is a 429 in the candidate's language.
func TestSelfRegistrationIsThrottled(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{Public: true, Slug: "campus", Lang: "es"})
	ctx := context.Background()
	other, err := New(f.db, Config{BaseURL: testBaseURL, SessionKey: f.srv.cfg.SessionKey, Callbacks: f.srv.cfg.Callbacks, Logger: f.srv.log})
	if err != nil {
		t.Fatal(err)
	}
	register := func(srv *Server, ip, email string) response {
		b := newBrowser(t, srv)
		b.ip = ip
		return b.post("/l/campus", url.Values{"name": {"Ana"}, "email": {email}})
	}
	// One mailbox: three registrations an hour, whatever the +tag, on either process.
	for i, srv := range []*Server{f.srv, other, f.srv} {
		if r := register(srv, "198.51.100."+strconv.Itoa(i+1)+":1", "ana+"+strconv.Itoa(i)+"@campus.example"); r.Code != http.StatusSeeOther {
			t.Fatalf("registration %d: %d", i, r.Code)
		}
	}
	r := register(other, "198.51.100.9:1", "ANA+cv@campus.example")
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" ||
		!strings.Contains(r.text(`[data-testid="register-problem"]`), "Espera un rato") {
		t.Fatalf("a fourth registration of the mailbox: %d %q", r.Code, r.text(`[data-testid="register-problem"]`))
	}
	if r := register(f.srv, "198.51.100.9:1", "bruno@campus.example"); r.Code != http.StatusSeeOther {
		t.Fatalf("another mailbox: %d", r.Code)
	}

	// One client address: maxRegistrationsPerIP an hour, across processes.
	for i := range maxRegistrationsPerIP {
		srv := []*Server{f.srv, other}[i%2]
		if r := register(srv, "192.0.2.77:1", "student"+strconv.Itoa(i)+"@campus.example"); r.Code != http.StatusSeeOther {
			t.Fatalf("registration %d from one address: %d", i, r.Code)
		}
	}
	if r := register(f.srv, "192.0.2.77:1", "late@campus.example"); r.Code != http.StatusTooManyRequests {
		t.Fatalf("registration past the limit: %d", r.Code)
	}
	if n, _ := f.db.InvitationsOfAddress(ctx, "late@campus.example"); n != 0 {
		t.Fatal("a refused registration made an invitation")
	}
	// An hour on, the address may register again.
	*f.now = f.now.Add(linkMailWindow + time.Second)
	if r := register(f.srv, "192.0.2.77:1", "late@campus.example"); r.Code != http.StatusSeeOther {
		t.Fatalf("registration after the window: %d", r.Code)
	}
}

// A candidate giving their details on an invitation made without them
// cannot learn who is invited: an address that already has an invitation on
// the link gets the same answer as any other, and is not taken (the
// stand-in address stays; the recruiter's timeline says what was typed).
func TestDetailsFormRevealsNoInvitedAddress(t *testing.T) {
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	f.invite(t, store.NewInvitation{Name: "Vera Victim", Email: "vera@victims.example"})
	answer := func(email string) (response, store.Invitation) {
		t.Helper()
		inv := f.invite(t, store.NewInvitation{GeneratePlaceholders: true})
		b := newBrowser(t, f.srv)
		b.get(f.token)
		r := b.post(f.token+"/details", url.Values{"name": {"Mallory"}, "email": {email}})
		after, _ := f.db.Invitation(ctx, inv.ID)
		return r, after
	}
	free, freeInv := answer("mallory@example.com")
	taken, takenInv := answer("VERA@victims.example")
	if taken.Code != free.Code || taken.Code != http.StatusSeeOther || taken.Header().Get("Location") != "/t/"+takenInv.Token {
		t.Fatalf("an invited address: %d to %q; a free one: %d", taken.Code, taken.Header().Get("Location"), free.Code)
	}
	if freeInv.Email != "mallory@example.com" || freeInv.Placeholder {
		t.Fatalf("a free address was not taken: %q", freeInv.Email)
	}
	if takenInv.Placeholder || takenInv.Name != "Mallory" || !store.IsPlaceholderEmail(takenInv.Email) {
		t.Fatalf("the invited address: %q %q placeholder=%v", takenInv.Name, takenInv.Email, takenInv.Placeholder)
	}
	events, _ := f.db.Timeline(ctx, takenInv.ID)
	if last := events[len(events)-1]; last.Kind != "details_given" || !strings.Contains(last.Detail, "already has an invitation on this link") {
		t.Fatalf("the timeline: %+v", last)
	}
}
