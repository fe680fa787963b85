// Command smartservice is Smart Service: the server and its administrative commands.
//
//	smartservice [serve] [--demo] [options]   run the server (the default command)
//	smartservice migrate [up|status] [options]
//	smartservice backup --to FILE | restore --from FILE
//	smartservice version
//
// Every option is also an environment variable; see --help or the README.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	limitMemory(os.Args[1:], os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand: it registers its flags on fs and returns what to run
// once they are parsed.
type command struct {
	name, summary string
	setup         func(fs *flag.FlagSet) func(ctx context.Context, env *env) error
}

// env is what a command gets besides its flags.
type env struct {
	args   []string
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	in     io.Reader
}

func commands() []command {
	return []command{
		{name: "serve", summary: "run the server (the default)", setup: serveCommand},
		{name: "migrate", summary: "apply migrations (up) or list them (status)", setup: migrateCommand},
		{name: "user", summary: "create an account (create) or list them (list)", setup: userCommand},
		{name: "token", summary: "create a personal API token for an account (create)", setup: tokenCommand},
		{name: "catalogue", summary: "load the starter catalogue into an empty one (load-starter)", setup: catalogueCommand},
		{name: "import", summary: "import devices from CSV (--file F [--dry-run])", setup: importCommand},
		{name: "demo", summary: "load the demo office and generate ticket history (--tickets N [--days D])", setup: demoCommand},
		{name: "backup", summary: "copy the SQLite database while it serves (--to FILE)", setup: backupCommand},
		{name: "restore", summary: "replace the stopped SQLite database with a backup (--from FILE)", setup: restoreCommand},
		{name: "version", summary: "print the version", setup: versionCommand},
	}
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWithStdin(ctx, args, getenv, nil, stdout, stderr)
}

// runWithStdin is run with a given standard input (nil: the process's).
func runWithStdin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		usage(stdout)
		return 0
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "smartservice: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("smartservice "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	do := cmd.setup(fs)
	// A command's positional argument ("migrate status") may come before its flags.
	var pos []string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		pos, args = args[:1], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	e := &env{args: append(pos, fs.Args()...), getenv: getenv, stdout: stdout, stderr: stderr, in: stdin}
	if err := do(ctx, e); err != nil {
		fmt.Fprintf(stderr, "smartservice %s: %v\n", cmd.name, err)
		var u usageError
		if errors.As(err, &u) {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a mistake in how the command was called (exit code 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usage(w io.Writer) {
	fmt.Fprintln(w, "Smart Service: the service desk of a smart office.")
	fmt.Fprintln(w, "\nUsage: smartservice [command] [options]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"smartservice COMMAND --help\" for the options of a command.")
}

func newLogger(format string, level slog.Level, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
