package web

import "net/http"

// profileLanguage saves the language the person reads Smart Service in.
func (s *Server) profileLanguage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	if err := s.Accounts.SetLanguage(r.Context(), u, r.PostForm.Get("language")); err != nil {
		f := newForm()
		f.Values["language"] = u.Language
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.renderProfile(w, r, status, u, &profileData{LangForm: f})
		return
	}
	s.setNotice(r.Context(), "profile.language_saved")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}
