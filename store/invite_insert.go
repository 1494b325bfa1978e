package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// A new invitation's row: who the candidate is, its JSON as stored, the
// insert, and the invitation as a read of the row would return it.

// candidateIdentity returns the name and email to store, generating
// stand-ins for the ones missing when placeholders are allowed.
func candidateIdentity(n NewInvitation) (name, email string, placeholder bool) {
	name, email = strings.TrimSpace(n.Name), strings.TrimSpace(n.Email)
	tag := strings.ToLower(NewToken(6))
	if email == "" {
		email, placeholder = "candidate-"+tag+"@"+placeholderEmailDomain, true
	}
	if name == "" {
		name, placeholder = "Candidate "+tag, true
	}
	return name, email, placeholder
}

func jsonOr(raw json.RawMessage, empty string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return empty
	}
	return string(raw)
}

func labelsJSON(labels []string) string {
	if labels == nil {
		labels = []string{}
	}
	b, _ := json.Marshal(labels)
	return string(b)
}

// insertInvitation writes a new invitation through l and returns it as a
// read of it would: a caller answering with it needs no read. Its person
// is the first invitation to the address in the test's team, this one if
// none came before.
func insertInvitation(ctx context.Context, tx *Tx, l TestLink, n NewInvitation, now time.Time) (Invitation, error) {
	t, err := tx.test(ctx, l.TestID) // read once per transaction: an invite's linkOpen has read it
	if err != nil {
		return Invitation{}, err
	}
	inv := newInvitationRow(l, n, now)
	inv.ExtraTimePercent = n.ExtraTimePercent
	tx.addedInvitations()
	args := append(invitationInsertArgs(inv), inv.ExtraTimePercent, NormalizeEmail(inv.Email), t.TeamID)
	err = tx.QueryRowContext(ctx, `INSERT INTO invitations (`+invitationInsertColumns+`, extra_time_percent) VALUES `+valuesList(1, 33)+`
		RETURNING id, COALESCE(`+personOfAddress+`, id)`, args...).Scan(&inv.ID, &inv.PersonID)
	if isUniqueViolation(err, "invitations.tracking_key") {
		return Invitation{}, ErrDuplicateTracking
	}
	if err != nil {
		return Invitation{}, mapError(err)
	}
	if err := indexForSearch(ctx, tx, []int64{inv.ID}); err != nil {
		return Invitation{}, err
	}
	if err := insertATSReference(ctx, tx, inv.ID, n.ATS); err != nil {
		return Invitation{}, err
	}
	if err := addEvent(ctx, tx, inv.ID, "invited", "", StatusInvited, n.Actor, "via "+n.Source, now); err != nil {
		return Invitation{}, err
	}
	if n.ExtraTimePercent != 0 {
		if err := addEvent(ctx, tx, inv.ID, "extra_time_set", StatusInvited, StatusInvited, n.Actor, fmt.Sprintf("%d %% extra time", n.ExtraTimePercent), now); err != nil {
			return Invitation{}, err
		}
	}
	return inv.asStored(t, l), nil
}

// asStored is a new invitation as a read of its row says it: the times a
// request gave to the millisecond in UTC (its own come from db.Now, which
// are so already), empty JSON as stored, and what the read joins from its
// test and link.
func (inv Invitation) asStored(t Test, l TestLink) Invitation {
	stored := func(at *time.Time) *time.Time { return timePtr(nullMillis(at)) }
	inv.ExpiresAt, inv.ValidFrom, inv.ValidUntil = stored(inv.ExpiresAt), stored(inv.ValidFrom), stored(inv.ValidUntil)
	inv.Tags = json.RawMessage(jsonOr(inv.Tags, "{}"))
	inv.ExternalData = json.RawMessage(jsonOr(inv.ExternalData, "{}"))
	inv.CallbackParams = json.RawMessage(jsonOr(inv.CallbackParams, "{}"))
	if inv.Labels == nil {
		inv.Labels = []string{}
	}
	inv.TestName, inv.PassingScore, inv.LinkName, inv.TabSwitchLimit = t.Name, t.PassingScore, l.Name, l.TabSwitchLimit
	if len(t.Bands) > 0 {
		inv.Bands = t.Bands
	}
	return inv
}

// accessCode makes a six-digit one-time code, or none.
func accessCode(required bool) string {
	if !required {
		return ""
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}
