package app

import (
	"context"
	"time"

	"smartservice/internal/telegram"
)

// newTelegram builds the bot from the configuration; without a token it only
// previews (see telegram.Channel).
func (a *App) newTelegram(opts Options) *telegram.Service {
	cfg := a.Config
	return telegram.New(telegram.Deps{
		DB: a.DB, Tickets: a.Tickets, Accounts: a.Accounts, Users: a.Users, Catalog: a.Catalog, Logger: a.Logger,
		Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIURL, BaseURL: cfg.BaseURL, Location: cfg.Location,
		WebhookURL: cfg.TelegramWebhookURL, WebhookSecret: cfg.TelegramWebhookSecret,
		Limits: opts.TelegramLimits, PollTimeout: opts.TelegramPollTimeout, LockRetry: opts.TelegramLockRetry, Now: opts.Now,
	})
}

// startTelegram runs the bot's updates (poller or webhook) beside the server;
// the returned function stops it and waits.
func (a *App) startTelegram(ctx context.Context) (stop func()) {
	bctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Telegram.Run(bctx)
	}()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			a.Logger.Warn("telegram: the poller did not stop in time")
		}
	}
}
