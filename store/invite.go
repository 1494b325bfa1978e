package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Invite finds or makes the invitation for a candidate on a link, in one
// transaction: an address already invited through the link gets the same
// invitation back (a cancelled or expired one is re-opened), any other
// gets a new one with the link's settings and the request's overrides.
// A self-registration (SourcePublic) is anyone typing an address: for one
// the link already knows it is ErrAlreadyRegistered, and nothing changes.
func (db *DB) Invite(ctx context.Context, n NewInvitation) (InviteResult, error) {
	if err := n.Validate().orNil(); err != nil {
		return InviteResult{}, err
	}
	var res InviteResult
	err := db.inTx(ctx, func(tx *Tx) error {
		out, err := db.inviteTx(ctx, tx, n, db.Now())
		if err != nil {
			return err
		}
		res.Created, res.Reopened = out.created, out.reopened
		if out.written != nil { // a new invitation, as its insert wrote it
			res.Invitation = *out.written
			return nil
		}
		res.Invitation, err = invitationTx(ctx, tx, out.id) // the one read of the row, in the transaction that wrote it
		return err
	})
	if err != nil {
		return InviteResult{}, err
	}
	return res, nil
}

// MaxBulkInvitations bounds one InviteMany.
const MaxBulkInvitations = 10000

// InviteMany invites every request — all of them, or, at the first
// invalid one, none: a FieldErrors names the request by index ("email[3]").
// It returns the invitations' ids in order.
//
// A uniform batch (one link, source and actor) on a link without a limit of
// uses is written in transactions of BulkChunk invitations, so candidates'
// writes are not queued behind the whole batch. If it fails part-way, the
// invitations already written stay; asking again returns them, since an
// address invited through a link gets its existing invitation back.
func (db *DB) InviteMany(ctx context.Context, ns []NewInvitation) ([]int64, error) {
	if len(ns) > MaxBulkInvitations {
		return nil, FieldErrors{"email": fmt.Sprintf("must list at most %d addresses", MaxBulkInvitations)}
	}
	for i, n := range ns {
		for field, msg := range n.Validate() {
			return nil, FieldErrors{fmt.Sprintf("%s[%d]", field, i): msg}
		}
	}
	now := db.Now()
	if !uniformBatch(ns) || !db.unlimitedLink(ctx, ns[0]) {
		var ids []int64
		err := db.inTx(ctx, func(tx *Tx) error {
			if uniformBatch(ns) {
				var err error
				ids, _, err = db.inviteBatch(ctx, tx, ns, now)
				return err
			}
			ids = make([]int64, len(ns))
			for i, n := range ns {
				out, err := db.inviteTx(ctx, tx, n, now)
				if err != nil {
					return err
				}
				ids[i] = out.id
			}
			return nil
		})
		return ids, err
	}
	ids := make([]int64, 0, len(ns))
	for batch := range slices.Chunk(ns, BulkChunk) {
		err := db.bulkTx(ctx, func(tx *Tx) error {
			chunk, _, err := db.inviteBatch(ctx, tx, batch, now)
			ids = append(ids, chunk...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// BulkChunk is how many invitations one transaction of a bulk invite
// writes (as an import's chunk: a candidate's write waits tens of
// milliseconds behind one, not the whole batch).
const BulkChunk = 250

// unlimitedLink reports whether the batch's link takes any number of
// invitations: a limit of uses is checked for the whole batch in one
// transaction instead.
func (db *DB) unlimitedLink(ctx context.Context, n NewInvitation) bool {
	var l TestLink
	var err error
	if n.LinkID != 0 {
		l, err = db.Link(ctx, n.LinkID)
	} else {
		l, err = db.DefaultLink(ctx, n.TestID)
	}
	return err == nil && l.MaxUses == 0
}

// uniformBatch reports whether requests share what inviteBatch needs to
// share: link, test, source and actor.
func uniformBatch(ns []NewInvitation) bool {
	for _, n := range ns[min(1, len(ns)):] {
		if n.LinkID != ns[0].LinkID || n.TestID != ns[0].TestID || n.Source != ns[0].Source || n.Actor != ns[0].Actor {
			return false
		}
	}
	return true
}

// inviteTx finds or makes one invitation inside the caller's transaction.
func (db *DB) inviteTx(ctx context.Context, tx *Tx, n NewInvitation, now time.Time) (inviteOutcome, error) {
	link, err := inviteLink(ctx, tx, n)
	if err != nil {
		return inviteOutcome{}, err
	}
	if n.TrackingUniqID != "" {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE tracking_key = ? AND tracking_uniq_id = ?`,
			n.TrackingKey, n.TrackingUniqID).Scan(&taken); err != nil {
			return inviteOutcome{}, err
		}
		if taken > 0 {
			return inviteOutcome{}, ErrDuplicateTracking
		}
	}
	if !n.GeneratePlaceholders || strings.TrimSpace(n.Email) != "" {
		// Two requests for one address take turns: the second finds what
		// the first made.
		if err := tx.lockKeys(ctx, addressKey(n.Email)); err != nil {
			return inviteOutcome{}, err
		}
		existing, err := latestOnLink(ctx, tx, link.ID, NormalizeEmail(n.Email))
		if err != nil && !errors.Is(err, ErrNotFound) {
			return inviteOutcome{}, err
		}
		if err == nil && n.Source == SourcePublic {
			return inviteOutcome{}, ErrAlreadyRegistered
		}
		if err == nil && n.NewAfterFinish && existing.Status.Finished() {
			return db.inviteAfterFinished(ctx, tx, existing, link, n, now)
		}
		if err == nil {
			if existing.Status.NotStarted() && existing.ExpiresAt != nil && !existing.ExpiresAt.After(now) {
				if err := db.setStatus(ctx, tx, existing, StatusExpired, "system", "expiry passed", now); err != nil {
					return inviteOutcome{}, err
				}
				existing.Status = StatusExpired
			}
			if existing.Status.Live() {
				if existing.Status.NotStarted() {
					return inviteOutcome{id: existing.ID}, setAccessWindow(ctx, tx, existing.ID, n.ValidFrom, n.ValidUntil, now)
				}
				return inviteOutcome{id: existing.ID}, nil
			}
			if err := linkOpen(ctx, tx, link, now); err != nil {
				return inviteOutcome{}, err
			}
			if err := reopen(ctx, tx, existing, link, n, now); err != nil {
				return inviteOutcome{}, err
			}
			return inviteOutcome{id: existing.ID, reopened: true}, db.emailIfAsked(ctx, tx, existing.ID, mergeSettings(link, n, now).sendEmail, n, now)
		}
	}
	if err := linkOpen(ctx, tx, link, now); err != nil {
		return inviteOutcome{}, err
	}
	return db.insertAndEmail(ctx, tx, link, n, now)
}

// inviteOutcome is what inviteTx came to: the invitation's id, whether it
// is new or re-opened, and a new one as its insert wrote it.
type inviteOutcome struct {
	id                int64
	created, reopened bool
	written           *Invitation
}

// insertAndEmail makes a new invitation and queues its email if asked.
func (db *DB) insertAndEmail(ctx context.Context, tx *Tx, link TestLink, n NewInvitation, now time.Time) (inviteOutcome, error) {
	inv, err := insertInvitation(ctx, tx, link, n, now)
	if err != nil {
		return inviteOutcome{}, err
	}
	if inv.SendEmail {
		if err := db.queueInvitationEmail(ctx, tx, inv, n, now); err != nil {
			return inviteOutcome{}, err
		}
	}
	return inviteOutcome{id: inv.ID, created: true, written: &inv}, nil
}

// inviteAfterFinished makes a new invitation for an address whose last
// one on the link is finished, which stays in the candidate's history
// (a completed one superseded, as after a reattempt).
func (db *DB) inviteAfterFinished(ctx context.Context, tx *Tx, old Invitation, link TestLink, n NewInvitation, now time.Time) (inviteOutcome, error) {
	if err := linkOpen(ctx, tx, link, now); err != nil {
		return inviteOutcome{}, err
	}
	tx.changedInvitation(old.ID)
	if err := tx.ExecLater(ctx, `UPDATE invitations SET superseded = 1, updated_at = ? WHERE id = ?`, millis(now), old.ID); err != nil {
		return inviteOutcome{}, err
	}
	out, err := db.insertAndEmail(ctx, tx, link, n, now)
	if err != nil {
		return inviteOutcome{}, err
	}
	return out, addEvent(ctx, tx, old.ID, "reattempted", old.Status, old.Status, n.Actor,
		fmt.Sprintf("invited again via %s: invitation %d", n.Source, out.id), now)
}

// setAccessWindow replaces the access window of an invitation not taken
// yet with the bounds a new request gives (iMocha's invite and reattempt
// "replace the old access time"); a bound not given stays.
func setAccessWindow(ctx context.Context, tx *Tx, id int64, from, until *time.Time, now time.Time) error {
	if from == nil && until == nil {
		return nil
	}
	tx.changedInvitation(id)
	err := tx.ExecLater(ctx, `UPDATE invitations SET valid_from = COALESCE(?, valid_from), valid_until = COALESCE(?, valid_until),
		updated_at = ? WHERE id = ?`, nullMillis(from), nullMillis(until), millis(now), id)
	return err
}

// emailIfAsked queues the invitation email of a new or re-opened
// invitation whose settings say to send it, in the same transaction.
// send is what the invitation's settings say, so that one not emailed is
// not read again here.
func (db *DB) emailIfAsked(ctx context.Context, tx *Tx, id int64, send bool, n NewInvitation, now time.Time) error {
	if !send {
		return nil
	}
	inv, err := invitationTx(ctx, tx, id)
	if err != nil {
		return err
	}
	return db.queueInvitationEmail(ctx, tx, inv, n, now)
}

// queueInvitationEmail queues inv's invitation email and records it.
func (db *DB) queueInvitationEmail(ctx context.Context, tx *Tx, inv Invitation, n NewInvitation, now time.Time) error {
	if err := db.enqueueEmail(ctx, tx, EmailInvitation, inv, n.SendEmailAt, now); err != nil {
		return err
	}
	return addEvent(ctx, tx, inv.ID, "invitation_queued", inv.Status, inv.Status, n.Actor, "to "+inv.Email, now)
}

// inviteLink loads the link a request names (or the test's default) and
// checks that it belongs to the test: ErrTestNotFound for a test that does
// not exist, ErrLinkNotFound for a link that is not the test's.
func inviteLink(ctx context.Context, tx *Tx, n NewInvitation) (TestLink, error) {
	if n.LinkID == 0 {
		link, err := scanLink(tx.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM test_links WHERE test_id = ? AND is_default = 1`, n.TestID))
		if errors.Is(err, ErrNotFound) {
			return TestLink{}, ErrTestNotFound // every test has its default link
		}
		return link, err
	}
	link, err := tx.link(ctx, n.LinkID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return TestLink{}, err
	}
	if err == nil && (n.TestID == 0 || link.TestID == n.TestID) {
		return link, nil
	}
	if n.TestID != 0 {
		if _, err := tx.test(ctx, n.TestID); errors.Is(err, ErrNotFound) {
			return TestLink{}, ErrTestNotFound
		} else if err != nil {
			return TestLink{}, err
		}
	}
	return TestLink{}, ErrLinkNotFound
}

// linkOpen refuses new invitations through a link that is switched off,
// past its dates, full, or whose test is archived.
func linkOpen(ctx context.Context, tx *Tx, l TestLink, now time.Time) error {
	t, err := tx.test(ctx, l.TestID)
	if err != nil {
		return err
	}
	switch {
	case t.Archived():
		return &ClosedError{"The test is archived."}
	case l.Disabled():
		return &ClosedError{"The test link is disabled."}
	case l.ExpiresAt != nil && !l.ExpiresAt.After(now):
		return &ClosedError{"The test link has expired."}
	case l.ValidUntil != nil && !l.ValidUntil.After(now):
		return &ClosedError{"The test link has closed."}
	}
	if l.MaxUses > 0 {
		// The link's row is locked while its uses are counted and one is
		// added, so that two invitations cannot both take the last use.
		if err := tx.lockRow(ctx, "test_links", l.ID); err != nil {
			return err
		}
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE link_id = ?`, l.ID).Scan(&used); err != nil {
			return err
		}
		if used >= l.MaxUses {
			return &ClosedError{"The test link has reached its maximum number of invitations."}
		}
	}
	return nil
}

func latestOnLink(ctx context.Context, tx *Tx, linkID int64, emailNorm string) (Invitation, error) {
	return scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+invitationFrom+invitationOnLink, linkID, emailNorm))
}

// reopen makes a cancelled or expired invitation pending again, with the
// new request's settings and the same id and URL.
func reopen(ctx context.Context, tx *Tx, inv Invitation, l TestLink, n NewInvitation, now time.Time) error {
	s := mergeSettings(l, n, now)
	name := inv.Name
	if v := strings.TrimSpace(n.Name); v != "" {
		name = v
	}
	tx.changedInvitation(inv.ID)
	_, err := tx.ExecContext(ctx, `UPDATE invitations SET status = 'invited', name = ?,
			callback_url = ?, redirect_url = ?, hide_instruction = ?, disable_mandatory_fields = ?, send_email = ?,
			expires_at = ?, valid_from = ?, valid_until = ?, invited_at = ?, opened_at = NULL, started_at = NULL,
			deadline_at = NULL, expired_at = NULL, cancelled_at = NULL, updated_at = ?
		WHERE id = ?`, name, s.callbackURL, s.redirectURL, boolInt(s.hideInstruction), boolInt(s.disableMandatory),
		boolInt(s.sendEmail), nullMillis(s.expiresAt), nullMillis(s.validFrom), nullMillis(s.validUntil),
		millis(now), millis(now), inv.ID)
	if err != nil {
		return mapError(err)
	}
	if name != inv.Name {
		if err := reindexForSearch(ctx, tx, inv.ID); err != nil {
			return err
		}
	}
	return addEvent(ctx, tx, inv.ID, "reopened", inv.Status, StatusInvited, n.Actor, "invited again via "+n.Source, now)
}
