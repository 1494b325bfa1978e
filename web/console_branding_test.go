package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"testgate/store"
)

// testLogo is a small PNG, as an admin would upload.
func testLogo(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An admin brands Testgate once; every candidate page and email shows it.
func TestBrandingOnCandidatePagesAndEmails(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	ctx := context.Background()
	b.get("/settings/branding")

	// Refused: not an image, a bad contact address. Nothing is saved.
	for _, tc := range []struct {
		fields        map[string]string
		name, content string
		field, want   string
	}{
		{map[string]string{"organisation": "Acme"}, "logo.png", "<svg onload=alert(1)>", "logo", "must be a PNG, JPEG or GIF image"},
		{map[string]string{"organisation": "Acme"}, "logo.png", string(testLogo(t, 4100, 2)), "logo", "at most 4000 pixels"},
		{map[string]string{"organisation": "Acme", "contactEmail": "talent@"}, "", "", "contactEmail", "not a valid email address"},
		{map[string]string{"organisation": "Acme\u202e"}, "", "", "organisation", "single line"},
	} {
		r := b.postUpload("/settings/branding", tc.fields, "logo", tc.name, []byte(tc.content))
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-`+tc.field+`"]`), tc.want) {
			t.Errorf("%s: %d %q", tc.field, r.Code, r.text(`[data-testid="error-`+tc.field+`"]`))
		}
	}
	if got, _ := db.Branding(ctx); got.Organisation != "" {
		t.Fatalf("a refused form saved %+v", got)
	}

	logo := testLogo(t, 120, 40)
	r := b.postUpload("/settings/branding", map[string]string{"organisation": " Acme & Sons ", "contactEmail": "talent@acme.test"},
		"logo", "acme.png", logo)
	if r.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Code, r.text("main"))
	}
	page := b.get("/settings/branding")
	logoURL := page.doc.Find(`[data-testid="current-logo"]`).AttrOr("src", "")
	if page.doc.Find("#f-organisation").AttrOr("value", "") != "Acme & Sons" || !strings.HasPrefix(logoURL, "/brand/logo?v=") {
		t.Fatalf("settings after save: logo %q, form %q", logoURL, page.text("form"))
	}

	// The logo, as served to anyone: the image, cached for good at its URL.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, logoURL, nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" || !bytes.Equal(rec.Body.Bytes(), logo) ||
		!strings.Contains(rec.Header().Get("Cache-Control"), "immutable") || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("logo: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
	}

	// A candidate page, and the email of an invitation made now.
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	send := true
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Kim", Email: "kim@example.com", SendEmail: &send, Source: store.SourceNative})
	cand := newBrowser(t, srv).get("/t/" + res.Invitation.Token)
	if cand.text(`[data-testid="brand-name"]`) != "Acme & Sons" || cand.doc.Find(`[data-testid="brand"] img`).AttrOr("src", "") != logoURL ||
		!strings.Contains(cand.text(`[data-testid="brand-contact"]`), "talent@acme.test") || !strings.HasSuffix(cand.text("title"), "· Acme & Sons") {
		t.Fatalf("candidate page: brand %q, contact %q, title %q", cand.text(`[data-testid="brand"]`), cand.text(`[data-testid="brand-contact"]`), cand.text("title"))
	}
	msgs := queued(t, db, res.Invitation.ID)
	if len(msgs) != 1 || msgs[0].ReplyTo != "talent@acme.test" || !strings.Contains(msgs[0].Text, "Acme & Sons · Questions: talent@acme.test") ||
		!strings.Contains(msgs[0].HTML, testBaseURL+logoURL) {
		t.Fatalf("email: %+v", msgs)
	}

	// Saving without a file keeps the logo; "remove" removes it.
	b.postUpload("/settings/branding", map[string]string{"organisation": "Acme"}, "logo", "", nil)
	if got, _ := db.Branding(ctx); got.Organisation != "Acme" || !bytes.Equal(got.Logo, logo) || got.ContactEmail != "" {
		t.Fatalf("after a save without a file: %q %d bytes %q", got.Organisation, len(got.Logo), got.ContactEmail)
	}
	b.postUpload("/settings/branding", map[string]string{"organisation": "Acme", "removeLogo": "1"}, "logo", "", nil)
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/brand/logo", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("removed logo: %d", rec.Code)
	}
	cand = newBrowser(t, srv).get("/t/" + res.Invitation.Token)
	if cand.doc.Find(`[data-testid="brand"] img`).Length() != 0 || cand.doc.Find(`[data-testid="brand-contact"]`).Length() != 0 {
		t.Fatal("the candidate page still shows the removed logo or contact")
	}
}
