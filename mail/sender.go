package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"

	"testgate/store"
)

// Sender delivers one message. Deliver's error tells permanent failures
// (the server refused the message: 5xx) from ones worth retrying.
type Sender interface {
	Deliver(ctx context.Context, m store.OutboxMessage) error
	// DevMailbox reports whether messages stay in the built-in mailbox.
	DevMailbox() bool
	Close() error
}

// PermanentError is a refusal that retrying will not change.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// DevMailbox keeps messages in the database for the console's mailbox
// page: `make run` shows every email without a mail server.
type DevMailbox struct{}

func (DevMailbox) Deliver(context.Context, store.OutboxMessage) error { return nil }
func (DevMailbox) DevMailbox() bool                                   { return true }
func (DevMailbox) Close() error                                       { return nil }

// SMTPSender sends over one SMTP connection, kept open between messages
// and opened again when the server drops it.
type SMTPSender struct {
	client *gomail.Client
	from   *mail.Address
	dialed bool
}

// NewSMTPSender makes a sender for the server; it connects on first use.
func NewSMTPSender(cfg SMTPConfig, from *mail.Address) (*SMTPSender, error) {
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(20 * time.Second)}
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(&tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	if cfg.TLS == TLSNone {
		// Port-based policy would still try STARTTLS on 587; none means none.
		c.SetTLSPolicy(gomail.NoTLS)
	}
	return &SMTPSender{client: c, from: from}, nil
}

func (s *SMTPSender) DevMailbox() bool { return false }

// Deliver sends one message, connecting first when needed.
func (s *SMTPSender) Deliver(ctx context.Context, m store.OutboxMessage) error {
	msg, err := Message(s.from, m)
	if err != nil {
		return &PermanentError{err}
	}
	if err := s.dial(ctx); err != nil {
		return err
	}
	err = s.client.Send(msg)
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) && sendErr.Reason == gomail.ErrConnCheck {
		// The kept connection was gone before anything was sent: go-mail
		// lets an idle connection lapse after its timeout (15 s), and
		// servers hang up on idle ones. Connect again and send now,
		// rather than fail the message into a 30-second backoff.
		s.client.Close()
		s.dialed = false
		if err := s.dial(ctx); err != nil {
			return err
		}
		err = s.client.Send(msg)
	}
	if err == nil {
		return nil
	}
	if errors.As(err, &sendErr) && sendErr.Reason == gomail.ErrSMTPReset {
		// The server accepted the message (DATA ended well) and only the
		// RSET after it failed: delivered. Sending it again would duplicate.
		s.client.Close()
		s.dialed = false
		return nil
	}
	if errors.As(err, &sendErr) && sendErr.ErrorCode() >= 500 && sendErr.ErrorCode() < 600 {
		// The server answered and refused; the connection is still good.
		return &PermanentError{err}
	}
	// Anything else (4xx, a dropped connection, a timeout): start afresh.
	s.client.Close()
	s.dialed = false
	return err
}

// dial connects when there is no connection.
func (s *SMTPSender) dial(ctx context.Context) error {
	if s.dialed {
		return nil
	}
	if err := s.client.DialWithContext(ctx); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	s.dialed = true
	return nil
}

// Close ends the connection.
func (s *SMTPSender) Close() error {
	if !s.dialed {
		return nil
	}
	s.dialed = false
	return s.client.Close()
}

// Message builds the MIME message of an outbox row: text with an HTML
// alternative, its stable Message-ID, names and subject on one line.
func Message(from *mail.Address, m store.OutboxMessage) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if !store.ValidEmail(m.Recipient) {
		return nil, fmt.Errorf("recipient %q is not an address", m.Recipient)
	}
	// Names go in as mail.Address values, which net/mail quotes (RFC 5322)
	// or encodes (RFC 2047) when written: any quote, backslash or script in
	// a name stays part of the name. Building "Name <addr>" text instead
	// lost the email of a name with an unmatched quote.
	msg.FromMailAddress(&mail.Address{Name: oneLine(from.Name), Address: from.Address})
	msg.AddToMailAddress(&mail.Address{Name: oneLine(m.RecipientName), Address: m.Recipient})
	if store.ValidEmail(m.ReplyTo) {
		msg.ReplyToMailAddress(&mail.Address{Address: m.ReplyTo}) // the organisation's contact address
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDate()
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}
