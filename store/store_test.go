package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"testgate/store/testkit"
	"time"
)

// onPostgres says the store's tests run on PostgreSQL: make test runs the
// package twice, the second time with TESTGATE_TEST_STORE=postgres.
var onPostgres = os.Getenv("TESTGATE_TEST_STORE") == "postgres"

// sqliteOnly marks a test of SQLite's own machinery (its pragmas, its
// planner's choices, its file), which PostgreSQL has no counterpart of.
func sqliteOnly(t *testing.T, what string) {
	t.Helper()
	if onPostgres {
		t.Skip(what + ": SQLite's own")
	}
}

// behindTheBack is a handle on the test's database that writes without
// the store knowing (for the read caches' tests).
func behindTheBack(t *testing.T, db *DB) *sql.DB {
	t.Helper()
	if onPostgres {
		other, err := Open(context.Background(), db.dsn, testWiring)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		return other.w
	}
	raw, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// newTestDB opens a migrated database of the test's own — a file in a temp
// dir, or a PostgreSQL database when the tests run there — copied from the
// package's migrated template (testkit).
func newTestDB(t testing.TB) *DB {
	t.Helper()
	dsn := testkit.SQLite(t, migrateTemplate)
	if onPostgres {
		dsn = testkit.Postgres(t, migrateTemplate)
	}
	return openTestDB(t, dsn, testWiring)
}

// openTestDB opens the store at dsn, closed when the test ends.
func openTestDB(t testing.TB, dsn string, wiring Wiring) *DB {
	t.Helper()
	db, err := Open(context.Background(), dsn, wiring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrateTemplate migrates testkit's template database.
func migrateTemplate(dsn string) error {
	db, err := Open(context.Background(), dsn, testWiring)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(context.Background())
	return err
}

func mustField(t *testing.T, err error, field string) {
	t.Helper()
	var fe FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("want FieldErrors on %q, got %v", field, err)
	}
	if fe[field] == "" {
		t.Fatalf("want an error on %q, got %v", field, fe)
	}
}

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "testgate.db")
	db, err := Open(ctx, path, testWiring)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(ctx); v != 0 {
		t.Fatalf("new database at version %d", v)
	}
	if err := db.CheckSchema(ctx); err == nil {
		t.Fatal("CheckSchema accepted an unmigrated database")
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != LatestVersion() || applied[0].Version != 1 || applied[0].Name != "init" {
		t.Fatalf("applied %+v", applied)
	}
	again, err := db.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Migrate applied %d, err %v", len(again), err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	var rows int
	db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&rows)
	if rows != LatestVersion() {
		t.Fatalf("schema_migrations has %d rows", rows)
	}
	if v, err := db.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Fatalf("integrity %q %v", v, err)
	}
}

func TestPragmasAreInForce(t *testing.T) {
	t.Parallel()
	sqliteOnly(t, "the pragmas")
	db := newTestDB(t)
	ctx := context.Background()
	var mode string
	var fk, sync, busy int
	db.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	db.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync)
	db.w.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy)
	if mode != "wal" || fk != 1 || sync != 1 || busy < 5000 {
		t.Fatalf("journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d", mode, fk, sync, busy)
	}
	// The writer keeps statement journals in memory: a bulk statement
	// inside a long transaction journaled every page it touched to a
	// temporary file, a write(2) each. Readers keep the default.
	var temp, readerTemp int
	db.w.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp)
	db.r.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&readerTemp)
	if temp != 2 || readerTemp != 0 {
		t.Fatalf("temp_store=%d on the writer, %d on the readers; want 2 (MEMORY) and 0", temp, readerTemp)
	}
	// Readers cannot write.
	if _, err := db.r.ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('x', 'y', 0)`); err == nil {
		t.Fatal("reader pool accepted a write")
	}
	// Foreign keys hold.
	if _, err := db.w.ExecContext(ctx, `INSERT INTO questions (test_id, position, kind, body, created_at, updated_at) VALUES (999, 1, 'text', 'q', 0, 0)`); err == nil {
		t.Fatal("question for a missing test was accepted")
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)`, LatestVersion()+1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err == nil {
		t.Fatal("Migrate accepted a database newer than the binary")
	}
	if err := db.CheckSchema(ctx); err == nil {
		t.Fatal("CheckSchema accepted a database newer than the binary")
	}
}

func TestSettingOrCreateKeepsTheFirstValue(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	if _, err := db.Setting(ctx, SettingSessionKey); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing setting: %v", err)
	}
	first, err := db.SettingOrCreate(ctx, SettingSessionKey, func() (string, error) { return "one", nil })
	if err != nil || first != "one" {
		t.Fatalf("%q %v", first, err)
	}
	second, _ := db.SettingOrCreate(ctx, SettingSessionKey, func() (string, error) { return "two", nil })
	if second != "one" {
		t.Fatalf("setting changed to %q", second)
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()

	mustField(t, func() error {
		_, err := db.CreateUser(ctx, NewUser{Email: "nope", Password: "long enough pw", Role: RoleAdmin})
		return err
	}(), "email")
	mustField(t, func() error {
		_, err := db.CreateUser(ctx, NewUser{Email: "a@b.co", Password: "short", Role: RoleAdmin})
		return err
	}(), "password")
	mustField(t, func() error {
		_, err := db.CreateUser(ctx, NewUser{Email: "a@b.co", Password: "long enough pw", Role: "boss"})
		return err
	}(), "role")

	admin, err := db.CreateFirstAdmin(ctx, NewUser{Email: " Ada@Example.com ", Name: "Ada", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	if admin.Role != RoleAdmin || admin.Email != "Ada@Example.com" {
		t.Fatalf("first admin %+v", admin)
	}
	if _, err := db.CreateFirstAdmin(ctx, NewUser{Email: "eve@example.com", Password: "correct horse"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("second first-admin: %v", err)
	}
	mustField(t, func() error {
		_, err := db.CreateUser(ctx, NewUser{Email: "ada@example.COM", Password: "correct horse", Role: RoleRecruiter})
		return err
	}(), "email")

	if _, err := db.Authenticate(ctx, "ada@example.com", "wrong password"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := db.Authenticate(ctx, "nobody@example.com", "correct horse"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	u, err := db.Authenticate(ctx, "  ADA@example.com", "correct horse")
	if err != nil || u.ID != admin.ID {
		t.Fatalf("authenticate: %+v %v", u, err)
	}

	// The last active admin can be neither demoted nor disabled.
	mustField(t, func() error { _, err := db.UpdateUserAccess(ctx, admin.ID, RoleRecruiter, false); return err }(), "role")
	mustField(t, func() error { _, err := db.UpdateUserAccess(ctx, admin.ID, RoleAdmin, true); return err }(), "role")

	rec, err := db.CreateUser(ctx, NewUser{Email: "rob@example.com", Password: "recruiter pw", Role: RoleRecruiter})
	if err != nil {
		t.Fatal(err)
	}
	sid, err := db.CreateSession(ctx, rec.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.SessionUser(ctx, sid); err != nil || got.ID != rec.ID {
		t.Fatalf("session user %+v %v", got, err)
	}
	// Disabling ends sessions and sign-in.
	if _, err := db.UpdateUserAccess(ctx, rec.ID, RoleRecruiter, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionUser(ctx, sid); !errors.Is(err, ErrNotFound) {
		t.Fatalf("disabled user's session survived: %v", err)
	}
	if _, err := db.Authenticate(ctx, "rob@example.com", "recruiter pw"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("disabled user signed in: %v", err)
	}
	if _, err := db.UpdateUserAccess(ctx, 9999, RoleRecruiter, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}
}

func TestSessionsExpireAndEnd(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	u, _ := db.CreateFirstAdmin(ctx, NewUser{Email: "a@example.com", Password: "correct horse"})
	sid, _ := db.CreateSession(ctx, u.ID, time.Hour)
	now = now.Add(59 * time.Minute)
	if _, err := db.SessionUser(ctx, sid); err != nil {
		t.Fatalf("live session: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := db.SessionUser(ctx, sid); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	sid2, _ := db.CreateSession(ctx, u.ID, time.Hour)
	if err := db.DeleteSession(ctx, sid2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionUser(ctx, sid2); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
	if _, err := db.SessionUser(ctx, "forged"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("forged session: %v", err)
	}
}

func TestLoginAttemptsWindow(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	limits := []LoginLimit{{"ip:1.2.3.4", 30}, {"account:a@b.co", 3}}
	for range 3 {
		if _, wait, err := db.BeginLoginAttempt(ctx, 15*time.Minute, limits...); err != nil || wait != 0 {
			t.Fatalf("wait=%v err=%v", wait, err)
		}
		now = now.Add(time.Minute)
	}
	// 09:03: three attempts since 09:00, the first leaves the window at 09:15.
	if _, wait, err := db.BeginLoginAttempt(ctx, 15*time.Minute, limits...); err != nil || wait != 12*time.Minute {
		t.Fatalf("fourth: wait=%v err=%v", wait, err)
	}
	now = now.Add(12 * time.Minute)
	a, wait, err := db.BeginLoginAttempt(ctx, 15*time.Minute, limits...)
	if err != nil || wait != 0 {
		t.Fatalf("after the window moved: wait=%v err=%v", wait, err)
	}
	// A right password takes its own attempt back and forgets the
	// account's failures; the address keeps its earlier failures.
	if err := db.SucceedLoginAttempt(ctx, a, "account:a@b.co"); err != nil {
		t.Fatal(err)
	}
	var account, ip int
	db.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE scope = 'account:a@b.co'`).Scan(&account)
	db.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE scope = 'ip:1.2.3.4'`).Scan(&ip)
	if account != 0 || ip != 2 {
		t.Fatalf("account %d, ip %d", account, ip)
	}
}

// Each scope counts in its own window: a sign-in's 15 minutes do not
// forget an hour's link emails; the sweep forgets only what is older than
// the longest window.
func TestThrottleScopesKeepTheirOwnWindows(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	mail := LoginLimit{Scope: LinkMailScope(7, "sam@example.com"), Max: 3}
	for range 3 {
		if _, wait, err := db.BeginLoginAttempt(ctx, time.Hour, mail); err != nil || wait != 0 {
			t.Fatalf("wait=%v err=%v", wait, err)
		}
	}
	now = now.Add(20 * time.Minute)
	if _, _, err := db.BeginLoginAttempt(ctx, 15*time.Minute, LoginLimit{"ip:1.2.3.4", 30}); err != nil {
		t.Fatal(err)
	}
	if _, wait, _ := db.BeginLoginAttempt(ctx, time.Hour, mail); wait != 40*time.Minute {
		t.Fatalf("after a sign-in, the mailbox waits %v", wait)
	}
	now = now.Add(MaxThrottleWindow)
	if err := db.ForgetOldThrottles(ctx); err != nil {
		t.Fatal(err)
	}
	var left int
	db.queryRow(ctx, `SELECT COUNT(*) FROM login_failures`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d counts older than a day are kept", left)
	}
}

// Twenty attempts at once for one account: exactly the limit get through.
func TestLoginAttemptsAreCountedAtomically(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	var admitted atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, wait, err := db.BeginLoginAttempt(ctx, 15*time.Minute,
				LoginLimit{fmt.Sprintf("ip:10.0.0.%d", i), 30}, LoginLimit{"account:a@b.co", 5})
			if err != nil {
				t.Error(err)
			}
			if wait == 0 {
				admitted.Add(1)
			}
		})
	}
	wg.Wait()
	if n := admitted.Load(); n != 5 {
		t.Fatalf("%d attempts admitted, want 5", n)
	}
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	mustField(t, func() error { _, err := db.CreateAPIKey(ctx, NewAPIKey{Name: "  "}); return err }(), "name")
	k, err := db.CreateAPIKey(ctx, NewAPIKey{Name: "ATS"})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Key) < 40 || k.PublicID == "" || k.SigningSecret == "" {
		t.Fatalf("key %+v", k)
	}
	var stored int
	db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE key_hash = ? OR signing_secret = ?`, k.Key, k.Key).Scan(&stored)
	if stored != 0 {
		t.Fatal("the key is stored in the clear")
	}
	if got, err := db.APIKeyBySecret(ctx, k.Key); err != nil || got.ID != k.ID {
		t.Fatalf("by secret: %v", err)
	}
	if got, err := db.APIKeyByPublicID(ctx, k.PublicID); err != nil || got.SigningSecret != k.SigningSecret {
		t.Fatalf("by ak: %v", err)
	}
	if _, err := db.APIKeyBySecret(ctx, k.Key+"x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("wrong key: %v", err)
	}
	if err := db.RevokeAPIKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.APIKeyBySecret(ctx, k.Key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked key still works: %v", err)
	}
	if err := db.RevokeAPIKey(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoke missing: %v", err)
	}
}

// oneQuestionTest makes sampleTest (45 minutes) with one question whose
// first option is right, and invites n to it; it returns the invitations.
func oneQuestionTest(t *testing.T, db *DB, n ...NewInvitation) []Invitation {
	t.Helper()
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, sampleTest, []QuestionInput{{Text: "1+1?", Kind: QuestionSingle, Options: []string{"2", "3"}, Correct: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Invitation, 0, len(n))
	for _, in := range n {
		in.TestID, in.Source = tt.ID, SourceNative
		res, err := db.Invite(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Invitation)
	}
	return out
}
