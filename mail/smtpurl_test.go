package mail

import (
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	good := map[string]SMTPConfig{
		"smtp://user:p%40ss@mail.example.com:2525?tls=none": {Host: "mail.example.com", Port: 2525, Username: "user", Password: "p@ss", TLS: TLSNone},
		"smtp://mail.example.com":                           {Host: "mail.example.com", Port: 587, TLS: TLSStartTLS},
		"smtp://mail.example.com?tls=tls":                   {Host: "mail.example.com", Port: 465, TLS: TLSImplicit},
		"smtp://mail.example.com?tls=NONE":                  {Host: "mail.example.com", Port: 25, TLS: TLSNone},
		"smtp://[::1]:1025?tls=none":                        {Host: "::1", Port: 1025, TLS: TLSNone},
	}
	for raw, want := range good {
		got, err := ParseSMTPURL(raw)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", raw, got, err, want)
		}
	}
	bad := map[string]string{
		"http://mail.example.com":             "scheme must be smtp://",
		"smtp://":                             "a host is required",
		"smtp://mail.example.com?tls=maybe":   "tls must be none, starttls or tls",
		"smtp://mail.example.com:99999":       "not a port number",
		"smtp://mail.example.com?timeout=5":   `unknown parameter "timeout"`,
		"smtp://mail.example.com:port?tls=no": "smtp url",
	}
	for raw, want := range bad {
		if _, err := ParseSMTPURL(raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", raw, err, want)
		}
	}
	cfg, _ := ParseSMTPURL("smtp://user:secret@mail.example.com:587")
	if s := cfg.String(); strings.Contains(s, "secret") || s != "smtp://user@mail.example.com:587?tls=starttls" {
		t.Errorf("String() = %q", s)
	}
}
