package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"smartservice/internal/app"
	"smartservice/internal/assets"
	"smartservice/internal/config"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// consoleAdmin is the operator at the server's console: an administrator with no
// account, as "user list" uses.
func consoleAdmin() *users.User { return &users.User{Roles: []users.Role{users.RoleAdmin}} }

func catalogueCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 1 || e.args[0] != "load-starter" {
			return usageError{"want \"catalogue load-starter\" (loads the starter catalogue into an empty catalogue)"}
		}
		return withAccounts(ctx, e, load, func(a *app.App) error {
			load, err := tickets.LoadStarter(ctx, assets.NewService(a.DB, nil), tickets.NewRules(a.DB, nil), consoleAdmin())
			if load != nil {
				sum := load.Catalogue
				fmt.Fprintf(e.stdout, "loaded the starter catalogue: %d classes, %d service types, %d problem types, %d offered problems\n",
					sum.Classes, sum.Types, sum.Problems, sum.Offers)
			}
			switch {
			case err != nil:
				return explain(a, err)
			case load.Rules == nil:
				fmt.Fprintln(e.stdout, "the routing rules table already has rules: starter rules not loaded")
			default:
				fmt.Fprintf(e.stdout, "loaded %d starter routing rules (%d skipped: their departments or catalogue entries do not exist; add those rows on /rules)\n",
					load.Rules.Created, len(load.Rules.Skipped))
			}
			return nil
		})
	}
}

func importCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	file := fs.String("file", "", "the CSV file of devices (\"-\": standard input); header: "+strings.Join(assets.CSVColumns, ","))
	dry := fs.Bool("dry-run", false, "check every row and report the bad ones; write nothing")
	create := fs.Bool("create-catalogue", false, "create the service classes and types the file names and the catalogue lacks")
	return func(ctx context.Context, e *env) error {
		if len(e.args) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q", e.args[0])}
		}
		if *file == "" {
			return usageError{"--file is required: import --file devices.csv [--dry-run] [--create-catalogue]"}
		}
		var in io.Reader = e.stdin()
		if *file != "-" {
			f, err := os.Open(*file)
			if err != nil {
				return err
			}
			defer f.Close()
			in = f
		}
		return withAccounts(ctx, e, load, func(a *app.App) error {
			svc := assets.NewService(a.DB, nil)
			rep, err := svc.ImportCSVWith(ctx, consoleAdmin(), in, assets.ImportOptions{DryRun: *dry, CreateCatalogue: *create})
			if rep == nil {
				return explain(a, err)
			}
			printImport(e.stdout, a, rep)
			switch {
			case len(rep.Errors) > 0:
				return fmt.Errorf("the file has %d problems (listed above); nothing was imported", len(rep.Errors))
			case err != nil:
				return explain(a, err)
			}
			return nil
		})
	}
}

// printImport writes the report in English: every bad row, then what was (or on a
// dry run would be) created.
func printImport(w io.Writer, a *app.App, rep *assets.ImportReport) {
	loc := a.Catalog.For("en")
	for _, re := range rep.Errors {
		where := fmt.Sprintf("line %d", re.Line)
		if re.Field != "" {
			where += ", " + re.Field
		}
		fmt.Fprintf(w, "%s: %s\n", where, loc.T(re.Key, re.Args...))
	}
	verb := "created"
	if rep.DryRun {
		verb = "to create"
	}
	for _, c := range rep.NewClasses {
		fmt.Fprintf(w, "class %s: %s\n", verb, c)
	}
	for _, t := range rep.NewTypes {
		fmt.Fprintf(w, "service type %s: %s\n", verb, t)
	}
	switch {
	case rep.DryRun:
		fmt.Fprintf(w, "dry run: %d rows, %d valid, %d with errors; nothing written\n", rep.Rows, rep.Valid, rep.Rows-rep.Valid)
	case len(rep.Errors) == 0:
		fmt.Fprintf(w, "imported %d devices\n", rep.Imported)
	}
}
