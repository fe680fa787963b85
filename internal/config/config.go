// Package config holds Smart Service's one table of options: every setting has a
// flag, an environment variable, a default and a validator, so a wrong value stops
// the start with a message that names the option.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration of one Smart Service process.
type Config struct {
	// Addr is the listen address of the HTTP server.
	Addr string
	// BaseURL is the public URL printed in QR codes and links, without a trailing slash.
	BaseURL *url.URL
	// DatabaseURL selects SQLite (sqlite:…) or PostgreSQL (postgres://…).
	DatabaseURL string
	// DefaultLanguage is used when neither a cookie nor Accept-Language decides.
	DefaultLanguage string
	// Location is the office's time zone.
	Location *time.Location
	// LogFormat is "text" or "json".
	LogFormat string
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// MaxBodyBytes caps the size of a request body; larger bodies get 413.
	MaxBodyBytes int64
	// ShutdownTimeout bounds how long requests in flight and running jobs may take on stop.
	ShutdownTimeout time.Duration
	// DBConnectTimeout bounds how long the start waits for the database.
	DBConnectTimeout time.Duration
	// OfficeName is shown in page titles and on labels.
	OfficeName string
}

// Option is one row of the option table.
type Option struct {
	// Flag is the command-line name, without dashes.
	Flag string
	// Env is the environment variable name.
	Env string
	// Default is the value used when neither flag nor environment sets one.
	Default string
	// Help is the one-line description shown by --help and in the README.
	Help string
	// Secret options are never printed.
	Secret bool
	apply  func(c *Config, v string) error
}

// Options is the table of every option, in the order the README lists them.
func Options() []Option {
	return []Option{
		{Flag: "addr", Env: "SMARTSERVICE_ADDR", Default: ":8080", Help: "HTTP listen address (host:port)", apply: func(c *Config, v string) error {
			if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
				return errors.New("want host:port, for example :8080 or 127.0.0.1:8080")
			}
			c.Addr = v
			return nil
		}},
		{Flag: "base-url", Env: "SMARTSERVICE_BASE_URL", Default: "http://localhost:8080", Help: "public URL printed in QR codes and links", apply: func(c *Config, v string) error {
			u, err := url.Parse(strings.TrimRight(v, "/"))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
				return errors.New("want an absolute http(s) URL without query, fragment or credentials, for example https://service.example.com")
			}
			c.BaseURL = u
			return nil
		}},
		{Flag: "database-url", Env: "SMARTSERVICE_DATABASE_URL", Default: "sqlite:data/smartservice.db", Help: "sqlite:relative/path.db, sqlite:///absolute/path.db or postgres://user:pass@host:port/db", Secret: true, apply: func(c *Config, v string) error {
			if !strings.HasPrefix(v, "sqlite:") && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
				return errors.New("want sqlite:path.db, sqlite:///absolute/path.db or postgres://…")
			}
			if strings.HasPrefix(v, "sqlite:") && strings.TrimPrefix(strings.TrimPrefix(v, "sqlite:"), "//") == "" {
				return errors.New("the sqlite URL has no file path")
			}
			c.DatabaseURL = v
			return nil
		}},
		{Flag: "default-language", Env: "SMARTSERVICE_DEFAULT_LANGUAGE", Default: "ru", Help: "language when the browser does not say: ru or en", apply: func(c *Config, v string) error {
			if v != "ru" && v != "en" {
				return errors.New("want ru or en")
			}
			c.DefaultLanguage = v
			return nil
		}},
		{Flag: "timezone", Env: "SMARTSERVICE_TIMEZONE", Default: "Europe/Moscow", Help: "the office's IANA time zone", apply: func(c *Config, v string) error {
			loc, err := time.LoadLocation(v)
			if err != nil || v == "" || v == "Local" {
				return errors.New("want an IANA time zone name, for example Europe/Moscow")
			}
			c.Location = loc
			return nil
		}},
		{Flag: "log-format", Env: "SMARTSERVICE_LOG_FORMAT", Default: "text", Help: "log format: text or json", apply: func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return errors.New("want text or json")
			}
			c.LogFormat = v
			return nil
		}},
		{Flag: "log-level", Env: "SMARTSERVICE_LOG_LEVEL", Default: "info", Help: "minimum log level: debug, info, warn or error", apply: func(c *Config, v string) error {
			return c.LogLevel.UnmarshalText([]byte(v))
		}},
		{Flag: "max-body-bytes", Env: "SMARTSERVICE_MAX_BODY_BYTES", Default: "1048576", Help: "largest accepted request body in bytes (larger: 413)", apply: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 || n > 1<<30 {
				return errors.New("want a number of bytes between 1024 and 1073741824")
			}
			c.MaxBodyBytes = n
			return nil
		}},
		{Flag: "shutdown-timeout", Env: "SMARTSERVICE_SHUTDOWN_TIMEOUT", Default: "20s", Help: "how long a stop waits for requests and jobs in flight", apply: durationIn(func(c *Config) *time.Duration { return &c.ShutdownTimeout }, time.Second, 10*time.Minute)},
		{Flag: "db-connect-timeout", Env: "SMARTSERVICE_DB_CONNECT_TIMEOUT", Default: "15s", Help: "how long the start waits for the database", apply: durationIn(func(c *Config) *time.Duration { return &c.DBConnectTimeout }, time.Second, 10*time.Minute)},
		{Flag: "office-name", Env: "SMARTSERVICE_OFFICE_NAME", Default: "Smart Office", Help: "the office's name on pages and labels", apply: func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v == "" || len(v) > 100 {
				return errors.New("want 1 to 100 characters")
			}
			c.OfficeName = v
			return nil
		}},
	}
}

func durationIn(field func(*Config) *time.Duration, lo, hi time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < lo || d > hi {
			return fmt.Errorf("want a duration between %s and %s, for example 20s", lo, hi)
		}
		*field(c) = d
		return nil
	}
}

// Error names the option whose value is wrong.
type Error struct {
	Option Option
	Value  string
	Source string
	Reason error
}

func (e *Error) Error() string {
	shown := strconv.Quote(e.Value)
	if e.Option.Secret {
		shown = "(hidden)"
	}
	return fmt.Sprintf("option %s (--%s) from %s: invalid value %s: %v", e.Option.Env, e.Option.Flag, e.Source, shown, e.Reason)
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Reason }

// Register adds a string flag for every option to fs and returns a loader that,
// after fs.Parse, builds the Config: a flag set on the command line wins over the
// environment, which wins over the default.
func Register(fs *flag.FlagSet) func(getenv func(string) string) (*Config, error) {
	opts := Options()
	values := make([]*string, len(opts))
	for i, o := range opts {
		values[i] = fs.String(o.Flag, o.Default, o.Help+" (env "+o.Env+")")
	}
	return func(getenv func(string) string) (*Config, error) {
		if getenv == nil {
			getenv = os.Getenv
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		c := &Config{}
		for i, o := range opts {
			v, src := o.Default, "default"
			if set[o.Flag] {
				v, src = *values[i], "flag --"+o.Flag
			} else if e, ok := lookup(getenv, o.Env); ok {
				v, src = e, "environment"
			}
			if err := o.apply(c, v); err != nil {
				return nil, &Error{Option: o, Value: v, Source: src, Reason: err}
			}
		}
		return c, nil
	}
}

func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// Load parses args (without the program name) and the environment into a Config.
// It is the whole of Register for callers that need no extra flags.
func Load(args []string, getenv func(string) string) (*Config, error) {
	fs := flag.NewFlagSet("smartservice", flag.ContinueOnError)
	fs.SetOutput(discard{})
	load := Register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return load(getenv)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Default returns the configuration with every option at its default; tests start from it.
func Default() *Config {
	c, err := Load(nil, func(string) string { return "" })
	if err != nil {
		panic("config: defaults do not validate: " + err.Error())
	}
	return c
}
