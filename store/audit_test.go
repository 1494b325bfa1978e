package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The audit log takes entries and gives them back filtered, and refuses
// any change or removal, whoever asks.
func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	db.Audit(ctx, AuditEntry{Actor: "user:rita@example.com", Action: "POST /tests", Status: 303, IP: "192.0.2.1"})
	now = now.Add(time.Hour)
	db.Audit(ctx, AuditEntry{Actor: "api:ATS", Action: "POST /api/native/invitations/:id/cancel", Record: "invitations 7", Status: 200})

	all, total, err := db.AuditPage(ctx, AuditFilter{})
	if err != nil || total != 2 || all[0].Actor != "api:ATS" || all[1].IP != "192.0.2.1" || !all[1].At.Equal(now.Add(-time.Hour)) {
		t.Fatalf("log: %d %+v %v", total, all, err)
	}
	from := now.Add(-time.Minute)
	for name, f := range map[string]AuditFilter{"actor": {Actor: "ATS"}, "record": {Record: "invitations 7"}, "from": {From: &from}} {
		if got, n, _ := db.AuditPage(ctx, f); n != 1 || got[0].Actor != "api:ATS" {
			t.Errorf("by %s: %d %+v", name, n, got)
		}
	}
	for _, q := range []string{`UPDATE audit_log SET actor = 'someone'`, `DELETE FROM audit_log`} {
		if _, err := db.exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, n, _ := db.AuditPage(ctx, AuditFilter{}); n != 2 {
		t.Fatalf("%d entries left", n)
	}
}
