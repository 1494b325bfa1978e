package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"testgate/store"
	"testgate/web/api/thinkexam"
)

// fuzzAPI posts arbitrary bytes to a native API route and requires an
// answer that is not a server error and is JSON in the native shape.
func fuzzAPI(f *testing.F, path func(testID int64) string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	srv, db := newTestServer(f)
	key, err := db.CreateAPIKey(f.Context(), store.NewAPIKey{Name: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	tt, err := db.CreateTest(f.Context(), store.TestInput{Name: "fuzz", Kind: store.KindAssessment, DurationMinutes: 5}, nil)
	if err != nil {
		f.Fatal(err)
	}
	target := path(tt.ID)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		req.Header.Set("X-API-Key", key.Key)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q: %s", rec.Code, body, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("non-JSON answer %q for %q", rec.Body, body)
		}
		if rec.Code >= 400 {
			if _, ok := out["error"].(map[string]any); !ok {
				t.Fatalf("error without the native shape: %s", rec.Body)
			}
		} else if rec.Code != http.StatusCreated {
			t.Fatalf("unexpected %d: %s", rec.Code, rec.Body)
		}
	})
}

func FuzzDecodeNativeTest(f *testing.F) {
	fuzzAPI(f, func(int64) string { return "/api/native/tests" },
		`{"name":"Go","kind":"assessment","durationMinutes":30,"questions":[{"text":"q","kind":"single","options":["a","b"],"correct":[1]}]}`,
		`{"name":"x","durationMinutes":1e400}`,
		`{"name":"\u0000","durationMinutes":-9223372036854775808}`,
		`{"questions":[{"correct":[99999999999]}]}`,
		`{"name":"x","durationMinutes":5,"questions":[{"text":"q","kind":"multiple","options":["a","A "],"correct":[0,0]}]}`,
		`[`, `null`, `{"name":{}}`, strings.Repeat(`[`, 10000),
		`{"name":"k","durationMinutes":5,"questions":[{"text":"g?","kind":"numeric","answer":1e308,"tolerance":-0,"unit":"\u0000"}]}`,
		`{"name":"k","durationMinutes":5,"questions":[{"text":"a ___ b","kind":"blanks","blanks":[[""],[]],"caseSensitive":"yes"}]}`,
		`{"name":"k","durationMinutes":5,"questions":[{"text":"p","kind":"matching","options":["a"],"matches":null,"partial":true,"penalty":-1,"floor":9}]}`,
		`{"name":"k","durationMinutes":5,"sections":[{"name":"s","penalty":1001,"floor":-1001,"questions":[{"text":"t","kind":"truefalse","correct":[1]}]}]}`,
	)
}

func FuzzDecodeNativeLink(f *testing.F) {
	fuzzAPI(f, func(id int64) string { return "/api/native/tests/" + idStr(id) + "/links" },
		`{"name":"Campus","callbackUrl":"https://a.example/x","expiresAt":"2099-01-01T00:00:00Z","maxUses":3}`,
		`{"name":"x","validFrom":"2099-01-01T00:00:00Z","validUntil":"2098-01-01T00:00:00Z"}`,
		`{"name":"x","redirectUrl":"http://[::1"}`,
		`{"name":"x","slug":"--"}`,
		`{"name":"x","expiresAt":"9999-12-31T23:59:60Z"}`,
		`{"name":"x","maxUses":1e3}`,
	)
}

// FuzzDecodeIMochaInvite posts arbitrary bodies to the iMocha invite route:
// never a server error, always JSON, errors always as {"errors": [...]}.
func FuzzDecodeIMochaInvite(f *testing.F) {
	for _, s := range []string{
		`{ "email":"amey@example.com", "name":"amey", "callbackURL":"https://www.interviewmocha.com/", "redirectURL":"https://www.interviewmocha.com/", "disableMandatoryFields":0, "hideInstruction":0 }`,
		`{"disableMandatoryFields":1}`, `{"EMAIL":"a@b.co","NAME":"x","sendEmail":"YES"}`, `{"email":"","name":""}`,
		`{"email":null,"name":null,"hideInstruction":"1","disableMandatoryFields":true}`, `{"email":"a@b.co","name":"\u0000"}`,
		`{"email":"a@b.co","name":"n","callbackUrl":"http://[::1"}`, `[]`, `"x"`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	srv, db := newTestServer(f)
	key, _ := db.CreateAPIKey(f.Context(), store.NewAPIKey{Name: "fuzz"})
	tt, _ := db.CreateTest(f.Context(), store.TestInput{Name: "fuzz", Kind: store.KindAssessment, DurationMinutes: 5}, nil)
	link, _ := db.DefaultLink(f.Context(), tt.ID)
	target := "/v3/tests/" + idStr(tt.ID) + "/testlinks/" + idStr(link.ID) + "/invite"
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		req.Header.Set("X-API-KEY", key.Key)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d non-JSON answer %q for %q", rec.Code, rec.Body, body)
		}
		switch {
		case rec.Code == http.StatusCreated:
			if _, ok := out["testInvitationId"].(float64); !ok {
				t.Fatalf("201 without an id: %s", rec.Body)
			}
		case rec.Code == http.StatusBadRequest:
			if errs, ok := out["errors"].([]any); !ok || len(errs) == 0 {
				t.Fatalf("400 without errors: %s", rec.Body)
			}
		default:
			t.Fatalf("%d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

// fuzzDialect posts arbitrary bodies to a route and requires a JSON answer
// that is not a server error.
func fuzzDialect(f *testing.F, seeds []string, request func(srv *Server, body []byte) *http.Request, srv *Server) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, request(srv, body))
		if rec.Code >= 500 {
			t.Fatalf("%d for %q: %s", rec.Code, body, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d non-JSON answer %q for %q", rec.Code, rec.Body, body)
		}
	})
}

func FuzzDecodeXobinInvite(f *testing.F) {
	srv, db := newTestServer(f)
	key, _ := db.CreateAPIKey(f.Context(), store.NewAPIKey{Name: "fuzz"})
	tt, _ := db.CreateTest(f.Context(), store.TestInput{Name: "fuzz", Kind: store.KindAssessment, DurationMinutes: 5}, nil)
	fuzzDialect(f, []string{
		`{"candidate_name":"A","candidate_email":"a@example.com","assessment_id":` + idStr(tt.ID) + `,"invite_format":"getlink"}`,
		`{"candidate_name":"A","candidate_email":"a@example.com","assessment_id":"` + idStr(tt.ID) + `","expiry_date":"2099-01-01 00:00"}`,
		`{"assessment_id":1e99}`, `{"candidate_name":null}`, `[]`, `{`,
	}, func(_ *Server, body []byte) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/assessments/invite", bytes.NewReader(body))
		req.Header.Set("apiKey", key.Key)
		return req
	}, srv)
}

func FuzzDecodeThinkExamAssign(f *testing.F) {
	tf := newThinkExamFixture(f)
	tid := idStr(tf.test.ID)
	fuzzDialect(f, []string{
		`{"email":["a@example.com","b@example.com"],"testId":"` + tid + `","isMailEnable":"1","isPasswordSkip":"0"}`,
		`{"email":["a@example.com",""],"testId":` + tid + `}`, `{"email":"x","testId":null}`, `{"EMAIL":[1,2]}`, `[]`, `{`,
	}, func(srv *Server, body []byte) *http.Request {
		ts := strconv.FormatInt(tf.now.Unix(), 10)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/assignTestMultiCandidates", bytes.NewReader(body))
		req.Header.Set("ak", tf.key.PublicID)
		req.Header.Set("ts", ts)
		req.Header.Set("sgn", thinkexam.Signature(tf.key.SigningSecret, tf.key.PublicID, ts))
		return req
	}, tf.srv)
}

func FuzzDecodeTestinviteCandidate(f *testing.F) {
	srv, db := newTestServer(f)
	key, _ := db.CreateAPIKey(f.Context(), store.NewAPIKey{Name: "fuzz"})
	tt, _ := db.CreateTest(f.Context(), store.TestInput{Name: "fuzz", Kind: store.KindAssessment, DurationMinutes: 5}, nil)
	path := "/api/integration/rest/v1/tasks/" + idStr(tt.ID) + "/candidates"
	fuzzDialect(f, []string{
		`{"kind":"temporary-candidate","fullname":"A","email":"a@example.com","tracking":{"uniqId":"1","scope":"labels"},"labels":["x"]}`,
		`{"kind":"internal-candidate","id":"1"}`, `{"kind":"temporary-candidate","dates":{"after":-9223372036854775808}}`,
		`{"kind":"temporary-candidate","callback":{"url":"https://a.example","resource":"detailed","params":null}}`,
		`{"kind":"temporary-candidate","price":{"amount":1e308,"currency":"USD"}}`, `[]`, `{`,
	}, func(_ *Server, body []byte) *http.Request {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key.Key)
		return req
	}, srv)
}
