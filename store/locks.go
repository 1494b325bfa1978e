package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"hash/fnv"
	"slices"
	"strings"
)

// Write transactions on PostgreSQL run side by side, at READ COMMITTED,
// and lock only what they touch; SQLite's one writer makes every lock here
// a no-op. A rule that checks before it writes holds by one of:
//   - a row lock on the row the rule is about (an invitation's status
//     moves, a link's maximum uses, a test's question positions), taken by
//     the statement that reads the row;
//   - a key lock on what has no row yet (an address on a link before its
//     invitation exists, a throttle's scope, the first user), a
//     transaction-scoped advisory lock on the key's hash;
//   - the database's own constraint as the last word (one live invitation
//     per address and link is a partial unique index).
//
// Locks are taken in one order so that two transactions never wait on
// each other: key locks first (sorted, in one statement), then link and
// test rows, then invitation rows.

// lockKeys takes a transaction-scoped lock on each key (PostgreSQL: an
// advisory lock on its 64-bit hash; a collision only makes two keys share
// a lock). It is released at commit or rollback.
func (t *Tx) lockKeys(ctx context.Context, keys ...string) error {
	if t.dialect != dialectPostgres || len(keys) == 0 {
		return nil
	}
	hashes := make([]int64, 0, len(keys))
	for _, k := range keys {
		h := fnv.New64a()
		h.Write([]byte(k))
		hashes = append(hashes, int64(h.Sum64()))
	}
	slices.Sort(hashes) // one order for every transaction: no deadlock between two
	hashes = slices.Compact(hashes)
	// Sent with the next statement (ExecLater): the server takes the lock
	// before it runs that statement, in the same round trip.
	if len(hashes) == 1 {
		return t.ExecLater(ctx, `SELECT pg_advisory_xact_lock(?)`, hashes[0])
	}
	list, _ := json.Marshal(hashes)
	return t.ExecLater(ctx, `SELECT pg_advisory_xact_lock(value) FROM (`+t.dialect.jsonIDs()+`) k`, string(list))
}

// addressKey is the key lock of an address on any link: taken before an
// invitation for the address is looked for and made, re-opened or given a
// new address, so that two requests for one address take turns.
func addressKey(email string) string { return "address:" + NormalizeEmail(email) }

// addressKeys is addressKey for the addresses of a batch.
func addressKeys(ns []NewInvitation) []string {
	keys := make([]string, 0, len(ns))
	for _, n := range ns {
		if strings.TrimSpace(n.Email) != "" {
			keys = append(keys, addressKey(n.Email))
		}
	}
	return keys
}

// lockRow locks one row of a table for the rest of the transaction
// (PostgreSQL), for a rule about the row that reads other rows: a link's
// uses are its invitations, a test's positions its questions'.
func (t *Tx) lockRow(ctx context.Context, table string, id int64) error {
	if t.dialect != dialectPostgres {
		return nil
	}
	return t.ExecLater(ctx, `SELECT id FROM `+table+` WHERE id = ? FOR UPDATE`, id)
}

// lockTest locks a test's row: its structure (questions, sections, rules,
// picks and their positions) is edited one transaction at a time.
func (t *Tx) lockTest(ctx context.Context, testID int64) error {
	return t.lockRow(ctx, "tests", testID)
}

// forUpdate ends a read of invitations (alias i) that the transaction goes
// on to change: PostgreSQL locks the rows read, so a second transaction on
// the same invitation waits, then reads what the first wrote.
func (d dialect) forUpdate() string {
	if d == dialectPostgres {
		return " FOR UPDATE OF i"
	}
	return ""
}

// forUpdateSkipLocked is forUpdate for sweeps over many invitations: a
// row another transaction holds is left for the next sweep, and a row
// that no longer matches once its lock is had is not returned.
func (d dialect) forUpdateSkipLocked() string {
	if d == dialectPostgres {
		return " FOR UPDATE OF i SKIP LOCKED"
	}
	return ""
}

// invitationAndAddressTx reads and locks an invitation whose change may
// give its address a live invitation again (extending an expired one),
// taking the address's key lock first, in the order every invite takes
// them.
func invitationAndAddressTx(ctx context.Context, tx *Tx, id int64) (Invitation, error) {
	if err := lockAddressOf(ctx, tx, id); err != nil {
		return Invitation{}, err
	}
	return invitationTx(ctx, tx, id)
}

// lockAddressOf takes the key lock of an invitation's address.
func lockAddressOf(ctx context.Context, tx *Tx, id int64) error {
	if tx.dialect != dialectPostgres {
		return nil
	}
	var email string
	err := tx.QueryRowContext(ctx, `SELECT email FROM invitations WHERE id = ?`, id).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return tx.lockKeys(ctx, addressKey(email))
}
