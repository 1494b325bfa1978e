package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Bulk invitations: a batch of requests through one link is written with a
// few set-based statements instead of ~6 statements per candidate. Only
// addresses the link has never seen take this path; the rest (re-invites,
// re-opens, placeholders, tracked candidates) go through inviteTx, whose
// rules they need.

// insertRowsPerStatement bounds one multi-row INSERT: 64 rows of 32
// columns stay well under SQLite's 32,766 parameters.
const insertRowsPerStatement = 64

// BulkOutcome is what one request of a batch came to.
type BulkOutcome int

const (
	BulkInvited  BulkOutcome = iota // a new invitation
	BulkExisting                    // the address already has a live invitation on the link
	BulkReopened                    // a cancelled or expired invitation made pending again
)

// fresh is a request the link has not seen, ready to insert.
type fresh struct {
	index int // in the batch
	inv   Invitation
	n     NewInvitation
}

// inviteBatch invites every request of a batch through one link inside the
// caller's transaction and returns their invitation ids and outcomes in
// order. The requests must share link, source and actor; the caller has
// validated them.
func (db *DB) inviteBatch(ctx context.Context, tx *Tx, ns []NewInvitation, now time.Time) ([]int64, []BulkOutcome, error) {
	ids := make([]int64, len(ns))
	outcomes := make([]BulkOutcome, len(ns))
	if len(ns) == 0 {
		return ids, outcomes, nil
	}
	link, err := inviteLink(ctx, tx, ns[0])
	if err != nil {
		return nil, nil, err
	}
	if err := tx.lockKeys(ctx, addressKeys(ns)...); err != nil {
		return nil, nil, err
	}
	seen, err := emailsOnLink(ctx, tx, link.ID, ns)
	if err != nil {
		return nil, nil, err
	}
	news := make([]fresh, 0, len(ns)) // a fresh is large: grown once, not copied over and over
	firstOf := map[string]int{}       // an address repeated in the batch gets the first one's invitation
	slow := func(i int) error {
		out, err := db.inviteTx(ctx, tx, ns[i], now)
		ids[i] = out.id
		switch {
		case out.reopened:
			outcomes[i] = BulkReopened
		case !out.created:
			outcomes[i] = BulkExisting
		}
		return err
	}
	for i, n := range ns {
		norm := NormalizeEmail(n.Email)
		if n.GeneratePlaceholders || n.TrackingUniqID != "" || seen[norm] {
			if err := slow(i); err != nil {
				return nil, nil, err
			}
			continue
		}
		if _, dup := firstOf[norm]; dup {
			continue // resolved below, once the first has its id
		}
		firstOf[norm] = i
		news = append(news, fresh{index: i, n: n, inv: newInvitationRow(link, n, now)})
	}
	if len(news) > 0 {
		if err := linkOpen(ctx, tx, link, now); err != nil {
			return nil, nil, err
		}
		if err := linkHasRoom(ctx, tx, link, len(news)); err != nil {
			return nil, nil, err
		}
		if err := db.insertFresh(ctx, tx, link, news, now); err != nil {
			return nil, nil, err
		}
		for _, f := range news {
			ids[f.index] = f.inv.ID
		}
	}
	for i, n := range ns {
		if first, ok := firstOf[NormalizeEmail(n.Email)]; ok && first != i && ids[i] == 0 {
			ids[i], outcomes[i] = ids[first], BulkExisting
		}
	}
	return ids, outcomes, nil
}

// emailsOnLink returns which of the requests' addresses have any invitation
// on the link, live or not.
func emailsOnLink(ctx context.Context, tx *Tx, linkID int64, ns []NewInvitation) (map[string]bool, error) {
	norms := make([]string, 0, len(ns))
	for _, n := range ns {
		if n.Email != "" {
			norms = append(norms, NormalizeEmail(n.Email))
		}
	}
	list, _ := json.Marshal(norms)
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT email_norm FROM invitations
		WHERE link_id = ? AND email_norm IN (`+tx.dialect.jsonTexts()+`)`, linkID, string(list))
	return stringSet(rows, err)
}

// linkHasRoom refuses a batch that would take a link past its maximum uses.
func linkHasRoom(ctx context.Context, tx *Tx, l TestLink, adding int) error {
	room, err := linkRoom(ctx, tx, l)
	if err != nil || room < 0 || adding <= room {
		return err
	}
	return &ClosedError{fmt.Sprintf("The test link has room for %d more invitations, not %d.", room, adding)}
}

// linkRoom is how many more invitations a link takes; -1 is no limit.
func linkRoom(ctx context.Context, tx *Tx, l TestLink) (int, error) {
	if l.MaxUses <= 0 {
		return -1, nil
	}
	var used int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE link_id = ?`, l.ID).Scan(&used); err != nil {
		return 0, err
	}
	return max(l.MaxUses-used, 0), nil
}

// newInvitationRow is the invitation a request makes, before it has an id.
func newInvitationRow(l TestLink, n NewInvitation, now time.Time) Invitation {
	s := mergeSettings(l, n, now)
	name, email, placeholder := candidateIdentity(n)
	if n.Lang == "" {
		n.Lang = l.Lang // an invitation that names no language speaks its link's
	}
	return Invitation{TestID: l.TestID, LinkID: l.ID, Token: NewInvitationToken(), Name: name, Email: email, Placeholder: placeholder,
		Status: StatusInvited, Source: n.Source, CallbackURL: s.callbackURL, RedirectURL: s.redirectURL,
		HideInstruction: s.hideInstruction, DisableMandatoryFields: s.disableMandatory, SendEmail: s.sendEmail,
		ExpiresAt: s.expiresAt, ValidFrom: s.validFrom, ValidUntil: s.validUntil, Tags: n.Tags, Labels: n.Labels,
		Group: n.Group, ExternalID: n.ExternalID, ExternalData: n.ExternalData, Lang: n.Lang,
		AccessCode: accessCode(n.RequireAccessCode), TrackingUniqID: n.TrackingUniqID, TrackingKey: n.TrackingKey,
		CandidateKind: n.CandidateKind, CallbackResource: n.CallbackResource,
		CallbackParams: n.CallbackParams, InvitedAt: now, CreatedAt: now, UpdatedAt: now}
}

const invitationInsertColumns = `test_id, link_id, token, name, email, email_norm, placeholder, status, source,
	callback_url, redirect_url, hide_instruction, disable_mandatory_fields, send_email, expires_at, valid_from, valid_until,
	tags, labels, group_name, external_id, external_data, lang, invited_at, created_at, updated_at, access_code,
	tracking_uniq_id, tracking_key, candidate_kind, callback_resource, callback_params`

func invitationInsertArgs(inv Invitation) []any {
	return []any{inv.TestID, inv.LinkID, inv.Token, inv.Name, inv.Email, NormalizeEmail(inv.Email), boolInt(inv.Placeholder),
		string(inv.Status), inv.Source, inv.CallbackURL, inv.RedirectURL, boolInt(inv.HideInstruction),
		boolInt(inv.DisableMandatoryFields), boolInt(inv.SendEmail), nullMillis(inv.ExpiresAt), nullMillis(inv.ValidFrom),
		nullMillis(inv.ValidUntil), jsonOr(inv.Tags, "{}"), labelsJSON(inv.Labels), inv.Group, inv.ExternalID,
		jsonOr(inv.ExternalData, "{}"), inv.Lang, millis(inv.InvitedAt), millis(inv.CreatedAt), millis(inv.UpdatedAt),
		inv.AccessCode, inv.TrackingUniqID, inv.TrackingKey, inv.CandidateKind, inv.CallbackResource,
		jsonOr(inv.CallbackParams, "{}")}
}

// valuesList is "(?, ?, …), (?, ?, …)" for rows of cols parameters.
func valuesList(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// insertInGroups runs insert (its columns, up to "VALUES ") once per group
// of rows, each row's cols values appended by rowArgs in the rows' order.
func insertInGroups[T any](ctx context.Context, tx *Tx, insert string, cols int, rows []T, rowArgs func(args []any, row T) []any) error {
	args := make([]any, 0, min(len(rows), insertRowsPerStatement)*cols)
	for group := range slices.Chunk(rows, insertRowsPerStatement) {
		args = args[:0]
		for _, row := range group {
			args = rowArgs(args, row)
		}
		if _, err := tx.ExecContext(ctx, insert+valuesList(len(group), cols), args...); err != nil {
			return err
		}
	}
	return nil
}

// insertFresh writes new invitations, their "invited" events and, where
// asked, their emails, a statement per group of rows. The emails are
// composed beside the inserts (invite_bulk_emails.go).
func (db *DB) insertFresh(ctx context.Context, tx *Tx, l TestLink, news []fresh, now time.Time) error {
	var mailed []*fresh
	for i := range news {
		if f := &news[i]; f.inv.SendEmail && !IsPlaceholderEmail(f.inv.Email) {
			mailed = append(mailed, f)
		}
	}
	emails, err := db.composeInvitationEmails(ctx, tx, l, mailed)
	if err != nil {
		return err
	}
	const cols = 32
	args := make([]any, 0, insertRowsPerStatement*cols)
	for group := range slices.Chunk(news, insertRowsPerStatement) {
		args = args[:0]
		byToken := make(map[string]*fresh, len(group))
		for i := range group {
			args = append(args, invitationInsertArgs(group[i].inv)...)
			byToken[group[i].inv.Token] = &group[i]
		}
		tx.addedInvitations()
		rows, err := tx.QueryContext(ctx, `INSERT INTO invitations (`+invitationInsertColumns+`) VALUES `+
			valuesList(len(group), cols)+` RETURNING id, token`, args...)
		if _, err := collect(rows, err, func(r row) (struct{}, error) {
			var id int64
			var token string
			if err := r.Scan(&id, &token); err != nil {
				return struct{}{}, err
			}
			byToken[token].inv.ID = id
			return struct{}{}, nil
		}); err != nil {
			return mapError(err)
		}
	}
	ids := make([]int64, len(news))
	mailedIDs := make([]int64, 0, len(mailed))
	for i := range news {
		ids[i] = news[i].inv.ID
	}
	for _, f := range mailed {
		mailedIDs = append(mailedIDs, f.inv.ID)
	}
	if err := indexForSearch(ctx, tx, ids); err != nil {
		return err
	}
	n0 := news[0].n
	if err := addEvents(ctx, tx, ids, "invited", "", n0.Actor, "via "+n0.Source, now); err != nil {
		return err
	}
	if len(mailed) == 0 {
		return nil
	}
	if err := db.enqueueInvitationEmails(ctx, tx, mailed, emails, now); err != nil {
		return err
	}
	return addEvents(ctx, tx, mailedIDs, "invitation_queued", StatusInvited, n0.Actor, "", now)
}

// addEvents appends the same event to many new invitations' timelines; an
// empty detail names each one's address.
func addEvents(ctx context.Context, tx *Tx, ids []int64, kind string, from InvitationStatus, actor, detail string, now time.Time) error {
	list, _ := json.Marshal(ids)
	_, err := tx.ExecContext(ctx, `INSERT INTO invitation_events (invitation_id, kind, from_status, to_status, actor, detail, occurred_at)
		SELECT i.id, ?, ?, i.status, ?, CASE WHEN ? = '' THEN 'to ' || i.email ELSE ? END, ?
		FROM (`+tx.dialect.jsonIDs()+`) j JOIN invitations i ON i.id = j.value`, kind, string(from), actor, detail, detail, millis(now), string(list))
	return err
}
