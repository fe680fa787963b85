// Package telegram is Smart Service's Telegram bot: it delivers notifications
// (the notify.Channel named "telegram"), links people's chats and departments'
// group chats, and turns button presses and replies into the same domain calls
// the pages make, as the linked person. It never decides who is told of what:
// that is internal/notify's.
package telegram

import (
	"context"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// LinkTTL is how long a deep link (/start token) and a group code stay valid.
const LinkTTL = 15 * time.Minute

// Deps are what the bot needs, built once in internal/app.
type Deps struct {
	DB       *db.DB
	Tickets  *tickets.Service
	Accounts *users.Service
	Users    *users.Store
	Catalog  *i18n.Catalog
	Logger   *slog.Logger
	// Token turns the bot on; empty: nothing is sent, Deliver previews.
	Token  string
	APIURL string
	// BaseURL makes the links to ticket pages.
	BaseURL *url.URL
	// Location is the office's zone, for times in messages.
	Location *time.Location
	// WebhookURL and WebhookSecret select webhook mode (Runner).
	WebhookURL, WebhookSecret string
	// Limits are the sending limits; zero means TelegramLimits.
	Limits Limits
	// PollTimeout is getUpdates' long-poll wait (25 s when 0); LockRetry is how
	// often a waiting instance tries to become the poller (5 s when 0).
	PollTimeout, LockRetry time.Duration
	Now                    func() time.Time
}

// Service is the bot. Its methods check access themselves, like every domain
// module's: the pages and the API only call them.
type Service struct {
	d      Deps
	client *Client // nil without a token

	mu      sync.Mutex
	botName string
}

// New returns the bot; without a token it sends nothing (Enabled is false).
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.Limits == (Limits{}) {
		d.Limits = TelegramLimits
	}
	if d.PollTimeout == 0 {
		d.PollTimeout = 25 * time.Second
	}
	if d.LockRetry == 0 {
		d.LockRetry = 5 * time.Second
	}
	s := &Service{d: d}
	if d.Token != "" {
		s.client = NewClient(d.APIURL, d.Token, d.Limits)
	}
	return s
}

// Enabled reports whether a token is configured.
func (s *Service) Enabled() bool { return s != nil && s.client != nil }

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// botUsername is the bot's username from getMe, asked once.
func (s *Service) botUsername(ctx context.Context) (string, error) {
	s.mu.Lock()
	name := s.botName
	s.mu.Unlock()
	if name != "" {
		return name, nil
	}
	me, err := s.client.GetMe(ctx)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.botName = me.Username
	s.mu.Unlock()
	return me.Username, nil
}

// account reads the linked person's account. The chat speaks for that person, so
// the account is read as by themselves (users.Service.Recipient: from the
// accounts' cache when ctx carries the cache versions, as a delivery's does).
func (s *Service) account(ctx context.Context, id int64) (*users.User, error) {
	return s.d.Accounts.Recipient(ctx, id)
}

var (
	errOff = apperr.New(apperr.Unavailable, "telegram.off")
	// errForbidden is NotFound: what one may not touch looks absent.
	errForbidden = apperr.New(apperr.NotFound, "error.not_found")
)

func requireLogin(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	return nil
}
