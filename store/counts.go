package store

import (
	"context"
	"strings"
	"time"
)

// MinReminderAge is how long ago a candidate must have been invited to be
// reminded by "remind everyone": someone invited minutes ago is not.
const MinReminderAge = 12 * time.Hour

// Touched counts the invitations an action would touch, for the question
// a confirmation asks ("this touches 12 candidates").
type Touched struct {
	TestID   int64
	LinkID   int64
	Statuses []InvitationStatus
	// InvitedBefore, when set, counts only invitations made before it.
	InvitedBefore *time.Time
	// Addressable leaves out generated stand-in addresses.
	Addressable bool
}

// CountTouched counts the invitations the filter names.
func (db *DB) CountTouched(ctx context.Context, f Touched) (int, error) {
	var conds []string
	var args []any
	if f.TestID != 0 {
		conds, args = append(conds, "test_id = ?"), append(args, f.TestID)
	}
	if f.LinkID != 0 {
		conds, args = append(conds, "link_id = ?"), append(args, f.LinkID)
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "status IN (?"+strings.Repeat(", ?", len(f.Statuses)-1)+")")
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	if f.InvitedBefore != nil {
		conds, args = append(conds, "invited_at <= ?"), append(args, millis(*f.InvitedBefore))
	}
	if f.Addressable {
		conds = append(conds, "placeholder = 0")
	}
	q := `SELECT COUNT(*) FROM invitations`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	var n int
	err := db.queryRow(ctx, q, args...).Scan(&n)
	return n, err
}
