package store

// personOf begins the SQL of a person's id, their address's first
// invitation in the team; the caller ends it with the address and the
// team: personOf + "? AND pt.team_id = ?)".
//
// The invitations are found by their address and only then checked for
// the team: the "+" keeps the test_id index out of it. Planned while the
// statistics still say a test has a few invitations (a prepared statement
// keeps its plan; a table that grows by an import is analyzed a minute
// later or more), PostgreSQL otherwise read every invitation of the
// test's index to find the one person, on every candidate page read.
const personOf = `(SELECT MIN(p.id) FROM invitations p JOIN tests pt ON pt.id = +p.test_id WHERE p.email_norm = `
