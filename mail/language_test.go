package mail

import (
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// A candidate's emails are in their language: the one they chose, else the
// invitation's; the link's own wording goes only to candidates of the
// language it is written in.
func TestComposeInTheCandidatesLanguage(t *testing.T) {
	t.Parallel()
	c := NewComposer("https://tests.example.com", sender)
	expires := time.Date(2027, 1, 31, 17, 0, 0, 0, time.UTC)
	d := store.EmailData{Kind: store.EmailInvitation,
		Invitation: store.Invitation{Name: "Аня", Token: "tok", Lang: "ru", ExpiresAt: &expires, AccessCode: "123456"},
		Link:       store.TestLink{Name: "Весна"},
		Test:       store.Test{Name: "Go", DurationMinutes: 25},
		Brand:      store.Branding{ContactEmail: "hr@acme.test"}}
	ru, err := c.Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Здравствуйте, Аня!", "На него отводится 25 минут;", "Ваш код доступа: 123456", "до 31.01.2027, 17:00 UTC", "Вопросы: hr@acme.test"} {
		if !strings.Contains(ru.Text, want) {
			t.Errorf("Russian email lacks %q:\n%s", want, ru.Text)
		}
	}
	if ru.Subject != "Приглашение на тест Go" || !strings.Contains(ru.HTML, ">Начать тест</a>") || !strings.Contains(ru.HTML, "Вопросы:") {
		t.Errorf("Russian subject %q / HTML", ru.Subject)
	}

	// The candidate's own choice wins; the link's English wording does not
	// reach a Serbian candidate, who gets the built-in text in Serbian.
	d.Invitation.ChosenLang = "sr"
	d.Link.InviteSubject, d.Link.InviteBody = "Hi {{candidate name}}", "Custom English body {{test link}}"
	sr, _ := c.Compose(d)
	if sr.Subject != "Позив за тест Go" || !strings.Contains(sr.Text, "Траје 25 минута;") || strings.Contains(sr.Text, "Custom English") {
		t.Errorf("Serbian email: %q\n%s", sr.Subject, sr.Text)
	}
	d.Invitation.ChosenLang, d.Invitation.Lang = "", ""
	en, _ := c.Compose(d)
	if en.Subject != "Hi Аня" || !strings.HasPrefix(en.Text, "Custom English body https://tests.example.com/t/tok") {
		t.Errorf("English candidate, custom wording: %q / %q", en.Subject, en.Text)
	}
	// A link in German: its wording is German and goes to German candidates.
	d.Link.Lang, d.Invitation.Lang = "de", "de"
	de, _ := c.Compose(d)
	if de.Subject != "Hi Аня" {
		t.Errorf("German link's own wording not used for a German candidate: %q", de.Subject)
	}
}

// The HTML part says which language it is written in, and the time allowed
// is the candidate's own, with their extra time.
func TestEmailSaysItsLanguageAndTheCandidatesTime(t *testing.T) {
	t.Parallel()
	c := NewComposer("https://tests.example.com", sender)
	d := store.EmailData{Kind: store.EmailInvitation,
		Invitation: store.Invitation{Name: "Zoé", Token: "tok", Lang: "fr", ExtraTimePercent: 50},
		Test:       store.Test{Name: "Go", DurationMinutes: 25}}
	fr, err := c.Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fr.HTML, `<html lang="fr">`) || strings.Contains(fr.HTML, `lang="en"`) {
		t.Errorf("French email's HTML: %.120s", fr.HTML)
	}
	if !strings.Contains(fr.Text, "37 minutes") || strings.Contains(fr.Text, "25 minutes") {
		t.Errorf("25 minutes with 50 %% extra time (37 min 30 s) reads:\n%s", fr.Text)
	}
	d.Invitation.Lang, d.Invitation.ExtraTimePercent = "", 0
	en, _ := c.Compose(d)
	if !strings.Contains(en.HTML, `<html lang="en">`) || !strings.Contains(en.Text, "25 minutes") {
		t.Errorf("English email: %.120s\n%s", en.HTML, en.Text)
	}
}
