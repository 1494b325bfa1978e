// Package mail builds and delivers Testgate's email. This file reads the
// SMTP server setting.
package mail

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// TLSMode is how the SMTP connection is secured.
type TLSMode string

const (
	TLSNone     TLSMode = "none"     // plain text (local relays, test servers)
	TLSStartTLS TLSMode = "starttls" // upgrade after connecting (port 587)
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig is a parsed --smtp-url.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      TLSMode
}

// Addr is host:port.
func (c SMTPConfig) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// String describes the server without its password, for logs.
func (c SMTPConfig) String() string {
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("smtp://%s%s?tls=%s", user, c.Addr(), c.TLS)
}

// ParseSMTPURL reads smtp://user:pass@host:port?tls=none|starttls|tls.
// The port defaults by mode (25, 587, 465); tls defaults to starttls.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("smtp url: %w", err)
	}
	if u.Scheme != "smtp" {
		return SMTPConfig{}, fmt.Errorf("smtp url: scheme must be smtp://, not %q", u.Scheme)
	}
	cfg := SMTPConfig{Host: u.Hostname(), TLS: TLSStartTLS}
	if cfg.Host == "" {
		return SMTPConfig{}, fmt.Errorf("smtp url: a host is required, as in smtp://user:pass@mail.example.com:587")
	}
	for key := range u.Query() {
		if key != "tls" {
			return SMTPConfig{}, fmt.Errorf("smtp url: unknown parameter %q (only tls= is understood)", key)
		}
	}
	if mode := strings.ToLower(u.Query().Get("tls")); mode != "" {
		switch TLSMode(mode) {
		case TLSNone, TLSStartTLS, TLSImplicit:
			cfg.TLS = TLSMode(mode)
		default:
			return SMTPConfig{}, fmt.Errorf("smtp url: tls must be none, starttls or tls, not %q", mode)
		}
	}
	switch port := u.Port(); {
	case port != "":
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return SMTPConfig{}, fmt.Errorf("smtp url: port %q is not a port number", port)
		}
		cfg.Port = n
	case cfg.TLS == TLSImplicit:
		cfg.Port = 465
	case cfg.TLS == TLSStartTLS:
		cfg.Port = 587
	default:
		cfg.Port = 25
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	return cfg, nil
}
