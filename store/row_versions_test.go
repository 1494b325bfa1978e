package store

import (
	"context"
	"testing"
)

// On PostgreSQL every UPDATE of an invitation that moves its status writes
// a new version of the row and an entry in each of its indexes: a start
// and a completion each update the row once, however much of it they set.
func TestStartAndCompletionUpdateTheInvitationOnce(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	raw := behindTheBack(t, db)
	trigger := []string{
		`CREATE TABLE invitation_updates (n INTEGER NOT NULL)`,
		`INSERT INTO invitation_updates VALUES (0)`,
		`CREATE TRIGGER count_invitation_updates AFTER UPDATE ON invitations
			BEGIN UPDATE invitation_updates SET n = n + 1; END`,
	}
	if onPostgres {
		trigger[2] = `CREATE FUNCTION count_invitation_update() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN UPDATE invitation_updates SET n = n + 1; RETURN NULL; END $$`
		trigger = append(trigger, `CREATE TRIGGER count_invitation_updates AFTER UPDATE ON invitations
			FOR EACH ROW EXECUTE FUNCTION count_invitation_update()`)
	}
	for _, q := range trigger {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	updates := func() int {
		var n int
		if err := raw.QueryRowContext(ctx, `SELECT n FROM invitation_updates`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	invited := oneQuestionTest(t, db, NewInvitation{Name: "C", Email: "c@example.com"})[0]
	before := updates()
	inv, err := db.StartInvitation(ctx, invited.ID)
	if err != nil || inv.DeadlineAt == nil {
		t.Fatalf("start: deadline %v, %v", inv.DeadlineAt, err)
	}
	if n := updates() - before; n != 1 {
		t.Fatalf("a start updated the invitation %d times, want once", n)
	}
	before = updates()
	done, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Finish: true, Confirmed: true, Form: map[string][]string{}})
	if err != nil || done.Outcome != Completed || done.Invitation.Score == nil || done.Invitation.MaxScore == nil || *done.Invitation.MaxScore != 1 {
		t.Fatalf("completion: %v, score %v of %v, %v", done.Outcome, done.Invitation.Score, done.Invitation.MaxScore, err)
	}
	if n := updates() - before; n != 1 {
		t.Fatalf("a completion updated the invitation %d times, want once", n)
	}
}
