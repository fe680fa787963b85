package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/config"
	"smartservice/internal/demo"
)

func serveCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	withDemo := fs.Bool("demo", false, "load the demo office into an empty database and print its accounts")
	return func(ctx context.Context, e *env) error {
		if len(e.args) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q", e.args[0])}
		}
		cfg, err := load(e.getenv)
		if err != nil {
			return usageError{err.Error()}
		}
		logger := newLogger(cfg.LogFormat, cfg.LogLevel, e.stderr)
		opts := app.Options{}
		if *withDemo {
			opts.Directory = demo.Directory()
		}
		// Without a base URL of its own, the server's address is the one it
		// listens on: in QR codes, links and the start-up message alike.
		baseSet := e.getenv("SMARTSERVICE_BASE_URL") != ""
		fs.Visit(func(f *flag.Flag) { baseSet = baseSet || f.Name == "base-url" })
		listen := func() (net.Listener, error) {
			ln, err := net.Listen("tcp", cfg.Addr)
			if err != nil {
				return nil, fmt.Errorf("listen on %s (option SMARTSERVICE_ADDR): %w", cfg.Addr, err)
			}
			return ln, nil
		}
		// The port is opened only once the database is migrated, so that while
		// another instance migrates (or this one does) a load balancer's check is
		// refused at once rather than left hanging. Only a port the system picks
		// (":0") must be opened first, to know it for the base URL.
		var ln net.Listener
		if !baseSet {
			if _, port, _ := net.SplitHostPort(cfg.Addr); port == "0" {
				if ln, err = listen(); err != nil {
					return err
				}
				cfg.BaseURL = listenURL(ln.Addr().String())
			} else {
				cfg.BaseURL = listenURL(cfg.Addr)
			}
		}
		a, err := app.New(ctx, cfg, logger, opts)
		if err != nil {
			if ln != nil {
				ln.Close()
			}
			return err
		}
		if ln == nil {
			if ln, err = listen(); err != nil {
				a.Close()
				return err
			}
		}
		if *withDemo {
			sum, err := demo.Load(ctx, a.DB, a.Users, a.Accounts)
			var hist *demo.HistorySummary
			switch {
			case errors.Is(err, demo.ErrNotEmpty):
				// Started with --demo again: list the demo's accounts again, if
				// this is the demo office.
				if sum, err = demo.Existing(ctx, a.Users, a.Accounts); err == nil && sum == nil {
					logger.Info("demo office not loaded: the database already holds data")
				}
			case err == nil:
				hist, err = demo.History(ctx, a.DB, demo.HistoryOptions{Location: cfg.Location, Seed: 1})
				if err == nil {
					err = demo.LoadUpkeep(ctx, a.DB.W, a.Upkeep, sum, time.Now())
				}
			}
			if err != nil {
				ln.Close()
				a.Close()
				return err
			}
			if sum != nil {
				printDemo(e, cfg, sum, hist)
			}
		}
		return a.Serve(ctx, ln)
	}
}

// listenURL is the http URL of a listen address; an unspecified host (":8080",
// "0.0.0.0", "::") is reached as localhost.
func listenURL(addr string) *url.URL {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return &url.URL{Scheme: "http", Host: addr}
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}
}

func printDemo(e *env, cfg *config.Config, sum *demo.Summary, hist *demo.HistorySummary) {
	var b strings.Builder
	if hist != nil {
		fmt.Fprintf(&b, "\nDemo office loaded. Open %s\n", cfg.BaseURL)
	} else {
		fmt.Fprintf(&b, "\nThe demo office is already in this database. Open %s\n", cfg.BaseURL)
	}
	fmt.Fprintf(&b, "Departments:")
	for _, d := range sum.Departments {
		fmt.Fprintf(&b, " %s", d.Code)
	}
	fmt.Fprintf(&b, "\n\nDemo accounts (password for all: %s):\n", sum.Password)
	for _, u := range sum.Accounts {
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		deps := make([]string, len(u.Departments))
		for i, d := range u.Departments {
			deps[i] = d.Code
		}
		fmt.Fprintf(&b, "  %-30s %-18s %s\n", u.Email, strings.Join(roles, ","), strings.Join(deps, ","))
	}
	b.WriteString("\nIn the demo directory but not registered yet (try registration): dmitry.orlov@demo.office\n")
	if len(sum.Devices) > 0 {
		fmt.Fprintf(&b, "A device page, as its QR code opens it: %s/a/%s (%d devices in all: %s/assets)\n",
			cfg.BaseURL, sum.Devices[0].Code, len(sum.Devices), cfg.BaseURL)
	}
	if hist != nil {
		fmt.Fprintf(&b, "Ticket history: %d tickets over the last 90 days, %d still open: %s/tickets\n", hist.Tickets, hist.Open, cfg.BaseURL)
	}
	b.WriteString("\n")
	fmt.Fprint(e.stdout, b.String())
}
