package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c := Default()
	if c.Addr != ":8080" || c.BaseURL.String() != "http://localhost:8080" || c.DatabaseURL != "sqlite:data/smartservice.db" ||
		c.DefaultLanguage != "ru" || c.Location.String() != "Europe/Moscow" || c.LogFormat != "text" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestFlagBeatsEnvBeatsDefault(t *testing.T) {
	c, err := Load([]string{"--addr", "127.0.0.1:9000"}, env(map[string]string{
		"SMARTSERVICE_ADDR": ":7000", "SMARTSERVICE_DEFAULT_LANGUAGE": "en", "SMARTSERVICE_BASE_URL": "https://svc.example.com/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.DefaultLanguage != "en" || c.BaseURL.String() != "https://svc.example.com" {
		t.Fatalf("got %+v", c)
	}
}

func TestInvalidValuesNameTheOption(t *testing.T) {
	cases := map[string]string{
		"SMARTSERVICE_ADDR":             "8080",
		"SMARTSERVICE_BASE_URL":         "ftp://x",
		"SMARTSERVICE_DATABASE_URL":     "mysql://x",
		"SMARTSERVICE_DEFAULT_LANGUAGE": "de",
		"SMARTSERVICE_TIMEZONE":         "Mars/Olympus",
		"SMARTSERVICE_LOG_FORMAT":       "xml",
		"SMARTSERVICE_LOG_LEVEL":        "loud",
		"SMARTSERVICE_MAX_BODY_BYTES":   "-1",
		"SMARTSERVICE_MAX_UPLOAD_BYTES": "11MB",
		"SMARTSERVICE_SHUTDOWN_TIMEOUT": "forever",
	}
	for name, value := range cases {
		_, err := Load(nil, env(map[string]string{name: value}))
		var cerr *Error
		if !errors.As(err, &cerr) || cerr.Option.Env != name || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: got %v, want an error naming the option", name, value, err)
		}
	}
}

func TestUploadLimit(t *testing.T) {
	if c := Default(); c.MaxUploadBytes != 11<<20 || c.MaxBodyBytes != 1<<20 {
		t.Fatalf("defaults: upload %d, body %d", c.MaxUploadBytes, c.MaxBodyBytes)
	}
	c, err := Load(nil, env(map[string]string{"SMARTSERVICE_MAX_UPLOAD_BYTES": "20971520"}))
	if err != nil || c.MaxUploadBytes != 20<<20 {
		t.Fatalf("got %v %v", c, err)
	}
	if _, err := Load(nil, env(map[string]string{"SMARTSERVICE_MAX_UPLOAD_BYTES": "100"})); err == nil {
		t.Fatal("100 bytes accepted")
	}
}

func TestSecretValueNotEchoed(t *testing.T) {
	_, err := Load([]string{"--database-url", "mysql://u:hunter2@h/db"}, env(nil))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("got %v, want an error without the password", err)
	}
}

func TestUnknownFlag(t *testing.T) {
	if _, err := Load([]string{"--no-such-flag"}, env(nil)); err == nil {
		t.Fatal("unknown flag accepted")
	}
}

func TestDurations(t *testing.T) {
	c, err := Load(nil, env(map[string]string{"SMARTSERVICE_SHUTDOWN_TIMEOUT": "3s"}))
	if err != nil || c.ShutdownTimeout != 3*time.Second {
		t.Fatalf("got %v %v", c, err)
	}
}

func TestMetricsOptions(t *testing.T) {
	if c := Default(); c.MetricsToken != "" || c.MetricsAddr != "" {
		t.Fatalf("metrics are served by default: token %q, addr %q", c.MetricsToken, c.MetricsAddr)
	}
	c, err := Load(nil, env(map[string]string{"SMARTSERVICE_METRICS_TOKEN": "0123456789abcdef-scrape", "SMARTSERVICE_METRICS_ADDR": "127.0.0.1:9090"}))
	if err != nil || c.MetricsToken != "0123456789abcdef-scrape" || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("got %+v %v", c, err)
	}
	for name, value := range map[string]string{
		"SMARTSERVICE_METRICS_TOKEN": "short",
		"SMARTSERVICE_METRICS_ADDR":  "9090",
	} {
		_, err := Load(nil, env(map[string]string{name: value}))
		var cerr *Error
		if !errors.As(err, &cerr) || cerr.Option.Env != name {
			t.Errorf("%s=%q: got %v, want an error naming the option", name, value, err)
		}
	}
	_, err = Load(nil, env(map[string]string{"SMARTSERVICE_METRICS_TOKEN": "a token with spaces in it"}))
	if err == nil || strings.Contains(err.Error(), "spaces in it") {
		t.Fatalf("a token with spaces: got %v, want an error that does not echo it", err)
	}
	if _, err := Load(nil, env(map[string]string{"SMARTSERVICE_ADDR": "127.0.0.1:8080", "SMARTSERVICE_METRICS_ADDR": "127.0.0.1:8080"})); err == nil {
		t.Fatal("the metrics address may not be the main one")
	}
}

func TestTelegramOptions(t *testing.T) {
	if c := Default(); c.TelegramToken != "" || c.TelegramAPIURL != "https://api.telegram.org" || c.TelegramWebhookURL != "" || c.TelegramWebhookSecret != "" {
		t.Fatalf("defaults: %+v", c)
	}
	c, err := Load(nil, env(map[string]string{"SMARTSERVICE_TELEGRAM_TOKEN": "123:abc-DEF", "SMARTSERVICE_TELEGRAM_API_URL": "http://127.0.0.1:9/",
		"SMARTSERVICE_TELEGRAM_WEBHOOK_URL": "https://svc.example.com/telegram/webhook"}))
	if err != nil || c.TelegramAPIURL != "http://127.0.0.1:9" || len(c.TelegramWebhookSecret) != 64 || strings.Contains(c.TelegramWebhookSecret, "abc") {
		t.Fatalf("got %+v %v", c, err)
	}
	c2, _ := Load(nil, env(map[string]string{"SMARTSERVICE_TELEGRAM_TOKEN": "123:other"}))
	if c2.TelegramWebhookSecret == c.TelegramWebhookSecret {
		t.Error("the derived webhook secret does not depend on the token")
	}
	for name, value := range map[string]string{
		"SMARTSERVICE_TELEGRAM_TOKEN":          "no colon",
		"SMARTSERVICE_TELEGRAM_API_URL":        "ftp://x",
		"SMARTSERVICE_TELEGRAM_WEBHOOK_URL":    "http://svc.example.com/telegram/webhook",
		"SMARTSERVICE_TELEGRAM_WEBHOOK_SECRET": "bad secret!",
	} {
		_, err := Load(nil, env(map[string]string{name: value}))
		var cerr *Error
		if !errors.As(err, &cerr) || cerr.Option.Env != name {
			t.Errorf("%s=%q: got %v, want an error naming the option", name, value, err)
		}
	}
	if _, err := Load(nil, env(map[string]string{"SMARTSERVICE_TELEGRAM_TOKEN": "12:secret value"})); err == nil || strings.Contains(err.Error(), "secret value") {
		t.Fatalf("a bad token: got %v, want an error that does not echo it", err)
	}
}

// TestPeriodicInterval: the frequent jobs run each minute unless shortened, and
// the leavers check and the backups never run more often than they do (a minute by default).
func TestPeriodicInterval(t *testing.T) {
	c := Default()
	if c.PeriodicInterval != time.Minute || c.LeaversInterval != 24*time.Hour {
		t.Fatalf("defaults: periodic %s, leavers %s; want 1m and 24h", c.PeriodicInterval, c.LeaversInterval)
	}
	for name, e := range map[string]map[string]string{
		"leavers under a minute by default": {"SMARTSERVICE_LEAVERS_INTERVAL": "30s"},
		"leavers under a shortened period":  {"SMARTSERVICE_PERIODIC_INTERVAL": "10s", "SMARTSERVICE_LEAVERS_INTERVAL": "5s"},
		"periodic under a second":           {"SMARTSERVICE_PERIODIC_INTERVAL": "500ms"},
		"periodic over an hour":             {"SMARTSERVICE_PERIODIC_INTERVAL": "2h"},
	} {
		if _, err := Load(nil, env(e)); err == nil {
			t.Errorf("%s: %v accepted", name, e)
		}
	}
	c, err := Load(nil, env(map[string]string{"SMARTSERVICE_PERIODIC_INTERVAL": "5s", "SMARTSERVICE_LEAVERS_INTERVAL": "5s", "SMARTSERVICE_BACKUP_EVERY": "5s"}))
	if err != nil || c.PeriodicInterval != 5*time.Second || c.LeaversInterval != 5*time.Second || c.BackupEvery != 5*time.Second {
		t.Fatalf("5s and 5s: %+v, %v", c, err)
	}
}
