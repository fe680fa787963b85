package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"smartservice/internal/notify"
)

// adminNotificationsPageSize is how many notifications a page shows.
const adminNotificationsPageSize = 50

// adminNotificationsData is /admin/notifications: the channels that are down, a
// tab per state with its count, and one page of notifications, newest first.
type adminNotificationsData struct {
	Notice string
	Alerts []notify.ChannelState
	State  string
	Tabs   []notifyTab
	Rows   []notifyLine
	// Next continues after this page ("" on the last); First is set past the first.
	Next, First string
}

// notifyTab is one state filter with its count.
type notifyTab struct {
	State, Href string
	Count       int
	Current     bool
}

// notifyLine is a notification as the page shows it, times in the office's zone.
type notifyLine struct {
	notify.Row
	Created, NotBefore, Sent string
	// Waiting: pending and held back (quiet hours, a retry's delay).
	Waiting bool
}

// adminNotifications lists notifications for an administrator, by state, a page at
// a time; the domain refuses anyone else.
func (s *Server) adminNotifications(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u != nil && s.Notify == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if u == nil {
		return
	}
	q := r.URL.Query()
	f := notify.Filter{Limit: adminNotificationsPageSize + 1}
	// A state the page does not know (an old link) shows them all.
	if st := q.Get("state"); slices.Contains(notify.States, st) {
		f.State = st
	}
	if after, err := strconv.ParseInt(q.Get("after"), 10, 64); err == nil && after > 0 {
		f.AfterID = after
	}
	rows, err := s.Notify.List(r.Context(), u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.Notify.Counts(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	alerts, err := s.Notify.Alerts(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &adminNotificationsData{Notice: s.popNotice(r), Alerts: alerts, State: f.State}
	total := 0
	for _, st := range notify.States {
		total += counts[st]
	}
	d.Tabs = append(d.Tabs, notifyTab{Href: "/admin/notifications", Count: total, Current: f.State == ""})
	for _, st := range notify.States {
		d.Tabs = append(d.Tabs, notifyTab{State: st, Href: "/admin/notifications?state=" + st, Count: counts[st], Current: f.State == st})
	}
	if len(rows) > adminNotificationsPageSize {
		rows = rows[:adminNotificationsPageSize]
		next := url.Values{"after": {strconv.FormatInt(rows[len(rows)-1].ID, 10)}}
		if f.State != "" {
			next.Set("state", f.State)
		}
		d.Next = "/admin/notifications?" + next.Encode()
	}
	if f.AfterID > 0 {
		d.First = "/admin/notifications"
		if f.State != "" {
			d.First += "?state=" + f.State
		}
	}
	now := s.Now()
	for _, row := range rows {
		nb := row.NotBefore
		line := notifyLine{Row: row, Created: s.stamp(&row.CreatedAt), NotBefore: s.stamp(&nb), Sent: s.stamp(row.SentAt),
			Waiting: row.State == notify.StatePending && row.NotBefore.After(now)}
		d.Rows = append(d.Rows, line)
	}
	s.render(w, r, http.StatusOK, "admin_notifications", "notify.admin.title", d)
}

// backToNotifications is the list an admin's action returns to: the state they
// were looking at, if it is one.
func backToNotifications(r *http.Request) string {
	if st := r.PostForm.Get("state"); slices.Contains(notify.States, st) {
		return "/admin/notifications?state=" + st
	}
	return "/admin/notifications"
}
