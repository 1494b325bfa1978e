package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"testgate/store"
)

// openStore opens and migrates the database, as every command needs.
func openStore(ctx context.Context, path string, wiring store.Wiring) (*store.DB, []store.Migration, error) {
	db, err := store.Open(ctx, path, wiring)
	if err != nil {
		return nil, nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, applied, nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	dbPath := fs.dbFlag()
	if err := fs.parse(args); err != nil {
		return err
	}
	db, applied, err := openStore(ctx, *dbPath, store.Offline)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range applied {
		fmt.Fprintf(stdout, "applied %04d_%s\n", m.Version, m.Name)
	}
	fmt.Fprintf(stdout, "database %s is at schema version %d\n", store.Redacted(*dbPath), store.LatestVersion())
	return nil
}

func createUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("user create", stderr)
	dbPath := fs.dbFlag()
	email := fs.String("email", "", "the user's email address (required)")
	password := fs.String("password", "", "initial password, at least 10 characters (required)")
	role := fs.String("role", "recruiter", "admin or recruiter")
	name := fs.String("name", "", "display name")
	if err := fs.parse(args); err != nil {
		return err
	}
	db, _, err := openStore(ctx, *dbPath, store.Offline)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(ctx, store.NewUser{Email: *email, Name: *name, Password: *password, Role: store.Role(*role)})
	if err != nil {
		return notCreated("user", err)
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}

// createAPIKey prints ak, the signing secret, and the key alone on the last
// line, so scripts can take it with tail -n1.
func createAPIKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("apikey create", stderr)
	dbPath := fs.dbFlag()
	name := fs.String("name", "", "what the key is for (required)")
	scope := fs.String("scope", "full", "what the key may do: full, invite (create and cancel invitations, read) or read")
	days := fs.Int("expires-in-days", 0, "days until the key stops working (0: never)")
	team := fs.String("team", "", "the team whose data the key reaches, by name (empty: every team)")
	if err := fs.parse(args); err != nil {
		return err
	}
	db, _, err := openStore(ctx, *dbPath, store.Offline)
	if err != nil {
		return err
	}
	defer db.Close()
	n := store.NewAPIKey{Name: *name, Scope: store.KeyScope(*scope)}
	if *days > 0 {
		at := db.Now().Add(time.Duration(*days) * 24 * time.Hour)
		n.ExpiresAt = &at
	}
	if *team != "" {
		teams, err := db.ListTeams(ctx)
		if err != nil {
			return err
		}
		for _, t := range teams {
			if strings.EqualFold(t.Name, strings.TrimSpace(*team)) {
				n.TeamID = &t.ID
			}
		}
		if n.TeamID == nil {
			return fmt.Errorf("key not created: no team is named %q", *team)
		}
	}
	k, err := db.CreateAPIKey(ctx, n)
	if err != nil {
		return notCreated("key", err)
	}
	fmt.Fprintf(stdout, "ak: %s\nsecret: %s\n%s\n", k.PublicID, k.SigningSecret, k.Key)
	return nil
}

// notCreated says which fields a command's input got wrong.
func notCreated(what string, err error) error {
	var fe store.FieldErrors
	if errors.As(err, &fe) {
		return fmt.Errorf("%s not created: %s", what, strings.TrimPrefix(fe.Error(), "invalid input: "))
	}
	return err
}

// backup copies the database, consistent and verified, beside a running
// server. It does not migrate: the copy has the schema the server uses.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	dbPath := fs.dbFlag()
	to := fs.String("to", "", "file to write the backup to; must not exist (required)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(stderr, "testgate backup: --to is required")
		return errUsage
	}
	if store.IsPostgres(*dbPath) {
		return errors.New("backup: back up PostgreSQL with its own tools: pg_dump --format=custom (README, Backups)")
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("backup: no database at %s", *dbPath)
	}
	db, err := store.Open(ctx, *dbPath, store.Offline)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	res, err := db.Backup(ctx, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d bytes, schema version %d, %d invitations, integrity ok, in %s\n",
		*dbPath, res.Path, res.Bytes, res.SchemaVersion, res.Invitations, time.Since(start).Round(time.Millisecond))
	return nil
}
