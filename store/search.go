package store

import (
	"context"
	"encoding/json"
)

// indexForSearch adds new invitations to the full-text search index, one
// statement for the lot.
func indexForSearch(ctx context.Context, tx *Tx, ids []int64) error {
	list, _ := json.Marshal(ids)
	_, err := tx.ExecContext(ctx, `INSERT INTO invitations_search (rowid, name, email_norm)
		SELECT id, name, email_norm FROM invitations WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	return err
}

// reindexForSearch replaces an invitation's entry in the search index
// after its name or address changed.
func reindexForSearch(ctx context.Context, tx *Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM invitations_search WHERE rowid = ?`, id); err != nil {
		return err
	}
	return indexForSearch(ctx, tx, []int64{id})
}
