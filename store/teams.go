package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Team owns tests and, through them, their links, invitations, imports,
// emails and callbacks. Recruiters see and change their teams' data only;
// admins see all.
type Team struct {
	ID      int64
	Name    string
	Members int
	Tests   int
	// RetentionDays overrides the installation's retention for the team's
	// candidates (nil: the installation's; 0: kept).
	RetentionDays *int
	CreatedAt     time.Time
}

// DefaultTeamID is the team an installation from before teams put
// everything in, and where a test made without a team goes.
const DefaultTeamID = 1

// Teams limits what a query sees to some teams. nil sees every team (an
// admin, an organisation-wide key); an empty, non-nil list sees nothing
// (a recruiter in no team).
type Teams []int64

// Has reports whether the scope reaches team id.
func (ts Teams) Has(id int64) bool {
	if ts == nil {
		return true
	}
	for _, t := range ts {
		if t == id {
			return true
		}
	}
	return false
}

// cond is the condition that column is one of the teams ("" for all).
func (ts Teams) cond(column string) (string, []any) {
	if ts == nil {
		return "", nil
	}
	if len(ts) == 0 {
		return "1 = 0", nil
	}
	marks := make([]string, len(ts))
	args := make([]any, len(ts))
	for i, t := range ts {
		marks[i], args[i] = "?", t
	}
	return column + " IN (" + strings.Join(marks, ", ") + ")", args
}

// where is cond as a whole condition: "1 = 1" for every team.
func (ts Teams) where(column string) (string, []any) {
	if ts == nil {
		return "1 = 1", nil
	}
	return ts.cond(column)
}

// ListTeams lists every team with its number of members and tests, by name.
func (db *DB) ListTeams(ctx context.Context) ([]Team, error) {
	rows, err := db.query(ctx, `SELECT t.id, t.name, t.created_at, t.retention_days,
			(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id), (SELECT COUNT(*) FROM tests x WHERE x.team_id = t.id)
		FROM teams t ORDER BY LOWER(t.name), t.id`)
	return collect(rows, err, func(r row) (Team, error) {
		var t Team
		var created int64
		var retention sql.NullInt64
		err := r.Scan(&t.ID, &t.Name, &created, &retention, &t.Members, &t.Tests)
		t.CreatedAt = fromMillis(created)
		if retention.Valid {
			days := int(retention.Int64)
			t.RetentionDays = &days
		}
		return t, err
	})
}

func teamName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", FieldErrors{"name": ProblemRequired}
	case len([]rune(name)) > 100 || HasUnsafeChars(name):
		return "", FieldErrors{"name": "must be at most 100 characters of text"}
	}
	return name, nil
}

// CreateTeam adds a team; a name in use is a FieldErrors on "name".
func (db *DB) CreateTeam(ctx context.Context, name string) (Team, error) {
	name, err := teamName(name)
	if err != nil {
		return Team{}, err
	}
	now := millis(db.Now())
	var t Team
	err = db.w.QueryRowContext(ctx, `INSERT INTO teams (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id`, name, now, now).Scan(&t.ID)
	if err != nil {
		if isUniqueViolation(err, "teams.name") {
			return Team{}, FieldErrors{"name": "is the name of another team"}
		}
		return Team{}, err
	}
	t.Name, t.CreatedAt = name, fromMillis(now)
	return t, nil
}

// UpdateTeam changes a team's name and retention (nil: the installation's).
func (db *DB) UpdateTeam(ctx context.Context, id int64, name string, retentionDays *int) error {
	name, err := teamName(name)
	if err != nil {
		return err
	}
	var retention sql.NullInt64
	if retentionDays != nil {
		if *retentionDays < 0 || *retentionDays > MaxRetentionDays {
			return FieldErrors{"retentionDays": fmt.Sprintf("must be between 0 and %d days, or empty for the installation's setting", MaxRetentionDays)}
		}
		retention = sql.NullInt64{Int64: int64(*retentionDays), Valid: true}
	}
	res, err := db.execUncached(ctx, `UPDATE teams SET name = ?, retention_days = ?, updated_at = ? WHERE id = ?`, name, retention, millis(db.Now()), id)
	if err != nil {
		if isUniqueViolation(err, "teams.name") {
			return FieldErrors{"name": "is the name of another team"}
		}
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// UserTeams is the teams a user belongs to, as a scope.
func (db *DB) UserTeams(ctx context.Context, userID int64) (Teams, error) {
	rows, err := db.query(ctx, `SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id`, userID)
	ids, err := collect(rows, err, func(r row) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if ids == nil && err == nil {
		ids = Teams{}
	}
	return ids, err
}

// TeamMembers lists the ids of a team's members.
func (db *DB) TeamMembers(ctx context.Context, teamID int64) ([]int64, error) {
	rows, err := db.query(ctx, `SELECT user_id FROM team_members WHERE team_id = ? ORDER BY user_id`, teamID)
	return collect(rows, err, func(r row) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// SetTeamMembers makes exactly these users the team's members.
func (db *DB) SetTeamMembers(ctx context.Context, teamID int64, userIDs []int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = ?`, teamID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = ?`, teamID); err != nil {
			return err
		}
		for _, id := range userIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id) SELECT ?, id FROM users WHERE id = ?
				ON CONFLICT DO NOTHING`, teamID, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// MoveTest gives a test, with everything under it, to another team.
func (db *DB) MoveTest(ctx context.Context, testID, teamID int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = ?`, teamID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return FieldErrors{"team": "must be one of the teams"}
		}
		tx.changedTests()
		res, err := tx.ExecContext(ctx, `UPDATE tests SET team_id = ?, updated_at = ? WHERE id = ?`, teamID, millis(db.Now()), testID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// teamOfQueries find the team owning a record, by the kind of record a
// route names (the path segment before its id).
var teamOfQueries = map[string]string{
	"tests":       `SELECT team_id FROM tests WHERE id = ?`,
	"links":       `SELECT t.team_id FROM test_links l JOIN tests t ON t.id = l.test_id WHERE l.id = ?`,
	"invitations": `SELECT t.team_id FROM invitations i JOIN tests t ON t.id = i.test_id WHERE i.id = ?`,
	"imports":     `SELECT t.team_id FROM imports m JOIN test_links l ON l.id = m.link_id JOIN tests t ON t.id = l.test_id WHERE m.id = ?`,
	"outbox": `SELECT COALESCE((SELECT t.team_id FROM invitations i JOIN tests t ON t.id = i.test_id WHERE i.id = o.invitation_id), 0)
		FROM outbox o WHERE o.id = ?`,
	"deliveries": `SELECT t.team_id FROM callback_deliveries d JOIN invitations i ON i.id = d.invitation_id JOIN tests t ON t.id = i.test_id
		WHERE d.id = ?`,
}

// TeamOf returns the team owning a record of a kind ("tests", "links",
// "invitations", "imports", "outbox", "deliveries"); 0 for an email to a
// console user, which belongs to no team. ErrNotFound: no such record.
func (db *DB) TeamOf(ctx context.Context, kind string, id int64) (int64, error) {
	q, ok := teamOfQueries[kind]
	if !ok {
		return 0, ErrNotFound
	}
	var team int64
	err := db.queryRow(ctx, q, id).Scan(&team)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return team, err
}
