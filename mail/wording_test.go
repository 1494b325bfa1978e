package mail

import (
	"strings"
	"testing"
	"text/template"

	"testgate/store"
)

// legacyInviteBody is the built-in invitation as it was written while the
// wording was a Go template; links that copied it keep it.
const legacyInviteBody = `Hello {{.CandidateName}},

You are invited to take the test "{{.TestName}}". It takes {{.DurationMinutes}} minutes; the timer starts when you press Start, so begin when you have the time.

Start the test: {{.TestURL}}
{{if .AccessCode}}
Your access code: {{.AccessCode}}
{{end}}{{if .ExpiresAt}}
Please finish before {{.ExpiresAt}}, when the invitation expires.
{{end}}
Good luck!`

// Wordings saved while the wording was a Go template must read the same:
// text/template is the oracle for everything the placeholder language keeps.
// (Where a line's placeholders are all empty the two differ by design: the
// line is left out. No wording here has such a line.)
func TestWordingFillsAsGoTemplatesDid(t *testing.T) {
	t.Parallel()
	wordings := []string{
		"Your invitation to {{.TestName}}", legacyInviteBody,
		"Hi {{ .CandidateName }}, {{.LinkName}}: {{.TestURL}} ({{.DurationMinutes}} min)",
		"{{if .ExpiresAt}}Due {{.ExpiresAt}}{{else}}No deadline{{end}}.",
		"{{if .AccessCode}}{{if .ExpiresAt}}both{{else}}code only{{end}}{{else}}{{if .ExpiresAt}}date only{{end}}{{end}}",
		"Dear {{.CandidateName}},\n\n  {{- .TestName -}}  \n\nbye {{/* a note to colleagues */}}now",
		"{{if .DurationMinutes}}{{.DurationMinutes}} minutes{{else}}untimed{{end}}",
		"{{- if .AccessCode -}}\n  code {{ .AccessCode }}\n{{- end }}\nend",
		"no placeholders at all, but { braces } and }} and a lone {",
		"",
	}
	data := []TemplateData{
		{CandidateName: "Ada", TestName: "Go", TestURL: "https://x.test/t/a", ExpiresAt: "31 Jan 2027 18:00 UTC", DurationMinutes: 30, LinkName: "L", AccessCode: "123456"},
		{CandidateName: `Ann "Nan" \ <b>`, TestName: "Go", TestURL: "https://x.test/t/b"},
	}
	for _, text := range wordings {
		ref := template.Must(template.New("").Option("missingkey=error").Parse(text))
		w, err := parseWording(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		for _, d := range data {
			var want strings.Builder
			if err := ref.Execute(&want, d); err != nil {
				t.Fatal(err)
			}
			got, err := w.fill(d)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			if got != want.String() {
				t.Errorf("%q with %+v:\ngot  %q\nwant %q", text, d, got, want.String())
			}
		}
	}
}

// A wording is placeholders, not a program: the reproductions of the
// review (a 30-million-step loop, nested define/template) and everything
// else a template language could run are refused when saved, with where.
func TestWordingRefusesProgramsWithTheirLine(t *testing.T) {
	t.Parallel()
	nested := strings.Repeat("{{if .TestName}}", 11) + strings.Repeat("{{end}}", 11)
	var defines strings.Builder
	for i := range 40 {
		defines.WriteString(`{{define "t` + string(rune('a'+i%26)) + `"}}{{template "x"}}{{template "x"}}{{end}}`)
	}
	cases := map[string]string{
		"{{range 30000000}}{{end}}":          "{{range 30000000}} is not a placeholder",
		defines.String():                     `{{define "ta"}} is not a placeholder`,
		"Hello\n\n{{.Nobody}}":               "line 3: {{.Nobody}} is not a placeholder; use {{candidate name}}, {{test name}}",
		`{{printf "%s" .TestName}}`:          "is not a placeholder",
		"{{.TestName | len}}":                "is not a placeholder",
		"a\n{{if .TestName}}open":            "line 2: {{if}} is not closed by {{end}}",
		"{{end}}":                            "{{end}} closes no {{if placeholder}}",
		"{{else}}":                           "{{else}} belongs inside",
		"{{if .TestName}}a{{else}}b{{else}}": "{{else}} belongs inside",
		"{{if .Nobody}}x{{end}}":             "only {{if placeholder}} with one placeholder",
		"{{if not .AccessCode}}x{{end}}":     "only {{if placeholder}} with one placeholder",
		"{{candidate}}":                      "{{candidate}} is not a placeholder",
		"{{with .TestName}}{{.}}{{end}}":     "is not a placeholder",
		"Hi {{.CandidateName":                "a {{ is not closed by }}",
		nested:                               "nests {{if}} more than 10 deep",
	}
	for text, want := range cases {
		err := ValidateTemplate(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.60q: got %v, want an error containing %q", text, err, want)
		}
		if _, err := Render(text, "body", "", TemplateData{TestName: "x"}); err == nil {
			t.Errorf("%.60q rendered as a subject", text)
		}
	}
}

// Filling in is bounded by the output cap, whatever the wording repeats.
func TestWordingOutputIsCapped(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("{{.TestURL}}", 1600) // 19,200 characters, within a body's limit
	d := TemplateData{TestURL: "https://tests.example.com/t/" + strings.Repeat("x", 64)}
	if _, err := Render("s", body, "", d); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("got %v, want too long", err)
	}
}

// A link's wording that no longer reads (saved when any Go template was
// accepted) still gets the candidate their email, in the built-in words.
func TestComposeFallsBackToBuiltInWording(t *testing.T) {
	t.Parallel()
	c := NewComposer("https://tests.example.com", sender)
	d := store.EmailData{Kind: store.EmailInvitation,
		Invitation: store.Invitation{Name: "Ada", Token: "tok"},
		Link: store.TestLink{Name: "Spring",
			LinkEmails: store.LinkEmails{InviteSubject: "{{range 3}}x{{end}}", InviteBody: "{{.TestName | printf}}"}},
		Test: store.Test{Name: "Go basics", DurationMinutes: 20}}
	got, err := c.Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Your invitation to Go basics" || !strings.Contains(got.Text, "Hello Ada,") ||
		!strings.Contains(got.Text, "https://tests.example.com/t/tok") {
		t.Fatalf("got %q / %q", got.Subject, got.Text)
	}
	d.Link.InviteSubject, d.Link.InviteBody = "{{.CandidateName}}: {{.TestName}}", "Dear {{.CandidateName}}, go to {{.TestURL}}"
	got, err = c.Compose(d)
	if err != nil || got.Subject != "Ada: Go basics" || got.Text != "Dear Ada, go to https://tests.example.com/t/tok\n" {
		t.Fatalf("custom wording: %q / %q, %v", got.Subject, got.Text, err)
	}
}

// Previews of ever new wordings do not grow the parsed-wording cache.
func TestWordingCacheIsBounded(t *testing.T) {
	t.Parallel()
	for i := range 3 * wordingCacheSize {
		if err := ValidateTemplate(strings.Repeat("x", i) + "{{.TestName}}"); err != nil {
			t.Fatal(err)
		}
		if _, err := execute(strings.Repeat("y", i)+"{{.TestName}}", TemplateData{}); err != nil {
			t.Fatal(err)
		}
	}
	parsedWordings.mu.Lock()
	defer parsedWordings.mu.Unlock()
	if n := len(parsedWordings.parsed); n > wordingCacheSize {
		t.Fatalf("%d wordings cached", n)
	}
}

// FuzzWording: any text either is refused with a reason or fills in
// within the cap; where text/template reads it too, both agree.
func FuzzWording(f *testing.F) {
	for _, s := range []string{DefaultInviteBody, DefaultReminderBody, legacyInviteBody, "{{if .AccessCode}}{{else}}{{end}}", "{{- .TestName -}}",
		"{{/* c */}}", "{{range 30000000}}{{end}}", "{{", "}}{{end}}", "{{if .TestName}}{{if .LinkName}}", "{{.TestURL}}"} {
		f.Add(s)
	}
	// Every placeholder has a value, so no line is left out and
	// text/template stays a fair oracle.
	d := TemplateData{CandidateName: "Ada", TestName: "Go", TestURL: "https://x.test/t/a", ExpiresAt: "soon", DurationMinutes: 30,
		AccessCode: "1", LinkName: "L", Organisation: "O"}
	f.Fuzz(func(t *testing.T, text string) {
		w, err := parseWording(text)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a reason")
			}
			return
		}
		got, err := w.fill(d)
		if err != nil {
			return // too long
		}
		if len(got) > maxFilledIn+len(text) {
			t.Fatalf("filled in to %d bytes", len(got))
		}
		ref, err := template.New("").Option("missingkey=error").Parse(text)
		if err != nil {
			return
		}
		var want strings.Builder
		if ref.Execute(&want, d) == nil && want.String() != got {
			t.Fatalf("%q: got %q, text/template %q", text, got, want.String())
		}
	})
}

// Recruiters write placeholders as words; a line whose placeholders are
// all empty is left out, so the built-in wording needs no markup.
func TestWordingPlaceholdersAsWords(t *testing.T) {
	t.Parallel()
	w, err := parseWording("Hi {{Candidate  Name}}, {{ test link }}\nCode: {{access code}}\nDue {{expires at}} ({{duration}})\n\nBye {{.CandidateName}}")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		d    TemplateData
		want string
	}{
		{TemplateData{CandidateName: "Ada", TestURL: "u", AccessCode: "42", ExpiresAt: "Friday", DurationMinutes: 1},
			"Hi Ada, u\nCode: 42\nDue Friday (1 minute)\n\nBye Ada"},
		// No code: its line goes; the deadline line stays while the duration is known.
		{TemplateData{CandidateName: "Ada", TestURL: "u", DurationMinutes: 45}, "Hi Ada, u\nDue  (45 minutes)\n\nBye Ada"},
		{TemplateData{CandidateName: "Ada", TestURL: "u"}, "Hi Ada, u\n\nBye Ada"},
	} {
		if got, err := w.fill(tc.d); err != nil || got != tc.want {
			t.Errorf("%+v: got %q, want %q (%v)", tc.d, got, tc.want, err)
		}
	}
	for _, text := range []string{DefaultInviteBody, DefaultReminderBody, DefaultInviteSubject, DefaultRevocationBody} {
		if strings.Contains(text, "{{if") || strings.Contains(text, "{{.") {
			t.Errorf("the built-in wording shows template code: %q", text)
		}
	}
}
