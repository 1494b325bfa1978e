package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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

// settingValue is a setting's flag: its value, and where it came from
// (the environment variable or file that stood in for the flag, if any).
type settingValue struct {
	s      setting
	value  string
	source string // "TESTGATE_…" or "TESTGATE_…_FILE"; "" for the flag or the default
}

func (v *settingValue) String() string   { return v.value }
func (v *settingValue) IsBoolFlag() bool { return v.s.Bool }
func (v *settingValue) Set(x string) error {
	v.value, v.source = x, ""
	return nil
}

// setting registers one of serveSettings: its default from the
// environment, or for a secret from the file <ENV>_FILE names.
func (fs *flagSet) setting(s setting) *settingValue {
	v := &settingValue{s: s, value: s.Default}
	if e, ok := os.LookupEnv(s.Env); ok && (e != "" || !s.Secret) {
		v.value, v.source = e, s.Env
	} else if path := os.Getenv(s.Env + "_FILE"); s.Secret && path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			fs.envErrs = append(fs.envErrs, fmt.Errorf("%s_FILE: %w", s.Env, err))
		}
		v.value, v.source = strings.TrimSpace(string(b)), s.Env+"_FILE"
	}
	env := "env " + s.Env
	if s.Secret {
		env += " or " + s.Env + "_FILE"
	}
	fs.Var(v, s.Flag, s.Doc+" ("+env+")")
	return v
}

// read puts the value into c, naming the flag (and the variable that set
// it) in any problem.
func (v *settingValue) read(c *serveConfig) error {
	err := v.s.Set(c, v.value)
	if err == nil {
		return nil
	}
	if v.source != "" {
		return fmt.Errorf("--%s %w (set by %s)", v.s.Flag, err, v.source)
	}
	return fmt.Errorf("--%s %w", v.s.Flag, err)
}

// dbFlag is the database setting every sub-command takes, as serve's.
func (fs *flagSet) dbFlag() *string {
	return fs.string(dbSetting.Flag, dbSetting.Env, dbSetting.Default, dbSetting.Doc)
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
