package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Scheduled candidate deletions: an integrator asks for a candidate to be
// deleted, and the candidate's data is erased once the delay has passed
// (Xobin's "Delete Candidate" waits 7 days), unless the request is called
// off before. Until then nothing changes for the candidate.

// CandidateDeletion is one scheduled deletion.
type CandidateDeletion struct {
	TaskID      string
	Email       string // normalized
	DueAt       time.Time
	CancelledAt *time.Time
	DoneAt      *time.Time
}

// ScheduleCandidateDeletion schedules the erasure of every invitation of
// an address in the teams' tests after delay and returns the task. A
// pending deletion of the same address and teams is returned as it is.
// ErrNotFound: the teams hold no invitation of the address.
func (db *DB) ScheduleCandidateDeletion(ctx context.Context, email string, teams Teams, actor string, delay time.Duration) (CandidateDeletion, error) {
	norm := NormalizeEmail(email)
	switch {
	case norm == "":
		return CandidateDeletion{}, FieldErrors{"email": ProblemRequired}
	case strings.ContainsRune(norm, 0): // no address holds one (and PostgreSQL's text cannot)
		return CandidateDeletion{}, FieldErrors{"email": "must not contain NUL characters"}
	}
	scope, _ := json.Marshal(teams)
	var out CandidateDeletion
	err := db.inTx(ctx, func(tx *Tx) error {
		// One pending deletion per address and scope: asked twice at once,
		// the second finds the first's.
		if err := tx.lockKeys(ctx, "deletion:"+norm); err != nil {
			return err
		}
		cond, targs := teamInvitations(teams)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations i WHERE email_norm = ? AND erased_at IS NULL AND `+cond,
			append([]any{norm}, targs...)...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		var err error
		out, err = scanDeletion(tx.QueryRowContext(ctx, `SELECT task_id, email_norm, due_at, cancelled_at, done_at FROM candidate_deletions
			WHERE email_norm = ? AND teams = ? AND cancelled_at IS NULL AND done_at IS NULL`, norm, string(scope)))
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		now := db.Now()
		out = CandidateDeletion{TaskID: "del_" + NewToken(20), Email: norm, DueAt: now.Add(delay)}
		_, err = tx.ExecContext(ctx, `INSERT INTO candidate_deletions (task_id, email_norm, teams, actor, due_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, out.TaskID, norm, string(scope), actor, millis(out.DueAt), millis(now))
		return err
	})
	return out, err
}

// CancelCandidateDeletion calls off a pending deletion, named by its task
// or by the address, within the teams that scheduled it; it returns what
// was called off. ErrNotFound: no pending deletion matches.
func (db *DB) CancelCandidateDeletion(ctx context.Context, taskID, email string, teams Teams) ([]CandidateDeletion, error) {
	if strings.ContainsRune(taskID+email, 0) { // matches nothing (and PostgreSQL's text cannot hold it)
		return nil, ErrNotFound
	}
	scope, _ := json.Marshal(teams)
	var out []CandidateDeletion
	err := db.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT task_id, email_norm, due_at, cancelled_at, done_at FROM candidate_deletions
			WHERE (task_id = ? OR email_norm = ?) AND teams = ? AND cancelled_at IS NULL AND done_at IS NULL`,
			taskID, NormalizeEmail(email), string(scope))
		if out, err = collect(rows, err, scanDeletion); err != nil {
			return err
		}
		if len(out) == 0 {
			return ErrNotFound
		}
		now := db.Now()
		for i := range out {
			out[i].CancelledAt = &now
			if _, err := tx.ExecContext(ctx, `UPDATE candidate_deletions SET cancelled_at = ? WHERE task_id = ?`, millis(now), out[i].TaskID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// EraseDueCandidates carries out the deletions that are due and returns
// how many invitations they erased. An address with nothing left to erase
// is done all the same.
func (db *DB) EraseDueCandidates(ctx context.Context) (int, error) {
	type due struct {
		taskID, email, teams, actor string
	}
	rows, err := db.query(ctx, `SELECT task_id, email_norm, teams, actor FROM candidate_deletions
		WHERE cancelled_at IS NULL AND done_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT 100`, millis(db.Now()))
	list, err := collect(rows, err, func(r row) (due, error) {
		var d due
		return d, r.Scan(&d.taskID, &d.email, &d.teams, &d.actor)
	})
	if err != nil {
		return 0, err
	}
	erased := 0
	for _, d := range list {
		var teams Teams
		if err := json.Unmarshal([]byte(d.teams), &teams); err != nil {
			return erased, err
		}
		ids, err := db.EraseCandidate(ctx, d.email, teams, d.actor)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return erased, err
		}
		erased += len(ids)
		if _, err := db.exec(ctx, `UPDATE candidate_deletions SET done_at = ?, email_norm = ? WHERE task_id = ?`,
			millis(db.Now()), erasedText, d.taskID); err != nil {
			return erased, err
		}
	}
	return erased, nil
}

func scanDeletion(r row) (CandidateDeletion, error) {
	var d CandidateDeletion
	var due int64
	var cancelled, done sql.NullInt64
	err := r.Scan(&d.TaskID, &d.Email, &due, &cancelled, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	d.DueAt, d.CancelledAt, d.DoneAt = fromMillis(due), timePtr(cancelled), timePtr(done)
	return d, err
}
