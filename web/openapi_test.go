package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"testgate/store"
	"testgate/web/api/ashby"
	"testgate/web/api/greenhouse"
	"testgate/web/api/imocha"
	"testgate/web/api/native"
	"testgate/web/api/testinvite"
	"testgate/web/api/thinkexam"
	"testgate/web/api/xobin"
)

// Every answer of the native API that a test gets through api() is checked
// against the API's OpenAPI document by pb33f's libopenapi-validator (its
// status is documented, its body matches the schema with its required
// fields), so the document cannot drift from what the API answers.

// apiSpec is an OpenAPI document's validator, built once.
type apiSpec struct {
	doc  []byte
	once sync.Once
	v    validator.Validator
	err  error
}

var (
	nativeSpec     = &apiSpec{doc: native.Document}
	thinkExamSpec  = &apiSpec{doc: thinkexam.Document}
	xobinSpec      = &apiSpec{doc: xobin.Document}
	testinviteSpec = &apiSpec{doc: testinvite.Document}
	imochaSpec     = &apiSpec{doc: imocha.Document}
	greenhouseSpec = &apiSpec{doc: greenhouse.Document}
	ashbySpec      = &apiSpec{doc: ashby.Document}
)

func (s *apiSpec) validator() (validator.Validator, error) {
	s.once.Do(func() {
		doc, err := libopenapi.NewDocument(s.doc)
		if err != nil {
			s.err = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			s.err = fmt.Errorf("%v", errs)
			return
		}
		if ok, problems := v.ValidateDocument(); !ok {
			s.err = fmt.Errorf("the OpenAPI document is not valid: %v", problems)
			return
		}
		s.v = v
	})
	return s.v, s.err
}

func nativeValidator() (validator.Validator, error) { return nativeSpec.validator() }

// checkNativeAnswer fails the test when the native API's answer to req is
// not the one its OpenAPI document describes.
func checkNativeAnswer(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/native/") || req.URL.Path == "/api/native/openapi.json" {
		return
	}
	checkAnswer(t, nativeSpec, req, rec)
}

// checkAnswer fails the test when an answer to req is not the one the
// document describes.
func checkAnswer(t testing.TB, spec *apiSpec, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	v, err := spec.validator()
	if err != nil {
		t.Fatal(err)
	}
	ok, problems := v.ValidateHttpResponse(req, rec.Result())
	if !ok && rec.Code == http.StatusNotFound && len(problems) == 1 && problems[0].ValidationType == "path" {
		return // a route that does not exist, asked on purpose: its 404 is the router's
	}
	if !ok {
		var lines []string
		for _, p := range problems {
			line := p.Message + ": " + p.Reason
			for _, s := range p.SchemaValidationErrors {
				line += "; " + s.FieldPath + " " + s.Reason
			}
			lines = append(lines, line)
		}
		t.Errorf("%s %s answered %d, not as the OpenAPI document says:\n  %s\n  body: %.300s", req.Method, req.URL.Path, rec.Code,
			strings.Join(lines, "\n  "), rec.Body.String())
	}
}

// The document answers for what it leaves out: a read key's refusal is a
// documented 403, and an answer missing a required field fails the check.
func TestNativeAnswersMatchTheirDocument(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	read, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "reader", Scope: store.ScopeRead})
	code, _ := api(t, srv, http.MethodPost, "/api/native/tests", read.Key, map[string]any{"name": "Go", "durationMinutes": 30})
	if code != http.StatusForbidden {
		t.Fatalf("a read key creating a test: %d", code)
	}
	key := newAPIKey(t, db)
	code, test := api(t, srv, http.MethodPost, "/api/native/tests", key, map[string]any{"name": "Go", "durationMinutes": 30})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, test)
	}
	v, err := nativeValidator()
	if err != nil {
		t.Fatal(err)
	}
	delete(test, "id")
	body, _ := json.Marshal(test)
	req := httptest.NewRequest(http.MethodGet, "/api/native/tests/1", nil)
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	rec.WriteHeader(http.StatusOK)
	rec.Write(body)
	if ok, _ := v.ValidateHttpResponse(req, rec.Result()); ok {
		t.Fatal("a test without its id passes the document")
	}
}
