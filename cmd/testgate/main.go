// Command testgate runs the Testgate server and its administrative tasks.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zone names work on hosts without zoneinfo
)

const usage = `Testgate: invite candidates to online tests.

Usage:
  testgate serve   [flags]   run the server (migrates the database first)
  testgate migrate [flags]   apply database migrations and exit
  testgate user create --email E --password P --role admin|recruiter [--name N]
  testgate apikey create --name N
  testgate backup --to FILE  copy the database while the server runs
  testgate copy --from FILE --to postgres://…
                             move a SQLite installation to PostgreSQL, verified

Every other command takes --db (env TESTGATE_DB): a SQLite file or a postgres:// URL. Run "testgate COMMAND -h" for its flags.
`

// errUsage marks a mistake on the command line (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "testgate:", err)
		os.Exit(1)
	}
}

// run dispatches a command line; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "user", "apikey":
		if len(rest) == 0 || rest[0] != "create" {
			fmt.Fprintf(stderr, "testgate %s: the only sub-command is create\n\n%s", cmd, usage)
			return errUsage
		}
		if cmd == "user" {
			return createUser(ctx, rest[1:], stdout, stderr)
		}
		return createAPIKey(ctx, rest[1:], stdout, stderr)
	case "backup":
		return backup(ctx, rest, stdout, stderr)
	case "copy":
		return copyDatabase(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "testgate: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}
