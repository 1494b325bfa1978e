package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ReattemptInput overrides settings of the attempt a reattempt copies.
type ReattemptInput struct {
	CallbackURL     *string
	RedirectURL     *string
	HideInstruction *bool
	SendEmail       *bool // nil: no email
	// ValidFrom and ValidUntil replace the access window (nil: the
	// link's, or for an attempt not taken yet the one it has).
	ValidFrom, ValidUntil *time.Time
	Source                string
	Actor                 string
}

// Reattempt gives the candidate of an invitation another attempt through
// the same link, as iMocha documents its reattempt call: after a finished
// attempt, a new invitation with the same settings (the finished one stays
// in the candidate's history); an attempt not taken yet is returned as it
// is; a cancelled or expired one is made pending again; an attempt in
// progress is refused. Asked again before the new attempt is taken, it
// returns the new attempt.
func (db *DB) Reattempt(ctx context.Context, id int64, in ReattemptInput) (InviteResult, error) {
	var res InviteResult
	var latestID int64
	err := db.inTx(ctx, func(tx *Tx) error {
		// Two asks for a new attempt take turns: the second finds the
		// attempt the first made.
		if err := lockAddressOf(ctx, tx, id); err != nil {
			return err
		}
		latest, err := latestAttempt(ctx, tx, id)
		if err != nil {
			return err
		}
		latestID = latest.ID
		if latest.ErasedAt != nil {
			return ErrErased
		}
		now := db.Now()
		n := reattemptOf(latest, in)
		switch latest.Status {
		case StatusStarted:
			return fmt.Errorf("%w: invitation %d", ErrAttemptInProgress, latest.ID)
		case StatusInvited, StatusOpened:
			return setAccessWindow(ctx, tx, latest.ID, in.ValidFrom, in.ValidUntil, now)
		case StatusCancelled, StatusExpired:
			link, err := tx.link(ctx, latest.LinkID)
			if err != nil {
				return err
			}
			if err := reopen(ctx, tx, latest, link, n, now); err != nil {
				return err
			}
			res.Reopened, res.Emailed = true, mergeSettings(link, n, now).sendEmail
			return db.emailIfAsked(ctx, tx, latest.ID, res.Emailed, n, now)
		}
		link, err := tx.link(ctx, latest.LinkID)
		if err != nil {
			return err
		}
		tx.changedInvitation(latest.ID)
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET superseded = 1, updated_at = ? WHERE id = ?`, millis(now), latest.ID); err != nil {
			return err
		}
		inserted, err := insertInvitation(ctx, tx, link, n, now)
		if err != nil {
			return err
		}
		newID := inserted.ID
		tx.changedInvitation(newID)
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET reattempt_of = ? WHERE id = ?`, latest.ID, newID); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, latest.ID, "reattempted", latest.Status, latest.Status, in.Actor,
			fmt.Sprintf("new attempt: invitation %d", newID), now); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, newID, "reattempt", "", StatusInvited, in.Actor,
			fmt.Sprintf("after invitation %d", latest.ID), now); err != nil {
			return err
		}
		latestID, res.Created, res.Emailed = newID, true, mergeSettings(link, n, now).sendEmail
		return db.emailIfAsked(ctx, tx, newID, res.Emailed, n, now)
	})
	if err != nil {
		return InviteResult{}, err
	}
	res.Invitation, err = db.Invitation(ctx, latestID)
	return res, err
}

// AttemptLinks are the invitations just before and after one in a
// candidate's chain of attempts at a test (0: none).
type AttemptLinks struct {
	Previous int64 // the attempt this one was given after
	Next     int64 // the attempt given after this one
}

// AttemptLinksOf reads an invitation's neighbours in its chain of attempts.
func (db *DB) AttemptLinksOf(ctx context.Context, id int64) (AttemptLinks, error) {
	var l AttemptLinks
	err := db.queryRow(ctx, `SELECT COALESCE(reattempt_of, 0), COALESCE((SELECT MAX(n.id) FROM invitations n WHERE n.reattempt_of = i.id), 0)
		FROM invitations i WHERE i.id = ?`, id).Scan(&l.Previous, &l.Next)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// latestAttempt follows an invitation's reattempts to the newest.
func latestAttempt(ctx context.Context, tx *Tx, id int64) (Invitation, error) {
	for range 10_000 {
		var next int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM invitations WHERE reattempt_of = ? ORDER BY id DESC LIMIT 1`, id).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return Invitation{}, err
		}
		id = next
	}
	return invitationTx(ctx, tx, id)
}

// reattemptOf is the request for a new attempt like inv.
func reattemptOf(inv Invitation, in ReattemptInput) NewInvitation {
	no := false
	n := NewInvitation{TestID: inv.TestID, LinkID: inv.LinkID, Name: inv.Name, Email: inv.Email, Source: in.Source, Actor: in.Actor,
		CallbackURL: &inv.CallbackURL, RedirectURL: &inv.RedirectURL, HideInstruction: &inv.HideInstruction,
		DisableMandatoryFields: &inv.DisableMandatoryFields, SendEmail: &no, RequireAccessCode: inv.AccessCode != "",
		Tags: inv.Tags, Labels: inv.Labels, Group: inv.Group, ExternalID: inv.ExternalID, ExternalData: inv.ExternalData,
		Lang:          cmp.Or(inv.ChosenLang, inv.Lang), // the language the candidate chose carries over
		CandidateKind: inv.CandidateKind, CallbackResource: inv.CallbackResource, CallbackParams: inv.CallbackParams}
	if in.CallbackURL != nil {
		n.CallbackURL = in.CallbackURL
	}
	if in.RedirectURL != nil {
		n.RedirectURL = in.RedirectURL
	}
	if in.HideInstruction != nil {
		n.HideInstruction = in.HideInstruction
	}
	if in.SendEmail != nil {
		n.SendEmail = in.SendEmail
	}
	// Everything carries over but the access window (iMocha's reattempt).
	n.ValidFrom, n.ValidUntil = in.ValidFrom, in.ValidUntil
	if n.Source == "" {
		n.Source = inv.Source
	}
	return n
}

// Attempt states integrations poll for, by when the attempt ended.
const (
	EndedCompleted = "completed"
	EndedCancelled = "cancelled"
	EndedExpired   = "expired"
)

// MaxEndedAttempts bounds one answer of EndedAttempts.
const MaxEndedAttempts = 10_000

// EndedFilter picks the attempts EndedAttempts lists.
type EndedFilter struct {
	State    string    // EndedCompleted, EndedCancelled or EndedExpired
	From, To time.Time // when the attempt ended: from up to but not including to
	TestID   int64     // 0: every test
	Teams    Teams
}

// EndedAttempts lists the invitations that were completed, cancelled or
// expired (f.State) in f's range, oldest first.
func (db *DB) EndedAttempts(ctx context.Context, f EndedFilter) ([]Invitation, error) {
	column := map[string]string{EndedCompleted: "completed_at", EndedCancelled: "cancelled_at", EndedExpired: "expired_at"}[f.State]
	if column == "" {
		return nil, FieldErrors{"state": "must be completed, cancelled or expired"}
	}
	cond, targs := f.Teams.where("t.team_id")
	args := append([]any{millis(f.From), millis(f.To), f.State}, targs...)
	if f.TestID != 0 {
		cond += " AND i.test_id = ?"
		args = append(args, f.TestID)
	}
	rows, err := db.query(ctx, `SELECT `+invitationColumns+invitationFrom+`
		WHERE i.`+column+` >= ? AND i.`+column+` < ? AND i.status = ? AND `+cond+` ORDER BY i.`+column+`, i.id LIMIT ?`,
		append(args, MaxEndedAttempts)...)
	return collect(rows, err, scanInvitation)
}
