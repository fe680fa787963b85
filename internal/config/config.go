// Package config holds Smart Service's one table of options: every setting has a
// flag, an environment variable, a default and a validator, so a wrong value stops
// the start with a message that names the option.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
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
	// MaxUploadBytes caps the body of the filing form, which carries a photo
	// (tickets.MaxPhotoBytes plus the form); every other route keeps MaxBodyBytes.
	MaxUploadBytes int64
	// ShutdownTimeout bounds how long requests in flight and running jobs may take on stop.
	ShutdownTimeout time.Duration
	// DBConnectTimeout bounds how long the start waits for the database.
	DBConnectTimeout time.Duration
	// OfficeName is shown in page titles and on labels.
	OfficeName string
	// DirectoryURL is the employee directory's base URL (the HTTP contract); empty when unused.
	DirectoryURL string
	// DirectoryToken is sent as a bearer token to the directory; never logged.
	DirectoryToken string
	// DirectoryFile is a CSV or JSON file of employees used instead of an HTTP directory.
	DirectoryFile string
	// SMTPURL is the mail server (smtp://user:pass@host:587); empty means development
	// mode: links are written to the log.
	SMTPURL string
	// MailFrom is the sender of mails.
	MailFrom string
	// SessionTTL is how long a login lasts; AdminSessionTTL, shorter, for administrators.
	SessionTTL, AdminSessionTTL time.Duration
	// PeriodicInterval is the period of the frequent periodic jobs (escalation,
	// service levels, due upkeep plans): a minute in production; shorter only so
	// that tests of several instances see a few periods in seconds.
	PeriodicInterval time.Duration
	// LeaversInterval is how often the directory is asked about every account.
	LeaversInterval time.Duration
	// TrustedProxies are the networks whose X-Forwarded-For names the real client
	// (for login throttling); empty trusts none.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token /metrics asks for; never logged.
	MetricsToken string
	// MetricsAddr, when set, is a separate listen address that serves /metrics alone
	// (the main listener then never serves it). With neither set, /metrics is not served.
	MetricsAddr string
	// EscalateAfter is how long a ticket may wait unassigned before the heads of
	// its department are told (once).
	EscalateAfter time.Duration
	// TelegramToken is the bot's token from BotFather; empty turns the bot off.
	// Never logged.
	TelegramToken string
	// TelegramAPIURL is the Bot API's base URL (tests point it at a fake).
	TelegramAPIURL string
	// TelegramWebhookURL, when set, makes Telegram post updates there instead of
	// the bot polling (the path must be /telegram/webhook on this server).
	TelegramWebhookURL string
	// TelegramWebhookSecret is the X-Telegram-Bot-Api-Secret-Token Telegram sends
	// with each webhook post; derived from the token when unset. Never logged.
	TelegramWebhookSecret string
	// BackupDir, when set, is where the scheduled SQLite backups are written;
	// BackupEvery is their period and BackupKeep how many of the newest are kept.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	// PhotoRetention, when set, drops the photos of tickets closed longer ago; 0 keeps them.
	PhotoRetention time.Duration
	// QueueStuckAfter is how long a job may be overdue before /readyz calls the job
	// queue stuck.
	QueueStuckAfter time.Duration
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
		{Flag: "max-upload-bytes", Env: "SMARTSERVICE_MAX_UPLOAD_BYTES", Default: "11534336", Help: "largest accepted body of a ticket filing with its photo (the form and POST /api/v1/tickets), in bytes (larger: 413)", apply: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 || n > 1<<30 {
				return errors.New("want a number of bytes between 1024 and 1073741824")
			}
			c.MaxUploadBytes = n
			return nil
		}},
		{Flag: "shutdown-timeout", Env: "SMARTSERVICE_SHUTDOWN_TIMEOUT", Default: "20s", Help: "how long a stop waits for requests and jobs in flight", apply: durationIn(func(c *Config) *time.Duration { return &c.ShutdownTimeout }, time.Second, 10*time.Minute)},
		{Flag: "db-connect-timeout", Env: "SMARTSERVICE_DB_CONNECT_TIMEOUT", Default: "15s", Help: "how long the start waits for the database", apply: durationIn(func(c *Config) *time.Duration { return &c.DBConnectTimeout }, time.Second, 10*time.Minute)},
		{Flag: "directory-url", Env: "SMARTSERVICE_DIRECTORY_URL", Default: "", Help: "the employee directory's base URL (GET {url}/employees?email=…)", apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
				return errors.New("want an http(s) URL without credentials (the token has its own option)")
			}
			c.DirectoryURL = strings.TrimRight(v, "/")
			return nil
		}},
		{Flag: "directory-token", Env: "SMARTSERVICE_DIRECTORY_TOKEN", Default: "", Secret: true, Help: "bearer token for the employee directory", apply: func(c *Config, v string) error {
			if strings.ContainsAny(v, "\r\n ") {
				return errors.New("a token cannot contain spaces or line breaks")
			}
			c.DirectoryToken = v
			return nil
		}},
		{Flag: "directory-file", Env: "SMARTSERVICE_DIRECTORY_FILE", Default: "", Help: "a CSV or JSON file of employees, instead of an HTTP directory", apply: func(c *Config, v string) error {
			if v != "" && c.DirectoryURL != "" {
				return errors.New("set either SMARTSERVICE_DIRECTORY_URL or SMARTSERVICE_DIRECTORY_FILE, not both")
			}
			if v != "" && !strings.HasSuffix(v, ".csv") && !strings.HasSuffix(v, ".json") {
				return errors.New("want a .csv or .json file")
			}
			c.DirectoryFile = v
			return nil
		}},
		{Flag: "smtp-url", Env: "SMARTSERVICE_SMTP_URL", Default: "", Secret: true, Help: "mail server smtp://user:pass@host:587; empty: development mode, links go to the log", apply: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
				return errors.New("want smtp://user:pass@host:port")
			}
			c.SMTPURL = v
			return nil
		}},
		{Flag: "mail-from", Env: "SMARTSERVICE_MAIL_FROM", Default: "smartservice@localhost", Help: "sender address of mails", apply: func(c *Config, v string) error {
			if _, err := mail.ParseAddress(v); err != nil {
				return errors.New("want an e-mail address")
			}
			c.MailFrom = v
			return nil
		}},
		{Flag: "session-ttl", Env: "SMARTSERVICE_SESSION_TTL", Default: "720h", Help: "how long a login lasts", apply: durationIn(func(c *Config) *time.Duration { return &c.SessionTTL }, 5*time.Minute, 24*366*time.Hour)},
		{Flag: "admin-session-ttl", Env: "SMARTSERVICE_ADMIN_SESSION_TTL", Default: "12h", Help: "how long an administrator's login lasts (shorter)", apply: func(c *Config, v string) error {
			if err := durationIn(func(c *Config) *time.Duration { return &c.AdminSessionTTL }, 5*time.Minute, 24*366*time.Hour)(c, v); err != nil {
				return err
			}
			if c.AdminSessionTTL > c.SessionTTL {
				return errors.New("must not be longer than SMARTSERVICE_SESSION_TTL")
			}
			return nil
		}},
		{Flag: "periodic-interval", Env: "SMARTSERVICE_PERIODIC_INTERVAL", Default: "1m", Help: "period of the frequent periodic jobs: escalations, service-level checks, due upkeep plans", apply: durationIn(func(c *Config) *time.Duration { return &c.PeriodicInterval }, time.Second, time.Hour)},
		{Flag: "leavers-interval", Env: "SMARTSERVICE_LEAVERS_INTERVAL", Default: "24h", Help: "how often every account is checked against the directory (at least a minute, or SMARTSERVICE_PERIODIC_INTERVAL when that is shorter)", apply: periodIn(func(c *Config) *time.Duration { return &c.LeaversInterval }, 24*31*time.Hour)},
		{Flag: "trusted-proxies", Env: "SMARTSERVICE_TRUSTED_PROXIES", Default: "", Help: "comma-separated networks (CIDR) of reverse proxies whose X-Forwarded-For is believed", apply: func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part == "" {
					continue
				}
				p, err := netip.ParsePrefix(part)
				if err != nil {
					return fmt.Errorf("%q is not a CIDR network such as 10.0.0.0/8", part)
				}
				c.TrustedProxies = append(c.TrustedProxies, p.Masked())
			}
			return nil
		}},
		{Flag: "metrics-token", Env: "SMARTSERVICE_METRICS_TOKEN", Default: "", Secret: true, Help: "bearer token that /metrics asks for (at least 16 characters); unset and no metrics address: /metrics is not served", apply: func(c *Config, v string) error {
			if v != "" && (len(v) < 16 || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f })) {
				return errors.New("want at least 16 characters without spaces or control characters")
			}
			c.MetricsToken = v
			return nil
		}},
		{Flag: "metrics-addr", Env: "SMARTSERVICE_METRICS_ADDR", Default: "", Help: "separate listen address (host:port) serving /metrics alone, for example 127.0.0.1:9090; the main address then does not serve it", apply: func(c *Config, v string) error {
			if v == "" {
				c.MetricsAddr = ""
				return nil
			}
			if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
				return errors.New("want host:port, for example 127.0.0.1:9090")
			}
			if v == c.Addr {
				return errors.New("must differ from SMARTSERVICE_ADDR")
			}
			c.MetricsAddr = v
			return nil
		}},
		{Flag: "office-name", Env: "SMARTSERVICE_OFFICE_NAME", Default: "Smart Office", Help: "the office's name on pages and labels", apply: func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v == "" || len(v) > 100 {
				return errors.New("want 1 to 100 characters")
			}
			c.OfficeName = v
			return nil
		}},
		{Flag: "escalate-after", Env: "SMARTSERVICE_ESCALATE_AFTER", Default: "30m", Help: "how long a ticket may wait unassigned before the heads of its department are notified (once)", apply: durationIn(func(c *Config) *time.Duration { return &c.EscalateAfter }, time.Minute, 30*24*time.Hour)},
		{Flag: "telegram-token", Env: "SMARTSERVICE_TELEGRAM_TOKEN", Default: "", Secret: true, Help: "the Telegram bot's token from @BotFather; empty: the bot is off", apply: func(c *Config, v string) error {
			if v != "" && (!strings.Contains(v, ":") || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == '/' || r == 0x7f })) {
				return errors.New("want the token @BotFather gave, such as 123456:ABC-DEF…")
			}
			c.TelegramToken = v
			return nil
		}},
		{Flag: "telegram-api-url", Env: "SMARTSERVICE_TELEGRAM_API_URL", Default: "https://api.telegram.org", Help: "the Telegram Bot API's base URL", apply: func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
				return errors.New("want an http(s) URL without credentials or query")
			}
			c.TelegramAPIURL = strings.TrimRight(v, "/")
			return nil
		}},
		{Flag: "telegram-webhook-url", Env: "SMARTSERVICE_TELEGRAM_WEBHOOK_URL", Default: "", Help: "public https URL ending in /telegram/webhook: Telegram posts updates there instead of the bot polling", apply: func(c *Config, v string) error {
			if v == "" {
				c.TelegramWebhookURL = ""
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Path != "/telegram/webhook" {
				return errors.New("want https://your.host/telegram/webhook")
			}
			c.TelegramWebhookURL = v
			return nil
		}},
		{Flag: "telegram-webhook-secret", Env: "SMARTSERVICE_TELEGRAM_WEBHOOK_SECRET", Default: "", Secret: true, Help: "the secret Telegram sends with webhook posts (1-256 of A-Z a-z 0-9 _ -); derived from the token when unset", apply: func(c *Config, v string) error {
			if v != "" && (len(v) > 256 || strings.ContainsFunc(v, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
			})) {
				return errors.New("want 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
			}
			c.TelegramWebhookSecret = v
			if v == "" && c.TelegramToken != "" {
				sum := sha256.Sum256([]byte("smartservice telegram webhook\x00" + c.TelegramToken))
				c.TelegramWebhookSecret = hex.EncodeToString(sum[:])
			}
			return nil
		}},
		{Flag: "backup-dir", Env: "SMARTSERVICE_BACKUP_DIR", Default: "", Help: "directory for scheduled SQLite backups; empty: no scheduled backups", apply: func(c *Config, v string) error {
			c.BackupDir = v
			return nil
		}},
		{Flag: "backup-every", Env: "SMARTSERVICE_BACKUP_EVERY", Default: "24h", Help: "period of the scheduled backups (with SMARTSERVICE_BACKUP_DIR; at least a minute, or SMARTSERVICE_PERIODIC_INTERVAL when that is shorter)", apply: periodIn(func(c *Config) *time.Duration { return &c.BackupEvery }, 24*31*time.Hour)},
		{Flag: "backup-keep", Env: "SMARTSERVICE_BACKUP_KEEP", Default: "7", Help: "how many scheduled backups are kept (the oldest beyond are deleted)", apply: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return errors.New("want a number between 1 and 1000")
			}
			c.BackupKeep = n
			return nil
		}},
		{Flag: "photo-retention", Env: "SMARTSERVICE_PHOTO_RETENTION", Default: "0", Help: "drop the photos of tickets closed longer ago than this, for example 4320h; 0 keeps them", apply: func(c *Config, v string) error {
			if v == "0" {
				c.PhotoRetention = 0
				return nil
			}
			return durationIn(func(c *Config) *time.Duration { return &c.PhotoRetention }, 24*time.Hour, 24*3660*time.Hour)(c, v)
		}},
		{Flag: "queue-stuck-after", Env: "SMARTSERVICE_QUEUE_STUCK_AFTER", Default: "15m", Help: "/readyz fails when a job has waited this long past its time", apply: durationIn(func(c *Config) *time.Duration { return &c.QueueStuckAfter }, 10*time.Second, 24*time.Hour)},
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

// periodIn is durationIn for the period of a periodic job: no job runs more often
// than the frequent ones, a minute unless SMARTSERVICE_PERIODIC_INTERVAL (which
// must come first in Options) shortens them, as the tests of several instances do.
func periodIn(field func(*Config) *time.Duration, hi time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		return durationIn(field, min(time.Minute, c.PeriodicInterval), hi)(c, v)
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
