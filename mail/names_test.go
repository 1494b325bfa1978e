package mail

import (
	"bytes"
	"fmt"
	netmail "net/mail"
	"strings"
	"testing"

	"testgate/store"
)

// candidateNames are names in many scripts and with every character that
// is special in an address header: each must arrive as the name it is.
var candidateNames = []string{
	`Ann "Nan`, `Ann \"Nan\"`, `trailing \`, `\`, `"`, `""`, `O'Brien, Jr.`, `Smith; Jones: <x@y.test>`,
	`(not a comment)`, `[brackets] {braces}`, `a@b.test`, `=?utf-8?q?not_encoded?=`, `100% ~ ^ | * # $ & ! ? / =`,
	`Zoë Ångström-Łukasiewicz`, `Δημήτρης Παπαδόπουλος`, `Дмитрий Шостакович`, `Ђорђе Јовановић`,
	`محمد عبد الله`, `דוד בן-גוריון`, `राजेश कुमार`, `বাংলা নাম`, `ਪੰਜਾਬੀ`, `தமிழ் பெயர்`, `สมชาย ใจดี`,
	`김민준`, `山田 太郎`, `李小龍`, `Nguyễn Văn An`, `Ọlá Adéwálé`, `ትግርኛ ስም`, `ქართული`, `Հայերեն`,
	`👩🏽‍💻 Dev`, "e\u0301 combining", strings.Repeat("Wolfeschlegelsteinhausenbergerdorff ", 4) + "Sr.",
}

func TestEveryNameArrivesAsItIs(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	want := map[string]string{}
	for i, name := range candidateNames {
		email := fmt.Sprintf("cand%d@example.com", i)
		f.invite(t, name, email, nil)
		want[email] = name
	}
	f.runWorker(t, s.addr, 0)
	f.waitFor(t, store.OutboxSent, len(candidateNames))
	got := s.received()
	if len(got) != len(candidateNames) {
		t.Fatalf("%d messages received", len(got))
	}
	for _, m := range got {
		msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 {
			t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
		}
		if to[0].Name != want[to[0].Address] || len(m.To) != 1 || m.To[0] != to[0].Address {
			t.Errorf("To %q reads as %q <%s>, want %q", msg.Header.Get("To"), to[0].Name, to[0].Address, want[to[0].Address])
		}
		if from, err := msg.Header.AddressList("From"); err != nil || from[0].Name != sender.Name {
			t.Errorf("From %q: %v", msg.Header.Get("From"), err)
		}
	}
}
