package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"testgate/store"
)

// TestEveryDialectKeepsOneContract holds the five API dialects to the same
// rules, each in its own words: no credentials is a 401, bad input is a
// 4xx in the dialect's error shape with nothing written, an unknown id is
// a 404 in that shape, and a good request works.
func TestEveryDialectKeepsOneContract(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Contract", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	key, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "contract"})
	id := idStr(tt.ID)
	dialects := []struct {
		name               string
		invite, bad        string // bodies
		invitePath         string
		unknownMethod      string
		unknownPath        string
		anonymousHeaderKey string // the credential header a client sends
	}{
		{"native", `{"name":"Ann","email":"ann-native@example.com"}`, `{"name":"Ann","email":"not-an-address"}`,
			"/api/native/links/" + idStr(link.ID) + "/invitations", http.MethodGet, "/api/native/invitations/987654", "X-API-Key"},
		{"iMocha", `{"name":"Ann","email":"ann-imocha@example.com"}`, `{"name":"Ann","email":"not-an-address"}`,
			"/v3/tests/" + id + "/invite", http.MethodGet, "/v3/reports/987654", "X-API-Key"},
		{"Xobin", `{"candidate_name":"Ann","candidate_email":"ann-xobin@example.com","assessment_id":` + id + `}`,
			`{"candidate_name":"Ann","candidate_email":"not-an-address","assessment_id":` + id + `}`,
			"/api/v2/assessments/invite", http.MethodGet, "/api/v2/assessments/report/987654", "apiKey"},
		{"Testinvite", `{"kind":"temporary-candidate","fullname":"Ann","email":"ann-ti@example.com"}`,
			`{"kind":"temporary-candidate","fullname":"Ann","email":"not-an-address"}`,
			"/api/integration/rest/v1/tasks/" + id + "/candidates", http.MethodGet, "/api/integration/rest/v1/tasks/" + id + "/candidates/987654", "Authorization"},
		{"ThinkExam", `{"email":"ann-te@example.com","testId":"` + id + `","isMailEnable":"0","isPasswordSkip":"1"}`,
			`{"email":"not-an-address","testId":"` + id + `","isMailEnable":"0","isPasswordSkip":"1"}`,
			"/api/v1/assignTest", http.MethodPost, "/api/v1/deassignTest", "ak"},
	}
	invitations := func() int { return countRows(t, db, `SELECT COUNT(*) FROM invitations`) }
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			// No credentials.
			req := httptest.NewRequest(http.MethodPost, d.invitePath, strings.NewReader(d.invite))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			var out map[string]any
			json.Unmarshal(rec.Body.Bytes(), &out)
			if rec.Code != http.StatusUnauthorized || !dialectShape(d.invitePath, out) {
				t.Errorf("no credentials (%s): %d %s", d.anonymousHeaderKey, rec.Code, rec.Body)
			}
			// Bad input: the dialect's shape, nothing written.
			before := invitations()
			rec, out = callAPI(srv, db, key, http.MethodPost, d.invitePath, d.bad)
			if rec.Code < 400 || rec.Code >= 500 || !dialectShape(d.invitePath, out) || invitations() != before {
				t.Errorf("bad input: %d %s (invitations %d → %d)", rec.Code, rec.Body, before, invitations())
			}
			// An unknown id.
			body := ""
			if d.unknownMethod == http.MethodPost {
				body = `{"email":"nobody@example.com","testId":"987654"}`
			}
			rec, out = callAPI(srv, db, key, d.unknownMethod, d.unknownPath, body)
			if rec.Code != http.StatusNotFound || !dialectShape(d.unknownPath, out) {
				t.Errorf("unknown id: %d %s", rec.Code, rec.Body)
			}
			// And the good request works.
			rec, _ = callAPI(srv, db, key, http.MethodPost, d.invitePath, d.invite)
			if rec.Code != http.StatusOK && rec.Code != http.StatusCreated || invitations() != before+1 {
				t.Errorf("invite: %d %s", rec.Code, rec.Body)
			}
		})
	}
	if n := invitations(); n != len(dialects) {
		t.Fatalf("%d invitations, want %d", n, len(dialects))
	}
}
