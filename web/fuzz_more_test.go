package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"testgate/store"
	"testgate/web/api/thinkexam"
)

// FuzzParseCandidates reads arbitrary bytes as an uploaded file and as
// pasted text: no panic, and every row it calls importable is one the
// store would take.
func FuzzParseCandidates(f *testing.F) {
	for _, s := range []string{
		"name,email\nAnn,ann@example.com\n", "email\n\"unterminated,x@y.co\n", "\ufeffE-mail;Name\nx@y.co;X\n",
		"first name\tlast name\temail\nA\tB\ta@b.co\n", "Jane <jane@example.com>\nbob@example.com,Bob\n",
		"email,email,Email\na@b.co,c@d.co,e@f.co\n", "name,email\n\"a\"\"b\",\"x@y.co\"\n", "email\n\x00@x.co\n",
		"email,note\na@b.co,\"multi\nline\"\n", strings.Repeat(",", 5000) + "email\n",
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, isFile bool) {
		rows, _, err := parseCandidates(strings.NewReader(string(data)), isFile)
		if err != nil {
			return
		}
		last := 0
		for _, r := range rows {
			if r.Line < 1 || r.Line < last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			if r.Problem != "" {
				continue
			}
			if !store.ValidEmail(r.Email) || r.Name == "" || store.HasUnsafeChars(r.Name) || len([]rune(r.Name)) > store.MaxNameLength {
				t.Fatalf("importable row the store refuses: %+v", r)
			}
			if r.Data != nil {
				var obj map[string]string
				if err := json.Unmarshal(r.Data, &obj); err != nil {
					t.Fatalf("data %s: %v", r.Data, err)
				}
			}
		}
	})
}

// FuzzConsoleForms posts arbitrary form values to the console's forms
// (test, question, link, invite, import check) as a signed-in admin: never
// a server error.
func FuzzConsoleForms(f *testing.F) {
	f.Add("Go", "assessment", "30", "70", "https://example.com/cb", "2027-01-01T10:00", "5", "a@example.com")
	f.Add("", "interview", "-1", "1e9", "javascript:alert(1)", "yesterday", "99999999999999999999", "not an email")
	f.Add("\x00", "\u202e", "0x10", "NaN", "http://[::1", "2027-02-30T25:61", "-0", "a@b.co\r\nBcc: x@y.z")
	f.Add("Made at ___ in ___", "blanks", "3", "-1", "Google | google", "", "1", "2009;2007")
	f.Add("Order", "ordering", "9", "Inf", "b", "", "-9223372036854775808", "c")
	f.Add("g?", "numeric", "1e308", "9,81", "m/s²", "", "0.05", "kg")
	srv, db := newTestServer(f)
	var b *browser
	f.Fuzz(func(t *testing.T, name, kind, duration, score, u, when, number, email string) {
		if b == nil { // signed in once: bcrypt per input would be all the fuzzer does
			b = signIn(t, srv, db, store.RoleAdmin)
			b.get("/")
		}
		b.t = t
		tests, _ := db.Tests(t.Context(), store.TestFilter{})
		testID := "1"
		if len(tests) > 0 {
			testID = strconv.FormatInt(tests[0].ID, 10)
		}
		links, _ := db.AllLinks(t.Context())
		linkID := "1"
		if len(links) > 0 {
			linkID = strconv.FormatInt(links[0].ID, 10)
		}
		forms := map[string]url.Values{
			"/tests": {"name": {name}, "kind": {kind}, "durationMinutes": {duration}, "passingScore": {score}, "instructions": {name},
				"bandName0": {name}, "bandMin0": {number}, "bandName1": {kind}, "bandMin1": {score}},
			"/tests/" + testID: {"name": {name}, "kind": {kind}, "durationMinutes": {duration}, "passingScore": {score}},
			"/tests/" + testID + "/questions": {"text": {name}, "kind": {kind}, "option0": {name}, "option1": {u}, "correct": {number, score},
				"points": {number}, "match0": {u}, "match2": {email}, "answer": {score}, "tolerance": {number}, "unit": {email},
				"blanks": {name + "\n" + u}, "minWords": {duration}, "maxWords": {number}, "language": {kind}, "partial": {"1"},
				"penalty": {number}, "floor": {score}},
			"/tests/" + testID + "/links": {"name": {name}, "slug": {kind}, "callbackUrl": {u}, "redirectUrl": {u}, "expiresAt": {when},
				"validFrom": {when}, "validUntil": {when}, "maxUses": {number}, "tabSwitchLimit": {score}},
			"/links/" + linkID + "/invitations": {"name": {name}, "email": {email}, "sendEmail": {number}, "extraTimePercent": {score}},
			"/invitations/1/grades":             {"questionId": {number}, "points": {score}, "comment": {name}},
			"/invitations/1/time":               {"minutes": {number}},
			"/invitations/1/extra-time":         {"extraTimePercent": {score}},
			"/tests/" + testID + "/results?" + url.Values{"band": {name}, "state": {kind}, "page": {number}}.Encode(): nil,
			"/links/" + linkID + "/import/check": {"pasted": {name + "\n" + email + "\n" + u}, "sendEmail": {"1"}},
			"/invitations?" + url.Values{"q": {name}, "status": {kind}, "sort": {u}, "page": {number}}.Encode(): nil,
			"/settings/privacy":  {"retentionDays": {number}},
			"/settings/api-keys": {"name": {name}, "scope": {kind}, "expiresAt": {when}, "team": {number}},
			"/settings/teams":    {"name": {name}},
			"/settings/teams/1":  {"name": {name}, "retentionDays": {score}, "member": {number, duration}},
			"/settings/audit?" + url.Values{"actor": {name}, "record": {kind}, "from": {when}, "to": {u}, "page": {number}}.Encode(): nil,
			"/settings/audit.csv?" + url.Values{"actor": {email}, "record": {name}, "from": {u}, "to": {when}}.Encode():              nil,
			"/invitations/1/erase": {"scope": {kind}},
		}
		for path, form := range forms {
			var r response
			if form == nil {
				r = b.get(path)
			} else {
				r = b.post(path, form)
			}
			if r.Code >= 500 {
				t.Fatalf("%s %v: %d", path, form, r.Code)
			}
		}
	})
}

// FuzzThinkExamSignature checks the ak/sgn/ts check with arbitrary
// headers: a dialect 401 unless the signature is right, never a 5xx.
func FuzzThinkExamSignature(f *testing.F) {
	srv, db := newTestServer(f)
	key, err := db.CreateAPIKey(f.Context(), store.NewAPIKey{Name: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(key.PublicID, "1700000000", "sig")
	f.Add("", "", "")
	f.Add(key.PublicID, "99999999999999999999999", "=")
	f.Add(key.PublicID+"\x00", "-1", strings.Repeat("A", 10000))
	f.Fuzz(func(t *testing.T, ak, ts, sgn string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/deassignTest", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range map[string]string{"ak": ak, "ts": ts, "sgn": sgn} {
			if strings.ContainsAny(v, "\r\n\x00") {
				return // not a header a client can send
			}
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		valid := ak == key.PublicID && sgn == thinkexam.Signature(key.SigningSecret, ak, strings.TrimSpace(ts))
		switch {
		case rec.Code >= 500, out["result"] != "error" && rec.Code >= 400:
			t.Fatalf("%d %s", rec.Code, rec.Body)
		case !valid && rec.Code != http.StatusUnauthorized:
			t.Fatalf("a wrong signature got %d", rec.Code)
		}
	})
}

// FuzzAPIRoutes posts arbitrary bodies to every API route that takes one
// (the fuzzer picks the route), authenticated: never a 5xx, and every
// refusal in the route's dialect.
func FuzzAPIRoutes(f *testing.F) {
	srv, db := newTestServer(f)
	tt, _ := db.CreateTest(f.Context(), store.TestInput{Name: "Fuzz", Kind: store.KindAssessment, DurationMinutes: 5}, nil)
	link, _ := db.DefaultLink(f.Context(), tt.ID)
	key, _ := db.CreateAPIKey(f.Context(), store.NewAPIKey{Name: "fuzz"})
	var paths []string
	for _, r := range srv.Echo().Routes() {
		where, ok := routeSurface(r.Method, r.Path)
		if ok && r.Method == http.MethodPost && (where == apiKeyed || where == xobinKeyed || where == thinkExam) {
			paths = append(paths, apiPath(r.Path, tt.ID, link.ID))
		}
	}
	for i := range paths {
		f.Add(uint8(i), []byte(`{"name":"Ann","email":"ann@example.com","testId":"`+idStr(tt.ID)+`","candidates":[{"email":"b@example.com"}]}`))
		f.Add(uint8(i), []byte(`{"email":["x@example.com",1,null],"fullname":{"a":[]},"invite_type":"x","ids":[1e400]}`))
		f.Add(uint8(i), []byte(`{"CandidateEmail":"ann@example.com","testinvitationId":"1, 2,x","email":" ANN@example.com "}`))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		path := paths[int(route)%len(paths)]
		rec, out := callAPI(srv, db, key, http.MethodPost, path, string(body))
		if rec.Code >= 500 || (rec.Code >= 400 && !dialectShape(path, out)) {
			t.Fatalf("%s %q: %d %s", path, body, rec.Code, rec.Body)
		}
	})
}

// FuzzPageReport posts arbitrary bodies to a running attempt's signals
// endpoint: a 400 or a 200, never a server error, and a refused body
// writes no signal.
func FuzzPageReport(f *testing.F) {
	for _, s := range []string{
		`{"kind":"focus_lost","detail":"tab hidden"}`, `{"kind":"paste","detail":"question 1, 10 characters","spent":{"1":12}}`,
		`{"spent":{"1":-5,"2":99999999}}`, `{"kind":"open"}`, `{"spent":{"x":1}}`, `{"kind":"fullscreen_exit","detail":"\u0000\ud800"}`,
		`{"kind":1}`, `[]`, `{`, ``, `{"spent":{"9223372036854775807":1}}`, `{"detail":"` + strings.Repeat("x", 20000) + `"}`,
	} {
		f.Add([]byte(s))
	}
	srv, db := newTestServer(f)
	tt, err := db.CreateTest(f.Context(), store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 600},
		[]store.QuestionInput{{Text: "Why?", Kind: store.QuestionText}})
	if err != nil {
		f.Fatal(err)
	}
	res, err := db.Invite(f.Context(), store.NewInvitation{TestID: tt.ID, Name: "Ada", Email: "ada@example.com", Source: store.SourceNative})
	if err != nil {
		f.Fatal(err)
	}
	inv, err := db.StartInvitation(f.Context(), res.Invitation.ID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before, _ := db.Signals(t.Context(), inv.ID)
		req := httptest.NewRequest(http.MethodPost, "/t/"+inv.Token+"/signals", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body)
		}
		if after, _ := db.Signals(t.Context(), inv.ID); rec.Code == http.StatusBadRequest && len(after) != len(before) {
			t.Fatalf("%q refused but recorded a signal", body)
		}
	})
}

// FuzzBankCSV reads arbitrary bytes as a bank import: no panic, and an
// import without problems holds only questions the bank would take.
func FuzzBankCSV(f *testing.F) {
	for _, s := range []string{
		"question,kind,options,correct,points,topic,difficulty\nQ?,single,a|b,1,1,go,easy\n",
		"kind,question\ntext,Why?\n", "question\nQ?\n", "\ufeffQuestion,Kind,Options,Correct\nQ?,MULTIPLE,a|b|c,1|3\n",
		"question,kind,correct\nQ?,single,0\n", "question,kind,options,correct\n\"unterminated,single\n",
		"question,kind,options,correct,points\nQ?,single,a|a,1,99999999999999999999\n", "", "\n\n\n",
		"question,kind,answer,tolerance,unit\ng?,numeric,\"9,81\",0.05,m/s²\n", "question,kind,blanks,case sensitive\nGo ___ in ___,blanks,Google;2009|2007,yes\n",
		"question,kind,options,matches,partial,penalty,floor\nPair,matching,a|b,x|y|z,yes,1,-1\n", "question,kind,correct\nGo is typed.,truefalse,1\n",
		"question,kind,min words,max words\nWhy?,essay,10,5\n", "question,kind,language,penalty\nCode,code,Go,1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, problems, err := parseBankCSV(strings.NewReader(string(data)))
		if err != nil || len(problems) > 0 {
			return
		}
		for i, q := range qs {
			if fe := q.Validate(store.KindAssessment); len(fe) > 0 {
				t.Fatalf("question %d passed the import but not the bank: %v", i, fe)
			}
		}
	})
}
