package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"time"

	"testgate/store"
)

// rawInsert is the limit a bulk import is measured against: modernc SQLite
// inserting the same invitation rows, through the same schema and
// indexes and the same kind of token, with one prepared statement in one
// transaction.
func rawInsert(dir string, n int) (time.Duration, error) {
	ctx := context.Background()
	path := filepath.Join(dir, fmt.Sprintf("raw-%d.db", n))
	db, err := store.Open(ctx, path, store.Offline)
	if err != nil {
		return 0, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return 0, err
	}
	t, err := db.CreateTest(ctx, store.TestInput{Name: "Raw", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	if err != nil {
		return 0, err
	}
	link, err := db.DefaultLink(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	db.Close()

	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)")
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	start := time.Now()
	tx, err := raw.Begin()
	if err != nil {
		return 0, err
	}
	stmt, err := tx.Prepare(`INSERT INTO invitations (test_id, link_id, token, name, email, email_norm, placeholder, status, source,
		callback_url, redirect_url, hide_instruction, disable_mandatory_fields, send_email, expires_at, valid_from, valid_until,
		tags, labels, group_name, external_id, external_data, lang, invited_at, created_at, updated_at, access_code,
		tracking_uniq_id, tracking_key, candidate_kind, callback_resource, callback_params)
		VALUES (?, ?, ?, ?, ?, ?, 0, 'invited', 'import', '', '', 0, 0, 1, NULL, NULL, NULL, '{}', '[]', '', '', ?, '', ?, ?, ?, '', '', '', '', '', '{}')`)
	if err != nil {
		return 0, err
	}
	now := time.Now().UnixMilli()
	for i := range n {
		email := fmt.Sprintf("student%d@campus.example", i)
		if _, err := stmt.Exec(t.ID, link.ID, store.NewInvitationToken(), fmt.Sprintf("Student %d", i), email, email,
			fmt.Sprintf(`{"Student ID":"S%06d"}`, i), now, now, now); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
