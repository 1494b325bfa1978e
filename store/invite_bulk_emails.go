package store

import (
	"context"
	"fmt"
	"time"
)

// composedEmails are the invitation emails of a batch's new invitations,
// composed on a goroutine of their own while the writer inserts the rows.
// Composing is about a sixth of a bulk assign's time; beside the inserts it
// takes the other core instead of the writer's turn, which candidates wait
// for.
type composedEmails struct {
	done   chan struct{}
	emails []Email // in the order of the invitations they were composed for
	err    error
}

// composeInvitationEmails reads what the emails of fs are composed from
// (the test, the branding, the link's wording in each language) in the
// transaction, and starts composing them. Each is composed from a copy of
// its invitation as it is now: the rows get their ids meanwhile, and an
// email does not name the id.
func (db *DB) composeInvitationEmails(ctx context.Context, tx *Tx, l TestLink, fs []*fresh) (*composedEmails, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	t, err := tx.test(ctx, l.TestID)
	if err != nil {
		return nil, err
	}
	brand, err := db.Branding(ctx)
	if err != nil {
		return nil, err
	}
	wordings := map[string]Wording{} // by language, read once per batch
	invs := make([]Invitation, len(fs))
	for i, f := range fs {
		invs[i] = f.inv
		lang := CandidateLanguage(f.inv)
		if _, ok := wordings[lang]; !ok {
			if wordings[lang], err = tx.linkWording(ctx, l, lang); err != nil {
				return nil, err
			}
		}
	}
	c := &composedEmails{done: make(chan struct{}), emails: make([]Email, len(fs))}
	go func() {
		defer func() {
			// A panic here is outside the request's recovery: it fails
			// the batch instead of the process.
			if r := recover(); r != nil {
				c.err = fmt.Errorf("store: compose invitation email: %v", r)
			}
			close(c.done)
		}()
		for i, inv := range invs {
			lang := CandidateLanguage(inv)
			email, err := db.composer.Compose(EmailData{Kind: EmailInvitation, Invitation: inv, Link: l, Test: t, Brand: brand,
				Lang: lang, Wording: wordings[lang]})
			if err != nil {
				c.err = fmt.Errorf("store: compose invitation email: %w", err)
				return
			}
			c.emails[i] = email
		}
	}()
	return c, nil
}

// wait returns the composed emails once all are.
func (c *composedEmails) wait() ([]Email, error) {
	<-c.done
	return c.emails, c.err
}

// enqueueInvitationEmails queues the composed emails of new invitations, a
// statement per group of rows.
func (db *DB) enqueueInvitationEmails(ctx context.Context, tx *Tx, fs []*fresh, composed *composedEmails, now time.Time) error {
	emails, err := composed.wait()
	if err != nil {
		return err
	}
	return insertInGroups(ctx, tx, `INSERT INTO outbox (invitation_id, recipient, recipient_name, subject, body_text, body_html,
			message_id, scheduled_at, next_attempt_at, created_at, reply_to, kind, status, updated_at) VALUES `, 14, fs,
		func(args []any, f *fresh) []any {
			email := emails[0]
			emails = emails[1:] // in the order of fs
			at := now
			if f.n.SendEmailAt != nil && f.n.SendEmailAt.After(now) {
				at = *f.n.SendEmailAt
			} else {
				tx.workDue(WorkMail)
			}
			return append(args, f.inv.ID, f.inv.Email, f.inv.Name, email.Subject, email.Text, email.HTML,
				db.composer.MessageID(), millis(at), millis(at), millis(now), email.ReplyTo, EmailInvitation, OutboxQueued, millis(now))
		})
}
