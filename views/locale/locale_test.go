package locale

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

func catalogIDs(t *testing.T, code string) map[string]any {
	t.Helper()
	raw, err := catalogs.ReadFile("catalog/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return m
}

// sample fills every placeholder the catalogs use.
var sample = map[string]any{"Name": "Ada", "Time": "14:05 CET", "N": 2, "Total": 5, "Test": "Go", "Answered": 3,
	"Duration": "30", "Email": "ada@example.com", "Max": 200, "Count": 2, "Min": 100, "Language": "Go", "Unit": "m/s"}

// Every message is in every catalog, no catalog has one English lacks,
// each fills in, and each plural message has the forms its language's
// CLDR rules ask for, for every kind of number.
func TestEveryCatalogIsComplete(t *testing.T) {
	en := catalogIDs(t, "en")
	for _, code := range Codes {
		ids := catalogIDs(t, code)
		for id := range en {
			if _, ok := ids[id]; !ok {
				t.Errorf("%s: %s is missing", code, id)
			}
		}
		for id := range ids {
			if _, ok := en[id]; !ok {
				t.Errorf("%s: %s is not an English message", code, id)
			}
		}
		loc := For(code).localizer()
		for id, v := range ids {
			_, plural := v.(map[string]any)
			plural = plural && !strings.HasPrefix(id, "Mail")
			counts := []int{1}
			if plural {
				counts = []int{0, 1, 2, 3, 4, 5, 11, 12, 21, 22, 25, 101, 1_000_000}
			}
			for _, n := range counts {
				cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: sample}
				if plural {
					cfg.PluralCount = n
				}
				s, tag, err := loc.LocalizeWithTag(cfg)
				if err != nil || s == "" || tag.String() != code {
					t.Errorf("%s: %s (n=%d): %q from %s, %v", code, id, n, s, tag, err)
				}
			}
		}
	}
}

// A language other than English says its things in its own words: a
// message identical to English is a translation someone forgot.
func TestTranslationsAreNotEnglish(t *testing.T) {
	en := For("en")
	// The 24-hour clock is shared, and French writes some words as English does.
	same := map[string]bool{"LayoutTime": true, "LayoutTimeSeconds": true, "fr:Minutes": true, "fr:Questions": true}
	for _, code := range Codes[1:] {
		l := For(code)
		for id := range catalogIDs(t, "en") {
			if same[id] || same[code+":"+id] {
				continue
			}
			if l.F(id, sample) == en.F(id, sample) && len(en.F(id, sample)) > 8 {
				t.Errorf("%s: %s is the English text %q", code, id, en.F(id, sample))
			}
		}
	}
}

func TestNegotiateOrder(t *testing.T) {
	for _, tc := range []struct {
		accept  string
		choices []string
		want    string
	}{
		{"de-DE,de;q=0.9", []string{"ru", "tr"}, "ru"},     // the candidate's choice first
		{"de-DE,de;q=0.9", []string{"", "tr", "fr"}, "tr"}, // then the invitation's
		{"de-DE,de;q=0.9", []string{"", "xx", ""}, "de"},   // then the browser's
		{"sr-Latn-RS", nil, "sr"},
		{"nb-NO,nb;q=0.9", nil, "no"},
		{"pt-BR", nil, "pt"},
		{"ja-JP", nil, "en"},
		{"", nil, "en"},
		{"not a header;;;", nil, "en"},
	} {
		if got := Negotiate(tc.accept, tc.choices...); got != tc.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.accept, tc.choices, got, tc.want)
		}
	}
}

func TestPluralsAndDates(t *testing.T) {
	at := time.Date(2027, 1, 31, 17, 0, 0, 0, time.UTC)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct{ code, got, want string }{
		{"ru", For("ru").Minutes(1), "1 минута"},
		{"ru", For("ru").Minutes(3), "3 минуты"},
		{"ru", For("ru").Minutes(25), "25 минут"},
		{"sr", For("sr").Minutes(21), "21 минут"},
		{"sr", For("sr").Minutes(22), "22 минута"},
		{"en", For("en").Minutes(1), "1 minute"},
		{"de", For("de").DateTime(at, berlin), "31.01.2027, 18:00 CET"},
		{"sv", For("sv").DateTime(at, nil), "2027-01-31 17:00 UTC"},
		{"en", For("xx").DateTime(at, nil), "31 Jan 2027 17:00 UTC"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.code, tc.got, tc.want)
		}
	}
	if !slices.Contains(Codes, "no") || len(Codes) != 12 || len(Names) != 12 {
		t.Fatal("the twelve languages of Testinvite's lang")
	}
}

// Spanish addresses the candidate as tú throughout, never also as usted.
func TestSpanishKeepsOneFormOfAddress(t *testing.T) {
	b, err := os.ReadFile("catalog/es.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, usted := range []string{"su prueba", "sus respuestas", "No puede ", "Ha salido", "Se le ha", "su tiempo adicional", "Mientras hace la", "salió de"} {
		if strings.Contains(string(b), usted) {
			t.Errorf("es.json speaks as usted: %q", usted)
		}
	}
}

// F fills a plain message itself: for every message of every catalog it
// says what go-i18n's text/template says, with every placeholder given,
// with none, and with values of other types.
func TestFillIsGoI18n(t *testing.T) {
	datas := []map[string]any{sample, nil, {"Count": 1.5, "Name": 42, "Time": true}}
	n := 0
	for _, code := range Codes {
		loc := For(code).localizer()
		for id, msg := range written[code] {
			for _, data := range datas {
				want, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
				if err != nil {
					t.Fatalf("%s %s: %v", code, id, err)
				}
				if got := fill(msg, data); got != want {
					t.Errorf("%s %s with %v: %q, go-i18n %q", code, id, data, got, want)
				}
				n++
			}
		}
	}
	if n < 12*50 {
		t.Fatalf("only %d messages compared", n)
	}
	if fillable("{{if .X}}a{{end}}") || fillable("{{test name}}") || !fillable("a {{.N}} b {{.Max}}") {
		t.Fatal("fillable misjudges a template")
	}
}

// BenchmarkF is one placeholder message filled in, as candidate pages do
// many times each.
func BenchmarkF(b *testing.B) {
	de := For("de")
	for b.Loop() {
		de.F("QuestionNofM", map[string]any{"N": 3, "Total": 20})
	}
}
