package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Import statuses.
const (
	ImportQueued  = "queued"
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// Reasons a row of an import was not invited.
const (
	ReasonAlreadyInvited = "already invited on this link"
	ReasonNoRoom         = "the link reached its maximum number of invitations"
)

// MaxImportRows bounds one import.
const MaxImportRows = 100_000

// DefaultImportChunkRows is how many rows one transaction of a job imports:
// small enough that a candidate's write queued behind a chunk waits tens of
// milliseconds, not hundreds (make drive: with a 50,000-row import running,
// 5,000 candidates starting in 30 s keep p99 under 170 ms at 250 rows, and
// 1,000 already pass 200 ms at 1,000 rows), at the same import rate.
const DefaultImportChunkRows = 250

// ImportRow is a checked row waiting to be imported.
type ImportRow struct {
	Line  int             `json:"l"` // in the file, the header being line 1
	Name  string          `json:"n"`
	Email string          `json:"e"`
	Data  json.RawMessage `json:"d,omitempty"` // the file's other columns, as externalData
	// Record is the row's fields as the file had them, for the download of
	// rows left out.
	Record []string `json:"r,omitempty"`
}

// rejection is the row left out for reason.
func (r ImportRow) rejection(reason string) ImportRejection {
	return ImportRejection{Line: r.Line, Name: r.Name, Email: r.Email, Reason: reason, Record: r.Record}
}

// ImportRejection is a row of an import that was not invited, and why.
type ImportRejection struct {
	Line   int
	Name   string
	Email  string
	Reason string
	Record []string // the fields as the file had them; nil when unknown
}

// NewImport is a checked file ready to import through a link.
type NewImport struct {
	LinkID    int64
	Actor     string
	FileName  string
	Header    []string // the file's columns, for the download of rows left out
	SendEmail bool
	TotalRows int
	Rows      []ImportRow
	Rejected  []ImportRejection // found by the check
	ChunkRows int               // 0: DefaultImportChunkRows
}

// Import is a bulk import job and how far it got.
type Import struct {
	ID         int64
	LinkID     int64
	Actor      string
	FileName   string
	Header     []string // the file's columns; empty for imports made before they were kept
	SendEmail  bool
	Status     string
	TotalRows  int
	Staged     int
	Processed  int
	Invited    int
	Skipped    int
	Rejected   int
	Error      string
	CreatedAt  time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time
}

// Finished reports whether the job has nothing left to do.
func (im Import) Finished() bool { return im.Status == ImportDone || im.Status == ImportFailed }

// Percent is the share of staged rows processed, 0–100.
func (im Import) Percent() int {
	if im.Staged == 0 {
		if im.Finished() {
			return 100
		}
		return 0
	}
	return im.Processed * 100 / im.Staged
}

const importColumns = `id, link_id, actor, file_name, send_email, status, total_rows, staged, processed, invited, skipped,
	rejected, error, created_at, started_at, finished_at, header`

func scanImport(r row) (Import, error) {
	var im Import
	var created int64
	var started, finished sql.NullInt64
	var header string
	err := r.Scan(&im.ID, &im.LinkID, &im.Actor, &im.FileName, &im.SendEmail, &im.Status, &im.TotalRows, &im.Staged,
		&im.Processed, &im.Invited, &im.Skipped, &im.Rejected, &im.Error, &created, &started, &finished, &header)
	if errors.Is(err, sql.ErrNoRows) {
		return Import{}, ErrNotFound
	}
	if err == nil {
		err = json.Unmarshal([]byte(header), &im.Header)
	}
	im.CreatedAt, im.StartedAt, im.FinishedAt = fromMillis(created), timePtr(started), timePtr(finished)
	return im, err
}

// CreateImport stages a checked file as a queued job, in one transaction.
func (db *DB) CreateImport(ctx context.Context, n NewImport) (Import, error) {
	if len(n.Rows)+len(n.Rejected) > MaxImportRows {
		return Import{}, FieldErrors{"file": fmt.Sprintf("must have at most %d rows", MaxImportRows)}
	}
	size := n.ChunkRows
	if size <= 0 {
		size = DefaultImportChunkRows
	}
	skipped := 0
	for _, r := range n.Rejected {
		if r.Reason == ReasonAlreadyInvited {
			skipped++
		}
	}
	var id int64
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.link(ctx, n.LinkID); err != nil {
			return err
		}
		now := millis(db.Now())
		err := tx.QueryRowContext(ctx, `INSERT INTO imports (link_id, actor, file_name, header, send_email, status, total_rows,
				staged, skipped, rejected, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?) RETURNING id`, n.LinkID, n.Actor, n.FileName, jsonStrings(n.Header),
			boolInt(n.SendEmail), n.TotalRows, len(n.Rows), skipped, len(n.Rejected)-skipped, now, now).Scan(&id)
		if err != nil {
			return err
		}
		for chunk, start := 0, 0; start < len(n.Rows); chunk, start = chunk+1, start+size {
			rows, err := json.Marshal(n.Rows[start:min(start+size, len(n.Rows))])
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO import_chunks (import_id, chunk, rows) VALUES (?, ?, ?)`, id, chunk, string(rows)); err != nil {
				return err
			}
		}
		tx.workDue(WorkImports)
		return addRejections(ctx, tx, id, n.Rejected)
	})
	if err != nil {
		return Import{}, err
	}
	return db.Import(ctx, id)
}

// addRejections records rows not invited, a statement per group.
func addRejections(ctx context.Context, tx *Tx, importID int64, rs []ImportRejection) error {
	return insertInGroups(ctx, tx, `INSERT INTO import_rejections (import_id, line, name, email, reason, record) VALUES `, 6, rs,
		func(args []any, r ImportRejection) []any {
			return append(args, importID, r.Line, r.Name, r.Email, r.Reason, jsonStrings(r.Record))
		})
}

// Import returns one import job.
func (db *DB) Import(ctx context.Context, id int64) (Import, error) {
	return scanImport(db.queryRow(ctx, `SELECT `+importColumns+` FROM imports WHERE id = ?`, id))
}

// ImportsOnLink returns a link's latest import jobs, newest first.
func (db *DB) ImportsOnLink(ctx context.Context, linkID int64, limit int) ([]Import, error) {
	rows, err := db.query(ctx, `SELECT `+importColumns+` FROM imports WHERE link_id = ? ORDER BY id DESC LIMIT ?`, linkID, limit)
	return collect(rows, err, scanImport)
}

// EachImportRejection streams an import's rows not invited, in file order.
func (db *DB) EachImportRejection(ctx context.Context, importID int64, fn func(ImportRejection) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT line, name, email, reason, record FROM import_rejections WHERE import_id = ? ORDER BY line`, importID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r ImportRejection
		var record string
		if err := rows.Scan(&r.Line, &r.Name, &r.Email, &r.Reason, &record); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(record), &r.Record); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ClaimImport takes the oldest import that is queued, or running under a
// lease that ran out (its process stopped), for lease. ErrNotFound: none.
func (db *DB) ClaimImport(ctx context.Context, lease time.Duration) (Import, error) {
	var im Import
	err := db.inTx(ctx, func(tx *Tx) error {
		now := millis(db.Now())
		var err error
		im, err = scanImport(tx.QueryRowContext(ctx, `UPDATE imports SET status = 'running', locked_until = ?, locked_by = ?,
				started_at = COALESCE(started_at, ?), updated_at = ?
			WHERE id = (SELECT id FROM imports WHERE status = 'queued' OR (status = 'running' AND locked_until <= ?) ORDER BY id LIMIT 1`+tx.dialect.skipLocked()+`)
			RETURNING `+importColumns, now+lease.Milliseconds(), db.process, now, now, now))
		return err
	})
	return im, err
}

// ReleaseImport gives a running import's lease back, so a restarted process
// resumes it at once.
func (db *DB) ReleaseImport(ctx context.Context, id int64) error {
	_, err := db.exec(ctx, `UPDATE imports SET locked_until = ? WHERE id = ? AND status = 'running'`, millis(db.Now()), id)
	return err
}

// ImportNextChunk imports the next chunk of a running job in one
// transaction, renewing its lease, and reports whether the job is now
// finished. A link that closed fails the job, its remaining rows rejected
// with the reason.
func (db *DB) ImportNextChunk(ctx context.Context, id int64, lease time.Duration) (Import, error) {
	err := db.bulkTx(ctx, func(tx *Tx) error {
		im, err := scanImport(tx.QueryRowContext(ctx, `SELECT `+importColumns+` FROM imports WHERE id = ?`, id))
		if err != nil || im.Status != ImportRunning {
			return err
		}
		now := db.Now()
		var chunk int
		var raw string
		err = tx.QueryRowContext(ctx, `SELECT chunk, rows FROM import_chunks WHERE import_id = ? ORDER BY chunk LIMIT 1`, id).Scan(&chunk, &raw)
		if errors.Is(err, sql.ErrNoRows) {
			return finishImport(ctx, tx, id, ImportDone, "", now)
		}
		if err != nil {
			return err
		}
		var rows []ImportRow
		if err := json.Unmarshal([]byte(raw), &rows); err != nil {
			return fmt.Errorf("store: import %d chunk %d: %w", id, chunk, err)
		}
		c, err := db.importRows(ctx, tx, im, rows, now)
		var closed *ClosedError
		if errors.As(err, &closed) {
			return db.failImport(ctx, tx, id, closed.Reason, now)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_chunks WHERE import_id = ? AND chunk = ?`, id, chunk); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE imports SET processed = processed + ?, invited = invited + ?, skipped = skipped + ?,
				rejected = rejected + ?, locked_until = ?, updated_at = ? WHERE id = ?`,
			len(rows), c.invited, c.skipped, c.rejected, millis(now.Add(lease)), millis(now), id)
		return err
	})
	if err != nil {
		return Import{}, err
	}
	return db.Import(ctx, id)
}

type importCounts struct{ invited, skipped, rejected int }

// importRows invites one chunk's rows through the import's link.
func (db *DB) importRows(ctx context.Context, tx *Tx, im Import, rows []ImportRow, now time.Time) (importCounts, error) {
	var c importCounts
	link, err := tx.link(ctx, im.LinkID)
	if err != nil {
		return c, err
	}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = addressKey(r.Email)
	}
	if err := tx.lockKeys(ctx, keys...); err != nil { // before the link's row, as every invite takes them
		return c, err
	}
	if err := linkOpen(ctx, tx, link, now); err != nil {
		return c, err
	}
	var rejected []ImportRejection
	room, err := linkRoom(ctx, tx, link)
	if err != nil {
		return c, err
	}
	if room >= 0 && len(rows) > room {
		for _, r := range rows[room:] {
			rejected = append(rejected, r.rejection(ReasonNoRoom))
		}
		rows = rows[:room]
	}
	ns := make([]NewInvitation, len(rows))
	for i, r := range rows {
		ns[i] = NewInvitation{TestID: link.TestID, LinkID: link.ID, Name: r.Name, Email: r.Email, ExternalData: r.Data,
			SendEmail: &im.SendEmail, Source: SourceImport, Actor: im.Actor}
	}
	_, outcomes, err := db.inviteBatch(ctx, tx, ns, now)
	if err != nil {
		return c, err
	}
	for i, o := range outcomes {
		if o == BulkExisting {
			rejected = append(rejected, rows[i].rejection(ReasonAlreadyInvited))
			c.skipped++
		} else {
			c.invited++
		}
	}
	c.rejected = len(rejected) - c.skipped
	return c, addRejections(ctx, tx, im.ID, rejected)
}

// FailImport ends a job its worker cannot carry on with, for reason; the
// rows left are rejected with it.
func (db *DB) FailImport(ctx context.Context, id int64, reason string) error {
	return db.inTx(ctx, func(tx *Tx) error { return db.failImport(ctx, tx, id, reason, db.Now()) })
}

// failImport ends a job that cannot go on: the rows left are rejected with
// the reason, so the download still accounts for every row.
func (db *DB) failImport(ctx context.Context, tx *Tx, id int64, reason string, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT rows FROM import_chunks WHERE import_id = ? ORDER BY chunk`, id)
	chunks, err := collect(rows, err, func(r row) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return err
	}
	var rejected []ImportRejection
	for _, raw := range chunks {
		var rows []ImportRow
		if json.Unmarshal([]byte(raw), &rows) != nil {
			continue // a chunk that cannot be read cannot be listed either; the job still ends
		}
		for _, r := range rows {
			rejected = append(rejected, r.rejection(reason))
		}
	}
	if err := addRejections(ctx, tx, id, rejected); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM import_chunks WHERE import_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE imports SET processed = processed + ?, rejected = rejected + ? WHERE id = ?`,
		len(rejected), len(rejected), id); err != nil {
		return err
	}
	return finishImport(ctx, tx, id, ImportFailed, reason, now)
}

func finishImport(ctx context.Context, tx *Tx, id int64, status, reason string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE imports SET status = ?, error = ?, locked_until = NULL, finished_at = ?, updated_at = ?
		WHERE id = ?`, status, reason, millis(now), millis(now), id)
	return err
}

// InvitedEmailsOnLink returns which of the addresses (normalised) have a
// live invitation on the link, for an import's check.
func (db *DB) InvitedEmailsOnLink(ctx context.Context, linkID int64, emails []string) (map[string]bool, error) {
	list, _ := json.Marshal(emails)
	rows, err := db.query(ctx, `SELECT DISTINCT email_norm FROM invitations
		WHERE link_id = ? AND status NOT IN ('cancelled', 'expired') AND email_norm IN (`+db.dialect.jsonTexts()+`)`,
		linkID, string(list))
	return stringSet(rows, err)
}

// jsonStrings is a list of strings as a JSON array; nil is the empty one.
func jsonStrings(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list)
	return string(b)
}
