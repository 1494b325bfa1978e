package store

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"
)

// indexForSearch adds new invitations to the full-text search index, one
// statement for the lot.
func indexForSearch(ctx context.Context, tx *Tx, ids []int64) error {
	list, _ := json.Marshal(ids)
	return tx.ExecLater(ctx, tx.dialect.indexForSearch(), string(list))
}

// indexForSearch is the statement that indexes the invitations whose ids
// are bound as a JSON array.
func (d dialect) indexForSearch() string {
	return `INSERT INTO invitations_search (rowid, name, email_norm)
		SELECT id, name, email_norm FROM invitations WHERE id ` + d.inJSONIDs()
}

// reindexForSearch replaces an invitation's entry in the search index
// after its name or address changed.
func reindexForSearch(ctx context.Context, tx *Tx, id int64) error {
	if err := tx.ExecLater(ctx, `DELETE FROM invitations_search WHERE rowid = ?`, id); err != nil {
		return err
	}
	return indexForSearch(ctx, tx, []int64{id})
}

// searchWords are the words of what a recruiter typed, lower-cased: runs
// of letters and digits, as the index splits names and addresses.
func searchWords(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// How a search runs depends on how many invitations its words match,
// counted up to broadMatches: few, and it starts from the full-text index;
// more, and the other filters' indexes lead while the matching ids are
// looked up; so many (a domain every candidate shares) that reading them
// costs more than reading the rows, and the rows are matched one by one.
const (
	selectiveMatches = 1000
	broadMatches     = 5_000
)

type searchPlan int

const (
	searchRows     searchPlan = iota // LIKE on each row the other filters give
	searchIndex                      // start from the full-text index
	searchIndexIDs                   // keep the rows whose id the index matches
)

// planSearch counts the filter's matches in the full-text index, up to a
// bound, to choose how to run it.
func (db *DB) planSearch(ctx context.Context, f InvitationFilter) (searchPlan, error) {
	match := db.dialect.searchQuery(f.Query)
	if match == "" {
		return searchRows, nil
	}
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM invitations_search WHERE `+db.dialect.searchMatches("invitations_search")+` LIMIT ?) m`,
		match, broadMatches).Scan(&n)
	switch {
	case n < selectiveMatches:
		return searchIndex, err
	case n < broadMatches:
		return searchIndexIDs, err
	}
	return searchRows, err
}
