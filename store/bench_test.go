package store

import (
	"context"
	"testing"
)

// BenchmarkAPIKeyBySecret is the lookup every API request makes.
func BenchmarkAPIKeyBySecret(b *testing.B) {
	db := newBenchDB(b)
	k, _ := db.CreateAPIKey(context.Background(), "bench", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.APIKeyBySecret(context.Background(), k.Key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionUser is the lookup every console request makes.
func BenchmarkSessionUser(b *testing.B) {
	db := newBenchDB(b)
	ctx := context.Background()
	u, _ := db.CreateFirstAdmin(ctx, NewUser{Email: "a@example.com", Password: "long password"})
	sid, _ := db.CreateSession(ctx, u.ID, 3600e9)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.SessionUser(ctx, sid); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchDB(b *testing.B) *DB { return newTestDB(b) }
