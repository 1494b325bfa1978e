package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"testgate/store"
)

// ashbyStandIn stands in for Ashby's API: apiKey.info and assessment.update,
// with the key "ashby-secret" only; it keeps each update and refuses those
// of refuseID with Ashby's success: false.
type ashbyStandIn struct {
	mu       sync.Mutex
	updates  []map[string]any
	refuseID string
	srv      *httptest.Server
}

func newAshbyStandIn(t *testing.T) *ashbyStandIn {
	a := &ashbyStandIn{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if user, _, _ := r.BasicAuth(); user != "ashby-secret" {
			io.WriteString(w, `{"success": false, "errors": ["invalid_api_key"]}`)
			return
		}
		switch r.URL.Path {
		case "/apiKey.info":
			io.WriteString(w, `{"success": true, "results": {"title": "Testgate partner key"}}`)
		case "/assessment.update":
			var u map[string]any
			json.NewDecoder(r.Body).Decode(&u)
			a.mu.Lock()
			refuse := u["assessment_id"] == a.refuseID
			if !refuse {
				a.updates = append(a.updates, u)
			}
			a.mu.Unlock()
			if refuse {
				io.WriteString(w, `{"success": false, "errors": ["assessment_not_found"]}`)
				return
			}
			io.WriteString(w, `{"success": true}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *ashbyStandIn) got() []map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]map[string]any(nil), a.updates...)
}

// Ashby's Assessments Partner API step by step: an admin sets it up (key,
// Ashby API key, address, the connection tested); Ashby lists the team's
// tests, starts an assessment (the candidate invited through the named
// link and emailed), cancels one; Testgate calls assessment.update with
// each change, the result once final.
func TestAshbyAssessmentPartner(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	ctx := context.Background()
	team, _ := f.db.CreateTeam(ctx, "Platform")
	ours, _ := f.db.CreateTest(ctx, store.TestInput{Name: "SQL for Ashby", Kind: store.KindAssessment, DurationMinutes: 20, PassingScore: 50,
		TeamID: team.ID}, []store.QuestionInput{{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	named, _ := f.db.CreateLink(ctx, ours.ID, store.LinkInput{Name: "Ashby", SendEmail: true})
	ashby := newAshbyStandIn(t)
	admin := signIn(t, f.srv, f.db, store.RoleAdmin)

	admin.get("/settings/integrations/ashby")
	r := admin.post("/settings/integrations/ashby/key", url.Values{"team": {idStr(team.ID)}})
	key, _ := r.doc.Find(`#ashby-key-value`).Attr("value")
	if r.Code != http.StatusCreated || key == "" {
		t.Fatalf("make Ashby's key: %d", r.Code)
	}
	if r := admin.post("/settings/integrations/ashby", url.Values{"enabled": {"1"}, "linkName": {"Ashby"}, "baseUrl": {"not a url"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad address: %d", r.Code)
	}
	if r := admin.post("/settings/integrations/ashby", url.Values{"enabled": {"1"}, "linkName": {"Ashby"}, "baseUrl": {ashby.srv.URL + "/"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Code, r.text(".error-summary"))
	}
	admin.get("/settings/integrations/ashby")
	admin.post("/settings/integrations/ashby/credential", url.Values{"apiKey": {"wrong-key"}})
	if r := admin.post("/settings/integrations/ashby/test", nil); r.Code != http.StatusBadGateway || !strings.Contains(r.text(`[data-testid="ats-problem"]`), "invalid_api_key") {
		t.Fatalf("a wrong Ashby key tests fine: %d %q", r.Code, r.text(`[data-testid="ats-problem"]`))
	}
	admin.post("/settings/integrations/ashby/credential", url.Values{"apiKey": {"ashby-secret"}})
	if r := admin.post("/settings/integrations/ashby/test", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("test the connection: %d %s", r.Code, r.text(`[data-testid="ats-problem"]`))
	}
	if flash := admin.get("/settings/integrations/ashby").text(`[data-testid="flash"]`); !strings.Contains(flash, "Testgate partner key") {
		t.Fatalf("the connection test says %q", flash)
	}

	call := func(path string, body any) (int, map[string]any) {
		t.Helper()
		code, out := atsCall(t, f.srv, ashbySpec, http.MethodPost, path, key, body)
		m, _ := out.(map[string]any)
		return code, m
	}
	code, out := call("/api/ashby/assessment.list", map[string]any{})
	if results, _ := out["results"].([]any); code != http.StatusOK || out["success"] != true || len(results) != 1 ||
		results[0].(map[string]any)["assessment_type_id"] != idStr(ours.ID) {
		t.Fatalf("assessment.list: %d %v", code, out)
	}

	start := func(email string) (int, map[string]any) {
		return call("/api/ashby/assessment.start", map[string]any{"assessment_type_id": idStr(ours.ID),
			"candidate": map[string]any{"ashby_id": "cand-" + email, "first_name": "Ada", "last_name": "Lovelace", "email": email,
				"ashby_profile_url": "https://app.ashbyhq.com/candidates/cand-1"},
			"application": map[string]any{"ashby_id": "app-1", "status": "Active"},
			"job":         map[string]any{"ashby_id": "job-7", "name": "Data engineer", "ashby_job_url": "https://app.ashbyhq.com/jobs/job-7"}})
	}
	code, out = start("ada@example.com")
	results, _ := out["results"].(map[string]any)
	id, _ := results["assessment_id"].(string)
	if code != http.StatusOK || id == "" || results["update_request"].(map[string]any)["assessment_status"].(map[string]any)["value"] != "Invited" {
		t.Fatalf("assessment.start: %d %v", code, out)
	}
	inv, _ := f.db.Invitation(ctx, mustID(t, id))
	if inv.LinkID != named.ID || inv.Source != store.SourceAshby || inv.Name != "Ada Lovelace" {
		t.Fatalf("the invitation: %+v", inv)
	}
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: inv.ID}); len(msgs) != 1 {
		t.Fatalf("the candidate is not emailed: %d emails", len(msgs))
	}
	if got := admin.get(invitationPath(inv.ID)).text(`[data-testid="ats-reference"]`); !strings.Contains(got, "application app-1, candidate cand-ada@example.com") {
		t.Fatalf("the invitation page says %q", got)
	}
	if code, out := start("ada@example.com"); code != http.StatusConflict || out["success"] != false {
		t.Fatalf("started twice: %d %v", code, out)
	}
	if code, out := call("/api/ashby/assessment.start", map[string]any{"assessment_type_id": "987654", "candidate": map[string]any{"email": "x@example.com"}}); code != http.StatusUnprocessableEntity || out["message"] == nil {
		t.Fatalf("an unknown test: %d %v", code, out)
	}
	if code, out := start("not an address"); code != http.StatusUnprocessableEntity || !strings.Contains(out["message"].(string), "email") {
		t.Fatalf("a bad address: %d %v", code, out)
	}

	// The candidate takes it: Ashby hears "Started", then the result.
	f.db.StartInvitation(ctx, inv.ID)
	qs, _ := f.db.Questions(ctx, ours.ID)
	f.db.SaveAnswers(ctx, inv.ID, []store.AnswerInput{{QuestionID: qs[0].ID, Choices: []int{1}}}, nil)
	f.db.CompleteInvitation(ctx, inv.ID, store.ReasonSubmitted)
	for f.step(t) > 0 {
	}
	updates := ashby.got()
	if len(updates) != 2 || updates[0]["assessment_status"].(map[string]any)["value"] != "Started" {
		t.Fatalf("updates: %v", updates)
	}
	done := updates[1]
	result, _ := done["assessment_result"].(map[string]any)
	profile, _ := done["assessment_profile_url"].(map[string]any)
	if done["assessment_id"] != id || result["type"] != "numeric_score" || result["value"] != 100.0 || profile["type"] != "url" ||
		profile["value"] != testBaseURL+"/invitations/"+id+"/report" || done["timestamp"] == nil {
		t.Fatalf("the completed update: %v", done)
	}

	// Cancelled from Ashby: cancelled here, and Ashby's refusal of an
	// update is a failed delivery, retried.
	_, out = start("grace@example.com")
	second := out["results"].(map[string]any)["assessment_id"].(string)
	ashby.refuseID = second
	if code, out := call("/api/ashby/assessment.cancel", map[string]any{"assessment_id": second}); code != http.StatusOK || out["success"] != true {
		t.Fatalf("assessment.cancel: %d %v", code, out)
	}
	if again, _ := f.db.Invitation(ctx, mustID(t, second)); again.Status != store.StatusCancelled {
		t.Fatalf("not cancelled: %s", again.Status)
	}
	f.step(t)
	if d := f.delivery(t, mustID(t, second)); d.Status == store.DeliveryDelivered || !strings.Contains(d.LastError, "refused by Ashby") {
		t.Fatalf("a refused update: %+v", d)
	}
	notOurs, _ := f.db.Invite(ctx, store.NewInvitation{TestID: ours.ID, Name: "Via iMocha", Email: "imocha@example.com", Source: store.SourceIMocha})
	for _, c := range []struct {
		body any
		code int
	}{
		{map[string]any{"assessment_id": id}, http.StatusConflict}, // completed: too late
		{map[string]any{"assessment_id": "987654"}, http.StatusNotFound},
		{map[string]any{"assessment_id": idStr(notOurs.Invitation.ID)}, http.StatusNotFound},
	} {
		if code, out := call("/api/ashby/assessment.cancel", c.body); code != c.code || out["success"] != false {
			t.Errorf("cancel %v: %d %v, want %d", c.body, code, out, c.code)
		}
	}
}
