package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// A test's labels group tests for recruiters and integrations (iMocha's
// "List all tests" filters by them): short words, each at most once,
// compared without regard to case.

// Limits on a test's labels.
const (
	MaxTestLabels      = 20
	MaxTestLabelLength = 60
)

// NormalizeLabels trims labels, drops empty ones and repeats (the first
// spelling stays), keeping their order.
func NormalizeLabels(labels []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, l := range labels {
		l = strings.Join(strings.Fields(l), " ")
		key := strings.ToLower(l)
		if l == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, l)
	}
	return out
}

// SplitLabels reads labels typed in one field, separated by commas.
func SplitLabels(typed string) []string { return NormalizeLabels(strings.Split(typed, ",")) }

func validateLabels(fe FieldErrors, labels []string) {
	if len(labels) > MaxTestLabels {
		fe["labels"] = fmt.Sprintf("must be at most %d labels", MaxTestLabels)
		return
	}
	for _, l := range labels {
		switch {
		case utf8.RuneCountInString(l) > MaxTestLabelLength:
			fe["labels"] = fmt.Sprintf("each must be at most %d characters", MaxTestLabelLength)
			return
		case HasUnsafeChars(l) || strings.ContainsRune(l, ','):
			fe["labels"] = "must be single words or phrases without commas or control characters"
			return
		}
	}
}

// HasLabel reports whether the test carries label, in any case.
func (t Test) HasLabel(label string) bool {
	for _, l := range t.Labels {
		if strings.EqualFold(l, strings.TrimSpace(label)) {
			return true
		}
	}
	return false
}

func testLabelsJSON(labels []string) string {
	b, _ := json.Marshal(NormalizeLabels(labels))
	return string(b)
}

func parseLabels(s string) []string {
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil || out == nil {
		return []string{}
	}
	return out
}
