package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Band is a named performance band: a percentage of MinPercent or more
// places a final score in it (the highest band it reaches). A band with
// MinPercent 0 catches every score below the others.
type Band struct {
	Name       string `json:"name"`
	MinPercent int    `json:"min"`
}

// Limits on bands.
const (
	MaxBands          = 6
	MaxBandNameLength = 60
)

// validateBands checks bands as a test is saved: names given and unique,
// percentages 0–100 and distinct.
func validateBands(fe FieldErrors, bands []Band) {
	if len(bands) > MaxBands {
		fe["bands"] = fmt.Sprintf("must be at most %d", MaxBands)
		return
	}
	names, mins := map[string]bool{}, map[int]bool{}
	for i, b := range bands {
		name := strings.TrimSpace(b.Name)
		switch {
		case name == "":
			fe["bands"] = fmt.Sprintf("band %d has no name", i+1)
		case utf8.RuneCountInString(name) > MaxBandNameLength:
			fe["bands"] = fmt.Sprintf("band %d: the name must be at most %d characters", i+1, MaxBandNameLength)
		case b.MinPercent < 0 || b.MinPercent > 100:
			fe["bands"] = fmt.Sprintf("band %d: the lowest score must be between 0 and 100 (percent)", i+1)
		case names[strings.ToLower(name)]:
			fe["bands"] = fmt.Sprintf("band %d repeats the name %q", i+1, name)
		case mins[b.MinPercent]:
			fe["bands"] = fmt.Sprintf("band %d starts at %d %% like an earlier band", i+1, b.MinPercent)
		}
		names[strings.ToLower(name)], mins[b.MinPercent] = true, true
	}
}

// normalizeBands trims names and orders bands from the highest down.
func normalizeBands(bands []Band) []Band {
	out := make([]Band, 0, len(bands))
	for _, b := range bands {
		out = append(out, Band{Name: strings.TrimSpace(b.Name), MinPercent: b.MinPercent})
	}
	slices.SortFunc(out, func(a, b Band) int { return b.MinPercent - a.MinPercent })
	return out
}

func bandsJSON(bands []Band) string {
	b, _ := json.Marshal(normalizeBands(bands))
	return string(b)
}

func parseBands(s string) []Band {
	var bands []Band
	if json.Unmarshal([]byte(s), &bands) != nil {
		return nil
	}
	return bands
}

// BandFor is the band a percentage falls in, or "" when no band reaches
// down to it (or the test has none).
func BandFor(bands []Band, percent float64) string {
	for _, b := range bands { // highest first
		if percent >= float64(b.MinPercent) {
			return b.Name
		}
	}
	return ""
}
