package web

import (
	"net/http"
	"time"

	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
)

// setLanguage remembers the language picked with the switch and goes back to the
// page it was picked on. It is a plain form post, so it works without JavaScript.
// On a page showing a refused form the switch posts that form instead (Redo), so
// what was typed there comes back filled in.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		if httpx.TooLarge(err) {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	lang := r.PostForm.Get("lang")
	if !i18n.Supported(lang) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	// A logged-in person's language is their account's setting, so the switch
	// changes that too (the cookie alone would be overridden by it).
	if u := s.currentUser(r); u != nil && s.Accounts != nil {
		if err := s.Accounts.SetLanguage(r.Context(), u, lang); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Config.BaseURL.Scheme == "https",
	})
	// A switch on a refused form posts that form's fields (Redo): they are kept
	// for its page, which shows them again in the new language. Nothing is sent.
	next := LocalPath(r.URL.Query().Get("back"))
	if !s.keepFormDraft(r, next) {
		next = LocalPath(r.PostForm.Get("next"))
	}
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
