package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/web/api/thinkexam"
)

// teamWorld is two teams with a recruiter and a key each, and team Alpha's
// test with everything under it: a link calling back, an invitation that
// was emailed and completed (so it has a callback), and an import.
type teamWorld struct {
	srv            *Server
	db             *store.DB
	alpha, beta    store.Team
	admin, ra, rb  *browser
	keyA, keyB     store.CreatedAPIKey
	keyAll         store.CreatedAPIKey // reaches every team
	test           store.Test
	link           store.TestLink
	inv            store.Invitation
	imp            store.Import
	message, hook  int64
	betaInvitation store.Invitation
	// An interview of Alpha's and a completed response to it: the record
	// Xobin's AI interview routes name.
	interview         store.Test
	interviewResponse store.Invitation
}

func signInAs(t *testing.T, srv *Server, db *store.DB, email string, teams ...store.Team) *browser {
	t.Helper()
	u, err := db.CreateUser(context.Background(), store.NewUser{Email: email, Password: "password for " + email, Role: store.RoleRecruiter})
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range teams {
		members, _ := db.TeamMembers(context.Background(), tm.ID)
		db.SetTeamMembers(context.Background(), tm.ID, append(members, u.ID))
	}
	db.SetTeamMembers(context.Background(), store.DefaultTeamID, nil)
	b := newBrowser(t, srv)
	b.get("/login")
	if r := b.post("/login", url.Values{"email": {email}, "password": {"password for " + email}}); r.Code != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", email, r.Code)
	}
	b.get("/")
	return b
}

func newTeamWorld(t *testing.T) *teamWorld {
	t.Helper()
	srv, db := newTestServer(t)
	ctx := context.Background()
	w := &teamWorld{srv: srv, db: db}
	w.admin = signIn(t, srv, db, store.RoleAdmin)
	w.admin.get("/")
	w.alpha, _ = db.CreateTeam(ctx, "Alpha")
	w.beta, _ = db.CreateTeam(ctx, "Beta")
	w.ra = signInAs(t, srv, db, "rita@alpha.example", w.alpha)
	w.rb = signInAs(t, srv, db, "bob@beta.example", w.beta)
	alpha, beta := w.alpha.ID, w.beta.ID
	w.keyA, _ = db.CreateAPIKey(ctx, store.NewAPIKey{Name: "alpha ats", TeamID: &alpha})
	w.keyB, _ = db.CreateAPIKey(ctx, store.NewAPIKey{Name: "beta ats", TeamID: &beta})
	w.keyAll, _ = db.CreateAPIKey(ctx, store.NewAPIKey{Name: "organisation"})
	enableATSs(t, db)

	var err error
	w.test, err = db.CreateTest(ctx, store.TestInput{Name: "Alpha Go test", Kind: store.KindAssessment, DurationMinutes: 30, TeamID: alpha},
		[]store.QuestionInput{{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	if err != nil {
		t.Fatal(err)
	}
	w.link, _ = db.CreateLink(ctx, w.test.ID, store.LinkInput{Name: "Alpha campus", CallbackURL: "http://127.0.0.1:9/hooks", SendEmail: true})
	yes := true
	res, err := db.Invite(ctx, store.NewInvitation{TestID: w.test.ID, LinkID: w.link.ID, Name: "Anna Alphason", Email: "anna@alpha.example",
		SendEmail: &yes, Source: store.SourceConsole})
	if err != nil {
		t.Fatal(err)
	}
	db.StartInvitation(ctx, res.Invitation.ID)
	w.inv, _ = db.CompleteInvitation(ctx, res.Invitation.ID, store.ReasonSubmitted)
	w.imp, _ = db.CreateImport(ctx, store.NewImport{LinkID: w.link.ID, Actor: "user:x", FileName: "a.csv", Header: []string{"name", "email"}, TotalRows: 1,
		Rejected: []store.ImportRejection{{Line: 2, Name: "Zed", Email: "bad", Reason: "invalid_email"}}})
	emails, _ := db.Outbox(ctx, store.OutboxFilter{InvitationID: w.inv.ID})
	hooks, _ := db.Deliveries(ctx, store.DeliveryFilter{InvitationID: w.inv.ID})
	if len(emails) == 0 || len(hooks) == 0 {
		t.Fatalf("fixture: %d emails, %d callbacks", len(emails), len(hooks))
	}
	w.message, w.hook = emails[0].ID, hooks[0].ID
	if claimed, _ := db.ClaimOutbox(ctx, 10, time.Minute); len(claimed) == 0 || db.MarkSentAll(ctx, []int64{claimed[0].ID}, true) != nil {
		t.Fatal("fixture: the email did not reach the dev mailbox")
	}

	w.interview, _ = db.CreateTest(ctx, store.TestInput{Name: "Alpha screening", Kind: store.KindInterview, DurationMinutes: 15, TeamID: alpha}, nil)
	spoken, _ := db.Invite(ctx, store.NewInvitation{TestID: w.interview.ID, Name: "Anna Alphason", Email: "anna@alpha.example", Source: store.SourceXobin})
	db.StartInvitation(ctx, spoken.Invitation.ID)
	w.interviewResponse, _ = db.CompleteInvitation(ctx, spoken.Invitation.ID, store.ReasonSubmitted)

	betaTest, _ := db.CreateTest(ctx, store.TestInput{Name: "Beta Java test", Kind: store.KindAssessment, DurationMinutes: 30, TeamID: beta}, nil)
	betaLink, _ := db.DefaultLink(ctx, betaTest.ID)
	r, _ := db.Invite(ctx, store.NewInvitation{TestID: betaTest.ID, LinkID: betaLink.ID, Name: "Boris Betason", Email: "boris@beta.example", Source: store.SourceConsole})
	w.betaInvitation = r.Invitation
	return w
}

// concreteIn fills a route's record parameter with the team's record of
// that kind, and any other parameter with an id nothing has.
func (w *teamWorld) concreteIn(route string) string {
	kind, param, _ := guardedRecord(route)
	id := map[string]int64{"tests": w.test.ID, "links": w.link.ID, "invitations": w.inv.ID, "imports": w.imp.ID,
		"outbox": w.message, "deliveries": w.hook}[kind]
	if strings.Contains(route, "/ai-interviews/") { // AI interviews are interview tests
		id = map[string]int64{"tests": w.interview.ID, "invitations": w.interviewResponse.ID}[kind]
	}
	path := strings.Replace(route, ":"+param, strconv.FormatInt(id, 10), 1)
	return regexp.MustCompile(`:[a-zA-Z_]+`).ReplaceAllString(path, "987654")
}

// Every route that names a record of a team — console and API — answers
// another team's recruiter and key as if the record did not exist, and
// lets its own team's in; admins and organisation-wide keys reach all.
func TestTeamsMatrix(t *testing.T) {
	t.Parallel()
	w := newTeamWorld(t)
	guarded := 0
	for _, r := range matrixRoutes(t, w.srv) {
		if _, _, ok := guardedRecord(r.path); !ok {
			continue
		}
		guarded++
		path := w.concreteIn(r.path)
		nested := strings.Count(r.path, ":") > 1
		where, _ := routeSurface(r.method, r.path)
		send := func(b *browser, key *store.CreatedAPIKey) int {
			req := httptest.NewRequest(r.method, path, strings.NewReader(url.Values{"_csrf": {b.csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if r.method != http.MethodGet {
				req.Header.Set("X-CSRF-Token", b.csrf)
			}
			if key != nil {
				ts := strconv.FormatInt(w.db.Now().Unix(), 10)
				for k, v := range map[string]string{"X-API-Key": key.Key, "apiKey": key.Key, "ak": key.PublicID, "ts": ts,
					"sgn": thinkexam.Signature(key.SigningSecret, key.PublicID, ts)} {
					req.Header.Set(k, v)
				}
			}
			return b.do(req).Code
		}
		anon := newBrowser(t, w.srv)
		switch where {
		case console:
			if code := send(w.rb, nil); code != http.StatusNotFound {
				t.Errorf("%s %s by another team's recruiter: %d, want 404", r.method, path, code)
			}
			if code := send(w.ra, nil); !nested && (code == http.StatusNotFound || code == http.StatusForbidden) {
				t.Errorf("%s %s by its team's recruiter: %d, want in", r.method, path, code)
			}
			if code := send(w.admin, nil); !nested && (code == http.StatusNotFound || code == http.StatusForbidden) {
				t.Errorf("%s %s by an admin: %d, want in", r.method, path, code)
			}
		case consoleAdmin:
			if code := send(w.admin, nil); !nested && (code == http.StatusNotFound || code == http.StatusForbidden) {
				t.Errorf("%s %s by an admin: %d, want in", r.method, path, code)
			}
		default:
			if code := send(anon, &w.keyB); code != http.StatusNotFound {
				t.Errorf("%s %s with another team's key: %d, want 404", r.method, path, code)
			}
			for name, k := range map[string]*store.CreatedAPIKey{"its team's key": &w.keyA, "an organisation-wide key": &w.keyAll} {
				if code := send(anon, k); !nested && (code == http.StatusNotFound || code == http.StatusForbidden || code == http.StatusUnauthorized) {
					t.Errorf("%s %s with %s: %d, want in", r.method, path, name, code)
				}
			}
		}
	}
	t.Logf("%d guarded routes", guarded)
	if guarded < 60 {
		t.Fatalf("only %d routes name a team's record", guarded)
	}
}

// Lists, searches, exports and counts show a recruiter and a team's key
// only their teams' data; calls naming another team's test or invitation
// in their body are refused as unknown; an admin sees everything.
func TestTeamListsAndBodies(t *testing.T) {
	t.Parallel()
	w := newTeamWorld(t)
	ctx := context.Background()
	alphaName, betaName := "Anna Alphason", "Boris Betason"
	for _, page := range []string{"/", "/tests", "/invitations", "/invitations?q=anna", "/invitations.csv", "/outbox", "/mailbox", "/deliveries"} {
		beta := w.rb.get(page).Body.String()
		alpha := w.ra.get(page).Body.String()
		admin := w.admin.get(page).Body.String()
		for who, body := range map[string]string{"Beta's recruiter": beta} {
			if strings.Contains(body, alphaName) || strings.Contains(body, "anna@alpha.example") || strings.Contains(body, "Alpha Go test") {
				t.Errorf("%s sees Alpha's data on %s", who, page)
			}
		}
		if page == "/" || page == "/tests" || page == "/invitations" || page == "/invitations.csv" {
			if !strings.Contains(alpha, "Alpha Go test") && !strings.Contains(alpha, alphaName) {
				t.Errorf("Alpha's recruiter does not see Alpha's data on %s", page)
			}
			if strings.Contains(alpha, "Beta Java test") || strings.Contains(alpha, betaName) {
				t.Errorf("Alpha's recruiter sees Beta's data on %s", page)
			}
			if !strings.Contains(admin, "Alpha Go test") && !strings.Contains(admin, alphaName) {
				t.Errorf("the admin does not see Alpha's data on %s", page)
			}
		}
	}
	// Filters naming another team's test or link, or one that does not
	// exist, answer 404 to a team's recruiter: nothing of the record (an
	// export heads its columns with the test's questions), nor whether it exists.
	for _, page := range []string{"/invitations.csv?test=" + idStr(w.test.ID), "/invitations.csv?link=" + idStr(w.link.ID),
		"/invitations?test=" + idStr(w.test.ID), "/invitations?link=" + idStr(w.link.ID), "/invitations.csv?link=987654", "/invitations?test=987654"} {
		if r := w.rb.get(page); r.Code != http.StatusNotFound || strings.Contains(r.Body.String(), "2+2?") {
			t.Errorf("Beta's recruiter, %s: %d", page, r.Code)
		}
	}
	for _, b := range []*browser{w.ra, w.admin} {
		if r := b.get("/invitations.csv?test=" + idStr(w.test.ID)); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "Q1: 2+2?") {
			t.Errorf("Alpha's own filter: %d", r.Code)
		}
	}

	// Alpha's email in the dev mailbox and its callback: shown to Alpha, not Beta.
	for page, rows := range map[string]string{"/mailbox": `[data-testid="message-link"]`, "/deliveries": `[data-testid="delivery-link"]`} {
		if a, b := w.ra.get(page).doc.Find(rows).Length(), w.rb.get(page).doc.Find(rows).Length(); a == 0 || b != 0 {
			t.Errorf("%s: Alpha's recruiter sees %d rows, Beta's %d", page, a, b)
		}
	}
	// The dashboard's counts are the team's: Beta has one invitation;
	// Alpha two completed attempts (the test's and the interview's).
	beta, alpha := w.rb.get("/"), w.ra.get("/")
	if beta.text(`[data-testid="count-invited"]`) != "1" || beta.text(`[data-testid="count-completed"]`) != "0" ||
		alpha.text(`[data-testid="count-completed"]`) != "2" || alpha.text(`[data-testid="count-invited"]`) != "0" {
		t.Errorf("dashboard counts: Beta invited %q completed %q; Alpha invited %q completed %q",
			beta.text(`[data-testid="count-invited"]`), beta.text(`[data-testid="count-completed"]`),
			alpha.text(`[data-testid="count-invited"]`), alpha.text(`[data-testid="count-completed"]`))
	}

	// The API's lists.
	for _, path := range []string{"/api/native/tests", "/api/native/invitations", "/v3/tests"} {
		_, bodyB := api(t, w.srv, http.MethodGet, path, w.keyB.Key, nil)
		_, bodyA := api(t, w.srv, http.MethodGet, path, w.keyA.Key, nil)
		if b, a := flatten(bodyB), flatten(bodyA); strings.Contains(b, "Alpha Go test") || strings.Contains(b, "anna@alpha.example") ||
			!(strings.Contains(a, "Alpha Go test") || strings.Contains(a, "anna@alpha.example")) {
			t.Errorf("%s: Beta's key sees %q; Alpha's key sees %q", path, b, a)
		}
	}
	// iMocha's attempt search.
	window := map[string]any{"StartDateTime": w.db.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04:05"),
		"EndDateTime": w.db.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05")}
	_, attemptsA := api(t, w.srv, http.MethodPost, "/v3/candidates/testattempts", w.keyA.Key, window)
	_, attemptsB := api(t, w.srv, http.MethodPost, "/v3/candidates/testattempts", w.keyB.Key, window)
	if !strings.Contains(flatten(attemptsA), "anna@alpha.example") || strings.Contains(flatten(attemptsB), "anna@alpha.example") {
		t.Errorf("attempt search: Alpha's key %q; Beta's key %q", flatten(attemptsA), flatten(attemptsB))
	}
	// Calls naming Alpha's records in their body, with Beta's key.
	id := strconv.FormatInt(w.test.ID, 10)
	for name, c := range map[string]struct{ path, body string }{
		"ThinkExam assign": {"/api/v1/assignTest", `{"email":"x@beta.example","testId":"` + id + `"}`},
		"Xobin invite":     {"/assessments/invite", `{"candidate_name":"X","candidate_email":"x@beta.example","assessment_id":` + id + `,"invite_format":"getlink"}`},
		"Xobin revoke":     {"/assessments/invite/revoke", `{"report_id":` + strconv.FormatInt(w.inv.ID, 10) + `}`},
		"native export":    {"/api/native/candidates/export", `{"email":"anna@alpha.example"}`},
		"native erase":     {"/api/native/candidates/erase", `{"email":"anna@alpha.example"}`},
	} {
		req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		ts := strconv.FormatInt(w.db.Now().Unix(), 10)
		for k, v := range map[string]string{"X-API-Key": w.keyB.Key, "apiKey": w.keyB.Key, "ak": w.keyB.PublicID, "ts": ts,
			"sgn": thinkexam.Signature(w.keyB.SigningSecret, w.keyB.PublicID, ts)} {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s of Alpha's record with Beta's key: %d %s", name, rec.Code, rec.Body)
		}
	}
	code, out := api(t, w.srv, http.MethodPost, "/v3/callbacks/process", w.keyB.Key, map[string]any{"testinvitationIds": []int64{w.inv.ID}})
	if code != http.StatusUnauthorized || out["result"] != nil || !strings.Contains(flatten(out["errors"]), strconv.FormatInt(w.inv.ID, 10)) {
		t.Errorf("iMocha replay of Alpha's attempt with Beta's key: %d %v", code, out)
	}
	if inv, _ := w.db.Invitation(ctx, w.inv.ID); inv.ErasedAt != nil || inv.Name != alphaName {
		t.Fatal("Beta's key changed Alpha's invitation")
	}
	if _, total, _ := w.db.Invitations(ctx, store.InvitationFilter{Email: "x@beta.example"}); total != 0 {
		t.Fatal("Beta's key invited into Alpha's test")
	}
	// A test made by a team's key is the team's.
	code, made := api(t, w.srv, http.MethodPost, "/api/native/tests", w.keyB.Key, map[string]any{"name": "Made by Beta", "durationMinutes": 10})
	if tt, _ := w.db.Test(ctx, int64(made["id"].(float64))); code != http.StatusCreated || tt.TeamID != w.beta.ID {
		t.Fatalf("a test made by Beta's key: %d, team %d", code, tt.TeamID)
	}
}

// flatten is a JSON value as text, to look for names in.
func flatten(v any) string {
	switch x := v.(type) {
	case map[string]any:
		var b strings.Builder
		for k, e := range x {
			b.WriteString(k + ":" + flatten(e) + " ")
		}
		return b.String()
	case []any:
		var b strings.Builder
		for _, e := range x {
			b.WriteString(flatten(e) + " ")
		}
		return b.String()
	case nil:
		return ""
	default:
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmtAny(x), "\n", " "), "\t", " "))
	}
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// An admin adds teams and chooses their members; a recruiter in two teams
// picks the team of a new test, and may not pick another; an admin moves
// a test. A new installation keeps everyone and everything in one team.
func TestTeamsPageAndChoosingATeam(t *testing.T) {
	t.Parallel()
	w := newTeamWorld(t)
	ctx := context.Background()
	if r := w.admin.post("/settings/teams", url.Values{"name": {"Gamma"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add a team: %d", r.Code)
	}
	if r := w.admin.post("/settings/teams", url.Values{"name": {"Alpha"}}); r.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text(`[data-testid="error-name"]`), "another team") {
		t.Fatalf("a team name in use: %d %q", r.Code, r.text(`[data-testid="error-name"]`))
	}
	teams, _ := w.db.ListTeams(ctx)
	var gamma store.Team
	for _, tm := range teams {
		if tm.Name == "Gamma" {
			gamma = tm
		}
	}
	rita, _ := w.db.ActiveUserByEmail(ctx, "rita@alpha.example")
	page := w.admin.get("/settings/teams")
	if page.doc.Find(`[data-testid="team"]`).Length() != len(teams) {
		t.Fatalf("teams page lists %d teams", page.doc.Find(`[data-testid="team"]`).Length())
	}
	if r := w.admin.post("/settings/teams/"+idStr(gamma.ID), url.Values{"name": {"Gamma"}, "member": {idStr(rita.ID)}, "retentionDays": {"abc"}}); r.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text(`[data-testid="error-team-retention"]`), "between 0 and 3650") {
		t.Fatalf("a bad retention: %d %q", r.Code, r.text(`[data-testid="error-team-retention"]`))
	}
	if r := w.admin.post("/settings/teams/"+idStr(gamma.ID), url.Values{"name": {"Gamma"}, "member": {idStr(rita.ID)}, "retentionDays": {"7"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("members: %d", r.Code)
	}
	if teams, _ = w.db.ListTeams(ctx); func() bool {
		for _, tm := range teams {
			if tm.ID == gamma.ID {
				return tm.RetentionDays == nil || *tm.RetentionDays != 7 || tm.Members != 1
			}
		}
		return true
	}() {
		t.Fatal("Gamma's retention or members not saved")
	}

	form := w.ra.get("/tests/new")
	options := form.doc.Find(`#f-team option`)
	if options.Length() != 2 || !strings.Contains(options.Text(), "Alpha") || !strings.Contains(options.Text(), "Gamma") {
		t.Fatalf("Rita's team choices: %q", options.Text())
	}
	r := w.ra.post("/tests", url.Values{"name": {"Gamma test"}, "kind": {"assessment"}, "durationMinutes": {"20"}, "team": {idStr(gamma.ID)}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("create in Gamma: %d %s", r.Code, r.text(`.error-summary`))
	}
	made, _ := w.db.Tests(ctx, store.TestFilter{Query: "Gamma test"})
	if len(made) != 1 || made[0].TeamID != gamma.ID {
		t.Fatalf("the new test: %+v", made)
	}
	r = w.ra.post("/tests", url.Values{"name": {"Sneaky"}, "kind": {"assessment"}, "durationMinutes": {"20"}, "team": {idStr(w.beta.ID)}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-team"]`), "one of your teams") {
		t.Fatalf("a test in another's team: %d %q", r.Code, r.text(`[data-testid="error-team"]`))
	}
	if w.rb.get("/tests/"+idStr(made[0].ID)).Code != http.StatusNotFound {
		t.Fatal("Beta's recruiter sees Gamma's test")
	}

	// An admin moves it to Beta; then Bob sees it and Rita does not.
	edit := w.admin.get("/tests/" + idStr(made[0].ID) + "/edit")
	if edit.doc.Find(`#f-team`).Length() != 1 {
		t.Fatal("no team choice on the admin's edit form")
	}
	if r := w.admin.post("/tests/"+idStr(made[0].ID), url.Values{"name": {"Gamma test"}, "kind": {"assessment"}, "durationMinutes": {"20"},
		"passingScore": {"0"}, "team": {idStr(w.beta.ID)}}); r.Code != http.StatusSeeOther {
		t.Fatalf("move: %d %s", r.Code, r.text(`.error-summary`))
	}
	if page := w.rb.get("/tests/" + idStr(made[0].ID)); page.Code != http.StatusOK || page.text(`[data-testid="test-team"]`) != "Beta" ||
		w.ra.get("/tests/"+idStr(made[0].ID)).Code != http.StatusNotFound {
		t.Fatal("after the move the test is not Beta's")
	}
	if w.ra.get("/tests/"+idStr(w.test.ID)+"/edit").doc.Find(`#f-team`).Length() != 0 {
		t.Fatal("a recruiter is offered to move a test")
	}

	// One team for an installation that never made another.
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	rec := signIn(t, srv, db, store.RoleRecruiter)
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Plain", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	if tt.TeamID != store.DefaultTeamID || rec.get("/tests/"+idStr(tt.ID)).Code != http.StatusOK ||
		rec.get("/tests/new").doc.Find(`#f-team`).Length() != 0 {
		t.Fatal("a single-team installation does not work as before teams")
	}
}

// Testinvite's internal-candidate copies a console user's name and
// address: a team's key may copy only its team's users, and only with the
// full scope.
func TestInternalCandidatesAreTheKeysTeamsUsers(t *testing.T) {
	t.Parallel()
	w := newTeamWorld(t)
	ctx := context.Background()
	rita, _ := w.db.ActiveUserByEmail(ctx, "rita@alpha.example")
	bob, _ := w.db.ActiveUserByEmail(ctx, "bob@beta.example")
	alpha := w.alpha.ID
	inviteKey, _ := w.db.CreateAPIKey(ctx, store.NewAPIKey{Name: "alpha inviter", TeamID: &alpha, Scope: store.ScopeInvite})
	path := "/api/integration/rest/v1/tasks/" + idStr(w.test.ID) + "/candidates"
	call := func(key string, user store.User) (int, string) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{"kind":"internal-candidate","id":"`+idStr(user.ID)+`"}`))
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := call(w.keyA.Key, bob); code != http.StatusNotFound || strings.Contains(body, "bob@beta.example") {
		t.Fatalf("Alpha's key copying Beta's user: %d %s", code, body)
	}
	if code, body := call(inviteKey.Key, rita); code != http.StatusForbidden || strings.Contains(body, "rita@alpha.example") {
		t.Fatalf("an invite-only key copying a user: %d %s", code, body)
	}
	if code, body := call(w.keyA.Key, rita); code != http.StatusCreated || !strings.Contains(body, "rita@alpha.example") {
		t.Fatalf("Alpha's key copying Alpha's user: %d %s", code, body)
	}
	if n, _ := w.db.InvitationsOfAddress(ctx, "bob@beta.example"); n != 0 {
		t.Fatal("a refused copy made an invitation")
	}
}
