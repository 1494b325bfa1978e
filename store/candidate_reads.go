package store

import (
	"context"
	"database/sql"
	"errors"
)

// InvitationAndTestByToken returns the invitation a candidate URL names
// and its test in one query: the candidate pages need both on every
// request, and the landing page is the busiest there is.
func (db *DB) InvitationAndTestByToken(ctx context.Context, token string) (Invitation, Test, error) {
	return db.invitationAndTestByToken(ctx, token, always)
}

// InvitationAndTestForWrite is InvitationAndTestByToken for a request
// that goes on to write on what it read (an access code, a language, the
// candidate's details): on PostgreSQL it reads past the cache, since
// another process's commit (the start a moment ago, behind a proxy that
// spread the candidate's requests) reaches this one's cache only with its
// notice. On SQLite the cache is never behind.
func (db *DB) InvitationAndTestForWrite(ctx context.Context, token string) (Invitation, Test, error) {
	if db.Postgres() {
		return db.invitationAndTestByToken(ctx, token, never)
	}
	return db.invitationAndTestByToken(ctx, token, always)
}

// InvitationAndTestToWrite is InvitationAndTestForWrite for a write whose
// store method decides again under the invitation's row lock: a cached
// page another process's commit has not reached yet serves where
// rechecked says that method re-checks what the page leads the request
// to (a save of answers on a started attempt, a start of one not
// started), and saves PostgreSQL the dearest read of a candidate's
// request. Any other state is read past the cache, as it decides alone.
func (db *DB) InvitationAndTestToWrite(ctx context.Context, token string, rechecked func(Invitation) bool) (Invitation, Test, error) {
	if !db.Postgres() {
		rechecked = always
	}
	return db.invitationAndTestByToken(ctx, token, rechecked)
}

func always(Invitation) bool { return true }
func never(Invitation) bool  { return false }

// invitationAndTestByToken reads a candidate's page, from the cache when
// it is fresh and usable says the request may decide on it.
func (db *DB) invitationAndTestByToken(ctx context.Context, token string, usable func(Invitation) bool) (Invitation, Test, error) {
	gen := db.readGen.current()
	if e, ok := db.candidates.get(token); ok && db.cachesReads() && db.readGen.invitationFresh(e.v.inv.ID, e.gen) && usable(e.v.inv) {
		return e.v.inv, e.v.test, nil
	}
	var is invitationScan
	var ts testScan
	err := db.queryRow(ctx, `SELECT `+invitationColumns+`, `+candidateTestColumns+invitationFrom+` WHERE i.token = ?`, token).
		Scan(append(is.dest(), ts.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, Test{}, ErrNotFound
	}
	if err != nil {
		return Invitation{}, Test{}, err
	}
	inv, err := is.finish()
	if err != nil {
		return Invitation{}, Test{}, err
	}
	t := ts.finish()
	db.candidates.put(token, candidatePage{inv, t}, gen)
	return inv, t, nil
}
