package api

import (
	"net/http"

	"smartservice/internal/notify"
)

// notificationSettingsInput replaces the caller's notification settings: the
// kinds given get their choice (kinds left out keep theirs); quiet_hours null or
// absent means none.
type notificationSettingsInput struct {
	Kinds      map[string]string `json:"kinds"`
	QuietHours *quietHoursView   `json:"quiet_hours"`
}

// quietFields names the domain's fields as this API spells them.
var quietFields = map[string]string{"quiet_from": "quiet_hours.from", "quiet_to": "quiet_hours.to"}

// updateNotificationSettings answers PUT /api/v1/me/notification-settings.
func (a *API) updateNotificationSettings(w http.ResponseWriter, r *http.Request, c *caller) {
	var in notificationSettingsInput
	if !a.decode(w, r, &in) {
		return
	}
	si := notify.SettingsInput{Kinds: in.Kinds}
	if in.QuietHours != nil {
		si.QuietFrom, si.QuietTo = in.QuietHours.From, in.QuietHours.To
	}
	s, err := a.Notify.SaveSettings(r.Context(), c.user, si)
	if err != nil {
		a.fail(w, r, err, quietFields)
		return
	}
	a.writeJSON(w, http.StatusOK, a.notificationSettingsView(s))
}
