package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// profileCreateToken makes a personal API token. Its secret is in this response
// only (not stored, not cached, not in a redirect URL): the page says to copy it now.
func (s *Server) profileCreateToken(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	name := r.PostForm.Get("name")
	daysText := strings.TrimSpace(r.PostForm.Get("expires_in_days"))
	// A lifetime that is not a whole number of days is left as zero: the domain
	// refuses it with its own message.
	var ttl time.Duration
	if days, err := strconv.Atoi(daysText); err == nil && days > 0 && days <= 1000 {
		ttl = time.Duration(days) * 24 * time.Hour
	}
	secret, tok, err := s.Accounts.CreateToken(r.Context(), u, name, ttl)
	if err != nil {
		f := newForm()
		f.Values["name"], f.Values["expires_in_days"] = name, daysText
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.renderProfile(w, keepOnSwitch(r, tokenFormID, "/profile", f), status, u, &profileData{TokenForm: f})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderProfile(w, r, http.StatusCreated, u, &profileData{NewToken: secret, NewTokenName: tok.Name})
}

// profileRevokeToken ends one of the person's tokens; another person's is not found.
func (s *Server) profileRevokeToken(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := s.Accounts.RevokeToken(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "profile.token_revoked_notice")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

// pathID reads the positive integer {id} of the route.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}
