package api

import (
	"net/http"

	"smartservice/internal/notify"
)

// notificationSettingsView is a person's notification preferences: a choice per
// kind of message ("both", "telegram", "mail", "none"), the quiet hours ("HH:MM"
// in the office's zone, null for none) and that zone.
type notificationSettingsView struct {
	Kinds      map[string]string `json:"kinds"`
	QuietHours *quietHoursView   `json:"quiet_hours"`
	TimeZone   string            `json:"time_zone"`
}

// quietHoursView is a daily window; from later than to crosses midnight.
type quietHoursView struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (a *API) notificationSettingsView(s *notify.Settings) notificationSettingsView {
	v := notificationSettingsView{Kinds: map[string]string{}, TimeZone: a.loc.String()}
	for _, k := range notify.PrefKinds {
		v.Kinds[k] = s.Prefs[k].Choice()
	}
	if s.Quiet.Set {
		v.QuietHours = &quietHoursView{From: s.Quiet.FromText(), To: s.Quiet.ToText()}
	}
	return v
}

// notificationSettings answers GET /api/v1/me/notification-settings.
func (a *API) notificationSettings(w http.ResponseWriter, r *http.Request, c *caller) {
	s, err := a.Notify.Settings(r.Context(), c.user)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, a.notificationSettingsView(s))
}
