package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The requests open-source clients of iMocha send, and the fields they
// read, recorded in testdata/clients (each file names its source), are
// replayed against the real binary: the calls must answer as those clients
// expect, field by field and type by type.

// clientFixture is one recorded client.
type clientFixture struct {
	Client string `json:"client"`
	Source struct {
		Repository string   `json:"repository"`
		Files      []string `json:"files"`
	} `json:"source"`
	Headers map[string]string `json:"headers"`
	Steps   []struct {
		Name    string            `json:"name"`
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Body    string            `json:"body"`
		Status  int               `json:"status"`
		Reads   []string          `json:"reads"`   // path:kind, [] for every element
		Equals  map[string]string `json:"equals"`  // path: value
		Every   map[string]string `json:"every"`   // path with []: each element's value
		AtLeast map[string]int    `json:"atLeast"` // array path: least length
		Capture map[string]string `json:"capture"` // placeholder: path
	} `json:"steps"`
}

// clientReplays sets up what the recorded clients look for — a second
// test, labelled as IPR_BE filters, with an attempt of its own beside the
// iMocha client's — and replays every fixture.
func (w *vendorWorld) clientReplays(t *testing.T) {
	h := map[string]string{"X-API-Key": w.key}
	code, test := w.call(t, http.MethodPost, "/api/native/tests", h, map[string]any{"name": "Video prep", "kind": "assessment",
		"durationMinutes": 20, "labels": []string{"Interview Prep Video Tests"},
		"questions": []map[string]any{{"text": "3 + 3?", "kind": "single", "options": []string{"6", "7"}, "correct": []int{0}}}})
	if code != http.StatusCreated {
		t.Fatalf("labelled test: %d %v", code, test)
	}
	labelled := int64(test["id"].(float64))
	code, inv := w.call(t, http.MethodPost, fmt.Sprintf("/v3/tests/%d/invite", labelled), map[string]string{"X-API-KEY": w.key},
		map[string]any{"email": "lena@example.com", "name": "Lena"})
	if code != http.StatusCreated {
		t.Fatalf("invite to the labelled test: %d %v", code, inv)
	}
	w.takeTestAnswering(t, inv["testUrl"].(string), int64(test["questions"].([]any)[0].(map[string]any)["id"].(float64)))

	now := time.Now().UTC()
	vars := map[string]string{
		"key": w.key, "testId": strconv.FormatInt(w.testID, 10), "labelledTestId": strconv.FormatInt(labelled, 10),
		"startNoZone": now.Add(-time.Hour).Format("2006-01-02T15:04:05"), "endNoZone": now.Add(time.Hour).Format("2006-01-02T15:04:05"),
		"startMillis": now.Add(-time.Hour).Format("2006-01-02T15:04:05.000Z"), "endMillis": now.Add(time.Hour).Format("2006-01-02T15:04:05.000Z"),
		"startDay": now.Add(-24 * time.Hour).Format("2006-01-02"), "endDay": now.Format("2006-01-02"),
		"futureStart": now.Add(-time.Minute).Format("2006-01-02T15:04:05Z"), "futureEnd": now.Add(48 * time.Hour).Format("2006-01-02T15:04:05Z"),
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "clients", "*.json"))
	if len(files) < 5 {
		t.Fatalf("%d client fixtures", len(files))
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fx clientFixture
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if fx.Source.Repository == "" || len(fx.Source.Files) == 0 {
			t.Fatalf("%s names no source", file)
		}
		t.Run(filepath.Base(file), func(t *testing.T) { w.replay(t, fx, copyVars(vars)) })
	}
}

func copyVars(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

var placeholder = regexp.MustCompile(`\{([a-zA-Z]+)\}`)

func fill(t *testing.T, s string, vars map[string]string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		v, ok := vars[m[1:len(m)-1]]
		if !ok {
			t.Fatalf("no value for %s", m)
		}
		return v
	})
}

func (w *vendorWorld) replay(t *testing.T, fx clientFixture, vars map[string]string) {
	for _, step := range fx.Steps {
		var body io.Reader
		if step.Body != "" {
			body = strings.NewReader(fill(t, step.Body, vars))
		}
		req, _ := http.NewRequest(step.Method, w.base+fill(t, step.Path, vars), body)
		for k, v := range fx.Headers {
			req.Header.Set(k, fill(t, v, vars))
		}
		resp, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != step.Status {
			t.Fatalf("%s (%s): %d, want %d: %s", step.Name, fx.Client, resp.StatusCode, step.Status, raw)
		}
		var doc any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%s: not JSON: %s", step.Name, raw)
		}
		for _, read := range step.Reads {
			path, kind, _ := strings.Cut(read, ":")
			values := lookup(doc, path)
			if len(values) == 0 && !strings.Contains(path, "[]") {
				t.Errorf("%s: the client reads %s, which is missing: %s", step.Name, path, raw)
			}
			for _, v := range values {
				if got := jsonKind(v); got != kind {
					t.Errorf("%s: %s is %s (%v), the client reads a %s", step.Name, path, got, v, kind)
				}
			}
		}
		for path, want := range step.Equals {
			if got := lookup(doc, path); len(got) != 1 || fmt.Sprint(got[0]) != fill(t, want, vars) {
				t.Errorf("%s: %s is %v, want %s", step.Name, path, got, fill(t, want, vars))
			}
		}
		for path, want := range step.Every {
			got := lookup(doc, path)
			if len(got) == 0 {
				t.Errorf("%s: no %s at all: %s", step.Name, path, raw)
			}
			for _, v := range got {
				if fmt.Sprint(v) != fill(t, want, vars) {
					t.Errorf("%s: %s holds %v, want only %s: %s", step.Name, path, v, fill(t, want, vars), raw)
				}
			}
		}
		for path, least := range step.AtLeast {
			if got := lookup(doc, path); len(got) != 1 || len(got[0].([]any)) < least {
				t.Errorf("%s: %s has fewer than %d: %s", step.Name, path, least, raw)
			}
		}
		for name, path := range step.Capture {
			got := lookup(doc, path)
			if len(got) != 1 {
				t.Fatalf("%s: nothing at %s to carry on: %s", step.Name, path, raw)
			}
			vars[name] = fmt.Sprint(got[0])
		}
	}
}

// lookup follows a path such as "result.testAttempts[].testId" (every
// element) or "tests[0].testId" (one) and returns what it finds.
func lookup(doc any, path string) []any {
	cur := []any{doc}
	for _, part := range strings.Split(path, ".") {
		name, index, indexed := strings.Cut(part, "[")
		var next []any
		for _, c := range cur {
			obj, ok := c.(map[string]any)
			if !ok {
				continue
			}
			v, ok := obj[name]
			if !ok {
				continue
			}
			if !indexed {
				next = append(next, v)
				continue
			}
			arr, _ := v.([]any)
			if index == "]" {
				next = append(next, arr...)
			} else if i, err := strconv.Atoi(strings.TrimSuffix(index, "]")); err == nil && i < len(arr) {
				next = append(next, arr[i])
			}
		}
		cur = next
	}
	return cur
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case json.Number:
		return "number"
	case string:
		return "string"
	case bool:
		return "bool"
	case []any:
		return "array"
	default:
		return "object"
	}
}
