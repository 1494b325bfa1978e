package mail

import (
	htmltemplate "html/template"
	"strings"
	"testing"
)

// referenceLayout is the html/template the email HTML used to be executed
// with; writeHTML must write exactly what it did, escaping included.
var referenceLayout = htmltemplate.Must(htmltemplate.New("email").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px;background:#f5f6f8;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1d232b;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d9dde3;border-radius:8px;">
<tr><td style="padding:24px;font-size:16px;line-height:1.5;">
{{range .Paragraphs}}<p style="margin:0 0 16px;white-space:pre-line;">{{.Before}}{{if .Link}}<a href="{{.Link}}" style="color:#1f5fbf;">{{.Link}}</a>{{end}}{{.After}}</p>
{{end}}{{if .Action}}<p style="margin:24px 0 8px;"><a href="{{.URL}}" style="display:inline-block;background:#1f5fbf;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 24px;border-radius:6px;">{{.Action}}</a></p>{{end}}
</td></tr>
</table>
</body>
</html>
`))

func TestWriteHTMLMatchesHTMLTemplate(t *testing.T) {
	t.Parallel()
	url := "https://tests.example.com/t/AbC-_123"
	texts := []string{
		"Hello Ada,\n\nPlease take the test: " + url + "\n\nGood luck!",
		`Tricky <b>"quotes"</b> & 'apostrophes' + plus, ünïcode 李, a NUL` + "\x00" + ` and <script>alert(1)</script>`,
		"Line one\nline two in the same paragraph " + url + " then more & more",
		"",
	}
	for _, text := range texts {
		for _, action := range []string{"Start the test", "", "Go <now> & 'go'"} {
			for _, u := range []string{url, "javascript:alert(1)", "http://x.test/t/a+b&c='d'"} {
				d := htmlData{Subject: `Subject "<x>" & 'y' + z`, Paragraphs: paragraphs(text, u), Action: action, URL: u}
				var want strings.Builder
				if err := referenceLayout.Execute(&want, d); err != nil {
					t.Fatal(err)
				}
				var got strings.Builder
				writeHTML(&got, d)
				if got.String() != want.String() {
					t.Errorf("text %q, action %q, url %q:\ngot  %s\nwant %s", text, action, u, got.String(), want.String())
				}
			}
		}
	}
}
