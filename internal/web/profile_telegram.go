package web

import (
	"net/http"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// telegramBox is the profile's Telegram box (templates/partials/profile_telegram.html).
type telegramBox struct {
	// Enabled is false without a bot token: the box says Telegram is off.
	Enabled bool
	// Chat names the linked chat ("@name"), empty when none.
	Chat, Since string
	// Dead is set when Telegram stopped delivering; DeadAt and Reason say when and why.
	Dead           bool
	DeadAt, Reason string
	// URL is a deep link made by this very request (shown once), with its expiry.
	URL, Expires string
	// Error is a translated refusal of the Connect button (Telegram unreachable).
	Error string
}

// telegramBox reads u's link for the profile.
func (s *Server) telegramBox(r *http.Request, u *users.User) (*telegramBox, error) {
	b := &telegramBox{Enabled: s.Telegram.Enabled()}
	link, err := s.Telegram.LinkOf(r.Context(), u)
	if err != nil || link == nil {
		return b, err
	}
	b.Chat, b.Since = link.Username, s.stamp(&link.LinkedAt)
	if b.Chat == "" || b.Chat == "@" {
		b.Chat = "Telegram"
	}
	if link.DeadAt != nil {
		b.Dead, b.DeadAt, b.Reason = true, s.stamp(link.DeadAt), link.DeadReason
		// Telegram's two usual reasons, in the reader's language; others as Telegram said.
		switch reason := strings.ToLower(link.DeadReason); {
		case strings.Contains(reason, "blocked"):
			b.Reason = s.localizer(r).T("telegram.profile.reason_blocked")
		case strings.Contains(reason, "not found"), strings.Contains(reason, "deactivated"):
			b.Reason = s.localizer(r).T("telegram.profile.reason_gone")
		}
	}
	return b, nil
}

// profileTelegramLink makes a one-time deep link to the bot. The link is in this
// response only (a secret for 15 minutes: not in a redirect URL, not cached).
func (s *Server) profileTelegramLink(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	box, err := s.telegramBox(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	url, expires, err := s.Telegram.NewLink(r.Context(), u)
	status := http.StatusOK
	switch {
	case apperr.CodeOf(err) == apperr.Unavailable:
		box.Error = s.localizer(r).T(apperr.As(err).Key)
		status = http.StatusServiceUnavailable
	case err != nil:
		s.fail(w, r, err)
		return
	default:
		box.URL, box.Expires = url, s.stamp(&expires)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderProfile(w, r, status, u, &profileData{Telegram: box})
}
