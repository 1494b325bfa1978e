package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"testgate/store"
)

// Every console page fits a 390-pixel phone: nothing is wider than the
// screen (the page never scrolls sideways; wide tables scroll inside
// themselves), and the whole menu shows.
func TestBrowserConsoleFitsAPhone(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Senior backend engineer, payments platform (Go, PostgreSQL)", Kind: store.KindAssessment,
		DurationMinutes: 45, Instructions: "Answer on your own."}, []store.QuestionInput{
		{Text: "Which isolation level prevents phantom reads in PostgreSQL?", Kind: store.QuestionSingle,
			Options: []string{"Read committed", "Repeatable read", "Serializable"}, Correct: []int{2}},
	})
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus drive 2027, north region", Public: true, Slug: "campus-drive-2027-north", SendEmail: true})
	private, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Invite only"})
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Maximilian Alexander Wolfeschlegelsteinhausen",
		Email: "maximilian.alexander.wolfeschlegelsteinhausen@very-long-company-domain.example.com", Source: store.SourceNative})
	msgs, _ := db.Outbox(ctx, store.OutboxFilter{})
	bankIDs, _ := db.AddBankQuestions(ctx, []store.QuestionInput{
		{Text: "Explain how PostgreSQL's MVCC keeps readers from blocking writers, and what VACUUM has to do with it.", Kind: store.QuestionText,
			Topic: "postgresql-internals", Difficulty: "hard", Points: 5},
		{Text: "Which index type suits equality lookups only?", Kind: store.QuestionSingle, Options: []string{"B-tree", "Hash"}, Correct: []int{1},
			Topic: "postgresql-internals", Difficulty: "hard"},
	})
	drawn, _ := db.CreateSectionedTest(ctx, store.TestInput{Name: "Drawn paper with a long name for a phone", Kind: store.KindAssessment,
		DurationMinutes: 30}, []store.SectionInput{{Name: "Database internals, drawn from the bank", Picks: bankIDs[:1], TimeLimit: 10,
		Rules: []store.SectionRule{{Topic: "postgresql-internals", Difficulty: "hard", Count: 1}}}})
	sections, _ := db.Sections(ctx, drawn.ID)
	b := startBrowser(t)
	do(t, b, phone, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#f-email")),
		chromedp.SendKeys(css("#f-email"), "admin@example.com"),
		chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="current-user"]`)),
	)
	pages := []string{"/", "/tests", "/tests/new", "/tests/" + idStr(tt.ID), "/tests/" + idStr(tt.ID) + "/edit",
		"/links/" + idStr(link.ID), "/links/" + idStr(private.ID), "/links/" + idStr(link.ID) + "/edit", "/links/" + idStr(link.ID) + "/emails",
		"/links/" + idStr(link.ID) + "/import", "/invitations", "/invitations/" + idStr(res.Invitation.ID),
		"/outbox", "/mailbox", "/deliveries", "/settings/users", "/settings/api-keys", "/settings/webhooks", "/settings/branding", "/settings/privacy", "/settings/audit", "/settings/teams",
		"/settings/integrations", "/settings/integrations/greenhouse", "/settings/integrations/ashby",
		"/tests/" + idStr(tt.ID) + "/preview", // the candidate pages, as a preview
		"/invitations/" + idStr(res.Invitation.ID) + "/report", "/tests/" + idStr(tt.ID) + "/results", "/tests/" + idStr(tt.ID) + "/statistics", "/bank",
		"/bank/" + idStr(bankIDs[0]) + "/edit", "/tests/" + idStr(drawn.ID), "/tests/" + idStr(drawn.ID) + "/preview",
		"/tests/" + idStr(drawn.ID) + "/sections/" + idStr(sections[0].ID) + "/pick"}
	if len(msgs) > 0 {
		pages = append(pages, "/outbox/"+idStr(msgs[0].ID))
	}
	var wide, split, tiny []string
	for _, page := range pages {
		do(t, b, chromedp.Navigate(base+page), chromedp.WaitVisible(css("main")))
		width, err := chromedp.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		// Menu items past the header's right edge are cut off.
		hidden, err := chromedp.Run(b, chromedp.Evaluate[int](`[...document.querySelectorAll("header.top nav a")].filter(a => a.getBoundingClientRect().right > window.innerWidth).length`))
		if err != nil {
			t.Fatal(err)
		}
		screenshot(t, b, "phone"+strings.ReplaceAll(page, "/", "-")) // for a person to look at, when asked
		if width > 390 || hidden > 0 {
			wide = append(wide, fmt.Sprintf("%s: %d px wide, %d menu items off screen", page, width, hidden))
		}
		broken, err := chromedp.Run(b, chromedp.Evaluate[string](brokenWords))
		if err != nil {
			t.Fatal(err)
		}
		if broken != "" {
			split = append(split, page+": "+broken)
		}
		small, err := chromedp.Run(b, chromedp.Evaluate[string](tinyText))
		if err != nil {
			t.Fatal(err)
		}
		if small != "" {
			tiny = append(tiny, page+": "+small)
		}
	}
	if len(wide) > 0 {
		t.Fatalf("pages wider than a 390-pixel phone:\n%s", strings.Join(wide, "\n"))
	}
	if len(tiny) > 0 {
		t.Fatalf("text drawn smaller than 12 px on a 390-pixel phone (labels in a shrunken chart):\n%s", strings.Join(tiny, "\n"))
	}
	if len(split) > 0 {
		t.Fatalf("words broken inside on a 390-pixel phone (a table read as letters, a button as \"Cop/y\"):\n%s", strings.Join(split, "\n"))
	}
}

// tinyText lists text of the page's main content drawn smaller than 12
// CSS pixels, counting the scale of an SVG it sits in.
const tinyText = `(() => {
	const tiny = [];
	for (const el of document.querySelectorAll("main *")) {
		if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
		const r = el.getBoundingClientRect();
		if (!r.width || !r.height || el.closest(".visually-hidden, title")) continue;
		let px = parseFloat(getComputedStyle(el).fontSize);
		if (el instanceof SVGGraphicsElement && el.getScreenCTM()) px *= el.getScreenCTM().a;
		if (px < 12) tiny.push(JSON.stringify(el.textContent.trim().slice(0, 30)) + " at " + px.toFixed(1) + " px");
	}
	return tiny.slice(0, 5).join("; ");
})()`

// brokenWords lists the words of the page's main content that wrap inside
// themselves although they would fit on a line: a word whose letters lie
// on two lines. Code, form controls and hidden text are left out; a word
// longer than its whole line (an extreme name in a heading) must break.
const brokenWords = `(() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest("script, style, code, pre, .visually-hidden, textarea, select, option, svg")) continue;
    if (!el.getClientRects().length) continue;
    const re = /[\p{L}\p{N}]{2,}/gu;
    for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const rects = [...r.getClientRects()].filter(x => x.width > 0);
      if (rects.length < 2 || Math.abs(rects[0].top - rects[rects.length - 1].top) <= 2) continue;
      // A word wider than its whole line has to break; one that fits does not.
      let box = el;
      while (box.parentElement && getComputedStyle(box).display.startsWith("inline")) box = box.parentElement;
      const cs = getComputedStyle(box);
      const line = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      if (rects.reduce((w, x) => w + x.width, 0) < line) out.push(m[0]);
    }
  }
  return [...new Set(out)].slice(0, 12).join(", ");
})()`
