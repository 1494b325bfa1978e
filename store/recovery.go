package store

import "context"

// ExpireLeases ends every lease on emails, callbacks and imports, so that
// work a killed process held is taken up at once instead of when its lease
// would have run out. Only the process that owns the database may call it,
// before its workers start (serve holds a lock on the database for that).
// An email the dead process may have handed to the SMTP server is sent
// again with the same Message-ID.
func (db *DB) ExpireLeases(ctx context.Context) (emails, callbacks, imports int64, err error) {
	return db.freeLeases(ctx, "", nil)
}

// freeLeases makes due now the leases held on emails, callbacks and
// imports whose holder matches holderCond ("" for every lease), in one
// transaction, after which it runs then (if given) in the same one.
func (db *DB) freeLeases(ctx context.Context, holderCond string, then func(tx *Tx, now int64) error, args ...any) (emails, callbacks, imports int64, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		now := millis(db.Now())
		for _, q := range []struct {
			n      *int64
			table  string
			status string
		}{{&emails, "outbox", "sending"}, {&callbacks, "callback_deliveries", "delivering"}, {&imports, "imports", "running"}} {
			res, err := tx.ExecContext(ctx, `UPDATE `+q.table+` SET locked_until = ? WHERE status = '`+q.status+`' AND locked_until > ?`+
				holderCond, append([]any{now, now}, args...)...)
			if err != nil {
				return err
			}
			*q.n, _ = res.RowsAffected()
		}
		if then != nil {
			return then(tx, now)
		}
		return nil
	})
	return emails, callbacks, imports, err
}
