package store

import "context"

// ExpireLeases ends every lease on emails, callbacks and imports, so that
// work a killed process held is taken up at once instead of when its lease
// would have run out. Only the process that owns the database may call it,
// before its workers start (serve holds a lock on the database for that).
// An email the dead process may have handed to the SMTP server is sent
// again with the same Message-ID.
func (db *DB) ExpireLeases(ctx context.Context) (emails, callbacks, imports int64, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		now := millis(db.Now())
		for _, q := range []struct {
			n   *int64
			sql string
		}{
			{&emails, `UPDATE outbox SET locked_until = ? WHERE status = 'sending' AND locked_until > ?`},
			{&callbacks, `UPDATE callback_deliveries SET locked_until = ? WHERE status = 'delivering' AND locked_until > ?`},
			{&imports, `UPDATE imports SET locked_until = ? WHERE status = 'running' AND locked_until > ?`},
		} {
			res, err := tx.ExecContext(ctx, q.sql, now, now)
			if err != nil {
				return err
			}
			*q.n, _ = res.RowsAffected()
		}
		return nil
	})
	return emails, callbacks, imports, err
}
