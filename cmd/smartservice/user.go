package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/apperr"
	"smartservice/internal/config"
	"smartservice/internal/users"
)

// multi collects a repeatable flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// withAccounts opens and migrates the database and builds the accounts service; CLI
// commands work on a fresh database and beside a running server.
func withAccounts(ctx context.Context, e *env, load func(func(string) string) (*config.Config, error), fn func(*app.App) error) error {
	cfg, err := load(e.getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, e.stderr)
	a, err := app.New(ctx, cfg, logger, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

func userCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	email := fs.String("email", "", "e-mail of the account (create)")
	name := fs.String("name", "", "full name (create)")
	lang := fs.String("language", "", "ru or en (create; default: the default language)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (create)")
	var roles, deps multi
	fs.Var(&roles, "role", "a role: employee, executor, head, admin (repeatable; create)")
	fs.Var(&deps, "department", "a department code (repeatable; create)")
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 1 || (e.args[0] != "create" && e.args[0] != "list") {
			return usageError{"want \"user create --email E --name N --role R [--role R…] [--department CODE…] --password-stdin\" or \"user list\""}
		}
		if e.args[0] == "list" {
			return withAccounts(ctx, e, load, func(a *app.App) error { return listUsers(ctx, e.stdout, a) })
		}
		if !*pwStdin {
			return usageError{"--password-stdin is required: pass the password on standard input, never on the command line"}
		}
		pw, err := readPassword(e.stdin())
		if err != nil {
			return usageError{err.Error()}
		}
		in := users.CreateInput{Email: *email, FullName: *name, Password: pw, DepartmentCodes: deps, Language: *lang}
		for _, r := range roles {
			role, ok := users.ParseRole(r)
			if !ok {
				return usageError{fmt.Sprintf("unknown role %q: want employee, executor, head or admin", r)}
			}
			in.Roles = append(in.Roles, role)
		}
		return withAccounts(ctx, e, load, func(a *app.App) error {
			u, err := a.Accounts.CreateUser(ctx, in)
			if err != nil {
				return explain(a, err)
			}
			fmt.Fprintf(e.stdout, "created user %d %s (%s)\n", u.ID, u.Email, roleList(u))
			return nil
		})
	}
}

func listUsers(ctx context.Context, w io.Writer, a *app.App) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tE-MAIL\tNAME\tROLES\tDEPARTMENTS\tACTIVE\tAVAILABLE")
	system := &users.User{Roles: []users.Role{users.RoleAdmin}} // the operator at the console
	var after int64
	for {
		page, err := a.Accounts.ListUsers(ctx, system, users.UserFilter{AfterID: after, Limit: 200})
		if err != nil {
			return err
		}
		for _, u := range page {
			deps := make([]string, len(u.Departments))
			for i, d := range u.Departments {
				deps[i] = d.Code
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%t\t%t\n", u.ID, u.Email, u.FullName, roleList(u), strings.Join(deps, ","), u.Active, u.Available)
			after = u.ID
		}
		if len(page) < 200 {
			return tw.Flush()
		}
	}
}

func tokenCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	email := fs.String("email", "", "e-mail of the account the token acts as")
	name := fs.String("name", "cli", "a name to recognise the token by")
	days := fs.Int("days", 90, "lifetime in days (1–366)")
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 1 || e.args[0] != "create" {
			return usageError{"want \"token create --email E [--name N] [--days D]\""}
		}
		return withAccounts(ctx, e, load, func(a *app.App) error {
			u, err := a.Accounts.UserByEmail(ctx, *email)
			if err != nil {
				return explain(a, err)
			}
			if !u.Active {
				return errors.New("the account is deactivated")
			}
			plain, t, err := a.Accounts.CreateToken(ctx, u, *name, time.Duration(*days)*24*time.Hour)
			if err != nil {
				return explain(a, err)
			}
			fmt.Fprintf(e.stderr, "token %d for %s, expires %s; it is shown only now:\n", t.ID, u.Email, t.ExpiresAt.Format(time.RFC3339))
			fmt.Fprintln(e.stdout, plain)
			return nil
		})
	}
}

// explain turns a domain error into the English messages an operator reads.
func explain(a *app.App, err error) error {
	ae := apperr.As(err)
	if ae == nil {
		return err
	}
	loc := a.Catalog.For("en")
	var parts []string
	for _, f := range ae.Fields {
		parts = append(parts, fmt.Sprintf("--%s: %s", strings.ReplaceAll(f.Field, "_", "-"), loc.T(f.Key, f.Args...)))
	}
	if len(parts) == 0 {
		parts = append(parts, loc.T(ae.Key, ae.Args...))
	}
	return usageError{strings.Join(parts, "; ")}
}

func roleList(u *users.User) string {
	s := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

// stdin is the command's standard input (tests replace it).
func (e *env) stdin() io.Reader {
	if e.in != nil {
		return e.in
	}
	return os.Stdin
}
