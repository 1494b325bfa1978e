package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
)

// Moving an installation from SQLite to PostgreSQL: every table is copied
// in the order of its references, in key order, a batch per transaction,
// so that a copy cut short is taken up where it stopped; the search index
// is rebuilt from the invitations; then every table is verified by its
// row count and a checksum of its rows read in key order from both.

// copyTables are the tables copied, each after those it references. The
// search index is rebuilt rather than copied; schema_migrations and the
// processes holding leases are each database's own. A test holds the list
// to SQLite's tables.
var copyTables = []string{"settings", "users", "console_sessions", "login_failures", "teams", "team_members", "api_keys",
	"tests", "bank_questions", "test_sections", "section_rules", "section_picks", "questions", "test_links", "link_wordings",
	"invitations", "answers", "attempt_questions", "attempt_signals", "invitation_events", "score_changes", "outbox",
	"callback_deliveries", "imports", "import_chunks", "import_rejections", "password_links", "audit_log", "branding",
	"candidate_deletions", "ats_integrations", "ats_references"}

// copyBatch is how many rows a copy transaction carries.
var copyBatch = 2000

// CopyProgress hears of a copy as it goes; either may be nil.
type CopyProgress struct {
	Copied   func(table string, rows int64) // after each batch, the rows of the table this run wrote so far
	Verified func(TableCopy)                // after each table's count and checksum matched
}

// TableCopy is what the copy did to one table and what it verified.
type TableCopy struct {
	Table    string
	Copied   int64  // rows written by this run (a resumed run skips those already there)
	Rows     int64  // rows in both databases once copied
	Checksum string // of every row, in key order: the same in both
}

// CopyTo copies this SQLite database into to, a PostgreSQL database
// (migrated here if new), and verifies the copy. Nothing may write to
// this database meanwhile (the command holds serve's lock on it). Run
// again after an interruption, it goes on from where it stopped; run
// again after it finished, it copies nothing and verifies again.
func (db *DB) CopyTo(ctx context.Context, to *DB, progress CopyProgress) ([]TableCopy, error) {
	if db.Postgres() || !to.Postgres() {
		return nil, errors.New("store: a copy goes from a SQLite file to a PostgreSQL database")
	}
	if err := db.CheckSchema(ctx); err != nil {
		return nil, fmt.Errorf("store: the SQLite file: %w", err)
	}
	if _, err := to.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("store: the PostgreSQL database: %w", err)
	}
	copied := map[string]int64{}
	var shapes []shape
	for _, table := range copyTables {
		sh, err := db.tableShape(ctx, table)
		if err != nil {
			return nil, err
		}
		shapes = append(shapes, sh)
		if copied[table], err = copyTable(ctx, db, to, sh, progress.Copied); err != nil {
			return nil, fmt.Errorf("store: copy %s: %w", table, err)
		}
	}
	if err := to.inTx(ctx, func(tx *Tx) error { return afterCopy(ctx, tx, shapes) }); err != nil {
		return nil, fmt.Errorf("store: after the copy: %w", err)
	}
	var out []TableCopy
	for _, sh := range shapes {
		table := sh.table
		mine, err := tableChecksum(ctx, db, sh)
		if err != nil {
			return nil, err
		}
		theirs, err := tableChecksum(ctx, to, sh)
		if err != nil {
			return nil, err
		}
		if mine != theirs {
			return out, fmt.Errorf("store: %s differs after the copy: %d rows (%s) in SQLite, %d (%s) in PostgreSQL",
				table, mine.rows, mine.sum[:12], theirs.rows, theirs.sum[:12])
		}
		t := TableCopy{Table: table, Copied: copied[table], Rows: mine.rows, Checksum: mine.sum}
		out = append(out, t)
		if progress.Verified != nil {
			progress.Verified(t)
		}
	}
	return out, nil
}

// shape is a table's columns and its key's, in key order.
type shape struct {
	table     string
	cols, key []string
	textKey   map[string]bool // key columns holding text
}

// tableShape reads a table's shape from SQLite.
func (db *DB) tableShape(ctx context.Context, table string) (shape, error) {
	sh := shape{table: table, textKey: map[string]bool{}}
	rows, err := db.r.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return sh, err
	}
	defer rows.Close()
	keys := map[int]string{}
	for rows.Next() {
		var name, kind string
		var pk int
		if err := rows.Scan(&name, &kind, &pk); err != nil {
			return sh, err
		}
		sh.cols = append(sh.cols, name)
		if pk > 0 {
			keys[pk] = name
			sh.textKey[name] = kind == "TEXT"
		}
	}
	for i := 1; i <= len(keys); i++ {
		sh.key = append(sh.key, keys[i])
	}
	if len(sh.cols) == 0 || len(sh.key) == 0 {
		return sh, fmt.Errorf("store: %s has no columns or no key in the SQLite file", table)
	}
	return sh, rows.Err()
}

// orderBy is the key in order on either engine: text compared byte by
// byte, as SQLite does, whatever PostgreSQL's collation.
func (sh shape) orderBy(d dialect, dir string) string {
	parts := make([]string, len(sh.key))
	for i, k := range sh.key {
		parts[i] = k
		if d == dialectPostgres && sh.textKey[k] {
			parts[i] += ` COLLATE "C"`
		}
		parts[i] += dir
	}
	return strings.Join(parts, ", ")
}

// copyTable copies the rows PostgreSQL lacks, in key order, after the
// last key it holds (batches commit in key order, so every row before it
// is there). The teams are written whole every time: PostgreSQL's schema
// comes with team 1, which the file's may have renamed.
func copyTable(ctx context.Context, from, to *DB, sh shape, progress func(string, int64)) (int64, error) {
	table, cols, key := sh.table, sh.cols, sh.key
	colList, keyList := strings.Join(cols, ", "), strings.Join(key, ", ")
	conflict := ` ON CONFLICT DO NOTHING`
	var last []any
	if table == "teams" {
		var set []string
		for _, c := range cols[1:] {
			set = append(set, c+" = excluded."+c)
		}
		conflict = ` ON CONFLICT (id) DO UPDATE SET ` + strings.Join(set, ", ")
	} else {
		var err error
		if last, err = lastKey(ctx, to, sh); err != nil {
			return 0, err
		}
	}
	var copied int64
	for {
		query, args := `SELECT `+colList+` FROM `+table, []any{}
		if last != nil {
			query += ` WHERE (` + keyList + `) > ` + valuesList(1, len(key))
			args = append(args, last...)
		}
		rows, err := from.r.QueryContext(ctx, query+` ORDER BY `+sh.orderBy(dialectSQLite, "")+` LIMIT ?`, append(args, copyBatch)...)
		if err != nil {
			return copied, err
		}
		batch, err := readRows(rows, len(cols))
		if err != nil || len(batch) == 0 {
			return copied, err
		}
		// Statements of up to 30,000 parameters (PostgreSQL takes 65,535).
		per := max(1, 30_000/len(cols))
		err = to.inTx(ctx, func(tx *Tx) error {
			for start := 0; start < len(batch); start += per {
				group := batch[start:min(start+per, len(batch))]
				values := make([]any, 0, len(group)*len(cols))
				for _, r := range group {
					values = append(values, r...)
				}
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO `+table+` (`+colList+`) VALUES `+
					valuesList(len(group), len(cols))+conflict, values...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return copied, err
		}
		copied += int64(len(batch))
		if progress != nil {
			progress(table, copied)
		}
		end := batch[len(batch)-1]
		last = last[:0]
		for _, k := range key {
			last = append(last, end[slices.Index(cols, k)])
		}
	}
}

// afterCopy rebuilds the search index and moves each identity past the
// ids copied, so that new rows do not collide with them.
func afterCopy(ctx context.Context, tx *Tx, shapes []shape) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO invitations_search (rowid, name, email_norm)
		SELECT id, name, email_norm FROM invitations
		ON CONFLICT (rowid) DO UPDATE SET name = excluded.name, email_norm = excluded.email_norm`); err != nil {
		return err
	}
	for _, sh := range shapes {
		if !slices.Equal(sh.key, []string{"id"}) {
			continue
		}
		// No row where the id is not an identity (branding's) or the table is empty.
		if _, err := tx.tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+sh.table+`', 'id'), MAX(id))
			FROM `+sh.table+` WHERE pg_get_serial_sequence('`+sh.table+`', 'id') IS NOT NULL HAVING MAX(id) IS NOT NULL`); err != nil {
			return err
		}
	}
	return nil
}

// lastKey is the greatest key PostgreSQL holds of a table, nil for none.
func lastKey(ctx context.Context, to *DB, sh shape) ([]any, error) {
	rows, err := to.r.QueryContext(ctx, `SELECT `+strings.Join(sh.key, ", ")+` FROM `+sh.table+` ORDER BY `+sh.orderBy(dialectPostgres, " DESC")+` LIMIT 1`)
	if err != nil {
		return nil, err
	}
	got, err := readRows(rows, len(sh.key))
	if err != nil || len(got) == 0 {
		return nil, err
	}
	return got[0], nil
}

// readRows reads every row, each value as the driver gives it.
func readRows(rows *sql.Rows, n int) ([][]any, error) {
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		r := make([]any, n)
		ptrs := make([]any, n)
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// checksum is a table's row count and the SHA-256 of its rows.
type checksum struct {
	rows int64
	sum  string
}

// tableChecksum reads a table in key order and hashes each value with its
// kind, so that both engines' drivers' values hash alike: an integer as
// its digits, a text as its bytes, a blob as its bytes, NULL as itself.
func tableChecksum(ctx context.Context, db *DB, sh shape) (checksum, error) {
	table, cols := sh.table, sh.cols
	rows, err := db.r.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table+` ORDER BY `+sh.orderBy(db.dialect, ""))
	if err != nil {
		return checksum{}, err
	}
	defer rows.Close()
	h := sha256.New()
	var n int64
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return checksum{}, err
		}
		for _, v := range vals {
			if err := hashValue(h, v); err != nil {
				return checksum{}, fmt.Errorf("store: checksum of %s: %w", table, err)
			}
		}
		n++
	}
	return checksum{rows: n, sum: hex.EncodeToString(h.Sum(nil))}, rows.Err()
}

func hashValue(h hash.Hash, v any) error {
	switch v := v.(type) {
	case nil:
		h.Write([]byte{'N'})
	case int64:
		h.Write([]byte("i" + strconv.FormatInt(v, 10) + ";"))
	case string:
		h.Write([]byte("t" + strconv.Itoa(len(v)) + ":" + v))
	case []byte:
		h.Write([]byte("b" + strconv.Itoa(len(v)) + ":"))
		h.Write(v)
	default:
		return fmt.Errorf("a value of type %T", v)
	}
	return nil
}
