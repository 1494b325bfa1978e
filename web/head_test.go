package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"testgate/store"
)

// A link checker, an uptime monitor or a mail client's link preview sends
// HEAD: on every GET route it answers over real HTTP as GET does — the
// same status and type — with no body, and changes nothing.
func TestHeadAnswersAsGetOnEveryGETRoute(t *testing.T) {
	t.Parallel()
	base, db, _ := serveHTTP(t)
	ctx := context.Background()
	png, _ := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
	if _, err := db.SetBranding(ctx, store.Branding{Organisation: "Acme", Logo: png, LogoType: "image/png"}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, store.NewUser{Email: "admin@acme.example", Name: "Admin", Password: "a long password here", Role: store.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.InviteUser(ctx, store.NewUser{Email: "nia@acme.example", Name: "Nia", Role: store.RoleRecruiter}); err != nil {
		t.Fatal(err)
	}
	msgs, _ := db.Outbox(ctx, store.OutboxFilter{})
	setPassword := regexp.MustCompile(`/password/[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 20}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Open day", Public: true, Slug: "open-day"})
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ada", Email: "ada@example.com", Source: store.SourceConsole})

	paths := []string{"/healthz", "/metrics", "/static/app.css", "/static/htmx.min.js", "/brand/logo", "/login", "/setup",
		setPassword, "/l/open-day", "/t/" + res.Invitation.Token, "/no-such-page", "/tests"}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range paths {
		req, _ := http.NewRequest(http.MethodHead, base+path, nil)
		head, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if inv, _ := db.Invitation(ctx, res.Invitation.ID); strings.HasPrefix(path, "/t/") && inv.Status != store.StatusInvited {
			t.Fatalf("HEAD %s opened the invitation: %s", path, inv.Status)
		}
		get, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(get.Body)
		get.Body.Close()
		if head.StatusCode != get.StatusCode || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") || len(rest) != 0 {
			t.Errorf("HEAD %s: %d %q with %d bytes; GET: %d %q", path, head.StatusCode, head.Header.Get("Content-Type"), len(rest),
				get.StatusCode, get.Header.Get("Content-Type"))
		}
		if path != "/no-such-page" && path != "/setup" && path != "/tests" && (get.StatusCode != http.StatusOK || len(body) == 0) {
			t.Errorf("GET %s: %d with %d bytes", path, get.StatusCode, len(body))
		}
	}
	// The password link still works after its HEAD and GET.
	if resp, err := client.Get(base + setPassword); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the set-password link after HEADs: %v", err)
	} else {
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(page, []byte("nia@acme.example")) || strings.Contains(string(page), "not valid") {
			t.Fatal("the set-password page no longer knows its user")
		}
	}
}
