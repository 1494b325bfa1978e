package store

import "database/sql"

// collect scans every row of a query with scan and closes the rows; it
// passes on the query's own error.
func collect[T any](rows *sql.Rows, err error, scan func(row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// stringSet collects a one-column query of strings as a set.
func stringSet(rows *sql.Rows, err error) (map[string]bool, error) {
	found, err := collect(rows, err, func(r row) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	set := make(map[string]bool, len(found))
	for _, s := range found {
		set[s] = true
	}
	return set, err
}
