package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/views/locale"
)

// englishFragments are the English catalog's texts cut at their
// placeholders: the pieces of at least two words, which no page in another
// language may contain.
func englishFragments(t *testing.T) []string {
	t.Helper()
	raw, err := locale.Catalog("en")
	if err != nil {
		t.Fatal(err)
	}
	var msgs map[string]any
	if err := json.Unmarshal(raw, &msgs); err != nil {
		t.Fatal(err)
	}
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	var out []string
	for id, v := range msgs {
		if strings.HasPrefix(id, "Layout") || strings.HasPrefix(id, "Mail") {
			continue
		}
		var texts []string
		switch v := v.(type) {
		case string:
			texts = []string{v}
		case map[string]any:
			for _, form := range v {
				texts = append(texts, form.(string))
			}
		}
		for _, text := range texts {
			for _, piece := range placeholder.Split(text, -1) {
				if piece = strings.TrimSpace(strings.Trim(piece, ".,:;()“”—")); strings.Count(piece, " ") >= 1 && len(piece) >= 8 {
					out = append(out, piece)
				}
			}
		}
	}
	return out
}

// pageText is what a page says, without the recruiter's own content (the
// test's name, questions and instructions) and the candidate's details.
func pageText(r response) string {
	doc := r.doc.Clone()
	doc.Find(`.q-text, [data-testid="instructions"], [data-testid="test-title"], .choice span, option, script, style`).Remove()
	return strings.Join(strings.Fields(doc.Find("body").Text()), " ")
}

// Every page a candidate can meet, in every language but English: its
// <html lang> is right and no English text of the catalog is on it.
func TestCandidatePagesHaveNoEnglishInOtherLanguages(t *testing.T) {
	t.Parallel()
	english := englishFragments(t)
	for _, code := range locale.Codes[1:] {
		t.Run(code, func(t *testing.T) {
			f := newCandidateFixture(t, store.LinkInput{Name: "Campus", Public: true, Slug: "campus"})
			ctx := context.Background()
			var pages []response
			look := func(r response) response {
				t.Helper()
				if r.Code == http.StatusSeeOther {
					r = f.b.get(r.Header().Get("Location"))
				}
				pages = append(pages, r)
				return r
			}
			f.invite(t, store.NewInvitation{Lang: code})
			look(f.b.get(f.token))
			look(f.b.post(f.token+"/start", nil))
			look(f.b.post(f.token+"/answers", url.Values{"action": {"save"}, f.q(0): {"1"}}))
			look(f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"1"}}))
			look(f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, "unanswered": {"ok"}}))
			look(f.b.get(f.token))
			// A timed-out attempt, the details form with its errors, the access code.
			f.invite(t, store.NewInvitation{Name: "Tim", Email: "tim@example.com", Lang: code})
			f.b.post(f.token+"/start", nil)
			look(f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, "timeout": {"1"}}))
			look(f.b.get(f.token))
			f.invite(t, store.NewInvitation{GeneratePlaceholders: true, Lang: code})
			look(f.b.post(f.token+"/details", url.Values{"name": {""}, "email": {"nope"}}))
			f.invite(t, store.NewInvitation{Name: "Cy", Email: "cy@example.com", Lang: code, RequireAccessCode: true})
			look(f.b.get(f.token))
			look(f.b.post(f.token+"/access", url.Values{"code": {"000000"}}))
			// Refusals: cancelled, expired, closed, not yet open, unknown.
			inv := f.invite(t, store.NewInvitation{Name: "Ca", Email: "ca@example.com", Lang: code})
			f.db.CancelInvitation(ctx, inv.ID, "x")
			look(f.b.get(f.token))
			until := f.now.Add(time.Hour)
			f.invite(t, store.NewInvitation{Name: "Ex", Email: "ex@example.com", Lang: code, ExpiresAt: &until})
			*f.now = f.now.Add(2 * time.Hour)
			look(f.b.get(f.token))
			from := f.now.Add(24 * time.Hour)
			f.invite(t, store.NewInvitation{Name: "Nf", Email: "nf@example.com", Lang: code, ValidFrom: &from})
			look(f.b.get(f.token))
			closes := f.now.Add(time.Hour)
			f.invite(t, store.NewInvitation{Name: "Cl", Email: "cl@example.com", Lang: code, ValidUntil: &closes})
			*f.now = f.now.Add(2 * time.Hour)
			look(f.b.get(f.token))
			req := httptest.NewRequest(http.MethodGet, "/t/unknown-token", nil)
			req.Header.Set("Accept-Language", code)
			look(f.b.do(req))
			// Public registration: the form, its errors, "email me my link".
			look(f.b.get("/l/campus?lang=" + code))
			look(f.b.post("/l/campus", url.Values{"lang": {code}, "name": {""}, "email": {"nope"}}))
			look(f.b.post("/l/campus/link", url.Values{"lang": {code}, "email": {"ada@example.com"}}))

			for i, r := range pages {
				if r.doc == nil {
					t.Fatalf("page %d: %d, not HTML", i, r.Code)
				}
				if got := r.doc.Find("html").AttrOr("lang", ""); got != code {
					t.Errorf("page %d (%s): <html lang=%q>", i, r.text("h1"), got)
				}
				text := pageText(r)
				for _, piece := range english {
					if strings.Contains(text, piece) {
						t.Errorf("page %d (%s) says %q in English:\n%s", i, r.text("h1"), piece, text)
					}
				}
			}
		})
	}
}

// The language comes from, in order: the candidate's choice, the
// invitation's lang, the link's language, the browser, English.
func TestCandidateLanguageOrder(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{Name: "Paris", Lang: "fr"})
	get := func(accept string) response {
		req := httptest.NewRequest(http.MethodGet, f.token, nil)
		req.Header.Set("Accept-Language", accept)
		return f.b.do(req)
	}
	lang := func(r response) string { return r.doc.Find("html").AttrOr("lang", "") }

	f.invite(t, store.NewInvitation{}) // no lang: the link's French
	if r := get("de-DE"); lang(r) != "fr" || r.text(`[data-testid="start"]`) != "Commencer le test" {
		t.Fatalf("link's language: %q %q", lang(r), r.text(`[data-testid="start"]`))
	}
	f.invite(t, store.NewInvitation{Name: "Ru", Email: "ru@example.com", Lang: "ru"})
	if r := get("de-DE"); lang(r) != "ru" || !strings.Contains(r.text(`[data-testid="test-facts"]`), "30 минут") {
		t.Fatalf("invitation's language: %q %q", lang(r), r.text(`[data-testid="test-facts"]`))
	}
	// The candidate chooses Serbian; it is kept for the invitation.
	if r := f.b.post(f.token+"/lang", url.Values{"lang": {"sr"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("choose: %d", r.Code)
	}
	if r := get("de-DE"); lang(r) != "sr" || r.text(`[data-testid="start"]`) != "Започни тест" ||
		r.doc.Find(`#f-lang option[value="sr"][selected]`).Length() != 1 {
		t.Fatalf("chosen language: %q %q", lang(r), r.text(`[data-testid="start"]`))
	}
	// The menu lists every language once, each named in itself, one selected.
	if r := get("de-DE"); r.doc.Find(`#f-lang option`).Length() != len(store.Languages) ||
		r.doc.Find(`#f-lang option[selected]`).Length() != 1 || r.text(`#f-lang option[lang="ru"][value="ru"]`) != "Русский" {
		t.Fatalf("language menu: %d options, %d selected, Russian %q", r.doc.Find(`#f-lang option`).Length(),
			r.doc.Find(`#f-lang option[selected]`).Length(), r.text(`#f-lang option[lang="ru"][value="ru"]`))
	}
	if inv := f.reload(t); inv.ChosenLang != "sr" || inv.Lang != "ru" {
		t.Fatalf("stored: chosen %q, lang %q", inv.ChosenLang, inv.Lang)
	}
	if r := f.b.post(f.token+"/lang", url.Values{"lang": {"xx"}}); r.Code != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", r.Code)
	}
	// Without any: the browser's, then English.
	other := newCandidateFixture(t, store.LinkInput{Name: "Any"})
	other.invite(t, store.NewInvitation{})
	f = other
	if r := get("nb-NO,nb;q=0.9,en;q=0.5"); lang(r) != "no" {
		t.Fatalf("browser's language: %q", lang(r))
	}
	if r := get("ja-JP"); lang(r) != "en" {
		t.Fatalf("fallback: %q", lang(r))
	}
}

// On the attempt page the language menu saves the answers on the page and
// brings the page back in the language chosen, with the answers.
func TestSwitchingLanguageMidTestKeepsTheAnswers(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	f.invite(t, store.NewInvitation{Lang: "de"})
	f.b.post(f.token+"/start", nil)
	attempt := f.b.get(f.token)
	if attempt.doc.Find(`#f-lang[form="attempt"]`).Length() != 1 || attempt.doc.Find(`[data-testid="lang-change"][form="attempt"]`).Length() != 1 {
		t.Fatal("the attempt page's language menu is not part of the attempt form")
	}
	r := f.b.post(f.token+"/answers", url.Values{"action": {"language"}, "lang": {"ru"}, f.q(0): {"1"}, f.q(2): {"Потому что просто"}})
	if r.doc.Find("html").AttrOr("lang", "") != "ru" || r.text(`[data-testid="attempt-notice"]`) != "Ваши ответы сохранены. Теперь тест на русском языке." {
		t.Fatalf("after switching: %q %q", r.doc.Find("html").AttrOr("lang", ""), r.text(`[data-testid="attempt-notice"]`))
	}
	if r.doc.Find(`input[name="`+f.q(0)+`"][value="1"][checked]`).Length() != 1 || r.text(`textarea[name="`+f.q(2)+`"]`) != "Потому что просто" {
		t.Fatal("answers lost when switching language")
	}
	if got := r.text(`[data-testid="question"] .q-number`); !strings.HasPrefix(got, "Вопрос 1 из 3") {
		t.Fatalf("question numbers: %q", got)
	}
	// An unknown language is refused before the answers on the form are saved.
	if r := f.b.post(f.token+"/answers", url.Values{"action": {"language"}, "lang": {"xx"}, f.q(0): {"0"}}); r.Code != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", r.Code)
	}
	if answers, _ := f.db.Answers(context.Background(), f.reload(t).ID); answers[f.qs[0].ID].Choices[0] != 1 {
		t.Fatalf("a refused language change saved the answers: %+v", answers[f.qs[0].ID])
	}
}

// The native API and the console name a language: on a link (its
// candidates' default) and on an invitation; an unknown one is a 4xx in
// the API's shape and writes nothing.
func TestLanguageThroughTheAPIAndTheConsole(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	code, link := api(t, srv, http.MethodPost, "/api/native/tests/"+idStr(tt.ID)+"/links", key, map[string]any{"name": "Oslo", "lang": "no"})
	if code != http.StatusCreated || link["lang"] != "no" {
		t.Fatalf("link: %d %v", code, link)
	}
	path := "/api/native/links/" + idStr(int64(link["id"].(float64))) + "/invitations"
	if code, body := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "x@example.com", "name": "X", "lang": "xx"}); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest ||
		!strings.Contains(strings.ToLower(jsonText(body)), "lang") {
		t.Fatalf("unknown lang: %d %v", code, body)
	}
	code, inv := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "sv@example.com", "name": "Sven", "lang": "sv"})
	if code != http.StatusCreated || inv["lang"] != "sv" {
		t.Fatalf("invitation: %d %v", code, inv)
	}
	_, inherited := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "ola@example.com", "name": "Ola"})
	if inherited["lang"] != "no" {
		t.Fatalf("the link's language not taken: %v", inherited)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM invitations WHERE email = 'x@example.com'`); n != 0 {
		t.Fatal("an unknown language wrote an invitation")
	}
	page := newBrowser(t, srv).get(strings.TrimPrefix(inv["testUrl"].(string), testBaseURL))
	if page.doc.Find("html").AttrOr("lang", "") != "sv" || page.text(`[data-testid="start"]`) != "Starta testet" {
		t.Fatalf("Swedish page: %q", page.text(`[data-testid="start"]`))
	}

	// The console: a link's language in its settings, a candidate's on the invite form.
	b := signIn(t, srv, db, store.RoleRecruiter)
	l, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Madrid"})
	b.get(linkPath(l.ID) + "/edit")
	if r := b.post(linkPath(l.ID), url.Values{"name": {"Madrid"}, "slug": {l.Slug}, "lang": {"es"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("link settings: %d %s", r.Code, r.text("main"))
	}
	if got := b.get(linkPath(l.ID)).text(`[data-testid="link-lang"]`); got != "Español" {
		t.Fatalf("link page language: %q", got)
	}
	b.post(linkPath(l.ID)+"/invitations", url.Values{"name": {"Ana"}, "email": {"ana@example.com"}, "lang": {"pt"}})
	if got, _ := db.InvitationOnLink(ctx, l.ID, "ana@example.com"); got.Lang != "pt" {
		t.Fatalf("console invitation language %q", got.Lang)
	}
	b.post(linkPath(l.ID)+"/invitations", url.Values{"name": {"Eva"}, "email": {"eva@example.com"}})
	if got, _ := db.InvitationOnLink(ctx, l.ID, "eva@example.com"); got.Lang != "es" {
		t.Fatalf("console invitation without a language: %q, want the link's", got.Lang)
	}
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

// A link's wording per language: the page edits one language at a time
// (the built-in text of that language in grey); a candidate gets the
// wording in their language, or the built-in text in it.
func TestLinkWordingPerLanguage(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	l, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Berlin"})
	path := linkPath(l.ID) + "/emails"

	page := b.get(path + "?lang=de")
	if got := page.doc.Find("#f-inviteSubject").AttrOr("placeholder", ""); got != "Ihre Einladung zu {{test name}}" {
		t.Fatalf("German built-in subject shown as %q", got)
	}
	if !strings.Contains(page.text(`[data-testid="wording-language"]`), "built-in text in Deutsch") ||
		page.doc.Find(`[data-testid="wording-languages"] a`).Length() != 12 || page.doc.Find("#f-remindAfterHours").Length() != 0 {
		t.Fatalf("German tab: %q", page.text(`[data-testid="wording-language"]`))
	}
	// A preview in German, then the German wording saved beside the English one.
	r := b.post(path, url.Values{"lang": {"de"}, "action": {"preview"}, "inviteSubject": {"Willkommen, {{candidate name}}"}})
	if !strings.Contains(r.text(`[data-testid="email-preview"]`), "Willkommen, Ada Lovelace") || !strings.Contains(r.text(`[data-testid="email-preview"]`), "Viel Erfolg!") {
		t.Fatalf("German preview: %q", r.text(`[data-testid="email-preview"]`))
	}
	if r := b.post(path, url.Values{"lang": {"de"}, "inviteSubject": {"Willkommen, {{candidate name}}"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("save German: %d %s", r.Code, r.text("main"))
	}
	b.get(path)
	if r := b.post(path, url.Values{"lang": {"en"}, "inviteSubject": {"Welcome, {{candidate name}}"}, "remindAfterHours": {"24"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("save English: %d", r.Code)
	}
	if got := b.get(path + "?lang=de").text(`[data-testid="wording-languages"]`); !strings.Contains(got, "Deutsch(own wording)") && !strings.Contains(got, "Deutsch (own wording)") {
		t.Fatalf("tabs: %q", got)
	}

	send := true
	subject := func(email, lang string) string {
		t.Helper()
		res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: l.ID, Name: "Kim", Email: email, Lang: lang, SendEmail: &send, Source: store.SourceNative})
		if err != nil {
			t.Fatal(err)
		}
		return queued(t, db, res.Invitation.ID)[0].Subject
	}
	for _, tc := range []struct{ email, lang, want string }{
		{"de@example.com", "de", "Willkommen, Kim"},
		{"en@example.com", "", "Welcome, Kim"},
		{"fr@example.com", "fr", "Votre invitation au test Go"},
	} {
		if got := subject(tc.email, tc.lang); got != tc.want {
			t.Errorf("%s: subject %q, want %q", tc.lang, got, tc.want)
		}
	}
	if l2, _ := db.Link(ctx, l.ID); l2.RemindAfterHours != 24 || l2.InviteSubject != "Welcome, {{candidate name}}" {
		t.Fatalf("link's own wording %+v", l2.LinkEmails)
	}
	// Emptied, the German wording is gone: German candidates get the built-in text again.
	b.get(path + "?lang=de")
	b.post(path, url.Values{"lang": {"de"}})
	if langs, _ := db.WordedLanguages(ctx, l.ID); len(langs) != 0 {
		t.Fatalf("emptied wording kept: %v", langs)
	}
	if got := subject("de2@example.com", "de"); got != "Ihre Einladung zu Go" {
		t.Fatalf("after removing the German wording: %q", got)
	}
}
