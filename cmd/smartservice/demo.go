package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/config"
	"smartservice/internal/demo"
)

// demoCommand fills a database with the demo office (when it is empty) and with
// generated ticket history: a believable 90 days by default, or --tickets N for
// benchmarks on large volumes.
func demoCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	n := fs.Int("tickets", 0, "how many tickets to generate (0: a believable number for the period)")
	days := fs.Int("days", 90, "the period the tickets spread over, ending now")
	seed := fs.Uint64("seed", 1, "the random seed; the same seed gives the same history")
	return func(ctx context.Context, e *env) error {
		if len(e.args) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q", e.args[0])}
		}
		if *n < 0 || *days < 1 || *days > 3660 {
			return usageError{"--tickets must be 0 or more and --days between 1 and 3660"}
		}
		cfg, err := load(e.getenv)
		if err != nil {
			return usageError{err.Error()}
		}
		logger := newLogger(cfg.LogFormat, cfg.LogLevel, e.stderr)
		a, err := app.New(ctx, cfg, logger, app.Options{Directory: demo.Directory()})
		if err != nil {
			return err
		}
		defer a.Close()
		if _, err := demo.Load(ctx, a.DB, a.Users, a.Accounts); err == nil {
			fmt.Fprintln(e.stdout, "loaded the demo office into the empty database")
		} else if !errors.Is(err, demo.ErrNotEmpty) {
			return err
		}
		start := time.Now()
		last := start
		sum, err := demo.History(ctx, a.DB, demo.HistoryOptions{Tickets: *n, Days: *days, Location: cfg.Location, Seed: *seed,
			Progress: func(done int) {
				if time.Since(last) > 5*time.Second {
					last = time.Now()
					fmt.Fprintf(e.stderr, "%d tickets written\n", done)
				}
			}})
		if err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Fprintf(e.stdout, "generated %d tickets (%d open) and %d events from %s to %s in %s (%.0f tickets/s)\n",
			sum.Tickets, sum.Open, sum.Events, sum.From.In(cfg.Location).Format(time.DateOnly), sum.To.In(cfg.Location).Format(time.DateOnly),
			took.Round(time.Millisecond), float64(sum.Tickets)/took.Seconds())
		return nil
	}
}
