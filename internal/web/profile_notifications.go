package web

import (
	"net/http"

	"smartservice/internal/notify"
	"smartservice/internal/users"
)

// notifyBox is the profile's notifications box: a choice of channels per kind of
// message that can reach this person, and the quiet hours.
type notifyBox struct {
	Form    *form
	Kinds   []string
	Choices []string
	// Zone is the office's time zone, in which quiet hours are read.
	Zone string
}

// fillNotifyBox puts the person's saved settings into the box, unless the box
// already holds a refused post to show again.
func (s *Server) fillNotifyBox(r *http.Request, u *users.User, d *profileData) error {
	if s.Notify == nil {
		return nil
	}
	if d.Notify == nil {
		st, err := s.Notify.Settings(r.Context(), u)
		if err != nil {
			return err
		}
		f := newForm()
		for k, p := range st.Prefs {
			f.Values["kinds."+k] = p.Choice()
		}
		f.Values["quiet_from"], f.Values["quiet_to"] = st.Quiet.FromText(), st.Quiet.ToText()
		d.Notify = &notifyBox{Form: f}
	}
	d.Notify.Kinds, d.Notify.Choices = notify.KindsFor(u), notify.Choices
	d.Notify.Zone = s.Config.Location.String()
	return nil
}

// profileNotifications saves the person's notification settings; a refused post
// shows the box again with its values and the reason on each field.
func (s *Server) profileNotifications(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u != nil && s.Notify == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if u == nil || !s.parseForm(w, r) {
		return
	}
	in := notify.SettingsInput{Kinds: map[string]string{}, QuietFrom: r.PostForm.Get("quiet_from"), QuietTo: r.PostForm.Get("quiet_to")}
	f := newForm()
	for _, k := range notify.KindsFor(u) {
		if v, ok := r.PostForm["kinds."+k]; ok && len(v) > 0 {
			in.Kinds[k] = v[0]
			f.Values["kinds."+k] = v[0]
		}
	}
	f.Values["quiet_from"], f.Values["quiet_to"] = in.QuietFrom, in.QuietTo
	if _, err := s.Notify.SaveSettings(r.Context(), u, in); err != nil {
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.renderProfile(w, keepOnSwitch(r, notifyFormID, "/profile", f), status, u, &profileData{Notify: &notifyBox{Form: f}})
		return
	}
	s.setNotice(r.Context(), "notify.prefs.saved")
	http.Redirect(w, r, "/profile#notify-title", http.StatusSeeOther)
}
