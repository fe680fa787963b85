package main

import (
	"context"
	"flag"
	"fmt"

	"smartservice/internal/app"
	"smartservice/internal/config"
	"smartservice/internal/db"
)

func migrateCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	return func(ctx context.Context, e *env) error {
		action := "up"
		if len(e.args) > 0 {
			action = e.args[0]
		}
		if len(e.args) > 1 || (action != "up" && action != "status") {
			return usageError{"want \"migrate up\" or \"migrate status\""}
		}
		cfg, err := load(e.getenv)
		if err != nil {
			return usageError{err.Error()}
		}
		logger := newLogger(cfg.LogFormat, cfg.LogLevel, e.stderr)
		if action == "up" {
			d, err := app.OpenDB(ctx, cfg, logger)
			if err != nil {
				return err
			}
			defer d.Close()
			v, _ := d.Version(ctx)
			fmt.Fprintf(e.stdout, "%s is at schema version %d\n", d.Where, v)
			return nil
		}
		d, err := db.Open(ctx, cfg.DatabaseURL, db.Options{ConnectTimeout: cfg.DBConnectTimeout, Logger: logger})
		if err != nil {
			return err
		}
		defer d.Close()
		st, err := d.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(e.stdout, "%5d  %-8s %s\n", s.Version, state, s.File)
		}
		return d.CheckNotTooNew(ctx)
	}
}
