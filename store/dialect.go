package store

import "strings"

// The few statements SQLite and PostgreSQL cannot share are written here,
// a piece per engine, and spliced into the one statement of the method.

// indexedBy is SQLite's index hint (its planner, without statistics,
// sometimes picks a worse index); PostgreSQL plans from its statistics.
func (d dialect) indexedBy(index string) string {
	if d == dialectPostgres {
		return ""
	}
	return " INDEXED BY " + index
}

// skipLocked ends a claim's SELECT: on PostgreSQL, processes claiming at
// once pass over each other's rows instead of waiting for them; SQLite's
// one writer claims alone.
func (d dialect) skipLocked() string {
	if d == dialectPostgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// jsonIDs is the rows of a JSON array of integers bound as one parameter,
// as a subquery with a column value: one statement for any number of ids.
func (d dialect) jsonIDs() string {
	if d == dialectPostgres {
		return `SELECT CAST(value AS BIGINT) AS value FROM json_array_elements_text(CAST(? AS json))`
	}
	return `SELECT value FROM json_each(?)`
}

// inJSONIDs is the condition that a column is one of a JSON array of
// integers bound as one parameter. On PostgreSQL it is "= ANY" of the array,
// which is looked up through the column's index whatever the table's size.
// "IN (jsonIDs)" is planned for the 100 elements PostgreSQL guesses a JSON
// array holds, so while a table has fewer than some ten thousand rows it
// was read whole and hashed to find one id: every invitation made through
// the API read every invitation to index it for search.
func (d dialect) inJSONIDs() string {
	if d == dialectPostgres {
		return `= ANY (ARRAY(` + d.jsonIDs() + `))`
	}
	return `IN (` + d.jsonIDs() + `)`
}

// jsonTexts is jsonIDs for a JSON array of strings.
func (d dialect) jsonTexts() string {
	if d == dialectPostgres {
		return `SELECT value FROM json_array_elements_text(CAST(? AS json))`
	}
	return `SELECT value FROM json_each(?)`
}

// searchMatches is the condition that the search index's row (the table
// invitations_search, or its alias) matches the query bound as one
// parameter, written by searchQuery.
func (d dialect) searchMatches(alias string) string {
	if d == dialectPostgres {
		return alias + `.words @@ to_tsquery('simple', public.unaccent('public.unaccent'::regdictionary, ?))`
	}
	return `invitations_search MATCH ?`
}

// searchQuery is the full-text query for what a recruiter typed: its words
// as words of the name or address, the last one as a beginning, since it
// may still be being typed ("jane no" finds Jane Novak and
// jane.novak@…). It is "" when the text has no word to look for.
func (d dialect) searchQuery(q string) string {
	words := searchWords(q)
	if len(words) == 0 {
		return ""
	}
	if d == dialectPostgres {
		return strings.Join(words, " & ") + ":*"
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return strings.Join(words, " ") + "*"
}

// statItems is an attempt's answers summed up for the question statistics
// (migration 0037 says the form), as a subquery of an UPDATE of
// invitations.
func (d dialect) statItems() string {
	agg, points := "group_concat", "COALESCE(a.points, '')"
	if d == dialectPostgres {
		agg, points = "string_agg", "COALESCE(CAST(a.points AS TEXT), '')"
	}
	return `(SELECT ` + agg + `(aq.question_id || ':' || ` + points + ` || ':' ||
			REPLACE(REPLACE(REPLACE(COALESCE(a.choices, '[]'), '[', ''), ']', ''), ',', '.') || ':' ||
			CASE WHEN TRIM(COALESCE(a.body, '')) = '' THEN 0 ELSE 1 END || ':' || COALESCE(a.seconds_spent, 0), ';')
		FROM attempt_questions aq LEFT JOIN answers a ON a.invitation_id = aq.invitation_id AND a.question_id = aq.question_id
		WHERE aq.invitation_id = invitations.id)`
}
