package store

import (
	"context"
	"strings"
	"time"
)

// AuditEntry is one row of the audit log: a change made by a console user
// or an API key, or a view or export of candidates' answers.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string // "user:rita@example.com", "api:ATS", "report link"
	Action string // the request's method and route: "POST /invitations/:id/cancel"
	Record string // what it touched: "invitations 42"; "" for a list or a new record
	Status int    // the HTTP status it ended with
	IP     string
}

// AuditPageSize is how many entries a page of the audit log shows.
const AuditPageSize = 50

// AuditFilter narrows the audit log: parts of the actor and record, and a
// time range [From, To).
type AuditFilter struct {
	Actor  string
	Record string
	From   *time.Time
	To     *time.Time
	Page   int // 1-based
}

// Audit adds an entry; the log cannot be changed or shortened (migration
// 0026's triggers).
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	_, err := db.exec(ctx, `INSERT INTO audit_log (at, actor, action, record, status, ip) VALUES (?, ?, ?, ?, ?, ?)`,
		millis(db.Now()), clip(e.Actor, 300), clip(e.Action, 300), clip(e.Record, 200), e.Status, clip(e.IP, 64))
	return err
}

const auditColumns = `id, at, actor, action, record, status, ip`

func scanAudit(r row) (AuditEntry, error) {
	var e AuditEntry
	var at int64
	err := r.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Record, &e.Status, &e.IP)
	e.At = fromMillis(at)
	return e, err
}

// AuditPage returns one page of the matching entries, newest first, and
// how many match.
func (db *DB) AuditPage(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	where, args := f.where()
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page := max(f.Page, 1)
	rows, err := db.query(ctx, `SELECT `+auditColumns+` FROM audit_log`+where+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, AuditPageSize, (page-1)*AuditPageSize)...)
	entries, err := collect(rows, err, scanAudit)
	return entries, total, err
}

// EachAudit streams every matching entry, oldest first (the CSV download).
func (db *DB) EachAudit(ctx context.Context, f AuditFilter, fn func(AuditEntry) error) error {
	where, args := f.where()
	rows, err := db.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log`+where+` ORDER BY at, id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (f AuditFilter) where() (string, []any) {
	var conds []string
	var args []any
	if a := strings.ToLower(strings.TrimSpace(f.Actor)); a != "" {
		conds, args = append(conds, `LOWER(actor) LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(a)+"%")
	}
	if r := strings.TrimSpace(f.Record); r != "" {
		conds, args = append(conds, `record = ?`), append(args, r)
	}
	if f.From != nil {
		conds, args = append(conds, "at >= ?"), append(args, millis(*f.From))
	}
	if f.To != nil {
		conds, args = append(conds, "at < ?"), append(args, millis(*f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, " AND "), args
}
