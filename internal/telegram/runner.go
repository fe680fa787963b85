package telegram

// Who receives updates. Telegram answers 409 to a second getUpdates, so exactly
// one process polls: on PostgreSQL the holder of a session-level advisory lock
// on a connection of its own (when it dies, its connection closes, the lock is
// free and a waiting instance takes over within LockRetry); on SQLite the one
// process that owns the file. In webhook mode nobody polls: Telegram posts to
// /telegram/webhook on whichever instance the proxy picks.

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/httpx"
)

// pollerLockClass is the first key of the poller's advisory lock; the second is
// a hash of the schema, so tests in their own schemas do not contend.
const pollerLockClass = 73_616_001

// Run receives updates until ctx ends: it sets the webhook in webhook mode,
// otherwise polls whenever this process is the poller. Without a token it
// returns at once.
func (s *Service) Run(ctx context.Context) {
	if !s.Enabled() {
		return
	}
	if s.d.WebhookURL != "" {
		s.runWebhook(ctx)
		return
	}
	for ctx.Err() == nil {
		if s.d.DB.Dialect == db.SQLite {
			s.poll(ctx, nil)
			continue
		}
		conn, err := s.lock(ctx)
		if err != nil {
			s.d.Logger.Warn("telegram: the poller lock", "err", err)
		}
		if conn != nil {
			s.d.Logger.Info("telegram: this instance polls for updates")
			s.poll(ctx, conn)
			s.unlock(conn)
		}
		sleep(ctx, s.d.LockRetry)
	}
}

// lock returns a connection holding the poller lock, or nil when another
// instance holds it.
func (s *Service) lock(ctx context.Context) (*sql.Conn, error) {
	conn, err := s.d.DB.W.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var got bool
	err = conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, hashtext(current_schema()))", pollerLockClass).Scan(&got)
	if err != nil || !got {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// unlock frees the poller lock and gives the connection back. Closing a
// *sql.Conn only returns it to the pool, where the session, and with it the
// lock, lives on: another poller of this process that drew a different
// connection would wait for it forever.
func (s *Service) unlock(conn *sql.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1, hashtext(current_schema()))", pollerLockClass); err != nil {
		// The session is broken or gone; dropping it from the pool ends it.
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	conn.Close()
}

// poll long-polls getUpdates and handles each update until ctx ends or, on
// PostgreSQL, the lock's connection is lost.
func (s *Service) poll(ctx context.Context, conn *sql.Conn) {
	if err := s.client.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		s.d.Logger.Warn("telegram: deleteWebhook", "err", err)
	}
	var offset int64
	backoff := time.Second
	for ctx.Err() == nil {
		if conn != nil {
			if err := conn.PingContext(ctx); err != nil {
				s.d.Logger.Warn("telegram: lost the poller lock's connection", "err", err)
				return
			}
		}
		ups, err := s.client.GetUpdates(ctx, offset, s.d.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var ae *APIError
			if errors.As(err, &ae) && ae.Code == http.StatusUnauthorized {
				s.d.Logger.Error("telegram: the token is refused (401); polling pauses", "err", err)
				sleep(ctx, time.Minute)
				continue
			}
			s.d.Logger.Warn("telegram: getUpdates", "err", err, "retry_in", backoff)
			sleep(ctx, backoff)
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		backoff = time.Second
		for _, u := range ups {
			if err := s.HandleUpdate(context.WithoutCancel(ctx), u); err != nil {
				s.d.Logger.Error("telegram: handling an update", "update", u.UpdateID, "err", err)
			}
			offset = u.UpdateID + 1
		}
	}
	if offset != 0 { // confirm what was handled, so the next poller does not repeat it
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		s.client.GetUpdates(cctx, offset, 0)
	}
}

func (s *Service) runWebhook(ctx context.Context) {
	for ctx.Err() == nil {
		err := s.client.SetWebhook(ctx, s.d.WebhookURL, s.d.WebhookSecret)
		if err == nil {
			s.d.Logger.Info("telegram: webhook set", "url", s.d.WebhookURL)
			<-ctx.Done()
			return
		}
		s.d.Logger.Warn("telegram: setWebhook", "err", err)
		sleep(ctx, 30*time.Second)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// WebhookPrefix is where the webhook face is mounted.
const WebhookPrefix = "/telegram/"

// Webhook is the face Telegram posts updates to, mounted by app at WebhookPrefix.
type Webhook struct{ s *Service }

// Webhook returns the webhook face of s.
func (s *Service) Webhook() *Webhook { return &Webhook{s: s} }

// ServeHTTP takes one update from Telegram, after checking its secret header.
// It answers 200 once the update is handled (Telegram resends on anything else).
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := h.s
	httpx.SetRoute(r.Context(), "POST /telegram/webhook")
	if r.Method != http.MethodPost || r.URL.Path != "/telegram/webhook" || !s.Enabled() || s.d.WebhookURL == "" {
		http.NotFound(w, r)
		return
	}
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.d.WebhookSecret)) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	var u Update
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&u); err != nil {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	if err := s.HandleUpdate(r.Context(), u); err != nil {
		s.d.Logger.Error("telegram: handling a webhook update", "update", u.UpdateID, "err", err)
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// Refuse answers the host's refusals as plain text: only Telegram calls here.
func (h *Webhook) Refuse(w http.ResponseWriter, r *http.Request, why httpx.Refusal) {
	http.Error(w, http.StatusText(why.Status()), why.Status())
}

// Route is the webhook itself: it takes no upload.
func (h *Webhook) Route(r *http.Request) http.Handler { return h }
