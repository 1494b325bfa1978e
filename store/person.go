package store

// A person is their address: their id is the address's first invitation
// in the team.
//
// The invitations are found by their address and only then checked for
// the team: the "+" keeps the test_id index out of it. Planned while the
// statistics still say a test has a few invitations (a prepared statement
// keeps its plan; a table that grows by an import is analyzed a minute
// later or more), PostgreSQL otherwise read every invitation of the
// test's index to find the one person, on every candidate page read.
const personWhere = `(SELECT MIN(p.id) FROM invitations p JOIN tests pt ON pt.id = +p.test_id WHERE `

// personOfInvitation is the person of the invitation i of the test t.
const personOfInvitation = personWhere + `p.email_norm = i.email_norm AND pt.team_id = t.team_id)`

// personOfAddress is the person of a normalized address (bound first) in a
// team (bound second); NULL before the address's first invitation.
const personOfAddress = personWhere + `p.email_norm = ? AND pt.team_id = ?)`
