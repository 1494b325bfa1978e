package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// flagSet is a FlagSet whose flags default to TESTGATE_* environment
// variables, so one binary is configured the same way by hand or by systemd.
type flagSet struct {
	*flag.FlagSet
	envErrs []error
}

func newFlagSet(name string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("testgate "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flagSet{FlagSet: fs}
}

func (fs *flagSet) string(name, env, def, usage string) *string {
	if v, ok := os.LookupEnv(env); ok {
		def = v
	}
	return fs.String(name, def, fmt.Sprintf("%s (env %s)", usage, env))
}

func (fs *flagSet) bool(name, env string, def bool, usage string) *bool {
	if v, ok := os.LookupEnv(env); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fs.envErrs = append(fs.envErrs, fmt.Errorf("%s=%q is not true or false", env, v))
		}
		def = b
	}
	return fs.Bool(name, def, fmt.Sprintf("%s (env %s)", usage, env))
}

// secret is a string flag that can also be read from the file named by
// ENV_FILE, the usual way to hand secrets to containers.
func (fs *flagSet) secret(name, env, usage string) *string {
	def := os.Getenv(env)
	if path := os.Getenv(env + "_FILE"); path != "" && def == "" {
		b, err := os.ReadFile(path)
		if err != nil {
			fs.envErrs = append(fs.envErrs, fmt.Errorf("%s_FILE: %w", env, err))
		}
		def = strings.TrimSpace(string(b))
	}
	return fs.String(name, def, fmt.Sprintf("%s (env %s or %s_FILE)", usage, env, env))
}

func (fs *flagSet) dbFlag() *string {
	return fs.string("db", "TESTGATE_DB", "./data/testgate.db", "SQLite database file, or a postgres:// URL")
}

// parse parses args and reports bad environment values; a usage error
// (including -h) comes back as errUsage.
func (fs *flagSet) parse(args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsage
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return errUsage
	}
	return errors.Join(fs.envErrs...)
}
