package app

import (
	"context"
	"fmt"
	"time"

	"smartservice/internal/directory"
	"smartservice/internal/mail"
)

// newDirectory builds the configured employee directory: the HTTP contract, a file,
// the override (the demo's), or nil when none is configured (registration then
// answers "cannot confirm now").
func (a *App) newDirectory(override directory.Directory) (directory.Directory, error) {
	cfg := a.Config
	switch {
	case cfg.DirectoryURL != "":
		// Registration waits for this: two attempts of 2 s keep the answer within a
		// few seconds even when the directory hangs.
		return directory.NewHTTP(directory.Options{BaseURL: cfg.DirectoryURL, Token: cfg.DirectoryToken,
			Timeout: 2 * time.Second, Attempts: 2, Backoff: 200 * time.Millisecond, Metrics: a.Metrics, Logger: a.Logger})
	case cfg.DirectoryFile != "":
		d, err := directory.LoadFile(cfg.DirectoryFile)
		if err != nil {
			return nil, fmt.Errorf("option SMARTSERVICE_DIRECTORY_FILE: %w", err)
		}
		return d, nil
	case override != nil:
		return override, nil
	}
	return noDirectory{}, nil
}

// noDirectory answers every lookup with "unavailable": registration says it cannot
// confirm now, and the leavers check changes nothing.
type noDirectory struct{}

func (noDirectory) Lookup(context.Context, string) (*directory.Employee, error) {
	return nil, fmt.Errorf("%w: no employee directory is configured (SMARTSERVICE_DIRECTORY_URL or SMARTSERVICE_DIRECTORY_FILE)", directory.ErrUnavailable)
}

// newMailSender is SMTP when configured, else development mode (the log).
func (a *App) newMailSender() (mail.Sender, bool, error) {
	if a.Config.SMTPURL == "" {
		return mail.LogSender{Logger: a.Logger}, true, nil
	}
	s, err := mail.NewSMTP(a.Config.SMTPURL, a.Config.MailFrom)
	if err != nil {
		return nil, false, fmt.Errorf("option SMARTSERVICE_SMTP_URL: %w", err)
	}
	return s, false, nil
}
