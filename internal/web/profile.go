package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"smartservice/internal/users"
)

// profileData is the profile page: the person as the directory describes them, and
// one form per action (language, password, tokens), each with its own errors.
type profileData struct {
	// Notice is a translated note left by the action that redirected here.
	Notice string
	// Roles lists every role in display order; the page shows those the person holds.
	Roles        []users.Role
	LangForm     *form
	PasswordForm *form
	TokenForm    *form
	Tokens       []tokenRow
	// NewToken is the secret of a token created by this very request: shown once,
	// never stored, never put in a URL.
	NewToken     string
	NewTokenName string
	// LiveTokens names the personal tokens that would survive a password change,
	// comma-separated, so the password form can offer to revoke them.
	LiveTokens string
	// Notify is the notifications box (profile_notifications.go).
	Notify *notifyBox
	// Telegram is the Telegram box (profile_telegram.go).
	Telegram *telegramBox
}

// tokenRow is a personal token as the list shows it, times already in the office's zone.
type tokenRow struct {
	ID                         int64
	Name                       string
	Created, Expires, LastUsed string
	Revoked                    string
	Expired                    bool
}

// profilePage shows the profile of the logged-in person.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	// A refused form carried over by the language switch comes back filled in
	// (the password form never is: passwords are not kept).
	d := &profileData{Notice: s.popNotice(r)}
	switch id, f := s.takeFormDraft(r); {
	case f == nil:
	case id == tokenFormID:
		d.TokenForm = f
	case id == notifyFormID && s.Notify != nil:
		d.Notify = &notifyBox{Form: f}
	}
	s.renderProfile(w, r, http.StatusOK, u, d)
}

// The profile's forms that the language switch carries over when refused.
const (
	tokenFormID  = "token-form"
	notifyFormID = "notify-form"
)

// renderProfile fills what d leaves empty (the forms, the token list) and renders.
func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, u *users.User, d *profileData) {
	d.Roles = users.Roles
	if d.LangForm == nil {
		d.LangForm = newForm()
		d.LangForm.Values["language"] = u.Language
	}
	if d.PasswordForm == nil {
		d.PasswordForm = newForm()
	}
	if d.TokenForm == nil {
		d.TokenForm = newForm()
		d.TokenForm.Values["expires_in_days"] = "90"
	}
	if err := s.fillNotifyBox(r, u, d); err != nil {
		s.fail(w, r, err)
		return
	}
	tokens, err := s.Accounts.ListTokens(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Now()
	var live []string
	for _, t := range tokens {
		row := tokenRow{ID: t.ID, Name: t.Name, Created: s.stamp(&t.CreatedAt), Expires: s.stamp(&t.ExpiresAt), LastUsed: s.stamp(t.LastUsedAt),
			Revoked: s.stamp(t.RevokedAt), Expired: !now.Before(t.ExpiresAt)}
		d.Tokens = append(d.Tokens, row)
		if row.Revoked == "" && !row.Expired {
			live = append(live, t.Name)
		}
	}
	d.LiveTokens = strings.Join(live, ", ")
	if d.Telegram == nil {
		if d.Telegram, err = s.telegramBox(r, u); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "profile", "profile.title", d)
}

// stamp formats a moment in the office's time zone; nil is "".
func (s *Server) stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	loc := s.Config.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// sessNotice holds the catalogue key of a note for the next page, after a redirect.
const sessNotice = "notice"

// setNotice leaves a note (a catalogue key) for the page the action redirects to.
func (s *Server) setNotice(ctx context.Context, key string) { s.sessions.Put(ctx, sessNotice, key) }

// popNotice returns the translated note left by the previous action, once.
func (s *Server) popNotice(r *http.Request) string {
	if key := s.sessions.PopString(r.Context(), sessNotice); key != "" {
		return s.localizer(r).T(key)
	}
	return ""
}
