package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"testgate/store/testkit"
)

// panickyComposer panics on one candidate's email.
type panickyComposer struct{ plainComposer }

func (c panickyComposer) Compose(d EmailData) (Email, error) {
	if d.Invitation.Name == "Bobby Tables" {
		panic("a wording that breaks the composer")
	}
	return c.plainComposer.Compose(d)
}

// A bulk invite's emails are composed on a goroutine of their own, out of
// the request's recovery: a composer's panic fails the batch, writes
// nothing, and leaves the process running.
func TestABulkEmailThatPanicsFailsTheBatchNotTheProcess(t *testing.T) {
	t.Parallel()
	dsn := testkit.SQLite(t, migrateTemplate)
	if onPostgres {
		dsn = testkit.Postgres(t, migrateTemplate)
	}
	wiring := testWiring
	wiring.Composer = panickyComposer{}
	db := openTestDB(t, dsn, wiring)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, TestInput{Name: "Bulk", Kind: KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	send := true
	var ns []NewInvitation
	for i := range 20 {
		ns = append(ns, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: fmt.Sprintf("C%d", i), Email: fmt.Sprintf("c%d@example.com", i),
			SendEmail: &send, Source: SourceThinkExam})
	}
	ns[7].Name = "Bobby Tables"
	if _, err := db.InviteMany(ctx, ns); err == nil || !strings.Contains(err.Error(), "breaks the composer") {
		t.Fatalf("the batch: %v", err)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: link.ID}); total != 0 {
		t.Fatalf("%d invitations written", total)
	}
	ns[7].Name = "Robert"
	if ids, err := db.InviteMany(ctx, ns); err != nil || len(ids) != len(ns) {
		t.Fatalf("the batch again: %d, %v", len(ids), err)
	}
}
