package mail

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"testgate/store"
	"testgate/views/locale"
)

// Composer renders invitation and reminder emails: a plain-text body from
// the link's wording (or the built-in one) and an HTML alternative around
// it with a clear call to action. It implements store.Composer.
type Composer struct {
	baseURL string
	domain  string // of the sender, for Message-IDs
}

// NewComposer makes a composer for test URLs under baseURL and Message-IDs
// in the sender's domain.
func NewComposer(baseURL string, from *mail.Address) *Composer {
	domain := "testgate.local"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 && at < len(from.Address)-1 {
		domain = from.Address[at+1:]
	}
	return &Composer{baseURL: strings.TrimSuffix(baseURL, "/"), domain: domain}
}

// TemplateData is what a recruiter's wording may use, e.g. {{candidate name}}
// (see wording.go).
type TemplateData struct {
	CandidateName   string
	TestName        string
	TestURL         string
	ExpiresAt       string // "31 Jan 2027 18:00 UTC", or empty
	DurationMinutes int
	LinkName        string
	AccessCode      string // to type after opening the link, or empty
	Organisation    string // from the settings, or empty
	Duration        string // DurationMinutes in the candidate's language; empty: in English
}

// Built-in wording in English, used when a link sets none; the other
// languages' are in views/locale's catalogs, with these.
var (
	english                  = locale.For("en")
	DefaultInviteSubject     = english.S("MailInviteSubject")
	DefaultInviteBody        = english.S("MailInviteBody")
	DefaultReminderSubject   = english.S("MailReminderSubject")
	DefaultReminderBody      = english.S("MailReminderBody")
	DefaultRevocationSubject = english.S("MailRevocationSubject")
	DefaultRevocationBody    = english.S("MailRevocationBody")
)

// MessageID returns a new globally unique Message-ID, without brackets.
// The time comes first so that ids made together sort together: the
// outbox's unique index then grows at its end during a bulk import.
func (c *Composer) MessageID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%012x.%s@%s", time.Now().UnixMilli(), hex.EncodeToString(b), c.domain)
}

// Data is what an email about this invitation can say, in l. The time
// allowed is the candidate's own, their extra time included (in whole
// minutes, rounded down: never more than they have).
func (c *Composer) Data(d store.EmailData, l locale.T) TemplateData {
	minutes := int(store.AttemptDuration(d.Test.DurationMinutes, d.Invitation.ExtraTimePercent) / time.Minute)
	td := TemplateData{
		CandidateName: d.Invitation.Name, TestName: d.Test.Name, TestURL: c.baseURL + "/t/" + d.Invitation.Token,
		DurationMinutes: minutes, LinkName: d.Link.Name, AccessCode: d.Invitation.AccessCode,
		Duration: l.Minutes(minutes),
	}
	if d.Invitation.ExpiresAt != nil {
		td.ExpiresAt = l.DateTime(*d.Invitation.ExpiresAt, time.UTC)
	}
	td.Organisation = d.Brand.Organisation
	return td
}

// brandFor is what the HTML part shows of the organisation: its logo,
// served by Testgate, and its name and contact address.
func (c *Composer) brandFor(b store.Branding) brand {
	out := brand{Organisation: b.Organisation, Contact: b.ContactEmail}
	if b.HasLogo() {
		out.LogoURL = c.baseURL + LogoPath(b)
	}
	return out
}

// LogoPath is where the logo is served, versioned by its last save so a
// new logo is not hidden behind a cached old one.
func LogoPath(b store.Branding) string {
	return fmt.Sprintf("/brand/logo?v=%d", b.UpdatedAt.UnixMilli())
}

// footer is the plain-text part's closing lines about the organisation.
func footer(b store.Branding, l locale.T) string {
	switch {
	case b.Organisation != "" && b.ContactEmail != "":
		return "\n\n--\n" + b.Organisation + " · " + l.S("MailQuestions") + " " + b.ContactEmail
	case b.Organisation != "":
		return "\n\n--\n" + b.Organisation
	case b.ContactEmail != "":
		return "\n\n--\n" + l.S("MailQuestions") + " " + b.ContactEmail
	}
	return ""
}

// Compose renders the email of an invitation in the candidate's language,
// with the link's wording in that language (d.Wording, which the store
// reads; for the link's own language, its own wording) or the built-in
// text in it.
func (c *Composer) Compose(d store.EmailData) (store.Email, error) {
	lang := cmp.Or(d.Lang, store.CandidateLanguage(d.Invitation))
	l := locale.For(lang)
	w := d.Wording
	if lang == d.Link.WordingLanguage() {
		w = d.Link.OwnWording()
	}
	subject, body := w.InviteSubject, w.InviteBody
	defSubject, defBody, action := l.S("MailInviteSubject"), l.S("MailInviteBody"), l.S("MailAction")
	switch d.Kind {
	case store.EmailReminder:
		subject, body = w.ReminderSubject, w.ReminderBody
		defSubject, defBody = l.S("MailReminderSubject"), l.S("MailReminderBody")
	case store.EmailRevocation:
		subject, body, defSubject, defBody, action = "", "", l.S("MailRevocationSubject"), l.S("MailRevocationBody"), ""
	}
	if strings.TrimSpace(subject) == "" {
		subject = defSubject
	}
	if strings.TrimSpace(body) == "" {
		body = defBody
	}
	data, b := c.Data(d, l), c.brandFor(d.Brand)
	b.Questions, b.Lang = l.S("MailQuestions"), l.Lang()
	email, err := render(subject, body, action, data, b)
	if err != nil && (subject != defSubject || body != defBody) {
		// A wording saved before placeholders were checked as they are now
		// must not cost the candidate the email: the built-in text goes.
		email, err = render(defSubject, defBody, action, data, b)
	}
	if err != nil {
		return store.Email{}, err
	}
	email.Text = strings.TrimSuffix(email.Text, "\n") + footer(d.Brand, l) + "\n"
	email.ReplyTo = d.Brand.ContactEmail
	return email, nil
}

// Render executes a subject and body written with placeholders. The text
// part is the body as written; the HTML part escapes it, keeps its
// paragraphs, links the test URL and adds a button.
func Render(subject, body, action string, data TemplateData) (store.Email, error) {
	return render(subject, body, action, data, brand{})
}

func render(subject, body, action string, data TemplateData, b brand) (store.Email, error) {
	if b.Questions == "" {
		b.Questions = "Questions:"
	}
	s, err := execute(subject, data)
	if err != nil {
		return store.Email{}, err
	}
	text, err := execute(body, data)
	if err != nil {
		return store.Email{}, err
	}
	var html strings.Builder
	html.Grow(2048 + 2*len(text)) // the frame and styles, and the text escaped: written without growing
	writeHTML(&html, htmlData{Subject: oneLine(s), Paragraphs: paragraphs(text, data.TestURL), Action: action, URL: data.TestURL, Brand: b})
	return store.Email{Subject: oneLine(s), Text: strings.TrimSpace(text) + "\n", HTML: html.String()}, nil
}

// ValidateTemplate reports whether a recruiter's wording reads as
// placeholders, in words fit for a form.
func ValidateTemplate(text string) error {
	if _, err := parseWording(text); err != nil {
		return fmt.Errorf("cannot be read: %w", err)
	}
	return nil
}

func execute(text string, data TemplateData) (string, error) {
	w, err := parsedWordings.get(text)
	if err != nil {
		return "", fmt.Errorf("cannot be read: %w", err)
	}
	return w.fill(data)
}

// oneLine makes a header value of s: line breaks become spaces, so no
// name or wording can add a header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(lineBreaks.Replace(s)), " ")
}

var lineBreaks = strings.NewReplacer("\r", " ", "\n", " ")

// paragraph is a run of text with the test URL, if present, linked.
type paragraph struct {
	Before, Link, After string
}

func paragraphs(text, url string) []paragraph {
	var out []paragraph
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if i := strings.Index(p, url); url != "" && i >= 0 {
			out = append(out, paragraph{Before: p[:i], Link: url, After: p[i+len(url):]})
		} else {
			out = append(out, paragraph{Before: p})
		}
	}
	return out
}

type htmlData struct {
	Subject    string
	Paragraphs []paragraph
	Action     string
	URL        string
	Brand      brand
}

// brand is the organisation as an email's HTML shows it.
type brand struct {
	Organisation, Contact, LogoURL string
	Questions                      string // "Questions:" in the candidate's language
	Lang                           string // the language the email is written in ("" : English)
}

// htmlEscaper escapes text and quoted attribute values as html/template
// does. The email's HTML is written directly: html/template's reflection
// was a fifth of a bulk import's time.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// safeURL is an http(s) URL for an href, normalised and escaped as
// html/template does, or its "#ZgotmplZ" for any other scheme.
func safeURL(u string) string {
	lower := strings.ToLower(u)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return "#ZgotmplZ"
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$&*+,/:;=?@[]-._~%", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return htmlEscaper.Replace(b.String())
}

// writeHTML writes the HTML part of an email.
func writeHTML(b *strings.Builder, d htmlData) {
	b.WriteString(`<!DOCTYPE html>
<html lang="`)
	b.WriteString(htmlEscaper.Replace(cmp.Or(d.Brand.Lang, "en")))
	b.WriteString(`">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>`)
	b.WriteString(htmlEscaper.Replace(d.Subject))
	b.WriteString(`</title></head>
<body style="margin:0;padding:24px;background:#f5f6f8;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1d232b;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d9dde3;border-radius:8px;">
<tr><td style="padding:24px;font-size:16px;line-height:1.5;">
`)
	if d.Brand.LogoURL != "" {
		b.WriteString(`<p style="margin:0 0 16px;"><img src="` + safeURL(d.Brand.LogoURL) + `" alt="` + htmlEscaper.Replace(d.Brand.Organisation) +
			`" style="max-height:48px;max-width:240px;"></p>` + "\n")
	}
	for _, p := range d.Paragraphs {
		b.WriteString(`<p style="margin:0 0 16px;white-space:pre-line;">`)
		b.WriteString(htmlEscaper.Replace(p.Before))
		if p.Link != "" {
			b.WriteString(`<a href="` + safeURL(p.Link) + `" style="color:#1f5fbf;">` + htmlEscaper.Replace(p.Link) + `</a>`)
		}
		b.WriteString(htmlEscaper.Replace(p.After))
		b.WriteString("</p>\n")
	}
	if d.Action != "" {
		b.WriteString(`<p style="margin:24px 0 8px;"><a href="` + safeURL(d.URL) + `" style="display:inline-block;background:#1f5fbf;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 24px;border-radius:6px;">` +
			htmlEscaper.Replace(d.Action) + `</a></p>`)
	}
	if d.Brand.Organisation != "" || d.Brand.Contact != "" {
		b.WriteString(`<p style="margin:24px 0 0;padding-top:16px;border-top:1px solid #d9dde3;font-size:13px;color:#5b6470;">`)
		b.WriteString(htmlEscaper.Replace(d.Brand.Organisation))
		if d.Brand.Organisation != "" && d.Brand.Contact != "" {
			b.WriteString(" · ")
		}
		if d.Brand.Contact != "" {
			b.WriteString(htmlEscaper.Replace(d.Brand.Questions) + ` <a href="mailto:` + htmlEscaper.Replace(d.Brand.Contact) + `" style="color:#1f5fbf;">` +
				htmlEscaper.Replace(d.Brand.Contact) + `</a>`)
		}
		b.WriteString("</p>")
	}
	b.WriteString(`
</td></tr>
</table>
</body>
</html>
`)
}

// ComposeAccount renders the email that lets a new console user set their
// password.
func (c *Composer) ComposeAccount(d store.AccountEmailData) (store.Email, error) {
	url := c.baseURL + "/password/" + d.Token
	name := d.User.Name
	if name == "" {
		name = d.User.Email
	}
	until := d.ExpiresAt.UTC().Format("2 Jan 2006 15:04 UTC")
	text := "Hello " + name + ",\n\nAn account was made for you in Testgate, with the address " + d.User.Email +
		".\n\nSet your password here: " + url + "\n\nThe link works once, until " + until +
		". If you did not expect this email, you can ignore it."
	subject := "Set your Testgate password"
	if d.Reset {
		text = "Hello " + name + ",\n\nSomeone asked to reset the password of the Testgate account " + d.User.Email +
			".\n\nChoose a new password here: " + url + "\n\nThe link works once, until " + until +
			". If you did not ask, ignore this email: your password stays as it is."
		subject = "Reset your Testgate password"
	}
	var html strings.Builder
	action := "Set your password"
	if d.Reset {
		action = "Choose a new password"
	}
	writeHTML(&html, htmlData{Subject: subject, Paragraphs: paragraphs(text, url), Action: action, URL: url})
	return store.Email{Subject: subject, Text: text + "\n", HTML: html.String()}, nil
}
